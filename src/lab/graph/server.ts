/**
 * The lab's Graph emulator on node:http. Serves `/v1.0/...` and `/beta/...` from a `LabTenant`
 * with Graph's semantics (see docs/lab-graph.md), plus the lab admin endpoints:
 * `POST /_lab/token` (no auth; `{"identity": name}` picks one), `POST /_lab/faults`,
 * `POST /_lab/throttling`; any other `/_lab/*` path goes to `adminHandler` after the bearer check.
 *
 * Every bearer is a lab identity's token (src/lab/identities.ts); each route authorises its caller
 * against Microsoft's permission table for that API (authorization.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { LabTenant } from '../tenant/lab-tenant.js';
import { DEFAULT_LAB_IDENTITY, LabTokenIssuer, defaultLabIdentities, type LabIdentity } from '../identities.js';
import type { LabCaller } from './authorization.js';
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
import { Throttle, requestCost, type ThrottlingConfig } from './throttling.js';
import { FAULT_KINDS, FaultInjector, appliesFirst, parseFaultConfig, type FaultAction, type FaultConfig, type FaultKind } from './faults.js';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => Promise<boolean>;

export interface GraphEmulatorOptions {
  /** The tenant served; a function is called on every request (lets the holder swap tenants). */
  tenant: LabTenant | (() => LabTenant);
  host?: '127.0.0.1';
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** The identities the emulator issues tokens for (default `defaultLabIdentities()`); the first named `global-admin`, else the first, is `token`. */
  identities?: LabIdentity[];
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
  /** The default identity's token (`global-admin`: a signed-in Global Administrator). */
  token: string;
  /** Every identity's token by name (`application`, `global-admin`, ...). */
  tokens: Readonly<Record<string, string>>;
  /** The identities, in the order given. */
  identities: readonly LabIdentity[];
  /** A token for any identity (tests make identities with exactly the permissions they probe). */
  issueToken(identity: LabIdentity): string;
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
  /** `faulted` by the kind of fault. */
  faultedByKind: Record<FaultKind, number>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startGraphEmulator(opts: GraphEmulatorOptions): Promise<GraphEmulator> {
  const tenantOf = typeof opts.tenant === 'function' ? opts.tenant : ((t: LabTenant) => () => t)(opts.tenant);
  const identities = opts.identities && opts.identities.length > 0 ? [...opts.identities] : defaultLabIdentities();
  const issuer = new LabTokenIssuer();
  const issueToken = (identity: LabIdentity): string => {
    const t = tenantOf();
    const domains = t.getOrganization().verifiedDomains;
    const domain = (domains.find((d) => d.isDefault) ?? domains[0])?.name ?? 'lab.example.test';
    return issuer.issue(identity, t.tenantId, domain);
  };
  const tokens: Record<string, string> = Object.fromEntries(identities.map((i) => [i.name, issueToken(i)]));
  const defaultToken = tokens[DEFAULT_LAB_IDENTITY] ?? tokens[identities[0]?.name ?? ''] ?? '';
  const faults = new FaultInjector();
  let throttle: Throttle | null = opts.throttling ? new Throttle(opts.throttling, opts.throttleClock) : null;
  let origin = '';
  const stats: EmulatorStats = {
    requests: 0,
    innerRequests: 0,
    throttled: 0,
    faulted: 0,
    faultedByKind: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        const id = randomUUID();
        send(res, errorResponse(e, { requestId: id, clientRequestId: id, date: tenantOf().now() }), id, id);
      } else res.destroy();
    });
  });

  /** The caller a bearer token stands for, or the 401 Graph answers. */
  function callerOf(authorization: string): LabCaller | GraphHttpError {
    const m = /^Bearer\s+(.+)$/i.exec(authorization);
    if (!m) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const claims = issuer.verify(m[1]?.trim() ?? '');
    if (!claims) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
    if (claims.tid.toLowerCase() !== tenantOf().tenantId.toLowerCase()) {
      return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
    }
    return { claims };
  }

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
      const name = (body as { identity?: unknown } | undefined)?.identity;
      const token = name === undefined ? defaultToken : typeof name === 'string' ? tokens[name] : undefined;
      if (token === undefined) {
        fail(new GraphHttpError(404, 'Request_ResourceNotFound', `The lab has no identity ${JSON.stringify(name)}; it has ${identities.map((i) => i.name).join(', ')}.`));
        return;
      }
      send(res, json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 }), requestId, clientRequestId);
      return;
    }

    const caller = callerOf(header(req, 'authorization') ?? '');
    if (caller instanceof GraphHttpError) {
      fail(caller);
      return;
    }

    if (url.pathname.startsWith('/_lab/')) {
      if (url.pathname === '/_lab/faults' && method === 'POST') {
        const cfg = body === undefined || body === null ? null : parseFaultConfig(body);
        if (body !== undefined && body !== null && cfg === null) {
          fail(
            new GraphHttpError(
              400,
              'BadRequest',
              'Expected { "rules": [ { "action": { "kind": "error" | "unavailable" | "drop" | "dropAfterApply" | "errorAfterApply", ... }, "nth"?, "times"?, "method"?, "pathPattern"?, "queryPattern"? } ] }.',
            ),
          );
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
    if (fault && !appliesFirst(fault)) {
      stats.faulted++;
      stats.faultedByKind[fault.kind]++;
      answerFault(res, fault, fail);
      return;
    }

    const [, version, ...restPath] = url.pathname.split('/');
    if (version !== 'v1.0' && version !== 'beta') {
      fail(badSegment(version ?? ''));
      return;
    }
    const rel = splitRelative(`/${restPath.join('/')}${url.search}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const ctx = { tenant: tenantOf(), origin, caller };
    const execute = (r: LabRequest, rid: string = randomUUID()): LabResponse => {
      const cid = r.headers['client-request-id'] ?? rid;
      let units = requestCost(r).units;
      const extra: Record<string, string> = {};
      try {
        if (throttle) {
          const d = throttle.charge(caller.claims.appid, r);
          units = d.units;
          if (!d.ok) {
            stats.throttled++;
            throw new GraphHttpError(429, 'TooManyRequests', 'Too many requests. Retry after the number of seconds in the Retry-After header.', {
              'retry-after': String(d.retryAfterSeconds),
              'x-ms-throttle-scope': `${d.scope ?? 'Tenant_Application/ReadWrite'}/${caller.claims.appid}/${ctx.tenant.tenantId}`,
              'x-ms-throttle-information': d.information ?? 'ResourceUnitLimitExceeded',
            });
          }
          if (d.limitPercentage !== null) extra['x-ms-throttle-limit-percentage'] = d.limitPercentage.toFixed(2);
        }
        const out = routeGraph(ctx, r);
        return { ...out, headers: { ...out.headers, 'x-ms-resource-unit': String(units), ...extra } };
      } catch (e) {
        const err = errorResponse(e, { requestId: rid, clientRequestId: cid, date: ctx.tenant.now() });
        return { ...err, headers: { ...err.headers, 'x-ms-resource-unit': String(units) } };
      }
    };
    /** One request inside a `$batch`: counted, and failed by the `inBatch` fault rules that match it. */
    const executeInner = (r: LabRequest, v: string): LabResponse => {
      stats.innerRequests++;
      const innerFault = faults.next(r.method, `/${v}/${r.segments.map(encodeURIComponent).join('/')}`, r.query.toString(), true);
      const res = innerFault && !appliesFirst(innerFault) ? null : execute(r);
      if (!innerFault) return res as LabResponse;
      stats.faulted++;
      stats.faultedByKind[innerFault.kind]++;
      const id = randomUUID();
      return errorResponse(faultError(innerFault), { requestId: id, clientRequestId: id, date: ctx.tenant.now() });
    };
    const lreq: LabRequest = { method, version: version, segments: rel.segments, query: rel.query, headers, body };
    let out: LabResponse;
    if (rel.segments.length === 1 && rel.segments[0] === '$batch') {
      if (method !== 'POST') {
        fail(new GraphHttpError(405, 'BadRequest', 'The $batch endpoint accepts POST only.'));
        return;
      }
      try {
        out = runBatch(body, version, (r) => executeInner(r, version), () => ctx.tenant.now());
      } catch (e) {
        fail(e);
        return;
      }
    } else {
      out = execute({ ...lreq, headers: { ...headers, 'client-request-id': clientRequestId } }, requestId);
    }
    if (fault) {
      // The request was carried out; its answer is lost or replaced.
      stats.faulted++;
      stats.faultedByKind[fault.kind]++;
      answerFault(res, fault, fail);
      return;
    }
    send(res, out, requestId, clientRequestId);
  }

  function answerFault(res: ServerResponse, fault: FaultAction, fail: (e: unknown) => void): void {
    if (fault.kind === 'drop' || fault.kind === 'dropAfterApply') res.socket?.destroy();
    else fail(faultError(fault));
  }

  /** The Graph error a fault answers (drop kinds have none: they close the connection). */
  function faultError(fault: FaultAction): GraphHttpError {
    switch (fault.kind) {
      case 'drop':
      case 'dropAfterApply':
        return new GraphHttpError(504, 'GatewayTimeout', 'Lab fault injection: no answer.');
      case 'unavailable':
        return new GraphHttpError(503, 'serviceNotAvailable', 'Service unavailable (lab fault injection).', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
      case 'error':
        return new GraphHttpError(fault.status, fault.code, fault.message ?? 'Lab fault injection.', fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
      case 'errorAfterApply':
        return new GraphHttpError(fault.status ?? 504, fault.code ?? 'GatewayTimeout', fault.message ?? 'Lab fault injection: the request was carried out, then timed out at the gateway.');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  origin = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;

  return {
    url: origin,
    token: defaultToken,
    tokens,
    identities,
    issueToken,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
    setFaults: (f) => faults.set(f),
    stats: () => ({ ...stats, faultedByKind: { ...stats.faultedByKind } }),
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
