/**
 * The read machinery under GraphEntraAccess: single reads and paged lists (each retried after a
 * transient failure, read-retry.ts), `$batch`es of reads, and the reads that go out together: GETs
 * asked for in the same turn of the event loop (a `plan` asks for the organization, the sync settings,
 * deleted users, groups, role holders and PIM eligibilities at once) are sent as one `$batch` of ≤ 20
 * (https://learn.microsoft.com/graph/json-batching), so that a plan of N users costs ⌈N / 999⌉ user
 * pages and one request for everything else.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '../model/entra.js';
import { runBatch, type BatchRequest, type BatchResult, type BatchStats } from './batch.js';
import type { Json } from './graph-json.js';
import { retryRead } from './read-retry.js';

export type GraphVersion = 'v1.0' | 'beta';

interface Queued {
  url: string;
  headers: Record<string, string> | undefined;
  resolve: (body: Json) => void;
  reject: (err: unknown) => void;
}

export class GraphReader {
  /** GETs waiting for the end of this turn of the event loop, to go out in one `$batch`. */
  #queue: Queued[] = [];

  constructor(
    readonly client: Client,
    readonly sleep: (ms: number) => Promise<void>,
    /** `$batch` requests in flight at once. */
    readonly concurrency: number,
    /** Counters of the sync-behaviour and sync-state `$batch`es (`batch`). */
    readonly batchStats: BatchStats,
    /** Counters of the `$batch`es of reads that went out together (`getTogether`). */
    readonly togetherStats: BatchStats,
  ) {}

  /** One v1.0 read, retried after a transient failure. */
  read<T>(fn: () => Promise<T>): Promise<T> {
    return retryRead(fn, this.sleep);
  }

  /** One page: a path (`/users?...`, on `version`) or an `@odata.nextLink` (followed as is, on our endpoint). */
  async getPage(pathOrLink: string, version: GraphVersion = 'v1.0'): Promise<{ value: Json[]; next: string | null }> {
    let path = pathOrLink;
    let ver: string = version;
    const m = /^https?:\/\/[^/]+\/([^/?]+)(\/.*)$/i.exec(pathOrLink);
    if (m) {
      // The SDK only parses https:// links itself; splitting here keeps the lab's http:// links working
      // and sends the link's path and query, unchanged, to the endpoint this client authenticates to.
      ver = m[1]!;
      path = m[2]!;
    }
    return pageOf(await this.read(() => this.client.api(path).version(ver).get() as Promise<Json>));
  }

  /** Every item of a list: the first page of `path`, then its nextLinks. */
  async getAll(path: string, version: GraphVersion = 'v1.0', onPage?: (count: number, pages: number) => void): Promise<Json[]> {
    return this.#follow(await this.getPage(path, version), onPage);
  }

  /** One object from v1.0; null when Graph answers 404. */
  async getOne(path: string): Promise<Json | null> {
    try {
      return await this.read(() => this.client.api(path).version('v1.0').get() as Promise<Json>);
    } catch (err) {
      if (err instanceof GraphError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * One v1.0 GET that goes out with the other GETs asked for in this turn of the event loop: several
   * go as one `$batch` (inner failures retried as batch.ts says; a failure is thrown to its own caller
   * only), one alone as a plain GET.
   */
  getTogether(url: string, headers?: Record<string, string>): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      this.#queue.push({ url, headers, resolve, reject });
      if (this.#queue.length === 1) setImmediate(() => void this.#flush());
    });
  }

  /** Every item of a list whose first page goes out with the other reads of this turn (getTogether). */
  async getAllTogether(path: string): Promise<Json[]> {
    return this.#follow(pageOf(await this.getTogether(path)));
  }

  /** Reads in `$batch`es of 20 (`concurrency` at once); one result per request id. */
  batch(requests: readonly BatchRequest[], version: GraphVersion, onRetry?: (waitSeconds: number, requests: number, throttled: number) => void): Promise<Map<string, BatchResult>> {
    return runBatch(this.client, requests, {
      version,
      sleep: this.sleep,
      concurrency: this.concurrency,
      stats: this.batchStats,
      ...(onRetry ? { onRetry } : {}),
    });
  }

  async #follow(first: { value: Json[]; next: string | null }, onPage?: (count: number, pages: number) => void): Promise<Json[]> {
    const all: Json[] = [...first.value];
    let pages = 1;
    onPage?.(all.length, pages);
    let link = first.next;
    while (link !== null) {
      const page = await this.getPage(link);
      for (const item of page.value) all.push(item);
      pages += 1;
      onPage?.(all.length, pages);
      link = page.next;
    }
    return all;
  }

  async #flush(): Promise<void> {
    const queued = this.#queue;
    this.#queue = [];
    const [only] = queued;
    if (queued.length === 1 && only) {
      const { url, headers } = only;
      this.read(() => {
        let req = this.client.api(url).version('v1.0');
        for (const [k, v] of Object.entries(headers ?? {})) req = req.header(k, v);
        return req.get() as Promise<Json>;
      }).then(only.resolve, only.reject);
      return;
    }
    try {
      const results = await runBatch(
        this.client,
        queued.map((q, i) => ({ id: String(i), method: 'GET' as const, url: q.url, ...(q.headers ? { headers: q.headers } : {}) })),
        { version: 'v1.0', sleep: this.sleep, concurrency: this.concurrency, stats: this.togetherStats },
      );
      queued.forEach((q, i) => {
        const r = results.get(String(i));
        if (!r || r.error) q.reject(r?.error ?? new GraphError(0, 'NoBatchResponse', `Graph returned no answer for GET ${q.url} in the batch`));
        else q.resolve((r.body ?? {}) as Json);
      });
    } catch (err) {
      for (const q of queued) q.reject(err);
    }
  }
}

function pageOf(body: Json): { value: Json[]; next: string | null } {
  const value = Array.isArray(body['value']) ? (body['value'] as Json[]) : [];
  const next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : null;
  return { value, next };
}
