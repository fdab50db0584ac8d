/**
 * The public plan document (`plan --out plan.json`, `show`, `apply`): the one JSON form of a
 * `Plan`. Every renderer starts from this document, so the human and Markdown views cannot
 * show anything the saved plan does not contain.
 *
 * `encodePlan` writes keys in a fixed order (the order of the tables below), 2-space indent and a
 * trailing newline, so equal plans give byte-identical files. `decodePlan` checks the document's
 * kind, format version and every field, and answers with diagnostics rather than exceptions.
 * Invariant: `decodePlan(encodePlan(p)).plan` deep-equals `p`.
 */
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { jsonSyntaxError, lineColAt, locateJsonPaths, previewJson, type JsonPath } from '../model/json-source.js';
import { MANIFEST_FEATURE_NAMES } from '../model/desired.js';
import { SOURCE_ANCHOR_ATTRIBUTES } from '../model/observed.js';
import {
  HAZARD_CODES,
  PLAN_ACTIONS,
  SYNC_EFFECT_ATTRIBUTES,
  SYNC_MATCHES,
  SYNC_PASSWORD_OUTCOMES,
  type FingerprintDetails,
  type Hazard,
  type Plan,
  type PlannedStep,
  type SyncEffects,
} from '../model/plan.js';

export { HAZARD_CODES } from '../model/plan.js';
import { AD_CHANGE_ATTRIBUTES, CLEARABLE_ON_PREMISES_ATTRIBUTES, type AttrChange, type Expectation, type NewAdUser, type Step } from '../model/step.js';
import { STEP_KINDS, STEP_SPECS, type StepFieldType } from '../steps/index.js';

/** The `kind` of a plan document. */
export const PLAN_KIND = 'entra-soa/plan';
/** The only plan format version this build reads and writes. */
export const PLAN_FORMAT_VERSION = 1;



/** The type of one field of a step, as the document stores it (each kind's fields: src/steps). */
type FieldType = StepFieldType;

/** `boolean?`: an optional flag, written only when present (absent and false are not the same document). */
const NEW_AD_USER_FIELDS: { [F in keyof NewAdUser]-?: 'string' | 'string?' | 'strings' | 'boolean?' } = {
  cn: 'string',
  samAccountName: 'string',
  userPrincipalName: 'string',
  mail: 'string?',
  proxyAddresses: 'strings',
  givenName: 'string?',
  surname: 'string?',
  displayName: 'string?',
  mustChangePassword: 'boolean?',
};

type ExpectationFieldTable = {
  [K in Expectation['kind']]: { [F in Exclude<keyof Extract<Expectation, { kind: K }>, 'kind'>]-?: 'string' };
};
const EXPECTATION_FIELDS: ExpectationFieldTable = {
  userSoftDeleted: { userId: 'string', upn: 'string' },
  userSynced: { userId: 'string', upn: 'string', immutableId: 'string' },
  tenantSyncDisabled: { tenantId: 'string' },
};

// ---------------------------------------------------------------------------------------------
// encode

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * A part of the document as the encoder walks it: plain JSON, or one of the collections that grow
 * with the tenant (steps, fingerprints), whose items are turned into JSON one at a time.
 */
type Part = Json | LazyArray | LazyRecord | PartObject;

class LazyArray {
  constructor(
    readonly length: number,
    readonly item: (i: number) => Json,
  ) {}
}

/** A record written with its keys in the given (sorted) order, as own properties ("__proto__" stays a key). */
class LazyRecord {
  constructor(
    readonly keys: readonly string[],
    readonly value: (key: string) => Json,
  ) {}
}

class PartObject {
  constructor(readonly entries: readonly (readonly [string, Part])[]) {}
}

/** The plan as its public JSON document: fixed key order, 2-space indent, trailing newline. */
export function encodePlan(plan: Plan): string {
  let text = '';
  for (const chunk of encodePlanChunks(plan)) text += chunk;
  return text;
}

/**
 * `encodePlan`, piece by piece (one step, one fingerprint at a time), for plans whose document is
 * too large to be one string (a million users: V8 strings stop at 2^29 characters). The pieces
 * joined are `encodePlan`'s text, byte for byte: `JSON.stringify(document, null, 2)` and a newline.
 */
export function* encodePlanChunks(plan: Plan): Generator<string, void, undefined> {
  yield* partChunks(planParts(plan), '');
  yield '\n';
}

