import { Ajv, type ErrorObject } from 'ajv';
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { jsonSyntaxError, lineColAt, locateJsonPaths, previewJson, type JsonPath, type TextPosition } from '../model/json-source.js';
import type { ObservedState, Snapshot } from '../model/observed.js';
import { PATTERN_WORDS, SNAPSHOT_SCHEMA } from './snapshot-schema.js';

/** The `kind` of a snapshot file. */
export const SNAPSHOT_KIND = 'entra-soa/snapshot';
/** The only snapshot format version this build reads and writes. */
export const SNAPSHOT_FORMAT_VERSION = 1;
/** At most this many schema problems are reported for one file. */
const MAX_ERRORS = 20;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile<Snapshot>(SNAPSHOT_SCHEMA);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The state with every array sorted by its stable key (see ObservedState). */
export function sortObservedState(s: ObservedState): ObservedState {
  return {
    tenant: s.tenant,
    ad: {
      baseDn: s.ad.baseDn,
      users: [...s.ad.users].sort((a, b) => cmp(a.objectGuid.toLowerCase(), b.objectGuid.toLowerCase()) || cmp(a.dn, b.dn)),
      organizationalUnits: [...s.ad.organizationalUnits].sort((a, b) => cmp(a.dn.toLowerCase(), b.dn.toLowerCase()) || cmp(a.dn, b.dn)),
    },
    entra: {
      users: [...s.entra.users].sort((a, b) => cmp(a.id, b.id)),
      deletedUsers: [...s.entra.deletedUsers].sort((a, b) => cmp(a.id, b.id)),
      groups: [...s.entra.groups].sort((a, b) => cmp(a.id, b.id)),
    },
  };
}

/**
 * Reads a snapshot file. Expected problems (bad JSON, wrong kind or version, wrong shapes) come back
 * as `snapshot-invalid` error diagnostics that name the path in the document and the fix, located
 * at the offending value (`state.json:12:7`); the snapshot is then null.
 */
export function parseSnapshot(text: string, file: string): { snapshot: Snapshot | null; diagnostics: Diagnostic[] } {
  const at = (pos: TextPosition): SourceLocation => ({ file, line: pos.line, col: pos.col });
  const bad = (message: string, path: JsonPath = [], pos?: TextPosition): Diagnostic => ({
    severity: 'error',
    code: 'snapshot-invalid',
    message,
    location: at(pos ?? locateJsonPaths(text, [path])[0] ?? { line: 1, col: 1 }),
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse's own message may quote the text (and has no position on Node 20): find the error ourselves.
    const syntax = jsonSyntaxError(text);
    const why = syntax?.message ?? 'it cannot be parsed';
    return {
      snapshot: null,
      diagnostics: [bad(`${file} is not valid JSON (${why}): write it with \`entra-soa snapshot --out\` or fix the syntax`, [], syntax ? lineColAt(text, syntax.offset) : undefined)],
    };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { snapshot: null, diagnostics: [bad(`${file} must hold a JSON object with kind "${SNAPSHOT_KIND}"`)] };
  }
  const o = doc as Record<string, unknown>;
  if (o['kind'] !== SNAPSHOT_KIND) {
    return {
      snapshot: null,
      diagnostics: [bad(`kind must be "${SNAPSHOT_KIND}", found ${previewJson(o['kind'] ?? null)}: this is not an entra-soa snapshot`, o['kind'] === undefined ? [] : ['kind'])],
    };
  }
  if (o['formatVersion'] !== SNAPSHOT_FORMAT_VERSION) {
    return {
      snapshot: null,
      diagnostics: [
        bad(
          `formatVersion ${previewJson(o['formatVersion'] ?? null)} is not supported (this build reads ${SNAPSHOT_FORMAT_VERSION}): take the snapshot again with this version`,
          o['formatVersion'] === undefined ? [] : ['formatVersion'],
        ),
      ],
    };
  }
  if (!validate(doc)) {
    const errors = simplify(validate.errors ?? []);
    const shown = errors.slice(0, MAX_ERRORS);
    const positions = locateJsonPaths(text, shown.map(pathOf));
    const diagnostics = shown.map((err, i) => bad(describe(err), pathOf(err), positions[i]));
    if (errors.length > MAX_ERRORS) diagnostics.push(bad(`${errors.length - MAX_ERRORS} more problems not shown`, [], { line: 1, col: 1 }));
    return { snapshot: null, diagnostics };
  }
  const snap = doc;
  // onPremisesObjectIdentifier, lastPasswordChangeDateTime, exchangeMailbox and passwordSyncEnabled are
  // optional in formatVersion 1 (snapshots taken before entra-soa read them): absent reads as null, "not
  // known", with no diagnostic (the planner then cannot foresee what depends on them).
  const users = snap.state.entra.users.map((u) => ({
    ...u,
    onPremisesObjectIdentifier: u.onPremisesObjectIdentifier ?? null,
    lastPasswordChangeDateTime: u.lastPasswordChangeDateTime ?? null,
    exchangeMailbox: u.exchangeMailbox ?? null,
  }));
  const f = snap.state.tenant.features;
  const tenant = { ...snap.state.tenant, features: f === null ? null : { ...f, passwordSyncEnabled: f.passwordSyncEnabled ?? null } };
  const state = { ...snap.state, tenant, entra: { ...snap.state.entra, users } };
  return { snapshot: { ...snap, state: sortObservedState(state) }, diagnostics: [] };
}

/** Drops anyOf noise: keep the most specific errors, and one per path. */
function simplify(errors: readonly ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Set<string>();
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'anyOf') continue;
    // Inside an anyOf (nullable value): report the non-null branch's complaint only.
    if (anyOfPaths.has(e.instancePath) && e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null') continue;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function pathOf(e: ErrorObject): (string | number)[] {
  if (e.instancePath === '') return [];
  return e.instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** `state.ad.users[3].objectGuid` */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) s += s === '' ? p : `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s === '' ? 'the document' : s;
}

function describe(e: ErrorObject): string {
  const where = formatPath(pathOf(e));
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${where} is missing the property ${String(p['missingProperty'])}`;
    case 'additionalProperties':
      return `${where} has an unknown property ${String(p['additionalProperty'])}: remove it`;
    case 'type': {
      const t = Array.isArray(p['type']) ? (p['type'] as string[]) : [String(p['type'])];
      return `${where} must be ${t.map((x) => (x === 'null' ? 'null' : `${/^[aeiou]/.test(x) ? 'an' : 'a'} ${x}`)).join(' or ')}`;
    }
    case 'enum':
      return `${where} must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${where} must be ${JSON.stringify(p['allowedValue'])}`;
    case 'pattern':
      return `${where} ${PATTERN_WORDS[String(p['pattern'])] ?? `must match ${String(p['pattern'])}`}`;
    case 'minLength':
      return `${where} must not be empty`;
    default:
      return `${where} ${e.message ?? `fails ${e.keyword}`}`;
  }
}

/**
 * Writes a snapshot: arrays sorted by their stable key, the top level in a fixed order and every
 * nested object with sorted keys, 2-space indent, trailing newline. Equal inputs → identical bytes.
 */
export function serializeSnapshot(s: Snapshot): string {
  const doc = {
    kind: s.kind,
    formatVersion: s.formatVersion,
    capturedAt: s.capturedAt,
    source: s.source,
    state: sortKeysDeep(sortObservedState(s.state)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeysDeep(x);
    }
    return out;
  }
  return v;
}
