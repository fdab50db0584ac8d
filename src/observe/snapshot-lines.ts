/**
 * Snapshot formatVersion 2: JSON Lines, so that a tenant of any size is written and read one object
 * at a time (one JSON string of a 1,000,000-user state is longer than V8 can hold).
 *
 *   {"kind":"entra-soa/snapshot","formatVersion":2,"capturedAt":…,"source":…,"tenant":{…},"ad":{"baseDn":…}}
 *   {"type":"adOrganizationalUnit","dn":…}
 *   {"type":"adUser",…}                         one line per AD user, sorted by objectGUID
 *   {"type":"entraUser",…}                      one line per Entra user, sorted by id
 *   {"type":"entraDeletedUser",…} {"type":"entraGroup",…}
 *   {"type":"end","adOrganizationalUnits":2,"adUsers":…,…}   the counts: a cut file has no end line
 *
 * Each record is format 1's array item with a leading `type`; keys sorted, one object per line, so
 * equal states give identical bytes and a diff shows one line per changed object.
 */
import { sortKeys } from '../model/fingerprint.js';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Diagnostic } from '../model/diagnostic.js';
import { jsonSyntaxError, locateJsonPaths, previewJson, type JsonPath } from '../model/json-source.js';
import type { AdOrganizationalUnit, AdUser, DeletedEntraUser, EntraGroup, EntraUser, ObservedState, Snapshot, TenantSyncState } from '../model/observed.js';
import { describeError, errorPath, MAX_SNAPSHOT_ERRORS, simplifyErrors } from './snapshot-errors.js';
import { SNAPSHOT_FORMAT_VERSIONS_READ, SNAPSHOT_KIND, sortObservedState, tenantWithDefaults } from './snapshot-format.js';
import {
  AD_OU_SCHEMA,
  AD_USER_SCHEMA,
  DELETED_USER_SCHEMA,
  END_RECORD_SCHEMA,
  ENTRA_USER_SCHEMA,
  GROUP_SCHEMA,
  recordSchema,
  SNAPSHOT_HEADER_SCHEMA,
} from './snapshot-schema.js';

/** The record types of formatVersion 2, in the order they are written. */
export const SNAPSHOT_RECORD_TYPES = ['adOrganizationalUnit', 'adUser', 'entraUser', 'entraDeletedUser', 'entraGroup'] as const;
type SnapshotRecordType = (typeof SNAPSHOT_RECORD_TYPES)[number];

/** One line of a formatVersion 2 file after the header. */
export type SnapshotRecord =
  | { type: 'adOrganizationalUnit'; value: AdOrganizationalUnit }
  | { type: 'adUser'; value: AdUser }
  | { type: 'entraUser'; value: EntraUser }
  | { type: 'entraDeletedUser'; value: DeletedEntraUser }
  | { type: 'entraGroup'; value: EntraGroup };

/** The header line of a formatVersion 2 file. */
export interface SnapshotHeader {
  capturedAt: string;
  source: string;
  tenant: TenantSyncState;
  baseDn: string;
}

/** The `end` record's property for each record type (how many came before it). */
const COUNT_KEY: Readonly<Record<SnapshotRecordType, string>> = {
  adOrganizationalUnit: 'adOrganizationalUnits',
  adUser: 'adUsers',
  entraUser: 'entraUsers',
  entraDeletedUser: 'entraDeletedUsers',
  entraGroup: 'entraGroups',
};

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateHeader = ajv.compile(SNAPSHOT_HEADER_SCHEMA);
const validateEnd = ajv.compile(END_RECORD_SCHEMA);
const validateRecord: Readonly<Record<SnapshotRecordType, ValidateFunction>> = {
  adOrganizationalUnit: ajv.compile(recordSchema('adOrganizationalUnit', AD_OU_SCHEMA)),
  adUser: ajv.compile(recordSchema('adUser', AD_USER_SCHEMA)),
  entraUser: ajv.compile(recordSchema('entraUser', ENTRA_USER_SCHEMA)),
  entraDeletedUser: ajv.compile(recordSchema('entraDeletedUser', DELETED_USER_SCHEMA)),
  entraGroup: ajv.compile(recordSchema('entraGroup', GROUP_SCHEMA)),
};

const isRecordType = (t: unknown): t is SnapshotRecordType => typeof t === 'string' && (SNAPSHOT_RECORD_TYPES as readonly string[]).includes(t);

/** A state with no objects (the tenant and base DN to be filled in). */
export function emptyState(): ObservedState {
  return {
    tenant: { tenantId: '', onPremisesSyncEnabled: null, disablePending: false, disableRequestedAt: null, onPremisesLastSyncDateTime: null, features: null, accidentalDeletionPrevention: null },
    ad: { baseDn: '', users: [], organizationalUnits: [] },
    entra: { users: [], deletedUsers: [], groups: [] },
  };
}

