/**
 * The lab's admin endpoints served next to the Graph emulator (docs/contracts.md, "Lab HTTP
 * endpoints"): the emulator passes every `/_lab/*` request other than token / faults /
 * throttling to the handler made here.
 *
 * - `POST /_lab/sync-cycle` → the cycle report (src/lab/sync-report.ts)
 * - `POST /_lab/clock` `{"advance": "72h"}` or `{"advanceSeconds": 259200}` → `{now, ...}`;
 *   `GET /_lab/clock` → `{now}`
 * - `GET /_lab/state` → `{now, tenant, users, deletedUsers, groups, ad?, sync}`
 * - `POST /_lab/reset` → back to the seed
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SyncCycleReport } from './sync-report.js';

/** What a clock advance did (scheduled cycles included). */
export interface LabClockAdvance {
  /** Lab time after the advance (ISO 8601). */
  now: string;
  /** Seconds advanced. */
  advancedSeconds: number;
  /** A pending tenant-wide disable completed during the advance. */
  disableCompleted: boolean;
  /** Deleted users purged (30-day window over). */
  purgedUserIds: string[];
  /** Scheduled sync cycles that ran during the advance, in order. */
  syncCycles: SyncCycleReport[];
}

/** The lab operations the admin endpoints expose (implemented by the in-process lab). */
export interface LabAdminTarget {
  runSyncCycle(): Promise<SyncCycleReport>;
  advanceClock(seconds: number): Promise<LabClockAdvance>;
  /** The lab's whole state as plain JSON (`GET /_lab/state`). */
  state(): Promise<Record<string, unknown>>;
  /** Back to the seed; returns the lab time after the reset. */
  reset(): Promise<{ now: string }>;
  /** The lab time now. */
  now(): string;
}

/** The emulator's hook: answer the request and return true, or return false to let it answer 404. */
export type LabAdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => Promise<boolean>;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parse a duration: `90s`, `30m`, `72h`, `2d`, `1h30m`, or a bare number of seconds.
 * Returns null when it is not one.
 */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!/^(\d+(\.\d+)?[smhd])+$/i.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)([smhd])/gi)) {
    total += Number(m[1]) * (UNIT_SECONDS[(m[2] ?? 's').toLowerCase()] ?? 1);
  }
  return total;
}

/** An expected refusal of an admin request (answered as a Graph-style error body). */
class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function bodyObject(body: unknown): Record<string, unknown> {
  let v = body;
  if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8');
  if (typeof v === 'string') {
    if (v.trim() === '') return {};
    try {
      v = JSON.parse(v);
    } catch {
      throw new AdminRequestError(400, 'BadRequest', 'the request body is not JSON');
    }
  }
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new AdminRequestError(400, 'BadRequest', 'the request body must be a JSON object');
  return v as Record<string, unknown>;
}

/** Seconds to advance from a `/_lab/clock` body. */
function clockAdvanceSeconds(body: Record<string, unknown>): number {
  const { advance, advanceSeconds } = body;
  if (advance !== undefined && advanceSeconds !== undefined) {
    throw new AdminRequestError(400, 'BadRequest', 'give either "advance" or "advanceSeconds", not both');
  }
  if (typeof advanceSeconds === 'number') {
    if (!Number.isFinite(advanceSeconds) || advanceSeconds < 0) throw new AdminRequestError(400, 'BadRequest', '"advanceSeconds" must be a number >= 0');
    return advanceSeconds;
  }
  if (typeof advance === 'string') {
    const s = parseDuration(advance);
    if (s === null) throw new AdminRequestError(400, 'BadRequest', `"advance" must be a duration like 90s, 30m, 72h, 2d or 1h30m; got ${JSON.stringify(advance)}`);
    return s;
  }
  throw new AdminRequestError(400, 'BadRequest', 'the body needs "advance" (e.g. "72h") or "advanceSeconds" (a number)');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

/** Make the handler the Graph emulator calls for `/_lab/*` admin paths. */
export function createLabAdminHandler(target: LabAdminTarget): LabAdminHandler {
  const routes: Record<string, Partial<Record<string, (body: unknown) => Promise<unknown>>>> = {
    '/_lab/sync-cycle': { POST: () => target.runSyncCycle() },
    '/_lab/clock': {
      GET: async () => ({ now: target.now() }),
      POST: (body) => target.advanceClock(clockAdvanceSeconds(bodyObject(body))),
    },
    '/_lab/state': { GET: () => target.state() },
    '/_lab/reset': { POST: () => target.reset() },
  };
  return async (req, res, url, body) => {
    const path = url.pathname.replace(/\/+$/, '');
    const route = routes[path];
    if (!route) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    const run = route[method];
    if (!run) {
      res.setHeader('allow', Object.keys(route).join(', '));
      sendError(res, 405, 'MethodNotAllowed', `${method} ${path} is not supported; use ${Object.keys(route).join(' or ')}`);
      return true;
    }
    try {
      send(res, 200, await run(body));
    } catch (e) {
      if (e instanceof AdminRequestError) sendError(res, e.status, e.code, e.message);
      else sendError(res, 500, 'LabError', e instanceof Error ? e.message : String(e));
    }
    return true;
  };
}
