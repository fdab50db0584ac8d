import { Ajv } from 'ajv';
import { sortKeys } from '../model/fingerprint.js';
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { jsonSyntaxError, lineColAt, locateJsonPaths, previewJson, type JsonPath, type TextPosition } from '../model/json-source.js';
import type { Snapshot } from '../model/observed.js';
import { describeError, errorPath, MAX_SNAPSHOT_ERRORS, simplifyErrors } from './snapshot-errors.js';
import { SNAPSHOT_FORMAT_VERSIONS_READ, SNAPSHOT_KIND, sortObservedState, tenantWithDefaults } from './snapshot-format.js';
import { isSnapshotLinesHeader, SnapshotLineReader } from './snapshot-lines.js';
import { SNAPSHOT_SCHEMA } from './snapshot-schema.js';

export { SNAPSHOT_FORMAT_VERSION, SNAPSHOT_KIND, sortObservedState } from './snapshot-format.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile<Snapshot>(SNAPSHOT_SCHEMA);

/** Reads formatVersion 2 text held in one string (small files, tests): line by line, as the stream reader does. */
function parseSnapshotLines(text: string, file: string): { snapshot: Snapshot | null; diagnostics: Diagnostic[] } {
  const reader = new SnapshotLineReader(file);
  let lineNo = 0;
  for (let start = 0; start < text.length && !reader.stopped; ) {
    const nl = text.indexOf('\n', start);
    const stop = nl === -1 ? text.length : nl;
    reader.push(text.slice(start, stop > start && text[stop - 1] === '\r' ? stop - 1 : stop), ++lineNo);
    start = stop + 1;
  }
  return reader.finish();
}

/**
 * Reads a snapshot held in one string, in either format (formatVersion 2 when the first line is its
 * header; src/observe/snapshot-file.ts reads files as streams). Expected problems (bad JSON, wrong kind or version, wrong shapes) come back
 * as `snapshot-invalid` error diagnostics that name the path in the document and the fix, located
 * at the offending value (`state.json:12:7`); the snapshot is then null.
 */
export function parseSnapshot(text: string, file: string): { snapshot: Snapshot | null; diagnostics: Diagnostic[] } {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')).replace(/^\uFEFF/, '');
  if (isSnapshotLinesHeader(firstLine)) return parseSnapshotLines(text.replace(/^\uFEFF/, ''), file);
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
  if (o['formatVersion'] === 2) {
    return {
      snapshot: null,
      diagnostics: [
        bad(
          `formatVersion 2 is JSON Lines (a header line, then one object per line), but ${file} holds the whole state in one document: write it with \`entra-soa snapshot --out\`, or set formatVersion 1`,
          ['formatVersion'],
        ),
      ],
    };
  }
  if (o['formatVersion'] !== 1) {
    return {
      snapshot: null,
      diagnostics: [
        bad(
          `formatVersion ${previewJson(o['formatVersion'] ?? null)} is not supported (this build reads ${SNAPSHOT_FORMAT_VERSIONS_READ.join(' and ')}): take the snapshot again with this version`,
          o['formatVersion'] === undefined ? [] : ['formatVersion'],
        ),
      ],
    };
  }
  if (!validate(doc)) {
    const errors = simplifyErrors(validate.errors ?? []);
    const shown = errors.slice(0, MAX_SNAPSHOT_ERRORS);
    const positions = locateJsonPaths(text, shown.map(errorPath));
    const diagnostics = shown.map((err, i) => bad(describeError(err), errorPath(err), positions[i]));
    if (errors.length > MAX_SNAPSHOT_ERRORS) diagnostics.push(bad(`${errors.length - MAX_SNAPSHOT_ERRORS} more problems not shown`, [], { line: 1, col: 1 }));
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
  const state = { ...snap.state, tenant: tenantWithDefaults(snap.state.tenant), entra: { ...snap.state.entra, users } };
  return { snapshot: { ...snap, state: sortObservedState(state) }, diagnostics: [] };
}

/**
 * Writes a snapshot in formatVersion 1, one JSON document in one string (small states; `snapshot
 * --out` writes formatVersion 2 through src/observe/snapshot-file.ts): arrays sorted by their stable
 * key, the top level in a fixed order and every nested object with sorted keys, 2-space indent,
 * trailing newline. Equal inputs → identical bytes.
 */
export function serializeSnapshot(s: Snapshot): string {
  const doc = {
    kind: s.kind,
    formatVersion: 1,
    capturedAt: s.capturedAt,
    source: s.source,
    state: sortKeys(sortObservedState(s.state)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
