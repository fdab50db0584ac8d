/**
 * Write pacing: a token bucket that keeps the writes of one app in one tenant under Graph's
 * documented identity write budget (3,000 writes per 150 s per app and tenant; docs/graph-access.md "Pacing writes",
 * https://learn.microsoft.com/graph/throttling-limits).
 *
 * A bucket of capacity `burst` refilled at `(budget - burst) / window` per second admits at most
 * `burst + (budget - burst) = budget` writes in any window, while sustaining nearly the full rate.
 * 429s still happen (other apps share the tenant's budget): `penalise(seconds)` empties the bucket
 * and holds every writer until Retry-After has passed.
 */

export interface WriteBudget {
  /** Writes allowed per window. Default 3000. */
  writes: number;
  /** Window length in seconds. Default 150. */
  windowSeconds: number;
  /** Bucket capacity: writes that may go at once (a $batch is 20). Default 20. */
  burst: number;
}

export const GRAPH_WRITE_BUDGET: WriteBudget = { writes: 3000, windowSeconds: 150, burst: 20 };

export interface PacerClock {
  /** Milliseconds (any epoch). */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class WritePacer {
  readonly budget: WriteBudget;
  readonly #clock: PacerClock;
  readonly #ratePerMs: number;
  #tokens: number;
  #last: number;
  #holdUntil = 0;
  /** Serialises acquisitions so concurrent writers queue in order. */
  #queue: Promise<void> = Promise.resolve();
  /** Total milliseconds writers waited (reported by apply and the bench). */
  waitedMs = 0;
  granted = 0;

  constructor(budget: Partial<WriteBudget> = {}, clock?: Partial<PacerClock>) {
    this.budget = { ...GRAPH_WRITE_BUDGET, ...budget };
    const { writes, windowSeconds, burst } = this.budget;
    if (!(writes > 0) || !(windowSeconds > 0) || !(burst >= 1) || burst > writes) {
      throw new Error(`invalid write budget ${JSON.stringify(this.budget)}: need writes > 0, windowSeconds > 0, 1 <= burst <= writes`);
    }
    this.#clock = {
      now: clock?.now ?? (() => Date.now()),
      sleep: clock?.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    // With burst === writes the refill would be 0; keep a trickle so the pacer never stalls.
    this.#ratePerMs = Math.max(writes - burst, 1) / (windowSeconds * 1000);
    this.#tokens = burst;
    this.#last = this.#clock.now();
  }

  /** Waits until `n` writes (≤ burst) may be sent, then takes them. */
  acquire(n = 1): Promise<void> {
    if (n > this.budget.burst) throw new Error(`cannot acquire ${n} writes at once: the burst is ${this.budget.burst}`);
    const run = this.#queue.then(() => this.#take(n));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A 429 said to wait `seconds`: nobody writes before then, and the bucket starts empty. */
  penalise(seconds: number): void {
    const now = this.#clock.now();
    this.#refill(now);
    this.#tokens = 0;
    this.#holdUntil = Math.max(this.#holdUntil, now + seconds * 1000);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#last);
    this.#tokens = Math.min(this.budget.burst, this.#tokens + elapsed * this.#ratePerMs);
    this.#last = now;
  }

  async #take(n: number): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#refill(now);
      let waitMs = 0;
      if (now < this.#holdUntil) waitMs = this.#holdUntil - now;
      else if (this.#tokens + 1e-9 < n) waitMs = Math.ceil((n - this.#tokens) / this.#ratePerMs);
      if (waitMs <= 0) {
        this.#tokens -= n;
        this.granted += n;
        return;
      }
      this.waitedMs += waitMs;
      await this.#clock.sleep(waitMs);
    }
  }
}
