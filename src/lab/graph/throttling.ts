/**
 * Identity-service throttling as Graph applies it to directory objects (shared/domain.md §6):
 * a resource-unit budget per window and a write budget per window, per app and tenant (the lab
 * keys on the bearer token: one token = one app). Fixed windows on real time (not the lab clock:
 * throttling is about the client's pacing, which runs on real time). Off unless configured.
 */
import type { LabRequest } from './protocol.js';

export interface ThrottlingConfig {
  /** Resource units allowed per window. Default 8000 (large tenant). */
  resourceUnitsPerWindow?: number;
  /** Resource-unit window in seconds. Default 10. */
  windowSeconds?: number;
  /** Writes (POST/PATCH/DELETE) allowed per write window. Default 3000. */
  writesPerWindow?: number;
  /** Write window in seconds. Default 150. */
  writeWindowSeconds?: number;
  /** Resource units a write costs. Default 1 (unconfirmed: Microsoft's table varies by operation). */
  writeCost?: number;
}

export interface ThrottleDecision {
  ok: boolean;
  /** Seconds until the exhausted window frees up (>= 1) when refused. */
  retryAfterSeconds: number;
}

interface Window {
  start: number;
  used: number;
}

/** What one request costs: listing users 2 RU (1 with $select), other reads 1, writes `writeCost`. */
export function requestCost(req: Pick<LabRequest, 'method' | 'segments' | 'query'>, writeCost: number): { units: number; write: boolean } {
  if (req.method !== 'GET') return { units: writeCost, write: true };
  const s = req.segments.map((x) => x.toLowerCase());
  const isUserList =
    (s.length === 1 && s[0] === 'users') ||
    (s.length === 2 && s[0] === 'users' && s[1]?.startsWith('delta') === true) ||
    (s.length === 3 && s[0] === 'directory' && s[1] === 'deleteditems');
  if (isUserList) return { units: req.query.has('$select') ? 1 : 2, write: false };
  return { units: 1, write: false };
}

export class Throttle {
  private readonly units = new Map<string, Window>();
  private readonly writes = new Map<string, Window>();
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
      writeCost: cfg.writeCost ?? 1,
    };
  }

  /** Charge one request to `key`; refused requests are not charged. */
  charge(key: string, req: Pick<LabRequest, 'method' | 'segments' | 'query'>): ThrottleDecision {
    const now = this.clock();
    const cost = requestCost(req, this.cfg.writeCost);
    const u = this.window(this.units, key, now, this.cfg.windowSeconds);
    const w = this.window(this.writes, key, now, this.cfg.writeWindowSeconds);
    if (u.used + cost.units > this.cfg.resourceUnitsPerWindow) return this.refuse(u, now, this.cfg.windowSeconds);
    if (cost.write && w.used + 1 > this.cfg.writesPerWindow) return this.refuse(w, now, this.cfg.writeWindowSeconds);
    u.used += cost.units;
    if (cost.write) w.used += 1;
    return { ok: true, retryAfterSeconds: 0 };
  }

  private window(m: Map<string, Window>, key: string, now: number, seconds: number): Window {
    let win = m.get(key);
    if (!win || now - win.start >= seconds * 1000) {
      win = { start: now, used: 0 };
      m.set(key, win);
    }
    return win;
  }

  private refuse(win: Window, now: number, seconds: number): ThrottleDecision {
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((win.start + seconds * 1000 - now) / 1000)) };
  }
}
