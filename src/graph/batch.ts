/**
 * JSON batching (`POST /{version}/$batch`, at most 20 requests each,
 * https://learn.microsoft.com/graph/json-batching). Graph answers 200 even when inner requests fail,
 * and the SDK's RetryHandler sees only that outer answer, so this helper retries inner requests itself:
 * - an inner 429, after its Retry-After (https://learn.microsoft.com/graph/throttling);
 * - an inner 500/502/503/504 of a GET (transient; a write that failed so may have been applied, so it
 *   is not re-sent), after its Retry-After or a bounded backoff;
 * together with requests that failed with 424 because they depended on one of them. Only the requests
 * to retry go again: requests that succeeded are never re-sent. A batch of reads whose outer request
 * fails transiently (no answer, 5xx) is re-sent alone, the other batches keeping their answers. Writes
 * take tokens from the pacer before each batch goes out.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '../model/entra.js';
import { graphCall, graphErrorFromBody } from './errors.js';
import type { WritePacer } from './pacer.js';
import { retryRead } from './read-retry.js';

const MAX_BATCH_SIZE = 20;
/** Inner statuses retried for GETs: transient server errors (https://learn.microsoft.com/graph/errors). */
const TRANSIENT_INNER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** The longest wait (s) before retrying an inner request that came without Retry-After (1, 2, 4 … s, capped). */
export const INNER_BACKOFF_CAP_SECONDS = 30;

export interface BatchRequest {
  /** Unique within one `runBatch` call. */
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version, e.g. `/users/{id}/onPremisesSyncBehavior`. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ids of requests in this call that must succeed first (kept in the same batch). */
  dependsOn?: string[];
}

export interface BatchResult {
  id: string;
  status: number;
  body: unknown;
  /** Set when status is not 2xx. */
  error?: GraphError;
}

export interface BatchOptions {
  version: 'v1.0' | 'beta';
  /** Takes one token per request before each batch (writes). Omit for reads. */
  pacer?: WritePacer;
  sleep: (ms: number) => Promise<void>;
  /** Rounds of inner retries (429, and 5xx of GETs) before giving up on a request (default 6). */
  maxInnerRetries?: number;
  /** Batches sent at once (default 1 for writes; reads may use more). */
  concurrency?: number;
  /** Counters, updated as batches go. */
  stats?: BatchStats;
  /** Before each wait: how long, how many requests go again, and how many of them were throttled (429; the rest 5xx). */
  onRetry?: (waitSeconds: number, requests: number, throttled: number) => void;
}

export interface BatchStats {
  batches: number;
  innerRequests: number;
  innerThrottled: number;
  /** Inner GETs answered 500/502/503/504 and retried. */
  innerUnavailable: number;
}

export function newBatchStats(): BatchStats {
  return { batches: 0, innerRequests: 0, innerThrottled: 0, innerUnavailable: 0 };
}

