/**
 * What kind of entra-soa file a file is, from its first bytes: a manifest, a plan, a snapshot, an
 * apply journal or a drift report. Every command that takes a document reads it through
 * read-document.ts, which uses this to say "this is a snapshot, not a plan" instead of listing schema
 * errors; `--out` uses it to refuse replacing a file that is not a document of the same kind.
 */
import { open, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { PLAN_KIND } from '../document/plan-document.js';
import { DRIFT_REPORT_KIND } from '../model/drift-report.js';
import { SNAPSHOT_KIND } from '../observe/snapshot.js';

/** The kinds of file entra-soa reads or writes; `other` is anything else (or an empty file). */
export type DocumentKind = 'manifest' | 'plan' | 'snapshot' | 'journal' | 'drift-report' | 'other';

/** How much of a file is read to tell its kind (our JSON documents start with their `kind`). */
export const HEAD_BYTES = 64 * 1024;

/** The kind of a document, from its text (or the first HEAD_BYTES of it). */
export function documentKindOf(text: string): DocumentKind {
  const head = text.replace(/^\uFEFF/, '');
  const kind = /^\s*\{\s*"kind"\s*:\s*"([^"\\]*)"/.exec(head)?.[1] ?? kindOfSmallJson(head);
  if (kind === PLAN_KIND) return 'plan';
  if (kind === SNAPSHOT_KIND) return 'snapshot';
  if (kind === DRIFT_REPORT_KIND) return 'drift-report';
  const firstLine = head.slice(0, head.indexOf('\n') === -1 ? undefined : head.indexOf('\n'));
  if (/^\{"type":"plan","digest":"[0-9a-f]+"/.test(firstLine)) return 'journal';
  return isManifest(head) ? 'manifest' : 'other';
}

/** YAML whose `apiVersion` is entra-soa's: the whole text when small, else its first statement. */
function isManifest(text: string): boolean {
  const apiVersion = /^["']?entra-soa\//;
  if (text.length < HEAD_BYTES) {
    try {
      const doc = parseYaml(text, { maxAliasCount: 100 }) as unknown;
      const v = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['apiVersion'] : undefined;
      return typeof v === 'string' && apiVersion.test(v);
    } catch {
      return false;
    }
  }
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#') && l.trim() !== '---');
  const m = /^["']?apiVersion["']?\s*:\s*(.*)$/.exec(first ?? '');
  return m !== null && apiVersion.test(m[1] ?? '');
}

/** A whole JSON document whose `kind` is not its first key (hand-edited): parse it. */
function kindOfSmallJson(text: string): string | undefined {
  if (!/^\s*\{/.test(text) || text.length >= HEAD_BYTES) return undefined;
  try {
    const doc = JSON.parse(text) as unknown;
    const kind = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['kind'] : undefined;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** The kind of the file at `path`, reading at most its first 64 KiB; null when there is no such file. */
export async function documentKindOfFile(path: string): Promise<DocumentKind | null> {
  let handle;
  try {
    // Not a regular file (a FIFO, a device, a folder): no document, and opening a FIFO would wait for a writer.
    if (!(await stat(path)).isFile()) return 'other';
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return documentKindOf(buf.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** "an entra-soa plan", "an entra-soa snapshot", …: for sentences. */
export function describeDocumentKind(kind: DocumentKind): string {
  switch (kind) {
    case 'manifest':
      return 'an entra-soa manifest';
    case 'plan':
      return 'an entra-soa plan';
    case 'snapshot':
      return 'an entra-soa snapshot';
    case 'journal':
      return 'an entra-soa apply journal';
    case 'drift-report':
      return 'an entra-soa drift report';
    case 'other':
      return 'not an entra-soa document';
  }
}

/**
 * The message for a file of another kind given to a command (`show snapshot.json`,
 * `validate plan.json`, `apply manifest.yaml`): what it is and what to run instead. Never suggests
 * writing over the file it names.
 */
export function wrongDocumentMessage(expected: Exclude<DocumentKind, 'journal' | 'other'>, actual: Exclude<DocumentKind, 'other'>, shown: string): string {
  const what = `${shown} is ${describeDocumentKind(actual)}, not ${describeDocumentKind(expected)}`;
  switch (actual) {
    case 'manifest':
      return `${what}: \`entra-soa plan ${shown}\` plans it (add --out plan.json to save the plan for show and apply)`;
    case 'plan':
      return `${what}: \`entra-soa show ${shown}\` prints it and \`entra-soa apply ${shown}\` applies it`;
    case 'snapshot':
      return `${what} (the state of both directories, saved by entra-soa snapshot): plan from it with \`entra-soa plan <manifest> --snapshot ${shown} --out plan.json\``;
    case 'journal':
      return `${what}: apply keeps it next to the plan to resume; show and apply take the plan file itself`;
    case 'drift-report':
      return `${what} (written by entra-soa drift): \`entra-soa drift <manifest> --since ${shown}\` compares a new run with it`;
  }
}
