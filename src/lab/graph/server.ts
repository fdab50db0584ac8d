/**
 * The lab's Graph emulator on node:http. Serves `/v1.0/...` and `/beta/...` from a `LabTenant`
 * with Graph's semantics (see docs/lab-graph.md), plus the lab admin endpoints:
 * `POST /_lab/token` (no auth), `POST /_lab/faults`, `POST /_lab/throttling`; any other `/_lab/*`
 * path goes to `adminHandler` after the bearer check.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LabTenant } from '../tenant.js';
import {
  GraphHttpError,
  JSON_CONTENT_TYPE,
  badSegment,
  errorResponse,
  json,
  type ErrorIds,
  type LabRequest,
  type LabResponse,
} from './protocol.js';
import { routeGraph, runBatch, splitRelative } from './router.js';
import { Throttle, type ThrottlingConfig } from './throttling.js';
import { FaultInjector, parseFaultConfig, type FaultAction, type FaultConfig } from './faults.js';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => Promise<boolean>;

export interface GraphEmulatorOptions {
  /** The tenant served; a function is called on every request (lets the holder swap tenants). */
  tenant: LabTenant | (() => LabTenant);
  host?: '127.0.0.1';
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Accepted bearer tokens; default one random token. `POST /_lab/token` hands out the first. */
  tokens?: string[];
  /** Handles the other `/_lab/*` routes; returns false when it does not know the route (→ 404). */
  adminHandler?: AdminHandler;
  /** Throttling limits; off when absent. */
  throttling?: ThrottlingConfig;
  /** Real-time clock for throttling windows (ms). Default Date.now. */
  throttleClock?: () => number;
}

export interface GraphEmulator {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** A valid bearer token. */
  token: string;
  close(): Promise<void>;
  setFaults(f: FaultConfig | null): void;
  setThrottling(t: ThrottlingConfig | null): void;
  /** Counters since start (Graph requests only; `$batch` inner requests counted in `innerRequests`). */
  stats(): EmulatorStats;
}

export interface EmulatorStats {
  /** Graph HTTP requests received (not `/_lab/*`). */
  requests: number;
  /** Inner requests of `$batch` calls. */
  innerRequests: number;
  /** 429s answered (outer and inner). */
  throttled: number;
  /** Requests failed or dropped by fault injection. */
  faulted: number;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startGraphEmulator(opts: GraphEmulatorOptions): Promise<GraphEmulator> {
  const tenantOf = typeof opts.tenant === 'function' ? opts.tenant : ((t: LabTenant) => () => t)(opts.tenant);
  const tokens = opts.tokens && opts.tokens.length > 0 ? [...opts.tokens] : [randomBytes(24).toString('base64url')];
  const faults = new FaultInjector();
  let throttle: Throttle | null = opts.throttling ? new Throttle(opts.throttling, opts.throttleClock) : null;
  let origin = '';
  const stats: EmulatorStats = { requests: 0, innerRequests: 0, throttled: 0, faulted: 0 };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        const id = randomUUID();
        send(res, errorResponse(e, { requestId: id, clientRequestId: id, date: tenantOf().now() }), id, id);
      } else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const clientRequestId = header(req, 'client-request-id') ?? requestId;
    const ids = (): ErrorIds => ({ requestId, clientRequestId, date: tenantOf().now() });
    const fail = (e: unknown): void => send(res, errorResponse(e, ids()), requestId, clientRequestId);
    const url = new URL(req.url ?? '/', origin);
    const method = (req.method ?? 'GET').toUpperCase();

    let body: unknown;
    try {
      body = await readJson(req);
    } catch (e) {
      fail(e);
      return;
    }

    if (url.pathname === '/_lab/token' && method === 'POST') {
      send(res, json(200, { access_token: tokens[0], token_type: 'Bearer', expires_in: 3600 }), requestId, clientRequestId);
      return;
    }

