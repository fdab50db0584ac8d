/**
 * Dispatch of a Graph request (after the version segment) to its route, and `$batch`.
 */
import { randomUUID } from 'node:crypto';
import { GraphHttpError, badSegment, errorResponse, type GraphVersion, type LabRequest, type LabResponse } from './protocol.js';
import { deletedItemsRoute } from './deleted-items.js';
import type { RouteContext } from './route-context.js';
import { usersRoute } from './users.js';
import { directoryRolesRoute, groupsRoute, onPremisesSynchronizationRoute, organizationRoute, roleManagementRoute } from './tenant-routes.js';

/** The OData system query options the emulator implements; others are refused rather than ignored. */
const SUPPORTED_OPTIONS = new Set(['$select', '$top', '$filter', '$count', '$skiptoken', '$deltatoken', '$expand']);

/** Route one request; throws GraphHttpError / LabTenantError for Graph errors. */
export function routeGraph(ctx: RouteContext, req: LabRequest): LabResponse {
  for (const k of req.query.keys()) {
    if (k.startsWith('$') && !SUPPORTED_OPTIONS.has(k.toLowerCase())) {
      // Lab limitation (not Graph's answer): better a clear 400 than silently wrong results.
      throw new GraphHttpError(400, 'Request_UnsupportedQuery', `The lab's Graph emulator does not support the query option '${k}'.`);
    }
  }
  const [head, ...rest] = req.segments;
  if (head === undefined || head === '') throw badSegment('');
  switch (head.toLowerCase()) {
    case 'users':
      return usersRoute(ctx, req, rest);
    case 'groups':
      return groupsRoute(ctx, req, rest);
    case 'organization':
      return organizationRoute(ctx, req, rest);
    case 'directoryroles':
      return directoryRolesRoute(ctx, req, rest);
    case 'rolemanagement':
      return roleManagementRoute(ctx, req, rest);
    case 'directory': {
      const [sub, ...more] = rest;
      if (sub?.toLowerCase() === 'onpremisessynchronization') return onPremisesSynchronizationRoute(ctx, req, more);
      if (sub?.toLowerCase() === 'deleteditems') return deletedItemsRoute(ctx, req, more);
      throw badSegment(sub ?? 'directory');
    }
    default:
      throw badSegment(head);
  }
}

/** Split `/users/a%40b?$select=x` (relative to a version) into decoded segments and query. */
export function splitRelative(pathAndQuery: string): { segments: string[]; query: URLSearchParams } {
  const q = pathAndQuery.indexOf('?');
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1));
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query };
}

const MAX_BATCH_REQUESTS = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface InnerResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * `POST /$batch` (learn.microsoft.com/graph/json-batching): at most 20 requests (more → 400);
 * `id` is required and "case insensitive", unique in the batch (a duplicate, compared without case,
 * → 400); `dependsOn` names earlier ids (also without case); a request with a `body` must carry a
 * `Content-Type` header ("headers ... required when body is specified"), else the whole batch gets
 * 400 with the message Graph answers ("Write request id : 1 does not contain Content-Type header or
 * body.", as users report it; unconfirmed). Requests run in order through `execute` (which applies
 * authorization, throttling and routing); a request whose dependency failed gets 424. The outer
 * answer is 200 whatever the inner results. The limit and duplicate messages are ours (unconfirmed).
 */
export function runBatch(body: unknown, version: GraphVersion, execute: (req: LabRequest) => LabResponse, now: () => Date): LabResponse {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw new GraphHttpError(400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw new GraphHttpError(400, 'BadRequest', `Number of requests in the batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  }
  const seen = new Set<string>();
  const items: BatchItem[] = [];
  for (const r of requests as unknown[]) {
    const it = r as Partial<BatchItem> | null;
    if (!it || typeof it.id !== 'string' || it.id === '' || typeof it.method !== 'string' || typeof it.url !== 'string') {
      throw new GraphHttpError(400, 'BadRequest', 'Each batch request needs id, method and url.');
    }
    const key = it.id.toLowerCase();
    if (seen.has(key)) throw new GraphHttpError(400, 'BadRequest', `Batch request ids must be unique: '${it.id}' is used more than once.`);
    for (const d of it.dependsOn ?? []) {
      if (!seen.has(String(d).toLowerCase())) throw new GraphHttpError(400, 'BadRequest', `Request '${it.id}' depends on '${d}', which is not an earlier request of the batch.`);
    }
    const hasContentType = Object.keys(it.headers ?? {}).some((h) => h.toLowerCase() === 'content-type');
    if (it.body !== undefined && !hasContentType) {
      throw new GraphHttpError(400, 'BadRequest', `Write request id : ${it.id} does not contain Content-Type header or body.`);
    }
    seen.add(key);
    items.push(it as BatchItem);
  }
  const statusById = new Map<string, number>();
  const responses: InnerResult[] = [];
  for (const it of items) {
    const failedDep = (it.dependsOn ?? []).find((d) => (statusById.get(String(d).toLowerCase()) ?? 0) >= 400);
    let res: LabResponse;
    if (failedDep !== undefined) {
      const id = randomUUID();
      res = errorResponse(new GraphHttpError(424, 'FailedDependency', `The request depends on request '${failedDep}', which failed.`), {
        requestId: id,
        clientRequestId: id,
        date: now(),
      });
    } else {
      const rel = it.url.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/(v1\.0|beta)(?=\/)/, '');
      const { segments, query } = splitRelative(rel);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(it.headers ?? {})) headers[k.toLowerCase()] = String(v);
      res = execute({ method: it.method.toUpperCase(), version, segments, query, headers, body: it.body });
    }
    statusById.set(it.id.toLowerCase(), res.status);
    const out: InnerResult = { id: it.id, status: res.status, headers: res.headers };
    if (res.body !== undefined) out.body = res.body;
    else if (res.text !== undefined) out.body = res.text;
    responses.push(out);
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: { responses } };
}
