import type { EntraAccess } from '../model/entra.js';
import type { Expectation } from '../model/step.js';
import { assertNever } from '../model/step.js';
import { ApplyInterrupted, StepFailure } from './errors.js';

/** The outcome of one look at Graph for an expectation. */
export interface ExpectationCheck {
  holds: boolean;
  /** What was seen, for the timeout message (e.g. "alice@contoso.com still exists and is synced"). */
  seen: string;
}

/**
 * Look once whether the sync engine's effect is there. `immutableId` for `userSynced` may be
 * the empty string when it is not known (then any immutable id with sync enabled holds).
 */
export async function checkExpectation(entra: EntraAccess, exp: Expectation): Promise<ExpectationCheck> {
  switch (exp.kind) {
    case 'userSoftDeleted': {
      const user = await entra.getUser(exp.userId);
      if (user) return { holds: false, seen: `${exp.upn} still exists (onPremisesSyncEnabled ${String(user.onPremisesSyncEnabled)})` };
      const deleted = await entra.listDeletedUsers();
      const found = deleted.some((d) => d.id === exp.userId);
      return { holds: found, seen: found ? `${exp.upn} is soft-deleted` : `${exp.upn} is neither active nor in deleted users` };
    }
    case 'userSynced': {
      const user = await entra.getUser(exp.userId);
      if (!user) return { holds: false, seen: `${exp.upn} does not exist in Entra (deleted?)` };
      const idOk = exp.immutableId === '' ? user.onPremisesImmutableId !== null : user.onPremisesImmutableId === exp.immutableId;
      const holds = user.onPremisesSyncEnabled === true && idOk;
      return {
        holds,
        seen: `${exp.upn} has onPremisesSyncEnabled ${String(user.onPremisesSyncEnabled)} and immutable id ${user.onPremisesImmutableId ?? 'none'}`,
      };
    }
    case 'tenantSyncDisabled': {
      const t = await entra.getTenantSyncState();
      const holds = t.onPremisesSyncEnabled !== true && !t.disablePending;
      return {
        holds,
        seen: t.disablePending
          ? `the disable requested ${t.disableRequestedAt ?? 'earlier'} is still pending (it can take up to 72 h)`
          : `organization.onPremisesSyncEnabled is ${String(t.onPremisesSyncEnabled)}`,
      };
    }
    default:
      return assertNever(exp, 'expectation');
  }
}

/** What is expected, as a sentence fragment: "alice@contoso.com to be soft-deleted by Entra Connect". */
export function describeExpectation(exp: Expectation): string {
  switch (exp.kind) {
    case 'userSoftDeleted':
      return `${exp.upn} to be soft-deleted by the sync engine (it left the sync scope)`;
    case 'userSynced':
      return `${exp.upn} to be synced from AD${exp.immutableId ? ` with immutable id ${exp.immutableId}` : ''}`;
    case 'tenantSyncDisabled':
      return `directory synchronization of tenant ${exp.tenantId} to finish turning off`;
    default:
      return assertNever(exp, 'expectation');
  }
}

/** Sleep that ends early (throwing ApplyInterrupted) when `signal` aborts. */
export async function interruptibleSleep(sleep: (ms: number) => Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new ApplyInterrupted();
  if (!signal) return sleep(ms);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ApplyInterrupted());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export const MAX_POLL_INTERVAL_S = 60;

/** How apply waits for sync effects: the first poll interval, the optional cycle trigger, and the sleep, clock, interrupt and progress callback it is given. */
export interface SyncWaitSettings {
  pollIntervalS: number;
  trigger?: () => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  signal?: AbortSignal;
  onWait: (message: string, nextCheckInS: number) => void;
}

export interface WaitOptions extends SyncWaitSettings {
  entra: EntraAccess;
  expectation: Expectation;
  timeoutS: number;
}

/**
 * Trigger a cycle (when a trigger is configured), then poll Graph with a doubling interval (up to 60 s)
 * until the expectation holds. Throws StepFailure at the timeout, saying what was expected, what was
 * seen and how to start a cycle.
 */
export async function waitForExpectation(o: WaitOptions): Promise<void> {
  const started = o.now().getTime();
  if (o.trigger) {
    try {
      await o.trigger();
    } catch (e) {
      throw new StepFailure(
        `the sync trigger command failed while waiting for ${describeExpectation(o.expectation)}: ` +
          `${e instanceof Error ? e.message : String(e)}. Fix sync.triggerCommand in the manifest (or start a cycle on the Connect server ` +
          `with Start-ADSyncSyncCycle -PolicyType Delta) and run apply again`,
      );
    }
  }
  let interval = Math.max(1, o.pollIntervalS);
  for (;;) {
    const check = await checkExpectation(o.entra, o.expectation);
    if (check.holds) return;
    const elapsedS = (o.now().getTime() - started) / 1000;
    if (elapsedS >= o.timeoutS) {
      throw new StepFailure(
        `timed out after ${formatSeconds(o.timeoutS)} waiting for ${describeExpectation(o.expectation)}; last seen: ${check.seen}. ` +
          `Entra Connect syncs every 30 minutes; start a cycle now on the Connect server with ` +
          `Start-ADSyncSyncCycle -PolicyType Delta (or set sync.triggerCommand / a longer sync.timeout), then run apply again`,
      );
    }
    const waitS = Math.min(interval, Math.max(0, o.timeoutS - elapsedS));
    o.onWait(`waiting for ${describeExpectation(o.expectation)}; ${check.seen}`, waitS);
    if (o.signal?.aborted) throw new ApplyInterrupted();
    await interruptibleSleep(o.sleep, waitS * 1000, o.signal);
    if (o.signal?.aborted) throw new ApplyInterrupted();
    // Doubles up to 60 s; a configured interval above 60 s is kept as it is.
    interval = Math.max(interval, Math.min(interval * 2, MAX_POLL_INTERVAL_S));
  }
}

export function formatSeconds(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600}h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60}m`;
  return `${Math.round(s)}s`;
}

/**
 * Coalesces sync triggers: concurrent requests share one run; a request made while a run is in
 * progress gets the next run (so every waiter sees a cycle that started after it asked).
 */
export function coalescedTrigger(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const p = run().finally(() => {
      if (current === p) current = null;
    });
    current = p;
    return p;
  };
  return () => {
    if (!current) return start();
    if (!next) {
      const after = current.catch(() => undefined);
      next = after.then(() => {
        next = null;
        return start();
      });
    }
    return next;
  };
}