interface InnerResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** Splits requests into batches of ≤ `maxSize` (≤ 20), keeping each dependsOn chain in one batch. */
export function chunkRequests(requests: readonly BatchRequest[], maxSize: number = MAX_BATCH_SIZE): BatchRequest[][] {
  const size = Math.max(1, Math.min(MAX_BATCH_SIZE, Math.floor(maxSize)));
  const ids = new Set<string>();
  for (const r of requests) {
    if (ids.has(r.id)) throw new Error(`batch request id ${JSON.stringify(r.id)} is used twice`);
    ids.add(r.id);
  }
  // union-find over dependsOn
  const parent = new Map<string, string>(requests.map((r) => [r.id, r.id]));
  const find = (x: string): string => {
    let p = parent.get(x)!;
    while (p !== parent.get(p)) p = parent.get(p)!;
    parent.set(x, p);
    return p;
  };
  for (const r of requests) {
    for (const d of r.dependsOn ?? []) {
      if (!ids.has(d)) throw new Error(`batch request ${r.id} depends on unknown request ${d}`);
      parent.set(find(r.id), find(d));
    }
  }
  const groups = new Map<string, BatchRequest[]>();
  for (const r of requests) {
    const root = find(r.id);
    const g = groups.get(root) ?? [];
    g.push(r);
    groups.set(root, g);
  }
  const chunks: BatchRequest[][] = [];
  let current: BatchRequest[] = [];
  for (const g0 of groups.values()) {
    const g = dependenciesFirst(g0);
    if (g.length > size) throw new Error(`a dependsOn chain of ${g.length} requests does not fit one batch of ${size}`);
    if (current.length + g.length > size) {
      chunks.push(current);
      current = [];
    }
    current.push(...g);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Stable topological order: a request comes after the requests it depends on (Graph wants earlier ids). */
function dependenciesFirst(group: BatchRequest[]): BatchRequest[] {
  const byId = new Map(group.map((r) => [r.id, r]));
  const out: BatchRequest[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: BatchRequest): void => {
    const st = state.get(r.id);
    if (st === 'done') return;
    if (st === 'visiting') throw new Error(`batch requests depend on each other in a cycle (at ${r.id})`);
    state.set(r.id, 'visiting');
    for (const d of r.dependsOn ?? []) visit(byId.get(d)!);
    state.set(r.id, 'done');
    out.push(r);
  };
  group.forEach(visit);
  return out;
}

async function sendOne(client: Client, chunk: BatchRequest[], opts: BatchOptions): Promise<InnerResponse[]> {
  if (opts.pacer) await opts.pacer.acquire(chunk.length);
  const payload = {
    requests: chunk.map((r) => ({
      id: r.id,
      method: r.method,
      url: r.url,
      ...(r.body !== undefined ? { body: r.body, headers: { 'Content-Type': 'application/json', ...(r.headers ?? {}) } } : {}),
      ...(r.body === undefined && r.headers ? { headers: r.headers } : {}),
      ...(r.dependsOn && r.dependsOn.length > 0 ? { dependsOn: r.dependsOn } : {}),
    })),
  };
  const post = () => client.api('/$batch').version(opts.version).post(payload) as Promise<{ responses?: InnerResponse[] }>;
  // A batch of reads that got no answer (or a transient 5xx) is sent again, alone; a batch with a write
  // is not (it may have been applied).
  const answer = chunk.every((r) => r.method === 'GET') ? await retryRead(post, opts.sleep) : await graphCall(post);
  if (opts.stats) {
    opts.stats.batches += 1;
    opts.stats.innerRequests += chunk.length;
  }
  return answer.responses ?? [];
}

/**
 * Sends the requests in batches and returns one result per request (by id). Never throws for an
 * inner failure: those are results with `error`. Throws `GraphError` when a batch itself fails.
 */
export async function runBatch(client: Client, requests: readonly BatchRequest[], opts: BatchOptions): Promise<Map<string, BatchResult>> {
  const results = new Map<string, BatchResult>();
  const byId = new Map(requests.map((r) => [r.id, r]));
  const maxRetries = opts.maxInnerRetries ?? 6;
  let pending: BatchRequest[] = [...requests];
  for (let round = 0; pending.length > 0; round++) {
    // a batch never takes more writes at once than the pacer's burst
    const chunks = chunkRequests(pending, opts.pacer ? opts.pacer.budget.burst : MAX_BATCH_SIZE);
    const retry = new Set<string>();
    let throttledNow = 0;
    let waitSeconds = 0;
    const concurrency = Math.max(1, opts.concurrency ?? 1);
    for (let i = 0; i < chunks.length; i += concurrency) {
      const answers = await Promise.all(chunks.slice(i, i + concurrency).map((c) => sendOne(client, c, opts)));
      for (const inner of answers.flat()) {
        const req = byId.get(inner.id);
        if (!req) continue;
        const throttled = inner.status === 429;
        if ((throttled || (req.method === 'GET' && TRANSIENT_INNER_STATUSES.has(inner.status))) && round < maxRetries) {
          const ra = Number(headerValue(inner.headers, 'Retry-After'));
          waitSeconds = Math.max(waitSeconds, Number.isFinite(ra) && ra >= 0 ? ra : Math.min(2 ** round, INNER_BACKOFF_CAP_SECONDS));
          retry.add(inner.id);
          if (throttled) throttledNow += 1;
          if (opts.stats) {
            if (throttled) opts.stats.innerThrottled += 1;
            else opts.stats.innerUnavailable += 1;
          }
          continue;
        }
        const ok = inner.status >= 200 && inner.status < 300;
        const result: BatchResult = { id: inner.id, status: inner.status, body: inner.body ?? null };
        if (!ok) {
          result.error =
            inner.status === 424
              ? new GraphError(424, 'FailedDependency', `not run: it depends on ${(req.dependsOn ?? []).join(', ')}, which failed`)
              : graphErrorFromBody(inner.status, inner.body, `Http${inner.status}`);
        }
        results.set(inner.id, result);
      }
    }
    // 424s whose dependency is being retried go again with it.
    for (const r of pending) {
      const res = results.get(r.id);
      if (res?.status === 424 && (r.dependsOn ?? []).some((d) => retry.has(d))) {
        results.delete(r.id);
        retry.add(r.id);
      }
    }
    // A request Graph did not answer at all is an error, not a silent success.
    for (const r of pending) {
      if (!results.has(r.id) && !retry.has(r.id)) {
        results.set(r.id, { id: r.id, status: 0, body: null, error: new GraphError(0, 'NoBatchResponse', 'Graph returned no answer for this request in the batch') });
      }
    }
    if (retry.size === 0) break;
    opts.onRetry?.(waitSeconds, retry.size, throttledNow);
    if (opts.pacer) opts.pacer.penalise(waitSeconds);
    else await opts.sleep(waitSeconds * 1000);
    pending = pending.filter((r) => retry.has(r.id)).map((r) => ({
      ...r,
      // dependencies that already succeeded are not re-sent
      dependsOn: (r.dependsOn ?? []).filter((d) => retry.has(d)),
    }));
  }
  return results;
}
