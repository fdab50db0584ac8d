/**
 * Identity and access service throttling, as Microsoft documents it
 * (learn.microsoft.com/graph/throttling-limits#identity-and-access-service-limits; docs/lab-graph.md, "Throttling"):
 *
 * | limit type              | resource units            | writes                |
 * |-------------------------|---------------------------|-----------------------|
 * | application+tenant pair | L: 8,000 per 10 s         | 3,000 per 150 s       |
 * | tenant                  | not applicable            | 18,000 per 5 minutes  |
 *
 * Costs: base 1 (GET `users` 2, GET `groups/{id}/members` 3); `$select` -1, `$expand` +1, `$top`
 * below 20 -1, never below 1; a write (POST/PATCH/PUT/DELETE) costs its RU and 1 write.
 * Headers: every answer carries `x-ms-resource-unit`; `x-ms-throttle-limit-percentage` (0.8..1.8)
 * once the app has used more than 0.8 of its limit; a 429 carries `Retry-After`,
 * `x-ms-throttle-scope` (`<Scope>/<Limit>/<ApplicationId>/<TenantId>`) and `x-ms-throttle-information`.
 *
 * The application+tenant pair is keyed on the token's `appid` (tokens of one app share the budget);
 * the tenant write limit is shared by every app. Fixed windows on real time (not the lab clock:
 * throttling is about the client's pacing, which runs on real time). Off unless configured; the costs
 * and `x-ms-resource-unit` are reported either way.
 */
import type { LabRequest } from './protocol.js';

export interface ThrottlingConfig {
  /** Resource units allowed per window (application+tenant). Default 8000 (large tenant). */
  resourceUnitsPerWindow?: number;
  /** Resource-unit window in seconds. Default 10. */
  windowSeconds?: number;
  /** Writes (POST/PATCH/PUT/DELETE) allowed per write window (application+tenant). Default 3000. */
  writesPerWindow?: number;
  /** Write window in seconds. Default 150. */
  writeWindowSeconds?: number;
  /** Writes allowed per tenant-write window, all applications together. Default 18,000. */
  tenantWritesPerWindow?: number;
  /** Tenant-write window in seconds. Default 300. */
  tenantWriteWindowSeconds?: number;
  /** Resource units a write costs before modifiers. Default 1 ("Any identity path not listed": 1). */
  writeCost?: number;
}

export interface ThrottleDecision {
  ok: boolean;
  /** Resource units the request costs. */
  units: number;
  /** Seconds until the exhausted window frees up (>= 1) when refused. */
  retryAfterSeconds: number;
  /** Share of the application's resource-unit limit used, when above 0.8 (what x-ms-throttle-limit-percentage reports). */
  limitPercentage: number | null;
  /** When refused: which limit (`Tenant_Application/ReadWrite`, `Tenant_Application/Write`, `Tenant/Write`). */
  scope?: 'Tenant_Application/ReadWrite' | 'Tenant_Application/Write' | 'Tenant/Write';
  /** When refused: the reason Graph reports in x-ms-throttle-information. */
  information?: 'ResourceUnitLimitExceeded' | 'WriteLimitExceeded';
}

interface Window {
  start: number;
  used: number;
}

const isWrite = (method: string): boolean => method !== 'GET' && method !== 'HEAD';

/** What one request costs in resource units, and whether it is a write. */
export function requestCost(req: Pick<LabRequest, 'method' | 'segments' | 'query'>, writeCost = 1): { units: number; write: boolean } {
  const s = req.segments.map((x) => x.toLowerCase());
  let base = 1;
  if (isWrite(req.method)) base = writeCost;
  else if (s.length === 1 && s[0] === 'users') base = 2;
  else if (s.length === 3 && s[0] === 'groups' && s[2] === 'members') base = 3;
  let units = base;
  if (req.query.has('$select')) units -= 1;
  if (req.query.has('$expand')) units += 1;
  const top = Number(req.query.get('$top'));
  if (req.query.has('$top') && Number.isFinite(top) && top < 20) units -= 1;
  return { units: Math.max(1, units), write: isWrite(req.method) };
}

export class Throttle {
  private readonly units = new Map<string, Window>();
  private readonly writes = new Map<string, Window>();
  private tenantWrites: Window | null = null;
  private readonly cfg: Required<ThrottlingConfig>;

  constructor(
    cfg: ThrottlingConfig,
    private readonly clock: () => number = Date.now,
  ) {
    this.cfg = {
      resourceUnitsPerWindow: cfg.resourceUnitsPerWindow ?? 8000,
      windowSeconds: cfg.windowSeconds ?? 10,
      writesPerWindow: cfg.writesPerWindow ?? 3000,
      writeWindowSeconds: cfg.writeWindowSeconds ?? 150,
      tenantWritesPerWindow: cfg.tenantWritesPerWindow ?? 18_000,
      tenantWriteWindowSeconds: cfg.tenantWriteWindowSeconds ?? 300,
      writeCost: cfg.writeCost ?? 1,
    };
  }

  /** Charge one request of application `appKey` (in this tenant); refused requests are not charged. */
  charge(appKey: string, req: Pick<LabRequest, 'method' | 'segments' | 'query'>): ThrottleDecision {
    const now = this.clock();
    const cost = requestCost(req, this.cfg.writeCost);
    const u = this.window(this.units, appKey, now, this.cfg.windowSeconds);
    const w = this.window(this.writes, appKey, now, this.cfg.writeWindowSeconds);
    if (!this.tenantWrites || now - this.tenantWrites.start >= this.cfg.tenantWriteWindowSeconds * 1000) this.tenantWrites = { start: now, used: 0 };
    const t = this.tenantWrites;
    if (u.used + cost.units > this.cfg.resourceUnitsPerWindow) {
      return this.refuse(cost.units, u, now, this.cfg.windowSeconds, 'Tenant_Application/ReadWrite', 'ResourceUnitLimitExceeded');
    }
    if (cost.write && w.used + 1 > this.cfg.writesPerWindow) return this.refuse(cost.units, w, now, this.cfg.writeWindowSeconds, 'Tenant_Application/Write', 'WriteLimitExceeded');
    if (cost.write && t.used + 1 > this.cfg.tenantWritesPerWindow) return this.refuse(cost.units, t, now, this.cfg.tenantWriteWindowSeconds, 'Tenant/Write', 'WriteLimitExceeded');
    u.used += cost.units;
    if (cost.write) {
      w.used += 1;
      t.used += 1;
    }
    const share = u.used / this.cfg.resourceUnitsPerWindow;
    return { ok: true, units: cost.units, retryAfterSeconds: 0, limitPercentage: share > 0.8 ? Math.min(1.8, share) : null };
  }

  private window(m: Map<string, Window>, key: string, now: number, seconds: number): Window {
    let win = m.get(key);
    if (!win || now - win.start >= seconds * 1000) {
      win = { start: now, used: 0 };
      m.set(key, win);
    }
    return win;
  }

  private refuse(units: number, win: Window, now: number, seconds: number, scope: NonNullable<ThrottleDecision['scope']>, information: NonNullable<ThrottleDecision['information']>): ThrottleDecision {
    return {
      ok: false,
      units,
      retryAfterSeconds: Math.max(1, Math.ceil((win.start + seconds * 1000 - now) / 1000)),
      limitPercentage: null,
      scope,
      information,
    };
  }
}