function* partChunks(part: Part, indent: string): Generator<string, void, undefined> {
  const inner = `${indent}  `;
  if (part instanceof LazyArray) {
    if (part.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < part.length; i++) yield `${inner}${jsonAt(part.item(i), inner)}${i < part.length - 1 ? ',' : ''}\n`;
    yield `${indent}]`;
  } else if (part instanceof LazyRecord) {
    if (part.keys.length === 0) {
      yield '{}';
      return;
    }
    yield '{\n';
    const last = part.keys.length - 1;
    for (let i = 0; i <= last; i++) {
      const k = part.keys[i] as string;
      yield `${inner}${JSON.stringify(k)}: ${jsonAt(part.value(k), inner)}${i < last ? ',' : ''}\n`;
    }
    yield `${indent}}`;
  } else if (part instanceof PartObject) {
    if (part.entries.length === 0) {
      yield '{}';
      return;
    }
    yield '{\n';
    for (const [i, [k, v]] of part.entries.entries()) {
      yield `${inner}${JSON.stringify(k)}: `;
      yield* partChunks(v, inner);
      yield i < part.entries.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}}`;
  } else yield jsonAt(part, indent);
}

/** JSON.stringify with a 2-space indent, as it reads nested at `indent` (strings hold no raw newline). */
function jsonAt(value: Json, indent: string): string {
  const text = JSON.stringify(value, null, 2);
  return indent === '' || !text.includes('\n') ? text : text.replace(/\n/g, `\n${indent}`);
}

/** Turns the parts into plain JSON (for the parts of a plan that renderers read; small by construction). */
function partToJson(part: Part): Json {
  if (part instanceof LazyArray) return Array.from({ length: part.length }, (_, i) => part.item(i));
  if (part instanceof LazyRecord) return Object.fromEntries(part.keys.map((k) => [k, part.value(k)]));
  if (part instanceof PartObject) return Object.fromEntries(part.entries.map(([k, v]) => [k, partToJson(v)]));
  return part;
}

function planParts(plan: Plan): PartObject {
  const details = plan.fingerprintDetails;
  const entries: [string, Part][] = [
    ['kind', plan.kind],
    ['formatVersion', plan.formatVersion],
    ['tool', { name: plan.tool.name, version: plan.tool.version }],
    ['createdAt', plan.createdAt],
    ['manifest', { file: plan.manifest.file, digest: plan.manifest.digest }],
    ['source', plan.source],
    ['join', { sourceAnchor: plan.join.sourceAnchor, softMatchOnUpn: plan.join.softMatchOnUpn }],
    ['applyable', plan.applyable],
    [
      'consentGiven',
      {
        disruptive: plan.consentGiven.disruptive,
        irreversible: plan.consentGiven.irreversible,
        exceedDeletionThreshold: plan.consentGiven.exceedDeletionThreshold,
      },
    ],
    ['summary', { add: plan.summary.add, change: plan.summary.change, remove: plan.summary.remove, wait: plan.summary.wait }],
    ['steps', new LazyArray(plan.steps.length, (i) => plannedStepToJson(plan.steps[i] as PlannedStep))],
    ['hazards', new LazyArray(plan.hazards.length, (i) => hazardToJson(plan.hazards[i] as Hazard))],
    ['diagnostics', new LazyArray(plan.diagnostics.length, (i) => diagnosticToJson(plan.diagnostics[i] as Diagnostic))],
    ['fingerprints', sortedRecord(plan.fingerprints)],
  ];
  if (details !== undefined) {
    entries.push([
      'fingerprintDetails',
      new PartObject([
        ['labels', { user: [...details.labels.user], group: [...details.labels.group], tenant: [...details.labels.tenant] }],
        ['digests', sortedRecord(details.digests)],
      ]),
    ]);
  }
  if (plan.targets !== undefined) entries.push(['targets', [...plan.targets]]);
  return new PartObject(entries);
}

/**
 * A record of strings with its keys sorted, in the order an object built from the sorted keys lists
 * them (what the document has always held): array-index keys ("7") first in numeric order, then the
 * others sorted.
 */
function sortedRecord(r: Readonly<Record<string, string>>): LazyRecord {
  const keys = Object.keys(r).sort();
  const indices = keys.filter(isArrayIndex);
  const ordered = indices.length === 0 ? keys : [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
  return new LazyRecord(ordered, (k) => r[k] as string);
}

function isArrayIndex(k: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 2 ** 32 - 1;
}

// ---------------------------------------------------------------------------------------------
// the plan as a reader of its document gets it, without the text

/** How the views read a plan. */
export interface DocumentedOptions {
  /** Maps every free-text value (names, DNs, reasons, messages) as it is read: the views escape control characters with it. */
  shown?: (text: string) => string;
}

/**
 * The step as `decodePlan(encodePlan(plan))` holds it: the encoder's JSON form of the step read back
 * by the decoder's own reader, without writing or parsing text. Renderers show steps through this,
 * so a view shows exactly what a saved plan holds (a field the document does not carry is not shown).
 */
export function documentedStep(s: PlannedStep, opts: DocumentedOptions = {}): PlannedStep {
  return readBack((r) => readPlannedStep(r, plannedStepToJson(s), 'step'), opts.shown);
}

/**
 * The plan without its steps and fingerprints (the parts that grow with the tenant), as
 * `decodePlan(encodePlan(plan))` holds it: the header, summary, hazards and diagnostics the views
 * show. Steps go through `documentedStep`, one at a time.
 */
export function documentedOverview(plan: Plan, opts: DocumentedOptions = {}): Plan {
  const { fingerprintDetails: _details, ...rest } = plan;
  const json = partToJson(planParts({ ...rest, steps: [], fingerprints: {} }));
  return readBack((r) => readPlan(r, json as Record<string, unknown>), opts.shown);
}

function readBack<T>(read: (r: Reader) => T, shown?: (text: string) => string): T {
  const errors: StructureError[] = [];
  const value = read(new Reader(errors, shown));
  // The encoder wrote something the decoder refuses: a bug in this module, not a user error.
  if (errors.length > 0) throw new Error(`plan document does not round-trip: ${errors.map((e) => e.message).join('; ')}`);
  return value;
}

function plannedStepToJson(s: PlannedStep): Json {
  const out: { [k: string]: Json } = {
    id: s.id,
    objectKey: s.objectKey,
    action: s.action,
    step: stepToJson(s.step),
    dependsOn: [...s.dependsOn],
    hazardCodes: [...s.hazardCodes],
    reason: s.reason,
  };
  if (s.requiresDelegatedSignIn === true) out['requiresDelegatedSignIn'] = true;
  if (s.syncEffects !== undefined) out['syncEffects'] = syncEffectsToJson(s.syncEffects);
  return out;
}

function syncEffectsToJson(e: SyncEffects): Json {
  return {
    match: e.match,
    source: e.source,
    changes: e.changes.map((c) => ({ attribute: c.attribute, from: [...c.from], to: [...c.to] })),
    password: e.password,
  };
}

function stepToJson(step: Step): Json {
  const out: { [k: string]: Json } = { kind: step.kind };
  const fields = STEP_SPECS[step.kind].fields as Record<string, FieldType>;
  const values = step as unknown as Record<string, unknown>;
  for (const [name, type] of Object.entries(fields)) out[name] = fieldToJson(type, values[name]);
  return out;
}

function fieldToJson(type: FieldType, value: unknown): Json {
  switch (type) {
    case 'string':
    case 'string?':
    case 'boolean':
    case 'number':
    case 'number?':
    case 'feature':
      return (value ?? null) as Json;
    case 'attrChanges':
      return (value as AttrChange[]).map((c) => ({ attribute: c.attribute, from: [...c.from], to: [...c.to] }));
    case 'newAdUser': {
      const u = value as NewAdUser;
      const out: { [k: string]: Json } = {};
      for (const [name, t] of Object.entries(NEW_AD_USER_FIELDS)) {
        const v = u[name as keyof NewAdUser];
        if (t === 'boolean?') {
          if (v !== undefined) out[name] = v;
        } else out[name] = t === 'strings' ? [...(v as string[])] : ((v ?? null));
      }
      return out;
    }
    case 'expectation': {
      const e = value as Expectation;
      const out: { [k: string]: Json } = { kind: e.kind };
      const src = e as unknown as Record<string, string>;
      for (const name of Object.keys(EXPECTATION_FIELDS[e.kind])) out[name] = src[name] ?? '';
      return out;
    }
    case 'clearedAttributes': {
      const attrs = value as Record<string, string | null | undefined>;
      const out: { [k: string]: Json } = {};
      for (const name of CLEARABLE_ON_PREMISES_ATTRIBUTES) {
        const v = attrs[name];
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    default:
      return assertNeverType(type);
  }
}

function hazardToJson(h: Hazard): Json {
  const out: { [k: string]: Json } = {
    code: h.code,
    severity: h.severity,
    blocking: h.blocking,
  };
  if (h.consent !== undefined) out['consent'] = h.consent;
  out['message'] = h.message;
  out['stepIds'] = [...h.stepIds];
  out['objectKeys'] = [...h.objectKeys];
  return out;
}

function locationToJson(l: SourceLocation): Json {
  return { file: l.file, line: l.line, col: l.col };
}

function diagnosticToJson(d: Diagnostic): Json {
  const out: { [k: string]: Json } = { severity: d.severity, code: d.code, message: d.message };
  if (d.location !== undefined) out['location'] = locationToJson(d.location);
  if (d.related !== undefined) out['related'] = d.related.map(locationToJson);
  if (d.objectKey !== undefined) out['objectKey'] = d.objectKey;
  return out;
}

function assertNeverType(x: never): never {
  throw new Error(`unexpected field type: ${JSON.stringify(x)}`);
}

// ---------------------------------------------------------------------------------------------
// decode

/** The result of reading a plan document: the plan, or null with error diagnostics. */
export interface DecodedPlan {
  plan: Plan | null;
  diagnostics: Diagnostic[];
}

const MAX_STRUCTURE_ERRORS = 20;

/**
 * Read a plan document. `file` names it in diagnostics. Codes: `plan-syntax` (not JSON),
 * `plan-kind` (not a plan document), `plan-format-version` (written by a newer or unknown
 * entra-soa), `plan-structure` (a field is missing or has the wrong type; the message names the path).
 */
export function decodePlan(text: string, file: string): DecodedPlan {
  const at = (path: JsonPath): SourceLocation => ({ file, ...(locateJsonPaths(text, [path])[0] ?? { line: 1, col: 1 }) });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { plan: null, diagnostics: [syntaxDiagnostic(text, file)] };
  }
  if (!isRecord(raw) || raw['kind'] !== PLAN_KIND) {
    const kind = isRecord(raw) && typeof raw['kind'] === 'string' ? ` (its kind is ${previewJson(raw['kind'])})` : '';
    return {
      plan: null,
      diagnostics: [
        error(
          'plan-kind',
          `${file} is not an entra-soa plan${kind}: expected "kind": "${PLAN_KIND}". Create one with \`entra-soa plan -f <manifest> --out ${file}\`.`,
          at(isRecord(raw) && raw['kind'] !== undefined ? ['kind'] : []),
        ),
      ],
    };
  }
  const version = raw['formatVersion'];
  if (version !== PLAN_FORMAT_VERSION) {
    return { plan: null, diagnostics: [versionDiagnostic(raw, file, at(version === undefined ? [] : ['formatVersion']))] };
  }
  const errors: StructureError[] = [];
  const plan = readPlan(new Reader(errors), raw);
  if (errors.length === 0) errors.push(...referenceErrors(plan));
  if (errors.length === 0) errors.push(...cycleErrors(plan));
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_STRUCTURE_ERRORS);
    const more = errors.length - shown.length;
    const positions = locateJsonPaths(text, shown.map((e) => jsonPathOf(e.path)));
    const diagnostics = shown.map((e, i) =>
      error(
        'plan-structure',
        `${file} is not a valid plan document: ${e.message}. Was it edited by hand? Plan again to get a fresh one.`,
        { file, ...(positions[i] ?? { line: 1, col: 1 }) },
      ),
    );
    if (more > 0) diagnostics.push(error('plan-structure', `${file}: ${more} more problems not shown.`, { file, line: 1, col: 1 }));
    return { plan: null, diagnostics };
  }
  return { plan, diagnostics: [] };
}

