/**
 * Fault injection: make chosen Graph requests fail. Only Graph requests (`/v1.0`, `/beta`) count,
 * never `/_lab/*`; a `$batch` counts as one request.
 *
 * `when: 'after'` models an answer lost after the service did the work: the request is handled (a
 * write takes effect), then the connection is dropped or the error is answered instead of the real
 * answer — a proxy's 504 after the backend wrote, a connection reset on the way back.
 */

export type FaultAction =
  /** Answer with this status and Graph error code (Retry-After added when given). */
  | { kind: 'error'; status: number; code: string; message?: string; retryAfterSeconds?: number }
  /** 503 `serviceNotAvailable` with Retry-After (default 1 s). */
  | { kind: 'unavailable'; retryAfterSeconds?: number }
  /** Destroy the socket without answering. */
  | { kind: 'drop' };

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
  /** Only requests whose query string (e.g. `?$select=id,mail`, decoded) matches this regular expression count. */
  queryPattern?: string;
  /** `before` (default): fail instead of handling the request. `after`: handle it, then fail instead of answering. */
  when?: 'before' | 'after';
}

export interface FaultConfig {
  rules: FaultRule[];
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

  /** The fault for a request (and whether it strikes before or after handling it), or null. */
  next(method: string, path: string, query = ''): { action: FaultAction; when: 'before' | 'after' } | null {
    let hit: { action: FaultAction; when: 'before' | 'after' } | null = null;
    let decoded = query;
    try {
      decoded = decodeURIComponent(query);
    } catch {
      // keep it as sent
    }
    for (const r of this.rules) {
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (r.re && !r.re.test(path)) continue;
      if (r.query && !r.query.test(decoded)) continue;
      r.seen++;
      const nth = r.rule.nth ?? 1;
      const times = r.rule.times ?? 1;
      if (hit === null && r.seen >= nth && r.seen < nth + times) hit = { action: r.rule.action, when: r.rule.when ?? 'before' };
    }
    return hit;
  }
}

/** Checks a `POST /_lab/faults` body. */
export function parseFaultConfig(v: unknown): FaultConfig | null {
  if (typeof v !== 'object' || v === null) return null;
  const rules = (v as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return null;
  for (const r of rules) {
    const a = (r as { action?: { kind?: unknown } } | null)?.action;
    if (!a || (a.kind !== 'error' && a.kind !== 'unavailable' && a.kind !== 'drop')) return null;
    if (a.kind === 'error') {
      const e = a as { status?: unknown; code?: unknown };
      if (typeof e.status !== 'number' || typeof e.code !== 'string') return null;
    }
    const when = (r as { when?: unknown }).when;
    if (when !== undefined && when !== 'before' && when !== 'after') return null;
  }
  return { rules: rules as FaultRule[] };
}
