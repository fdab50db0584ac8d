import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DesiredState } from '../model/desired.js';
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { sha256Hex } from '../model/fingerprint.js';
import { readInputFile, reasonOf } from './input-file.js';
import { normaliseParts } from './normalise.js';
import type { ManifestParts } from './normalise.js';
import { urlCarriesCredentials } from './connection-check.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { schemaErrors } from './schema.js';
import { secretDiagnostics } from './secrets.js';
import { semanticDiagnostics } from './semantic.js';
import { locate, parseYamlSource } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/**
 * The outcome of loading a manifest. `desired` is null exactly when `diagnostics` holds an
 * error; warnings alone leave it set. Diagnostics are sorted by position in the file.
 */
export interface ManifestLoadResult {
  desired: DesiredState | null;
  diagnostics: Diagnostic[];
}

interface Analysis {
  result: ManifestLoadResult;
  /** The caFile as written, for the existence check only the file loader can do. */
  caFile?: { value: string; location: SourceLocation };
}

/**
 * Loads a manifest from text: YAML → schema → semantic checks → DesiredState. Pure: no file
 * system access (so `caFile` is not checked for existence; {@link loadManifestFile} does that).
 * `file` is used in diagnostics; `baseDir`, when given, makes `caFile` absolute.
 */
export function loadManifestText(text: string, file: string, opts: { baseDir?: string } = {}): ManifestLoadResult {
  return analyse(text, file, sha256Hex(text), opts.baseDir).result;
}

/**
 * Reads and loads a manifest file. `displayPath` (default: `path`) names it in diagnostics.
 * Also reports a missing manifest or `caFile` as `file-not-found`, and so a manifest that is not a
 * regular file or is larger than 16 MiB (src/manifest/input-file.ts). Never throws for a user error.
 */
export async function loadManifestFile(path: string, displayPath: string = path): Promise<ManifestLoadResult> {
  const read = await readInputFile(path, displayPath, 'manifest');
  if (!read.ok) return { desired: null, diagnostics: [{ severity: 'error', code: 'file-not-found', message: read.message }] };
  return loadManifestBytes(read.bytes, path, displayPath);
}

/** Loads a manifest already read from `path` (its `caFile` is relative to the manifest's folder). */
export async function loadManifestBytes(bytes: Buffer, path: string, displayPath: string = path): Promise<ManifestLoadResult> {
  const baseDir = dirname(resolve(path));
  const { result, caFile } = analyse(bytes.toString('utf8'), displayPath, sha256Hex(bytes), baseDir);
  if (caFile) {
    const abs = resolve(baseDir, caFile.value);
    try {
      await access(abs);
    } catch (err) {
      const diagnostics = sortDiagnostics([
        ...result.diagnostics,
        {
          severity: 'error',
          code: 'file-not-found',
          message:
            `activeDirectory.connection.caFile "${caFile.value}" cannot be read (${reasonOf(err)}; looked for ${abs}). ` +
            "The path is relative to the manifest's directory: fix it, or remove caFile to use the system trust store.",
          location: caFile.location,
        },
      ]);
      return { desired: null, diagnostics };
    }
  }
  return result;
}

/** Diagnostics in their one textual form, one per line (empty string for none). */
export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${formatDiagnostic(d)}\n`).join('');
}

function analyse(text: string, file: string, digest: string, baseDir: string | undefined): Analysis {
  const { source, diagnostics: yamlDiagnostics } = parseYamlSource(text, file);
  const secrets = secretDiagnostics(source);
  if (yamlDiagnostics.some((d) => d.severity === 'error')) {
    return { result: { desired: null, diagnostics: sortDiagnostics([...yamlDiagnostics, ...secrets]) } };
  }
  const errors = schemaErrors(source.data);
  // Every pointer with an error and each of its ancestors: one set lookup per isClean question,
  // not a scan of all errors (a manifest with thousands of rules and errors stays linear).
  const dirty = new Set<string>();
  for (const e of errors) {
    for (let p = e.instancePath; !dirty.has(p); p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      dirty.add(p);
      if (p === '') break;
    }
  }
  // A URL with a password in it fails the schema's pattern, whose message would quote it:
  // connection-check.ts reports it instead, without the value.
  const hideUrl = urlCarriesCredentials(source);
  const shownErrors = hideUrl ? errors.filter((e) => e.instancePath !== '/activeDirectory/connection/url') : errors;
  const isClean = (segments: string[]): boolean => {
    const pointer = segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    return !dirty.has(pointer);
  };
  const parts = normaliseParts(source.data, source, isClean, baseDir === undefined ? {} : { baseDir });
  const diagnostics = sortDiagnostics([
    ...yamlDiagnostics,
    ...secrets,
    ...schemaDiagnostics(shownErrors, source),
    ...semanticDiagnostics(parts, source),
  ]);
  const hasError = diagnostics.some((d) => d.severity === 'error');
  const desired = hasError ? null : assemble(parts, file, digest);
  const caFile = rawCaFile(source);
  return { result: { desired, diagnostics }, ...(caFile ? { caFile } : {}) };
}

function assemble(parts: ManifestParts, file: string, digest: string): DesiredState | null {
  const { tenant, activeDirectory, allow, sync } = parts;
  if (!tenant || !activeDirectory || !allow || !sync) return null;
  if (parts.users.length !== parts.userRuleCount || parts.groups.length !== parts.groupRuleCount) return null;
  return {
    file,
    digest,
    tenant,
    activeDirectory,
    users: parts.users.map((u) => u.rule),
    groups: parts.groups.map((g) => g.rule),
    allow,
    sync,
  };
}

function rawCaFile(source: YamlSource): { value: string; location: SourceLocation } | undefined {
  const data = source.data;
  const ad = isRecord(data) ? data['activeDirectory'] : undefined;
  const conn = isRecord(ad) ? ad['connection'] : undefined;
  const ca = isRecord(conn) ? conn['caFile'] : undefined;
  if (typeof ca !== 'string' || ca === '') return undefined;
  return { value: ca, location: locate(source, ['activeDirectory', 'connection', 'caFile']) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** By position (diagnostics without a location first), keeping the order of equal positions. */
function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((x, y) => {
      const a = x.d.location;
      const b = y.d.location;
      if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0) || x.i - y.i;
      return a.line - b.line || a.col - b.col || x.i - y.i;
    })
    .map((x) => x.d);
}
