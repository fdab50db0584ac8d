/**
 * The OData query options the emulator understands: `$top`, `$select`, `$count`, a `$filter`
 * subset, and opaque `$skiptoken`s. Graph's rules (learn.microsoft.com/graph/aad-advanced-queries):
 * `ne`, `eq null`, `endswith` and `not` are advanced queries that need `ConsistencyLevel: eventual`
 * and `$count=true`.
 */
import { GraphHttpError, badRequest } from './protocol.js';

const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

/** `$top` → page size (default 100; 1..999 else Graph's 400). */
export function pageSize(query: URLSearchParams, fallback = DEFAULT_PAGE_SIZE): number {
  const raw = query.get('$top');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < 1 || n > MAX_PAGE_SIZE) {
    // The message is Graph's as users report it, the code too (both unconfirmed; docs/lab-graph.md, "Errors").
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`, 'Request_UnsupportedQuery');
  }
  return n;
}

/** `$select` → property names (null when absent). Unknown names → Graph's 400. */
export function selectList(query: URLSearchParams, known: ReadonlySet<string>, typeName: string): string[] | null {
  const raw = query.get('$select');
  if (raw === null || raw.trim() === '') return null;
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out: string[] = [];
  for (const n of names) {
    const canonical = [...known].find((k) => k.toLowerCase() === n.toLowerCase());
    if (canonical === undefined) throw new GraphHttpError(400, 'BadRequest', `Could not find a property named '${n}' on type '${typeName}'.`);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/** True when `$count=true`. */
export function wantsCount(query: URLSearchParams): boolean {
  return (query.get('$count') ?? '').toLowerCase() === 'true';
}

/** ConsistencyLevel: eventual present. */
export function isEventual(headers: Record<string, string>): boolean {
  return (headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
}

type Literal = string | boolean | null;

interface Clause {
  prop: string;
  /** `any` = `prop/any(x:x eq 'v')` on a string collection. */
  op: 'eq' | 'ne' | 'startswith' | 'endswith' | 'any';
  value: Literal;
  negated: boolean;
}

export interface ParsedFilter {
  /** Needs ConsistencyLevel: eventual + $count=true. */
  advanced: boolean;
  /** The property that made it advanced (for the error message). */
  advancedProp: string | null;
  test(rec: Readonly<Record<string, unknown>>): boolean;
}

/**
 * Parse a `$filter` of clauses joined by `and`: `p eq|ne <literal>`, `startswith(p,'x')`,
 * `endswith(p,'x')`, `p/any(x:x eq <literal>)`, `not(<clause>)`. Literals: 'string' ('' escapes a quote), true, false, null.
 * `filterable` maps each allowed property to whether it supports only advanced queries.
 */
export function parseFilter(src: string, filterable: ReadonlyMap<string, 'default' | 'advanced'>, resource: string): ParsedFilter {
  const clauses: Clause[] = [];
  let i = 0;
  const s = src.trim();
  const fail = (): never => {
    throw new GraphHttpError(400, 'BadRequest', `Invalid filter clause: syntax error at position ${i} in '${s}'.`);
  };
  const ws = (): void => {
    while (s[i] === ' ') i++;
  };
  const ident = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(s.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return m[0];
  };
  const literal = (): Literal => {
    ws();
    if (s[i] === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= s.length) return fail();
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          return out;
        }
        out += s[i];
        i++;
      }
    }
    const w = ident().toLowerCase();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    return fail();
  };
  const clause = (negated: boolean): Clause => {
    ws();
    const name = ident();
    ws();
    const lname = name.toLowerCase();
    if (s[i] === '(' && lname.endsWith('/any')) {
      i++;
      ws();
      const v = ident();
      ws();
      if (s[i] !== ':') fail();
      i++;
      ws();
      if (ident() !== v) fail();
      ws();
      if (ident().toLowerCase() !== 'eq') fail();
      const value = literal();
      ws();
      if (s[i] !== ')') fail();
      i++;
      return { prop: name.slice(0, -'/any'.length), op: 'any', value, negated };
    }
    if (s[i] === '(' && (lname === 'startswith' || lname === 'endswith' || lname === 'not')) {
      i++;
      if (lname === 'not') {
        const inner = clause(!negated);
        ws();
        if (s[i] !== ')') fail();
        i++;
        return inner;
      }
      ws();
      const prop = ident();
      ws();
      if (s[i] !== ',') fail();
      i++;
      const value = literal();
      ws();
      if (s[i] !== ')') fail();
      i++;
      return { prop, op: lname, value, negated };
    }
    const op = ident().toLowerCase();
    if (op !== 'eq' && op !== 'ne') {
      throw new GraphHttpError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${name}' of resource '${resource}'.`);
    }
    return { prop: name, op, value: literal(), negated };
  };
  for (;;) {
    clauses.push(clause(false));
    ws();
    if (i >= s.length) break;
    const rest = s.slice(i);
    if (/^and\s/i.test(rest)) {
      i += 3;
      continue;
    }
    fail();
  }

  let advancedProp: string | null = null;
  const resolved = clauses.map((c) => {
    const canonical = [...filterable.keys()].find((k) => k.toLowerCase() === c.prop.toLowerCase());
    const support = canonical === undefined ? undefined : filterable.get(canonical);
    if (canonical === undefined || support === undefined) {
      throw new GraphHttpError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${c.prop}' of resource '${resource}'.`);
    }
    const advanced = support === 'advanced' || c.op === 'ne' || c.op === 'endswith' || c.negated || c.value === null;
    if (advanced && advancedProp === null) advancedProp = canonical;
    return { ...c, prop: canonical };
  });

  return {
    advanced: advancedProp !== null,
    advancedProp,
    test(rec) {
      return resolved.every((c) => {
        const v = rec[c.prop];
        let r: boolean;
        switch (c.op) {
          case 'eq':
            r = eqLiteral(v, c.value);
            break;
          case 'ne':
            r = !eqLiteral(v, c.value);
            break;
          case 'startswith':
            r = typeof v === 'string' && typeof c.value === 'string' && v.toLowerCase().startsWith(c.value.toLowerCase());
            break;
          case 'endswith':
            r = typeof v === 'string' && typeof c.value === 'string' && v.toLowerCase().endsWith(c.value.toLowerCase());
            break;
          case 'any':
            r = Array.isArray(v) && v.some((x) => eqLiteral(x, c.value));
            break;
        }
        return c.negated ? !r : r;
      });
    },
  };
}

function eqLiteral(v: unknown, lit: Literal): boolean {
  if (lit === null) return v === null || v === undefined;
  if (typeof lit === 'string') return typeof v === 'string' && v.toLowerCase() === lit.toLowerCase();
  return v === lit;
}

/** Opaque continuation tokens: base64url JSON. */
export function encodeToken(v: unknown): string {
  return Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
}

export function decodeToken<T>(token: string, check: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw badRequest('The specified page token value has expired or is invalid.', 'Request_BadRequest');
}

/** Rebuild a URL's query with a continuation token, keeping the other options (what Graph's nextLink does). */
export function linkWith(base: string, query: URLSearchParams, name: '$skiptoken' | '$deltatoken', token: string, drop: string[] = []): string {
  const q = new URLSearchParams();
  for (const [k, v] of query) if (k !== '$skiptoken' && k !== '$deltatoken' && !drop.includes(k)) q.append(k, v);
  q.set(name, token);
  return `${base}?${q.toString().replace(/%24/g, '$').replace(/%2C/gi, ',')}`;
}
