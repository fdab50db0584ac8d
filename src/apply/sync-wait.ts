import { GraphError, isTransientGraphError, type EntraAccess, type UserSyncState } from '../model/entra.js';
import type { SyncWaitStats } from '../model/apply-report.js';
import type { Expectation } from '../model/step.js';
import { assertNever } from '../model/step.js';
import { describeExpectation } from '../steps/expectation.js';
import { ApplyInterrupted, StepFailure, describeFailure } from './errors.js';

/** The outcome of one look at Graph for an expectation. */
export interface ExpectationCheck {
  holds: boolean;
  /** What was seen, for the timeout message (e.g. "alice@contoso.com still exists and is synced"). */
  seen: string;
}

function evaluate(exp: Exclude<Expectation, { kind: 'tenantSyncDisabled' }>, u: UserSyncState | undefined): ExpectationCheck {
  switch (exp.kind) {
    case 'userSoftDeleted':
      if (u?.where === 'deleted') return { holds: true, seen: `${exp.upn} is soft-deleted` };
      if (u) return { holds: false, seen: `${exp.upn} still exists (onPremisesSyncEnabled ${String(u.onPremisesSyncEnabled)})` };
      return { holds: false, seen: `${exp.upn} is neither active nor in deleted users` };
    case 'userSynced': {
      if (u?.where !== 'active') return { holds: false, seen: `${exp.upn} does not exist in Entra (deleted?)` };
      const idOk = exp.immutableId === '' ? u.onPremisesImmutableId !== null : u.onPremisesImmutableId === exp.immutableId;
      return {
        holds: u.onPremisesSyncEnabled === true && idOk,
        seen: `${exp.upn} has onPremisesSyncEnabled ${String(u.onPremisesSyncEnabled)} and immutable id ${u.onPremisesImmutableId ?? 'none'}`,
      };
    }
    default:
      return assertNever(exp, 'expectation');
  }
}

/**
 * Look once whether the sync engine's effects are there, for many expectations in few reads: the users
 * in `$batch`es (or pages), the tenant state once. `immutableId` of `userSynced` may be the empty string
 * when it is not known (then any immutable id with sync enabled holds).
 */
export async function checkExpectations(entra: EntraAccess, exps: readonly Expectation[]): Promise<ExpectationCheck[]> {
  const userIds = [...new Set(exps.flatMap((e) => (e.kind === 'tenantSyncDisabled' ? [] : [e.userId])))];
  const [users, tenant] = await Promise.all([
    userIds.length > 0 ? entra.readSyncStates(userIds) : Promise.resolve(new Map<string, UserSyncState>()),
    exps.some((e) => e.kind === 'tenantSyncDisabled') ? entra.getTenantSyncState() : Promise.resolve(null),
  ]);
  return exps.map((exp) => {
    if (exp.kind !== 'tenantSyncDisabled') return evaluate(exp, users.get(exp.userId));
    const t = tenant as NonNullable<typeof tenant>;
    return {
      holds: t.onPremisesSyncEnabled !== true && !t.disablePending,
      seen: t.disablePending
        ? `the disable requested ${t.disableRequestedAt ?? 'earlier'} is still pending (it can take up to 72 h)`
        : `organization.onPremisesSyncEnabled is ${String(t.onPremisesSyncEnabled)}`,
    };
  });
}

/** Look once whether one sync effect is there. */
export async function checkExpectation(entra: EntraAccess, exp: Expectation): Promise<ExpectationCheck> {
  return (await checkExpectations(entra, [exp]))[0] as ExpectationCheck;
}


/**
 * How apply waits: resolves after `ms`, or early when `cancel` aborts (then its timer must be released,
 * or a finished apply would stay alive until it fires).
 */
export type Sleep = (ms: number, cancel?: AbortSignal) => Promise<void>;

