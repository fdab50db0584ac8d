/**
 * Outcomes that are unknown are treated as unknown (docs/apply.md, "Outcomes that are unknown"). A write whose answer was lost — a
 * dropped connection, a 5xx after the service may have done it, a DC that went away mid-write — is not
 * "failed": apply reads the step's postcondition again, records it done when the effect is there, retries
 * it (with backoff) when the postcondition can be read, and otherwise says it may or may not have been
 * applied. AD steps wait for a DC that is down, within a bounded time shared by all of them.
 */
import { DirectoryError } from '../model/directory.js';
import { GraphError, isTransientGraphError } from '../model/entra.js';
import { ApplyInterrupted, StepFailure, describeFailure } from './errors.js';

/** A failure after which the write may or may not have taken effect. */
export function isUnknownOutcome(e: unknown): boolean {
  return isTransientGraphError(e) || (e instanceof DirectoryError && e.code === 'unavailable');
}

/** Delays before the retries of a write whose outcome was unknown (ms): 1 s, 4 s, 16 s. */
export const WRITE_RETRY_DELAYS_MS = [1000, 4000, 16000] as const;

export interface OutcomeSettings {
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** How long AD steps wait for a DC that cannot be reached, counted from the start of the outage. */
  adOutageWaitMs: number;
  signal?: AbortSignal;
}

/**
 * A DC outage as all AD steps see it: the first step to find the DC unreachable starts the clock; every
 * AD step retries (reconnecting) until `adOutageWaitMs` after that; once it has run out, AD steps fail
 * at once until an AD call succeeds again. So an outage costs at most that long, not that long per step.
 */
export class DirectoryOutage {
  #since: number | null = null;
  constructor(private readonly o: OutcomeSettings) {}

  /** An AD call succeeded: the DC is back. */
  ok(): void {
    this.#since = null;
  }

  /** An AD call found the DC unreachable: true when the caller should wait and retry. */
  shouldRetry(): boolean {
    const now = this.o.now().getTime();
    this.#since ??= now;
    return now - this.#since < this.o.adOutageWaitMs;
  }

  /** How long to wait before the next attempt (grows to 10 s). */
  delayMs(attempt: number): number {
    return Math.min(10_000, 500 * 2 ** attempt);
  }
}

async function pause(o: OutcomeSettings, ms: number): Promise<void> {
  if (o.signal?.aborted) throw new ApplyInterrupted();
  await o.sleep(ms);
  if (o.signal?.aborted) throw new ApplyInterrupted();
}

/**
 * Runs an AD call, retrying while the DC is unreachable (DirectoryError `unavailable`) within the
 * outage's bounds. Only for calls that may simply be repeated: reads, and writes whose caller checks
 * the postcondition before repeating them (`runWrite` does).
 */
export async function withDirectory<T>(outage: DirectoryOutage, o: OutcomeSettings, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await call();
      outage.ok();
      return out;
    } catch (e) {
      if (!(e instanceof DirectoryError && e.code === 'unavailable') || !outage.shouldRetry()) throw e;
      await pause(o, outage.delayMs(attempt));
    }
  }
}

export interface WriteAttempt {
  /** Performs the write; returns the sentence saying it was done. */
  run: () => Promise<string>;
  /** Reads the postcondition (already in effect?). */
  isDone: () => Promise<boolean>;
  /** False when the postcondition cannot be read (then a lost answer cannot be retried safely). */
  checkable: boolean;
  /** The sentence for "done", when a lost answer turned out to have done it (asked after the attempt). */
  doneMessage: () => string;
  /** What it does, for messages ("convert alice@contoso.com to cloud authority"). */
  title: string;
  /** True for AD writes: the DC outage rules apply to them. */
  directory: boolean;
}

/**
 * Runs a write. When its answer is unknown (isUnknownOutcome) or it failed in a way the postcondition can
 * settle (a restore retried by the SDK after its first answer was lost gets 404), the postcondition is
 * read again: in effect → done; otherwise the write is retried with backoff when the postcondition can be
 * read (WRITE_RETRY_DELAYS_MS, or the DC outage's bounds for AD writes); when attempts run out the step
 * fails saying the write may or may not have been applied.
 */
export async function runWrite(w: WriteAttempt, o: OutcomeSettings, outage: DirectoryOutage): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      const message = await w.run();
      if (w.directory) outage.ok();
      return message;
    } catch (e) {
      if (e instanceof ApplyInterrupted) throw e;
      failure = e;
    }
    const unknown = isUnknownOutcome(failure);
    const settled = await settledByPostcondition(w);
    if (settled === true) return `${w.doneMessage()} (the answer to the write was lost, but the change is in effect)`;
    if (!unknown) throw failure;
    const again = w.checkable && settled === false && (w.directory ? outage.shouldRetry() : attempt < WRITE_RETRY_DELAYS_MS.length);
    if (!again) throw new StepFailure(mayOrMayNot(w, failure, settled, o));
    await pause(o, w.directory ? outage.delayMs(attempt) : (WRITE_RETRY_DELAYS_MS[attempt] as number));
  }
}

/** true/false: the postcondition was read; null: it could not be read either. */
async function settledByPostcondition(w: WriteAttempt): Promise<boolean | null> {
  if (!w.checkable) return null;
  try {
    // An AD postcondition reads through the outage-aware directory (executor.ts, retryingReads) already.
    return await w.isDone();
  } catch (e) {
    if (e instanceof ApplyInterrupted) throw e;
    return null;
  }
}

function mayOrMayNot(w: WriteAttempt, e: unknown, settled: boolean | null, o: OutcomeSettings): string {
  if (e instanceof DirectoryError) {
    const waited = Math.round(o.adOutageWaitMs / 1000);
    return describeFailure(
      w.title,
      new DirectoryError(e.code, `${e.message.replace(/[.\s]+$/, '')}; apply waited ${waited} s for the DC, and the write may or may not have been applied`, e.dn),
    );
  }
  const what = e instanceof GraphError ? `Graph's answer was lost (${e.status ? `HTTP ${e.status}` : 'no answer'} ${e.code})` : String(e);
  const state =
    settled === false
      ? 'it is not in effect as far as can be read now, but'
      : w.checkable
        ? 'its effect could not be read back, so'
        : 'this step has no postcondition that can be read back, so';
  return (
    `could not ${w.title}: ${what}; ${state} it may or may not have been applied. ` +
    `Run apply again when the service is reachable: the step checks its postcondition before it writes again`
  );
}