/** One structural problem: the display path of the value (`steps[2].step.upn`) and the sentence about it. */
interface StructureError {
  path: string;
  message: string;
}

/** Step ids are unique and every dependency names a step of the plan (apply relies on both). */
function referenceErrors(plan: Plan): StructureError[] {
  const errors: StructureError[] = [];
  const ids = new Set<string>();
  for (const [i, s] of plan.steps.entries()) {
    const path = `steps[${i}].id`;
    if (ids.has(s.id)) errors.push({ path, message: `${path} ${previewJson(s.id)} is used by an earlier step too; step ids must be unique` });
    ids.add(s.id);
  }
  for (const [i, s] of plan.steps.entries()) {
    for (const [j, d] of s.dependsOn.entries()) {
      const path = `steps[${i}].dependsOn[${j}]`;
      if (!ids.has(d)) errors.push({ path, message: `${path} names ${previewJson(d)}, which is not a step of this plan` });
    }
  }
  return errors;
}

/**
 * Steps that depend on each other in a cycle (apply could never start them): one error per cycle,
 * at the dependency that closes it. Kahn's algorithm over the dependency graph, iterative.
 */
function cycleErrors(plan: Plan): StructureError[] {
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const waiting = plan.steps.map((s) => new Set(s.dependsOn).size);
  const dependents: number[][] = plan.steps.map(() => []);
  plan.steps.forEach((s, i) => {
    for (const d of new Set(s.dependsOn)) dependents[index.get(d) as number]?.push(i);
  });
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  while (ready.length > 0) {
    const i = ready.pop() as number;
    for (const j of dependents[i] ?? []) if (--(waiting[j] as number) === 0) ready.push(j);
  }
  const stuck = new Set(waiting.flatMap((w, i) => (w > 0 ? [i] : [])));
  const errors: StructureError[] = [];
  const reported = new Set<number>();
  for (const start of stuck) {
    if (reported.has(start)) continue;
    // Walk stuck dependencies from `start` until a step repeats: that closes a cycle.
    const seenAt = new Map<number, number>();
    const walk: number[] = [];
    let cur = start;
    while (!seenAt.has(cur)) {
      seenAt.set(cur, walk.length);
      walk.push(cur);
      const step = plan.steps[cur] as PlannedStep;
      cur = step.dependsOn.map((d) => index.get(d) as number).find((j) => stuck.has(j)) as number;
    }
    const cycle = walk.slice(seenAt.get(cur));
    const unseen = cycle.every((i) => !reported.has(i));
    for (const i of walk) reported.add(i);
    if (!unseen) continue;
    const last = cycle[cycle.length - 1] as number;
    const lastStep = plan.steps[last] as PlannedStep;
    const j = lastStep.dependsOn.findIndex((d) => index.get(d) === cur);
    const names = [...cycle, cur].map((i) => previewJson((plan.steps[i] as PlannedStep).id)).join(' → ');
    errors.push({
      path: `steps[${last}].dependsOn[${j}]`,
      message: `steps[${last}].dependsOn[${j}] closes a dependency cycle (${names}): none of these steps could ever start`,
    });
  }
  return errors;
}

