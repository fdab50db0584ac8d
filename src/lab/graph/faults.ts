/**
 * Fault injection: make chosen Graph requests fail. Only Graph requests (`/v1.0`, `/beta`) count,
 * never `/_lab/*`; a `$batch` counts as one request.
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
}

export interface FaultConfig {
  rules: FaultRule[];
}

/** Keeps per-rule counters; `next` says which action (if any) applies to a request. */
export class FaultInjector {
  private rules: { rule: FaultRule; re: RegExp | null; seen: number }[] = [];

  set(cfg: FaultConfig | null): void {
    this.rules = (cfg?.rules ?? []).map((rule) => ({ rule, re: rule.pathPattern ? new RegExp(rule.pathPattern) : null, seen: 0 }));
  }

  next(method: string, path: string): FaultAction | null {
    let hit: FaultAction | null = null;
    for (const r of this.rules) {
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (r.re && !r.re.test(path)) continue;
      r.seen++;
      const nth = r.rule.nth ?? 1;
      const times = r.rule.times ?? 1;
      if (hit === null && r.seen >= nth && r.seen < nth + times) hit = r.rule.action;
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
  }
  return { rules: rules as FaultRule[] };
}
