/**
 * Fault injection: make chosen Graph requests fail, before or after they take effect. Only Graph
 * requests (`/v1.0`, `/beta`) count, never `/_lab/*`; a `$batch` counts as one request.
 *
 * Kinds (what a client sees, and whether the tenant changed):
 * - `error`: a Graph error with this status and code, nothing applied (500/502/503/504 and friends);
 * - `unavailable`: 503 `serviceNotAvailable` with Retry-After, nothing applied;
 * - `drop`: the connection is closed without an answer, nothing applied;
 * - `dropAfterApply`: the request is carried out (the write lands), then the connection is closed
 *   without an answer, as when a response is lost on the way back;
 * - `errorAfterApply`: the request is carried out, then a Graph error (default 504 `GatewayTimeout`)
 *   is answered instead of its result, as a gateway does when the service answers too late.
 * The error codes of 502/504 are the lab's (Graph documents the statuses, learn.microsoft.com/graph/errors,
 * not a code for each); 503 uses Graph's `serviceNotAvailable`.
 */

export type FaultAction =
  /** Answer with this status and Graph error code (Retry-After added when given); the request is not carried out. */
  | { kind: 'error'; status: number; code: string; message?: string; retryAfterSeconds?: number }
  /** 503 `serviceNotAvailable` with Retry-After (default 1 s); not carried out. */
  | { kind: 'unavailable'; retryAfterSeconds?: number }
  /** Destroy the socket without answering; not carried out. */
  | { kind: 'drop' }
  /** Carry the request out, then destroy the socket without answering. */
  | { kind: 'dropAfterApply' }
  /** Carry the request out, then answer this error (default 504 GatewayTimeout) instead of the result. */
  | { kind: 'errorAfterApply'; status?: number; code?: string; message?: string };

export type FaultKind = FaultAction['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['error', 'unavailable', 'drop', 'dropAfterApply', 'errorAfterApply'];

export interface FaultRule {
  action: FaultAction;
  /** The first matching request (1-based, counted from when the faults were set) that fails. Default 1. */
  nth?: number;
  /** How many consecutive matching requests fail from `nth` on. Default 1. */
  times?: number;
  /** Only requests with this method count (e.g. `PATCH`). */
  method?: string;
  /** Only requests whose path (e.g. `/v1.0/users/abc`) matches this regular expression count. */
  pathPattern?: string;
  /** Only requests whose decoded query string matches this regular expression (e.g. a `$select` property). */
  queryPattern?: string;
  /**
   * Also count the requests inside a `$batch` (each inner request is one), and answer a fault as that
   * inner request's response, the batch itself succeeding. `drop` kinds do not apply inside a batch
   * (there is no connection of its own to close). Default false: a `$batch` counts as one request.
   */
  inBatch?: boolean;
}

export interface FaultConfig {
  rules: FaultRule[];
}

/** Whether a fault lets the request run first. */
export function appliesFirst(a: FaultAction): boolean {
  return a.kind === 'dropAfterApply' || a.kind === 'errorAfterApply';
}

/** Keeps per-rule counters; `next` says which action (if any) applies to a request. */
export class FaultInjector {
  private rules: { rule: FaultRule; re: RegExp | null; query: RegExp | null; seen: number }[] = [];

  set(cfg: FaultConfig | null): void {
    this.rules = (cfg?.rules ?? []).map((rule) => ({
      rule,
      re: rule.pathPattern ? new RegExp(rule.pathPattern) : null,
      query: rule.queryPattern ? new RegExp(rule.queryPattern) : null,
      seen: 0,
    }));
  }

  /** `inBatch`: the request is inside a `$batch`; only rules with `inBatch` count it. */
  next(method: string, path: string, query = '', inBatch = false): FaultAction | null {
    let hit: FaultAction | null = null;
    let decoded = query;
    try {
      decoded = decodeURIComponent(query);
    } catch {
      // keep it as sent
    }
    for (const r of this.rules) {
      if (inBatch && (r.rule.inBatch !== true || r.rule.action.kind === 'drop' || r.rule.action.kind === 'dropAfterApply')) continue;
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (r.re && !r.re.test(path)) continue;
      if (r.query && !r.query.test(decoded)) continue;
      r.seen++;
      const nth = r.rule.nth ?? 1;
      const times = r.rule.times ?? 1;
      if (hit === null && r.seen >= nth && r.seen < nth + times) hit = r.rule.action;
    }
    return hit;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v));
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** Checks a `POST /_lab/faults` body (or `setFaults` argument); null when it is not a FaultConfig. */
export function parseFaultConfig(v: unknown): FaultConfig | null {
  if (!isObject(v) || !Array.isArray(v.rules)) return null;
  for (const r of v.rules as unknown[]) {
    if (!isObject(r) || !isObject(r.action)) return null;
    const a = r.action;
    if (!FAULT_KINDS.includes(a.kind as FaultKind)) return null;
    if (a.kind === 'error' && (typeof a.status !== 'number' || typeof a.code !== 'string')) return null;
    if (a.kind === 'errorAfterApply' && (!optionalNumber(a.status) || !optionalString(a.code))) return null;
    if (!optionalNumber(r.nth) || !optionalNumber(r.times) || !optionalString(r.method) || !optionalString(r.pathPattern) || !optionalString(r.queryPattern)) return null;
    if (r.inBatch !== undefined && typeof r.inBatch !== 'boolean') return null;
    for (const pattern of [r.pathPattern, r.queryPattern]) {
      if (typeof pattern !== 'string') continue;
      try {
        new RegExp(pattern);
      } catch {
        return null;
      }
    }
  }
  return { rules: v.rules as FaultRule[] };
}
