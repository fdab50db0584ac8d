/**
 * Retrying a Graph read after a transient failure (no answer, 500, 502, 503, 504). The SDK's
 * RetryHandler already retried outer 503/504/429 with Retry-After; this covers what it gives up on
 * and what it never retries (no answer, 500, 502), so that a single blip does not fail a read. Reads
 * only: a write that failed this way may have been applied.
 */
import { isTransientGraphError } from '../model/entra.js';
import { graphCall } from './errors.js';

/** Retries of a read after a transient failure, with these delays. */
export const READ_RETRY_DELAYS_MS = [500, 2000, 5000] as const;

/** `fn` (one Graph read), retried after transient failures; other failures are thrown as GraphError. */
export async function retryRead<T>(fn: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await graphCall(fn);
    } catch (err) {
      if (!isTransientGraphError(err) || attempt >= READ_RETRY_DELAYS_MS.length) throw err;
      await sleep(READ_RETRY_DELAYS_MS[attempt] as number);
    }
  }
}