/** `steps[2].step.upn` → ['steps', 2, 'step', 'upn']; `fingerprints["a.b"]` → ['fingerprints', 'a.b']; stops where it cannot read on. */
function jsonPathOf(display: string): JsonPath {
  const out: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(display)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3] as string) as string);
    if (re.lastIndex >= display.length) break;
  }
  return out;
}

function error(code: string, message: string, location?: SourceLocation): Diagnostic {
  return location ? { severity: 'error', code, message, location } : { severity: 'error', code, message };
}

function syntaxDiagnostic(text: string, file: string): Diagnostic {
  // JSON.parse's own message may quote the text and, on Node 20, often has no position.
  const syntax = jsonSyntaxError(text);
  const location: SourceLocation = { file, ...(syntax ? lineColAt(text, syntax.offset) : { line: 1, col: 1 }) };
  return error('plan-syntax', `${file} is not valid JSON (${syntax?.message ?? 'it cannot be parsed'}); a plan file is written by \`entra-soa plan --out\`.`, location);
}

function versionDiagnostic(raw: Record<string, unknown>, file: string, location: SourceLocation): Diagnostic {
  const version = raw['formatVersion'];
  const tool = isRecord(raw['tool']) ? raw['tool'] : {};
  const writer =
    typeof tool['name'] === 'string' && typeof tool['version'] === 'string' ? `${tool['name']} ${tool['version']}` : 'another version of entra-soa';
  if (typeof version === 'number' && Number.isInteger(version) && version > PLAN_FORMAT_VERSION) {
    const needed = typeof tool['version'] === 'string' ? `entra-soa ${tool['version']} or later` : 'a newer entra-soa';
    return error('plan-format-version',
      `${file} has plan format version ${version}, written by ${writer}; this entra-soa reads format version ${PLAN_FORMAT_VERSION} only. Use ${needed} to show or apply it, or plan again with this version.`,
      location,
    );
  }
  return error('plan-format-version',
    `${file} has an unknown plan format version ${previewJson(version ?? null)}; this entra-soa reads format version ${PLAN_FORMAT_VERSION}. Plan again to get a fresh plan file.`,
    location,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads typed values out of unknown JSON, collecting one message per problem (with the JSON path). */
class Reader {
  /** `shown` maps every free-text value read (the views escape control characters with it). */
  constructor(
    private readonly errors: StructureError[],
    private readonly shown: (text: string) => string = (text) => text,
  ) {}

  fail(path: string, expected: string, value: unknown): void {
    const got = value === undefined ? 'it is missing' : `got ${previewJson(value)}`;
    this.errors.push({ path, message: `${path} must be ${expected} (${got})` });
  }

  record(v: unknown, path: string): Record<string, unknown> {
    if (isRecord(v)) return v;
    this.fail(path, 'an object', v);
    return {};
  }

  array(v: unknown, path: string): unknown[] {
    if (Array.isArray(v)) return v;
    this.fail(path, 'an array', v);
    return [];
  }

  string(v: unknown, path: string): string {
    if (typeof v === 'string') return this.shown(v);
    this.fail(path, 'a string', v);
    return '';
  }

  stringOrNull(v: unknown, path: string): string | null {
    if (v === null) return v;
    if (typeof v === 'string') return this.shown(v);
    this.fail(path, 'a string or null', v);
    return null;
  }

  boolean(v: unknown, path: string): boolean {
    if (typeof v === 'boolean') return v;
    this.fail(path, 'true or false', v);
    return false;
  }

  count(v: unknown, path: string): number {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    this.fail(path, 'a whole number >= 0', v);
    return 0;
  }

  numberOrNull(v: unknown, path: string): number | null {
    if (v === null) return null;
    return this.count(v, path);
  }

  strings(v: unknown, path: string): string[] {
    return this.array(v, path).map((s, i) => this.string(s, `${path}[${i}]`));
  }

  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.fail(path, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, v);
    return allowed[0] as T;
  }

  location(v: unknown, path: string): SourceLocation {
    const r = this.record(v, path);
    return { file: this.string(r['file'], `${path}.file`), line: this.count(r['line'], `${path}.line`), col: this.count(r['col'], `${path}.col`) };
  }
}

function readPlan(r: Reader, raw: Record<string, unknown>): Plan {
  const tool = r.record(raw['tool'], 'tool');
  const manifest = r.record(raw['manifest'], 'manifest');
  const summary = r.record(raw['summary'], 'summary');
  const consent = r.record(raw['consentGiven'], 'consentGiven');
  const join = r.record(raw['join'], 'join');
  const fingerprintsRaw = r.record(raw['fingerprints'], 'fingerprints');
  const fingerprints: Record<string, string> = Object.fromEntries(
    Object.entries(fingerprintsRaw).map(([k, v]) => [k, r.string(v, `fingerprints[${JSON.stringify(k)}]`)]),
  );
  const detailsRaw = raw['fingerprintDetails'];
  let fingerprintDetails: FingerprintDetails | undefined;
  if (detailsRaw !== undefined) {
    const d = r.record(detailsRaw, 'fingerprintDetails');
    const labels = r.record(d['labels'], 'fingerprintDetails.labels');
    const list = (kind: string) => r.array(labels[kind], `fingerprintDetails.labels.${kind}`).map((l, i) => r.string(l, `fingerprintDetails.labels.${kind}[${i}]`));
    fingerprintDetails = {
      labels: { user: list('user'), group: list('group'), tenant: list('tenant') },
      digests: Object.fromEntries(
        Object.entries(r.record(d['digests'], 'fingerprintDetails.digests')).map(([k, v]) => [k, r.string(v, `fingerprintDetails.digests[${JSON.stringify(k)}]`)]),
      ),
    };
  }
  return {
    kind: PLAN_KIND,
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: r.string(tool['name'], 'tool.name'), version: r.string(tool['version'], 'tool.version') },
    createdAt: r.string(raw['createdAt'], 'createdAt'),
    manifest: { file: r.string(manifest['file'], 'manifest.file'), digest: r.string(manifest['digest'], 'manifest.digest') },
    source: r.string(raw['source'], 'source'),
    join: { sourceAnchor: r.oneOf(join['sourceAnchor'], SOURCE_ANCHOR_ATTRIBUTES, 'join.sourceAnchor'), softMatchOnUpn: r.boolean(join['softMatchOnUpn'], 'join.softMatchOnUpn') },
    fingerprints,
    ...(fingerprintDetails !== undefined ? { fingerprintDetails } : {}),
    steps: r.array(raw['steps'], 'steps').map((s, i) => readPlannedStep(r, s, `steps[${i}]`)),
    hazards: r.array(raw['hazards'], 'hazards').map((h, i) => readHazard(r, h, `hazards[${i}]`)),
    diagnostics: r.array(raw['diagnostics'], 'diagnostics').map((d, i) => readDiagnostic(r, d, `diagnostics[${i}]`)),
    applyable: r.boolean(raw['applyable'], 'applyable'),
    consentGiven: {
      disruptive: r.boolean(consent['disruptive'], 'consentGiven.disruptive'),
      irreversible: r.boolean(consent['irreversible'], 'consentGiven.irreversible'),
      exceedDeletionThreshold: r.boolean(consent['exceedDeletionThreshold'], 'consentGiven.exceedDeletionThreshold'),
    },
    summary: {
      add: r.count(summary['add'], 'summary.add'),
      change: r.count(summary['change'], 'summary.change'),
      remove: r.count(summary['remove'], 'summary.remove'),
      wait: r.count(summary['wait'], 'summary.wait'),
    },
    ...(raw['targets'] !== undefined ? { targets: r.strings(raw['targets'], 'targets') } : {}),
  };
}


