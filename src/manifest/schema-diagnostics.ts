import type { ErrorObject } from 'ajv';
import { closestName } from '../model/closest-name.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { isSecretKey } from './secrets.js';
import type { YamlSource } from './yaml-source.js';
import { displayPath, locate, pointerSegments } from './yaml-source.js';

/** What a value of a pattern-checked property must look like, by property name. */
const PATTERN_HINTS: Record<string, string> = {
  id: 'a GUID such as 6f1c2d9e-0000-4000-8000-000000000001 (the tenant id from the Entra admin center)',
  graphEndpoint: 'an http(s) origin such as https://graph.microsoft.us',
  url: 'an LDAP URL such as ldaps://dc1.contoso.com or ldap://dc1.contoso.com:389 (no path)',
  baseDn: 'a distinguished name such as DC=contoso,DC=com',
  bindDn: 'a distinguished name such as CN=svc-entra-soa,OU=Service,DC=contoso,DC=com',
  unsyncedOu: 'a distinguished name such as OU=Unsynced,DC=contoso,DC=com',
  createIn: 'a distinguished name such as OU=Contractors,DC=contoso,DC=com',
  ou: 'a distinguished name such as OU=Sales,DC=contoso,DC=com',
  include: 'a distinguished name such as OU=Staff,DC=contoso,DC=com',
  exclude: 'a distinguished name such as OU=Disabled,OU=Staff,DC=contoso,DC=com',
  bindPasswordEnv: 'an environment variable name (letters, digits, _; not starting with a digit) such as ENTRA_SOA_AD_PASSWORD',
  timeout: 'a duration greater than zero: a number followed by s, m or h, such as 90s, 15m or 2h',
  pollInterval: 'a duration greater than zero: a number followed by s, m or h, such as 30s',
  upn: 'a user principal name such as alice@contoso.com',
  upns: 'a user principal name such as alice@contoso.com',
  upnGlob: 'a UPN pattern such as *@sales.contoso.com: one @, no spaces; * matches any characters and ? one',
};

/**
 * Turns ajv's errors into diagnostics, one per problem, each at the offending node.
 * oneOf branch noise collapses into one message per node; if/then noise is dropped;
 * errors about password keys are left to the secret check (`secret-in-manifest`).
 */