/** Appends a record's object to its array of `state`. */
export function addRecord(state: ObservedState, r: SnapshotRecord): void {
  switch (r.type) {
    case 'adOrganizationalUnit':
      state.ad.organizationalUnits.push(r.value);
      return;
    case 'adUser':
      state.ad.users.push(r.value);
      return;
    case 'entraUser':
      state.entra.users.push(r.value);
      return;
    case 'entraDeletedUser':
      state.entra.deletedUsers.push(r.value);
      return;
    case 'entraGroup':
      state.entra.groups.push(r.value);
      return;
  }
}

/** The header line (with its newline). */
function snapshotHeaderLine(h: SnapshotHeader): string {
  const header = { kind: SNAPSHOT_KIND, formatVersion: 2, capturedAt: h.capturedAt, source: h.source, tenant: sortKeys(h.tenant), ad: { baseDn: h.baseDn } };
  return `${JSON.stringify(header)}\n`;
}

/** One record's line (with its newline): `type` first, then the value's keys sorted. */
function snapshotRecordLine(r: SnapshotRecord): string {
  return `${JSON.stringify({ type: r.type, ...(sortKeys(r.value) as object) })}\n`;
}

/**
 * The lines of a formatVersion 2 file for `records` (in file order), header first and the end
 * record last, each with its newline. Lazy: a caller may generate records as it writes them.
 */
export function* snapshotLinesOf(header: SnapshotHeader, records: Iterable<SnapshotRecord>): Generator<string> {
  yield snapshotHeaderLine(header);
  const counts: Record<string, number> = {};
  for (const t of SNAPSHOT_RECORD_TYPES) counts[COUNT_KEY[t]] = 0;
  for (const r of records) {
    counts[COUNT_KEY[r.type]] = (counts[COUNT_KEY[r.type]] ?? 0) + 1;
    yield snapshotRecordLine(r);
  }
  yield `${JSON.stringify({ type: 'end', ...counts })}\n`;
}

/** The records of a state, sorted by their stable keys, in file order. */
function* snapshotRecordsOf(state: ObservedState): Generator<SnapshotRecord> {
  const s = sortObservedState(state);
  for (const value of s.ad.organizationalUnits) yield { type: 'adOrganizationalUnit', value };
  for (const value of s.ad.users) yield { type: 'adUser', value };
  for (const value of s.entra.users) yield { type: 'entraUser', value };
  for (const value of s.entra.deletedUsers) yield { type: 'entraDeletedUser', value };
  for (const value of s.entra.groups) yield { type: 'entraGroup', value };
}

/** The lines of a snapshot in formatVersion 2 (see the module comment). */
export function snapshotLines(s: Snapshot): Generator<string> {
  return snapshotLinesOf({ capturedAt: s.capturedAt, source: s.source, tenant: s.state.tenant, baseDn: s.state.ad.baseDn }, snapshotRecordsOf(s.state));
}

/** Lines joined into chunks of about `size` UTF-16 units (fewer, larger writes). */
export function* chunksOf(lines: Iterable<string>, size = 1024 * 1024): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** True when `line` (the first line of a file) is a formatVersion 2 header, as far as a reader needs to choose the format. */
export function isSnapshotLinesHeader(line: string): boolean {
  // A format 1 file starts with `{` and its first line is not a whole JSON object (pretty-printed),
  // or is one whose formatVersion is 1 (written on one line by hand).
  if (!line.trimStart().startsWith('{')) return false;
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && (v as Record<string, unknown>)['formatVersion'] !== 1 && !('state' in v);
  } catch {
    return false;
  }
}

/**
 * Reads a formatVersion 2 file line by line (`push` each line with its 1-based number, then
 * `finish`). Every line is checked against its record schema as it comes; problems are
 * `snapshot-invalid` diagnostics at `file:line:col` (at most MAX_SNAPSHOT_ERRORS, then a count).
 * Once a problem is found, records are no longer kept (the result will be null anyway).
 */
export class SnapshotLineReader {
  private header: SnapshotHeader | null = null;
  private ended: { line: number; counts: Record<string, unknown> } | null = null;
  /** The records so far (the tenant is the header's, set when it is read). */
  private readonly state: ObservedState = emptyState();
  private readonly counts: Record<SnapshotRecordType, number> = { adOrganizationalUnit: 0, adUser: 0, entraUser: 0, entraDeletedUser: 0, entraGroup: 0 };
  private readonly diagnostics: Diagnostic[] = [];
  private problems = 0;
  private lastLine = 0;
  /** True when the header itself is wrong: the rest of the file is not read. */
  stopped = false;

  constructor(private readonly file: string) {}

  private bad(message: string, line: number, col = 1): void {
    this.problems++;
    if (this.diagnostics.length < MAX_SNAPSHOT_ERRORS) this.diagnostics.push({ severity: 'error', code: 'snapshot-invalid', message, location: { file: this.file, line, col } });
  }

  private schemaErrors(validate: ValidateFunction, text: string, lineNo: number, prefix: JsonPath): void {
    const errors = simplifyErrors(validate.errors ?? []);
    const positions = locateJsonPaths(text, errors.map(errorPath));
    errors.forEach((e, i) => this.bad(describeError(e, prefix), lineNo, positions[i]?.col ?? 1));
  }