function readPlannedStep(r: Reader, v: unknown, path: string): PlannedStep {
  const s = r.record(v, path);
  const out: PlannedStep = {
    id: r.string(s['id'], `${path}.id`),
    objectKey: r.string(s['objectKey'], `${path}.objectKey`),
    step: readStep(r, s['step'], `${path}.step`),
    dependsOn: r.strings(s['dependsOn'], `${path}.dependsOn`),
    hazardCodes: r.array(s['hazardCodes'], `${path}.hazardCodes`).map((c, i) => r.oneOf(c, HAZARD_CODES, `${path}.hazardCodes[${i}]`)),
    reason: r.string(s['reason'], `${path}.reason`),
    action: r.oneOf(s['action'], PLAN_ACTIONS, `${path}.action`),
  };
  if (s['requiresDelegatedSignIn'] !== undefined) {
    if (s['requiresDelegatedSignIn'] === true) out.requiresDelegatedSignIn = true;
    else r.fail(`${path}.requiresDelegatedSignIn`, 'true (or absent)', s['requiresDelegatedSignIn']);
  }
  if (s['syncEffects'] !== undefined) out.syncEffects = readSyncEffects(r, s['syncEffects'], `${path}.syncEffects`);
  return out;
}

function readSyncEffects(r: Reader, v: unknown, path: string): SyncEffects {
  const e = r.record(v, path);
  return {
    match: r.oneOf(e['match'], SYNC_MATCHES, `${path}.match`),
    source: r.string(e['source'], `${path}.source`),
    changes: r.array(e['changes'], `${path}.changes`).map((c, i): SyncEffects['changes'][number] => {
      const p = `${path}.changes[${i}]`;
      const rec = r.record(c, p);
      return {
        attribute: r.oneOf(rec['attribute'], SYNC_EFFECT_ATTRIBUTES, `${p}.attribute`),
        from: r.strings(rec['from'], `${p}.from`),
        to: r.strings(rec['to'], `${p}.to`),
      };
    }),
    password: r.oneOf(e['password'], SYNC_PASSWORD_OUTCOMES, `${path}.password`),
  };
}

