/** Schema errors of a snapshot (either format) said to a person: which value, what is wrong with it. */
import type { ErrorObject } from 'ajv';
import type { JsonPath } from '../model/json-source.js';
import { PATTERN_WORDS } from './snapshot-schema.js';

/** At most this many problems are reported for one file. */
export const MAX_SNAPSHOT_ERRORS = 20;

/** Drops anyOf noise: keep the most specific errors, and one per path. */
export function simplifyErrors(errors: readonly ErrorObject[]): ErrorObject[] {
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

/** The path of the value an error is about. */
export function errorPath(e: ErrorObject): (string | number)[] {
  if (e.instancePath === '') return [];
  return e.instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** `state.ad.users[3].objectGuid` */
function formatPath(path: JsonPath): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) s += s === '' ? p : `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s === '' ? 'the document' : s;
}

/** The sentence for one error; `prefix` names what the path is relative to (a format 2 record type). */
export function describeError(e: ErrorObject, prefix: JsonPath = []): string {
  const where = formatPath([...prefix, ...errorPath(e)]);
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
    case 'minimum':
      return `${where} must be at least ${String(p['limit'])}`;
    default:
      return `${where} ${e.message ?? `fails ${e.keyword}`}`;
  }
}