/** Sleep that ends early (throwing ApplyInterrupted) when `signal` aborts. */
async function interruptibleSleep(sleep: (ms: number) => Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
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

const MAX_POLL_INTERVAL_S = 60;
/** A cycle is triggered at the latest this long after a wait began, even while writes still run. */
const MAX_TRIGGER_DEFERRAL_S = 300;

/** How apply waits for sync effects. */
export interface SyncWaitSettings {
  entra: EntraAccess;
  /** Seconds between the first polls; doubles up to 60 s (a configured interval above 60 s is kept). */
  pollIntervalS: number;
  /** Start a sync cycle (operator command, or the lab's cycle): run at most once per round. */
  trigger?: () => Promise<void>;
  sleep: Sleep;
  now: () => Date;
  signal?: AbortSignal;
  /**
   * True while steps that do not wait (writes) are running or ready. The trigger waits for them to end,
   * so that every step waiting for the next cycle is already waiting when it starts: one cycle for all.
   */
  busy?: () => boolean;
  /** Once per round that found something still missing: which steps wait, what for, when the next look is. */
  onWait: (e: { stepIds: string[]; message: string; nextCheckInS: number }) => void;
}


interface Waiter {
  stepId: string;
  exp: Expectation;
  timeoutS: number;
  deadline: number;
  since: number;
  triggered: boolean;
  seen: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Every `sync.await` of an apply waits here, together: one poll loop reads Graph for all waiting steps
 * at once (docs/apply.md, "Waiting for the sync engine"), holds no concurrency slot, and runs the trigger at most once per round, only
 * when no write is running or ready (or a wait has waited MAX_TRIGGER_DEFERRAL_S). Polls start at
 * `pollIntervalS` and double up to 60 s. A transient read failure is only repeated at the next look (a
 * single blip does not fail a wait); at a step's `timeoutS` it fails saying what was expected, what was
 * last seen, and how to start a cycle.
 */
export class SyncWaitGroup {
  readonly stats: SyncWaitStats = { rounds: 0, triggers: 0, readFailures: 0, maxWaiting: 0 };
  readonly #o: SyncWaitSettings;
  readonly #waiters = new Map<Waiter, true>();
  #running = false;
  #wake: (() => void) | null = null;

  constructor(settings: SyncWaitSettings) {
    this.#o = settings;
  }

  /** Resolves when `exp` holds; rejects with StepFailure at the timeout, ApplyInterrupted on abort. */
  wait(stepId: string, exp: Expectation, timeoutS: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const now = this.#o.now().getTime();
      this.#waiters.set({ stepId, exp, timeoutS, deadline: now + timeoutS * 1000, since: now, triggered: false, seen: 'not looked at yet', resolve, reject }, true);
      this.stats.maxWaiting = Math.max(this.stats.maxWaiting, this.#waiters.size);
      if (!this.#running) {
        // Started on the next turn of the event loop, so that waits registered together share the first look.
        this.#running = true;
        setImmediate(() => {
          this.#run().catch((e: unknown) => {
            this.#running = false;
            for (const w of [...this.#waiters.keys()]) this.#settle(w, e);
          });
        });
      }
    });
  }

  /** The executor has no write running or ready any more: a sleeping loop looks again (and may trigger) now. */
  poke(): void {
    if (this.#o.trigger && [...this.#waiters.keys()].some((w) => !w.triggered)) this.#wake?.();
  }

  #settle(w: Waiter, e?: unknown): void {
    this.#waiters.delete(w);
    if (e === undefined) w.resolve();
    else w.reject(e);
  }

  async #run(): Promise<void> {
    const o = this.#o;
    let interval = Math.max(1, o.pollIntervalS);
    let lastError: unknown;
    for (;;) {
      if (this.#waiters.size === 0) {
        this.#running = false;
        return;
      }
      if (o.signal?.aborted) {
        for (const w of [...this.#waiters.keys()]) this.#settle(w, new ApplyInterrupted());
        continue;
      }
      const batch = [...this.#waiters.keys()];
      try {
        const checks = await checkExpectations(o.entra, batch.map((w) => w.exp));
        lastError = null;
        batch.forEach((w, i) => {
          const c = checks[i] as ExpectationCheck;
          if (c.holds) this.#settle(w);
          else w.seen = c.seen;
        });
      } catch (e) {
        if (!isTransientGraphError(e)) {
          for (const w of batch) this.#settle(w, new StepFailure(describeFailure(`check whether ${describeExpectation(w.exp)}`, e)));
          continue;
        }
        lastError = e;
        this.stats.readFailures += 1;
      }
      this.stats.rounds += 1;
      const now = o.now().getTime();
      for (const w of [...this.#waiters.keys()]) if (now >= w.deadline) this.#settle(w, this.#timeout(w, lastError));
      if (this.#waiters.size === 0) continue;

      const waiting = [...this.#waiters.keys()];
      const untriggered = waiting.filter((w) => !w.triggered);
      const overdue = untriggered.some((w) => now - w.since >= MAX_TRIGGER_DEFERRAL_S * 1000);
      if (o.trigger && untriggered.length > 0 && (!o.busy?.() || overdue)) {
        for (const w of waiting) w.triggered = true;
        this.stats.triggers += 1;
        try {
          await o.trigger();
        } catch (e) {
          // Stopped by Ctrl-C: the waits were interrupted, not failed.
          for (const w of waiting) this.#settle(w, o.signal?.aborted ? new ApplyInterrupted() : triggerFailure(w.exp, e));
        }
        continue; // look right after the cycle
      }

      const nearest = Math.min(...waiting.map((w) => w.deadline)) - now;
      const waitS = Math.min(interval, Math.max(0, nearest / 1000));
      const first = waiting[0] as Waiter;
      const what =
        waiting.length === 1
          ? `waiting for ${describeExpectation(first.exp)}; ${first.seen}`
          : `waiting for ${waiting.length} sync effects, e.g. ${describeExpectation(first.exp)}; ${first.seen}`;
      o.onWait({ stepIds: waiting.map((w) => w.stepId), message: lastError ? `${what} (the last look failed: ${errorText(lastError)}; trying again)` : what, nextCheckInS: waitS });
      try {
        await this.#sleepOrWake(waitS * 1000);
      } catch (e) {
        if (!(e instanceof ApplyInterrupted)) throw e;
      }
      // Doubles up to 60 s; a configured interval above 60 s is kept as it is.
      interval = Math.max(interval, Math.min(interval * 2, MAX_POLL_INTERVAL_S));
    }
  }

  async #sleepOrWake(ms: number): Promise<void> {
    const cancel = new AbortController();
    const woken = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    try {
      await Promise.race([interruptibleSleep((t) => this.#o.sleep(t, cancel.signal), ms, this.#o.signal), woken]);
    } finally {
      this.#wake = null;
      cancel.abort();
    }
  }

  #timeout(w: Waiter, lastError: unknown): StepFailure {
    return new StepFailure(
      `timed out after ${formatSeconds(w.timeoutS)} waiting for ${describeExpectation(w.exp)}; last seen: ${w.seen}` +
        `${lastError ? ` (the last look failed: ${errorText(lastError)})` : ''}. ` +
        `Entra Connect syncs every 30 minutes; start a cycle now on the Connect server with ` +
        `Start-ADSyncSyncCycle -PolicyType Delta (or set sync.triggerCommand / a longer sync.timeout), then run apply again`,
    );
  }
}

function errorText(e: unknown): string {
  if (e instanceof GraphError) return `Graph ${e.status || 'no answer'} ${e.code}`;
  return e instanceof Error ? e.message : String(e);
}

function triggerFailure(exp: Expectation, e: unknown): StepFailure {
  return new StepFailure(
    `the sync trigger command failed while waiting for ${describeExpectation(exp)}: ` +
      `${e instanceof Error ? e.message : String(e)}. Fix sync.triggerCommand in the manifest (or start a cycle on the Connect server ` +
      `with Start-ADSyncSyncCycle -PolicyType Delta) and run apply again`,
  );
}

export function formatSeconds(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600}h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60}m`;
  return `${Math.round(s)}s`;
}