function readStep(r: Reader, v: unknown, path: string): Step {
  const s = r.record(v, path);
  const kind = r.oneOf(s['kind'], STEP_KINDS, `${path}.kind`);
  const out: Record<string, unknown> = { kind };
  const fields = STEP_SPECS[kind].fields as Record<string, FieldType>;
  for (const [name, type] of Object.entries(fields)) out[name] = readField(r, type, s[name], `${path}.${name}`);
  // The table above has exactly the fields of this kind, each read with its type.
  return out as unknown as Step;
}

function readField(r: Reader, type: FieldType, v: unknown, path: string): unknown {
  switch (type) {
    case 'string':
      return r.string(v, path);
    case 'string?':
      return r.stringOrNull(v, path);
    case 'boolean':
      return r.boolean(v, path);
    case 'number':
      return r.count(v, path);
    case 'number?':
      return r.numberOrNull(v, path);
    case 'feature':
      return r.oneOf(v, MANIFEST_FEATURE_NAMES, path);
    case 'attrChanges':
      return r.array(v, path).map((c, i): AttrChange => {
        const p = `${path}[${i}]`;
        const rec = r.record(c, p);
        return {
          attribute: r.oneOf(rec['attribute'], AD_CHANGE_ATTRIBUTES, `${p}.attribute`),
          from: r.strings(rec['from'], `${p}.from`),
          to: r.strings(rec['to'], `${p}.to`),
        };
      });
    case 'newAdUser': {
      const rec = r.record(v, path);
      const out: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(NEW_AD_USER_FIELDS)) {
        const p = `${path}.${name}`;
        if (t === 'boolean?') {
          if (rec[name] !== undefined) out[name] = r.boolean(rec[name], p);
        } else out[name] = t === 'string' ? r.string(rec[name], p) : t === 'string?' ? r.stringOrNull(rec[name], p) : r.strings(rec[name], p);
      }
      return out;
    }
    case 'expectation': {
      const rec = r.record(v, path);
      const kind = r.oneOf(rec['kind'], Object.keys(EXPECTATION_FIELDS) as Expectation['kind'][], `${path}.kind`);
      const out: Record<string, unknown> = { kind };
      for (const name of Object.keys(EXPECTATION_FIELDS[kind])) out[name] = r.string(rec[name], `${path}.${name}`);
      return out;
    }
    case 'clearedAttributes': {
      const rec = r.record(v, path);
      const out: Record<string, string | null> = {};
      for (const [name, value] of Object.entries(rec)) {
        const known = r.oneOf(name, CLEARABLE_ON_PREMISES_ATTRIBUTES, `${path} key`);
        if (known === name) out[known] = r.stringOrNull(value, `${path}.${name}`);
      }
      return out;
    }
    default:
      return assertNeverType(type);
  }
}