export function schemaDiagnostics(errors: readonly ErrorObject[], source: YamlSource): Diagnostic[] {
  // oneOf errors by the node they are about, so each error is compared with its own node's only (linear).
  const oneOfs = new Map<string, ErrorObject[]>();
  for (const o of errors) if (o.keyword === 'oneOf') oneOfs.set(o.instancePath, [...(oneOfs.get(o.instancePath) ?? []), o]);
  const isBranchNoise = (e: ErrorObject): boolean =>
    (oneOfs.get(e.instancePath) ?? []).some((o) => e !== o && e.schemaPath.startsWith(`${o.schemaPath}/`));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || isBranchNoise(e) || isAboutSecret(e)) continue;
    const d = toDiagnostic(e, source);
    const key = `${d.location?.line}:${d.location?.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function isAboutSecret(e: ErrorObject): boolean {
  if (e.keyword === 'additionalProperties') return isSecretKey(String(e.params['additionalProperty']));
  const segs = pointerSegments(e.instancePath);
  return segs.some(isSecretKey);
}

function toDiagnostic(e: ErrorObject, source: YamlSource): Diagnostic {
  const segs = pointerSegments(e.instancePath);
  const path = displayPath(segs);
  const mk = (message: string, at: string[], target: 'key' | 'value'): Diagnostic => ({
    severity: 'error',
    code: 'schema',
    message: `${message} (${e.keyword})`,
    location: locate(source, at, target),
  });
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(e.params['additionalProperty']);
      const allowed = Object.keys(propertiesOf(e.parentSchema)).filter((k) => !isSecretKey(k));
      const guess = closestName(prop, allowed);
      const hint = /^[A-Za-z][A-Za-z0-9-]*=/.test(prop)
        ? '; it looks like part of a DN: inside { } commas separate entries, so quote the DN ("OU=Sales,DC=contoso,DC=com")'
        : guess
          ? `; did you mean "${guess}"?`
          : allowed.length > 0
            ? `; allowed here: ${allowed.join(', ')}`
            : '';
      return mk(`${path}: unknown property "${prop}"${hint}`, [...segs, prop], 'key');
    }
    case 'required': {
      const prop = String(e.params['missingProperty']);
      if (e.schemaPath.includes('then/required') && prop === 'method') {
        return mk(`${path}: a rule with authority: cloud needs "method": sourceOfAuthority, scopeRemoval or tenantDisable`, segs, 'key');
      }
      if (e.schemaPath.includes('then/required') && prop === 'link') {
        return mk(`${path}: a rule with authority: onPremises needs "link": hard or soft`, segs, 'key');
      }
      const title = titleOf(propertiesOf(e.parentSchema)[prop]);
      return mk(`${path}: missing required property "${prop}"${title ? ` (${title})` : ''}`, segs, 'key');
    }
    case 'false schema': {
      const prop = segs[segs.length - 1] ?? '';
      const parent = displayPath(segs.slice(0, -1));
      const onlyFor = e.schemaPath.startsWith('#/then/') ? 'authority: onPremises' : 'authority: cloud';
      return mk(`${parent}: "${prop}" applies only to rules with ${onlyFor}; remove it or change the rule's authority`, segs, 'key');
    }
    case 'oneOf': {
      const keys = oneOfKeys(e.schema);
      const data = e.data;
      const present =
        data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data).filter((k) => keys.includes(k)) : [];
      const found = present.length === 0 ? 'it has none' : `it has ${present.join(' and ')}`;
      return mk(`${path} must have exactly one of ${keys.join(', ')}; ${found}`, segs, 'key');
    }
    case 'enum': {
      const allowed = Array.isArray(e.params['allowedValues']) ? (e.params['allowedValues'] as unknown[]) : [];
      return mk(`${path} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${shortValue(e.data)}`, segs, 'value');
    }
    case 'type': {
      const title = titleOf(e.parentSchema);
      return mk(`${path} must be ${article(String(e.params['type']))}${title ? ` (${title})` : ''}`, segs, 'value');
    }
    case 'pattern': {
      const name = [...segs].reverse().find((s) => !/^\d+$/.test(s)) ?? '';
      const hint = PATTERN_HINTS[name];
      // A value that should name an environment variable may be the secret itself: never echo it.
      const shown = name.endsWith('Env') ? ' (the value given is not shown: it may be the secret itself)' : shortValue(e.data);
      return mk(`${path} must be ${hint ?? `text matching ${String(e.params['pattern'])}`}${shown}`, segs, 'value');
    }
    default:
      return mk(`${path} ${e.message ?? 'is not valid'}`, segs, 'value');
  }
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (schema !== null && typeof schema === 'object' && 'properties' in schema) {
    const p = (schema as { properties?: unknown }).properties;
    if (p !== null && typeof p === 'object') return p as Record<string, unknown>;
  }
  return {};
}

function titleOf(schema: unknown): string | undefined {
  if (schema !== null && typeof schema === 'object' && 'title' in schema) {
    const t = (schema as { title?: unknown }).title;
    if (typeof t === 'string') return t;
  }
  return undefined;
}

function oneOfKeys(branches: unknown): string[] {
  if (!Array.isArray(branches)) return [];
  return branches.flatMap((b: unknown) => {
    const r = b !== null && typeof b === 'object' ? (b as { required?: unknown }).required : undefined;
    return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
  });
}

function article(type: string): string {
  switch (type) {
    case 'object':
      return 'a map (key: value entries)';
    case 'array':
      return 'a list';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${type}`;
  }
}

/** The offending value, quoted, when it is a short scalar (never used on secret keys). */
function shortValue(v: unknown): string {
  if (typeof v === 'string' && v.length <= 80) return ` (got ${JSON.stringify(v)})`;
  if (typeof v === 'number' || typeof v === 'boolean') return ` (got ${String(v)})`;
  return '';
}