    const auth = header(req, 'authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m) {
      fail(new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.'));
      return;
    }
    if (!tokens.includes(m[1]?.trim() ?? '')) {
      fail(new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure.'));
      return;
    }
    const key = m[1]?.trim() ?? '';

    if (url.pathname.startsWith('/_lab/')) {
      if (url.pathname === '/_lab/faults' && method === 'POST') {
        const cfg = body === undefined || body === null ? null : parseFaultConfig(body);
        if (body !== undefined && body !== null && cfg === null) {
          fail(new GraphHttpError(400, 'BadRequest', 'Expected { "rules": [ { "action": { "kind": "error" | "unavailable" | "drop", ... }, "nth"?, "times"?, "method"?, "pathPattern"?, "queryPattern"?, "when"?: "before" | "after" } ] }.'));
          return;
        }
        faults.set(cfg);
        send(res, json(200, { rules: cfg?.rules ?? [] }), requestId, clientRequestId);
        return;
      }
      if (url.pathname === '/_lab/throttling' && method === 'POST') {
        const t = body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0) ? null : (body as ThrottlingConfig);
        throttle = t ? new Throttle(t, opts.throttleClock) : null;
        send(res, json(200, { throttling: t }), requestId, clientRequestId);
        return;
      }
      try {
        if (opts.adminHandler && (await opts.adminHandler(req, res, url, body))) return;
      } catch (e) {
        if (!res.headersSent) fail(e);
        return;
      }
      fail(new GraphHttpError(404, 'Request_ResourceNotFound', `The lab has no admin route ${method} ${url.pathname}.`));
      return;
    }

    stats.requests++;
    const fault = faults.next(method, url.pathname, url.search);
    const strike = (action: FaultAction): void => {
      stats.faulted++;
      if (action.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      const retryAfter = action.kind === 'unavailable' ? (action.retryAfterSeconds ?? 1) : action.retryAfterSeconds;
      const extra: Record<string, string> = retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {};
      if (action.kind === 'unavailable') fail(new GraphHttpError(503, 'serviceNotAvailable', 'Service unavailable (lab fault injection).', extra));
      else fail(new GraphHttpError(action.status, action.code, action.message ?? 'Lab fault injection.', extra));
    };
    if (fault?.when === 'before') {
      strike(fault.action);
      return;
    }
    // A fault `after` the request: it is handled in full (a write takes effect), then the answer is lost.
    const respond = fault?.when === 'after' ? () => strike(fault.action) : (out: LabResponse) => send(res, out, requestId, clientRequestId);

    const [, version, ...restPath] = url.pathname.split('/');
    if (version !== 'v1.0' && version !== 'beta') {
      fail(badSegment(version ?? ''));
      return;
    }
    const rel = splitRelative(`/${restPath.join('/')}${url.search}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const ctx = { tenant: tenantOf(), origin };
    const execute = (r: LabRequest, rid: string = randomUUID()): LabResponse => {
      const cid = r.headers['client-request-id'] ?? rid;
      try {
        if (throttle) {
          const d = throttle.charge(key, r);
          if (!d.ok) {
            stats.throttled++;
            throw new GraphHttpError(429, 'TooManyRequests', 'Too many requests. Retry after the number of seconds in the Retry-After header.', {
              'retry-after': String(d.retryAfterSeconds),
            });
          }
        }
        const out = routeGraph(ctx, r);
        return { ...out, headers: { ...out.headers } };
      } catch (e) {
        return errorResponse(e, { requestId: rid, clientRequestId: cid, date: ctx.tenant.now() });
      }
    };
    const lreq: LabRequest = { method, version: version, segments: rel.segments, query: rel.query, headers, body };
    if (rel.segments.length === 1 && rel.segments[0] === '$batch') {
      if (method !== 'POST') {
        fail(new GraphHttpError(405, 'BadRequest', 'The $batch endpoint accepts POST only.'));
        return;
      }
      try {
        respond(runBatch(body, version, (r) => (stats.innerRequests++, execute(r)), () => ctx.tenant.now()));
      } catch (e) {
        fail(e);
      }
      return;
    }
    respond(execute({ ...lreq, headers: { ...headers, 'client-request-id': clientRequestId } }, requestId));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  origin = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;

  return {
    url: origin,
    token: tokens[0] ?? '',
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
    setFaults: (f) => faults.set(f),
    stats: () => ({ ...stats }),
    setThrottling: (t) => {
      throttle = t ? new Throttle(t, opts.throttleClock) : null;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw new GraphHttpError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    chunks.push(b);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

function send(res: ServerResponse, out: LabResponse, requestId: string, clientRequestId: string): void {
  const headers: Record<string, string> = { ...out.headers, 'request-id': requestId, 'client-request-id': clientRequestId };
  if (out.status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  if (out.text !== undefined) {
    res.writeHead(out.status, { 'content-type': 'text/plain;charset=utf-8', ...headers });
    res.end(out.text);
    return;
  }
  const payload = JSON.stringify(out.body ?? null);
  res.writeHead(out.status, { 'content-type': JSON_CONTENT_TYPE, ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  res.end(payload);
}