const SEVERITIES = ['info', 'warning', 'danger'] as const satisfies readonly Hazard['severity'][];
const CONSENTS = ['disruptive', 'irreversible', 'exceedDeletionThreshold'] as const satisfies readonly NonNullable<Hazard['consent']>[];

function readHazard(r: Reader, v: unknown, path: string): Hazard {
  const h = r.record(v, path);
  const hazard: Hazard = {
    code: r.oneOf(h['code'], HAZARD_CODES, `${path}.code`),
    severity: r.oneOf(h['severity'], SEVERITIES, `${path}.severity`),
    message: r.string(h['message'], `${path}.message`),
    stepIds: r.strings(h['stepIds'], `${path}.stepIds`),
    objectKeys: r.strings(h['objectKeys'], `${path}.objectKeys`),
    blocking: r.boolean(h['blocking'], `${path}.blocking`),
  };
  if (h['consent'] !== undefined) hazard.consent = r.oneOf(h['consent'], CONSENTS, `${path}.consent`);
  return hazard;
}

const DIAGNOSTIC_SEVERITIES = ['error', 'warning'] as const satisfies readonly Diagnostic['severity'][];

function readDiagnostic(r: Reader, v: unknown, path: string): Diagnostic {
  const d = r.record(v, path);
  const out: Diagnostic = {
    severity: r.oneOf(d['severity'], DIAGNOSTIC_SEVERITIES, `${path}.severity`),
    code: r.string(d['code'], `${path}.code`),
    message: r.string(d['message'], `${path}.message`),
  };
  if (d['location'] !== undefined) out.location = r.location(d['location'], `${path}.location`);
  if (d['related'] !== undefined) out.related = r.array(d['related'], `${path}.related`).map((l, i) => r.location(l, `${path}.related[${i}]`));
  if (d['objectKey'] !== undefined) out.objectKey = r.string(d['objectKey'], `${path}.objectKey`);
  return out;
}