  /** Feeds one line (without its newline). */
  push(text: string, lineNo: number): void {
    if (this.stopped) return;
    this.lastLine = lineNo;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const syntax = jsonSyntaxError(text);
      this.bad(`line ${lineNo} is not valid JSON (${syntax?.message ?? 'it cannot be parsed'}): each line of a formatVersion 2 snapshot is one JSON object`, lineNo, (syntax?.offset ?? 0) + 1);
      if (this.header === null) this.stopped = true;
      return;
    }
    if (this.header === null) return this.readHeader(value, text, lineNo);
    if (this.ended !== null) return this.bad(`line ${lineNo} comes after the end record (line ${this.ended.line}): the end record must be the last line`, lineNo);
    const type = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)['type'] : undefined;
    if (type === 'end') {
      if (!validateEnd(value)) return this.schemaErrors(validateEnd, text, lineNo, ['end']);
      this.ended = { line: lineNo, counts: value as Record<string, unknown> };
      return;
    }
    if (!isRecordType(type)) {
      const found = type === undefined ? 'no "type"' : `"type" ${previewJson(type)}`;
      return this.bad(`line ${lineNo} has ${found}: a record's type is one of ${[...SNAPSHOT_RECORD_TYPES, 'end'].map((t) => `"${t}"`).join(', ')}`, lineNo);
    }
    this.counts[type]++;
    const validate = validateRecord[type];
    if (!validate(value)) return this.schemaErrors(validate, text, lineNo, [type]);
    if (this.problems > 0) return;
    const { type: _type, ...item } = value as Record<string, unknown>;
    // The schema checked the shape of the record of this type.
    addRecord(this.state, { type, value: item } as unknown as SnapshotRecord);
  }

  private readHeader(value: unknown, text: string, lineNo: number): void {
    this.stopped = true;
    const o = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    if (o === null) return this.bad(`${this.file} must start with a JSON object with kind "${SNAPSHOT_KIND}"`, lineNo);
    if (o['kind'] !== SNAPSHOT_KIND) {
      return this.bad(`kind must be "${SNAPSHOT_KIND}", found ${previewJson(o['kind'] ?? null)}: this is not an entra-soa snapshot`, lineNo, locateJsonPaths(text, [['kind']])[0]?.col ?? 1);
    }
    if (o['formatVersion'] !== 2) {
      return this.bad(
        `formatVersion ${previewJson(o['formatVersion'] ?? null)} is not supported (this build reads ${SNAPSHOT_FORMAT_VERSIONS_READ.join(' and ')}): take the snapshot again with this version`,
        lineNo,
        locateJsonPaths(text, [['formatVersion']])[0]?.col ?? 1,
      );
    }
    if (!validateHeader(value)) return this.schemaErrors(validateHeader, text, lineNo, []);
    const h = value as { capturedAt: string; source: string; tenant: TenantSyncState; ad: { baseDn: string } };
    this.header = { capturedAt: h.capturedAt, source: h.source, tenant: tenantWithDefaults(h.tenant), baseDn: h.ad.baseDn };
    this.stopped = false;
  }

  /** The snapshot, or null with the problems found. */
  finish(): { snapshot: Snapshot | null; diagnostics: Diagnostic[] } {
    const end = this.lastLine + 1;
    if (this.header === null && this.problems === 0) this.bad(`${this.file} is empty: write it with \`entra-soa snapshot --out\``, 1);
    else if (this.header !== null && this.ended === null) {
      this.bad(`${this.file} ends at line ${this.lastLine} without its end record: the file is incomplete (cut short while written or copied). Take the snapshot again`, end);
    } else if (this.ended !== null && this.problems === 0) {
      // (With other problems, lines that could not be read would only show up here again.)
      for (const t of SNAPSHOT_RECORD_TYPES) {
        const said = this.ended.counts[COUNT_KEY[t]];
        if (said !== this.counts[t]) {
          this.bad(`the end record counts ${String(said)} ${t} records but the file holds ${this.counts[t]}: lines were lost or added. Take the snapshot again`, this.ended.line);
        }
      }
    }
    if (this.problems > MAX_SNAPSHOT_ERRORS) {
      this.diagnostics.push({ severity: 'error', code: 'snapshot-invalid', message: `${this.problems - MAX_SNAPSHOT_ERRORS} more problems not shown`, location: { file: this.file, line: 1, col: 1 } });
    }
    if (this.problems > 0 || this.header === null) return { snapshot: null, diagnostics: this.diagnostics };
    const h = this.header;
    const state = sortObservedState({ ...this.state, tenant: h.tenant, ad: { ...this.state.ad, baseDn: h.baseDn } });
    return { snapshot: { kind: SNAPSHOT_KIND, formatVersion: 2, capturedAt: h.capturedAt, source: h.source, state }, diagnostics: [] };
  }
}
