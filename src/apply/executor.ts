import { MinHeap } from './min-heap.js';
import type { AllowOptions, DesiredState } from '../model/desired.js';
import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { buildPlan, fingerprintObjects } from '../plan/index.js';
import { authorizePlan, dependentsOf, finishedSteps, type StepVerdict } from './authorize.js';
import type { SignIn } from '../model/sign-in.js';
import { delegatedOnlyRefusal, type SignInKind } from './delegated.js';
import { readOnlySignInRefusal } from './read-only-sign-in.js';
import { ApplyInterrupted, describeFailure } from './errors.js';
import type { ApplyEvent, ApplyRefusal, ApplyReport, StepResult, StepStatus } from '../model/apply-report.js';
import { handlerFor, type StepContext } from './handlers.js';
import { stepOutcome, stepTitle } from '../steps/index.js';
import { JournalWriteError, type Journal } from './journal.js';
import { DirectoryOutage, runWrite, withDirectory, type OutcomeSettings } from './outcome.js';
import { planDigest } from './plan-digest.js';
import { countResults } from './report.js';
import type { SecretSink } from './secrets.js';
import { findStaleObjects } from './stale.js';
import { SyncWaitGroup, type Sleep } from './sync-wait.js';

export interface ApplyInput {
  /** The saved plan: a claim of what may be done, checked against `desired` and the directories now. */
  plan: Plan;
  /** The manifest the plan was made from (its digest must equal `plan.manifest.digest`). */
  desired: DesiredState;
  entra: EntraAccess;
  directory: DirectoryAccess;
  /** Read both sides now (for the recomputation and the stale check). */
  observe: () => Promise<ObservedState>;
  /**
   * The state the caller made `plan` from a moment ago, with this `desired` and `tool` (apply -f, no
   * pause for a review, no earlier run of the plan): the plan is then its own recomputation, and the
   * directories are not read nor planned again.
   */
  madeFrom?: ObservedState;
  /** This tool (recorded in the recomputed plans). */
  tool: { name: string; version: string };
  journal: Journal;
  /** Consent: the manifest's `allow` OR'ed with the CLI flags. */
  allow: AllowOptions;
  /** Steps that change something run at once (at least 1). Waits take no slot. */
  concurrency: number;
  /** Start a sync cycle now (operator command, or the lab's cycle): run at most once per wait round. */
  triggerSync?: (() => Promise<void>) | undefined;
  /** Seconds between the first Graph polls of the sync waits (doubles up to 60 s). Default 30. */
  pollIntervalS?: number;
  /**
   * How the Graph client signed in (from its access token). Steps Graph accepts only from a signed-in
   * user (DELEGATED_ONLY_STEP_KINDS) are refused, before anything runs, under `application`; with the
   * whole `SignIn`, a user whose active roles are all read-only is refused when the plan writes to Graph.
   * Default `unknown`: not checked (Graph answers 403 if it must).
   */
  signIn?: SignInKind | SignIn;
  /** How long AD steps wait for a DC that cannot be reached, counted from the outage's start (ms). Default 60 s. */
  adOutageWaitMs?: number;
  secrets: SecretSink;
  generatePassword: () => string;
  /** Waits (poll intervals, retry backoff); ends early when `cancel` aborts (see Sleep). */
  sleep: Sleep;
  now: () => Date;
  /** Abort = stop starting steps, end waits, let running calls finish, record everything. */
  signal?: AbortSignal;
  onEvent?: (e: ApplyEvent) => void;
}

export const DEFAULT_AD_OUTAGE_WAIT_MS = 60_000;

const SUCCEEDED: ReadonlySet<StepStatus> = new Set(['done', 'skipped']);

/**
 * Apply a saved plan. It is a claim, not a command: the manifest is planned again against the
 * directories as they are now, and only the saved steps that this reproduces — for objects unchanged
 * since planning, or continued from an earlier run of the same plan — may run (authorize.ts); hazards,
 * consent and applicability come from that recomputation. The rest runs in dependency order with
 * bounded concurrency, each step idempotent (postcondition first), sync waits all in one poll loop,
 * every step journaled so that a rerun resumes.
 */
export async function applyPlan(input: ApplyInput): Promise<ApplyReport> {
  const { plan, journal } = input;
  const emit = input.onEvent ?? (() => undefined);
  const digest = planDigest(plan);
  const refuse = (refusal: ApplyRefusal) => ({ planDigest: digest, interrupted: false, refusal, results: [], counts: countResults([]), secretsFile: null, waits: null });

  if (input.desired.digest !== plan.manifest.digest) {
    return refuse({
      code: 'manifest-changed',
      messages: [
        `the manifest ${input.desired.file} (sha256 ${input.desired.digest.slice(0, 12)}…) is not the one the plan was made from ` +
          `(${plan.manifest.file}, sha256 ${plan.manifest.digest.slice(0, 12)}…): run plan again and review the new plan`,
      ],
    });
  }

  // Steps only a signed-in user may run are refused before anything is read: an application reads the
  // tenant's sync settings as unknown, which would otherwise refuse them as stale instead of saying what to do.
  const finished = finishedSteps(plan.steps, journal.history);
  const unfinished = plan.steps.filter((s) => !finished.has(s.id));
  const who = input.signIn ?? 'unknown';
  const bySignIn =
    delegatedOnlyRefusal(unfinished, typeof who === 'string' ? who : who.kind) ?? (typeof who === 'string' ? null : readOnlySignInRefusal(unfinished, who));
  if (bySignIn) return refuse(bySignIn);

  const history = journal.history;
  const madeFrom = history.steps.size === 0 ? input.madeFrom : undefined;
  const observed = madeFrom ?? (await input.observe());
  let recomputed = plan;
  let current = plan;
  if (madeFrom === undefined) {
    try {
      const asPlanned = withPlansOwnSoftMatchView(observed, plan, (id) => history.steps.get(id)?.touched === true);
      // A partial plan (--target) is recomputed with its targets: the rest of the manifest is not what it reviewed.
      const targets = plan.targets ?? [];
      const again = (createdAt: string) =>
        buildPlan({ desired: input.desired, observed: asPlanned, createdAt, tool: input.tool, source: plan.source, ...(targets.length > 0 ? { targets } : {}) });
      recomputed = again(plan.createdAt);
      const nowIso = input.now().toISOString();
      current = nowIso === plan.createdAt ? recomputed : again(nowIso);
    } catch (e) {
      return refuse({ code: 'recompute-failed', messages: [`planning again from the manifest failed, so nothing can be checked: ${e instanceof Error ? e.message : String(e)}`] });
    }
  }
  const auth = authorizePlan({
    plan,
    recomputed,
    current,
    history,
    // A plan made from this very read has no stale object: its fingerprints are of that read.
    staleOf: (keys) => (madeFrom !== undefined ? new Map() : findStaleObjects(plan, keys, observed, fingerprintObjects, plan.join)),
    allow: input.allow,
  });
  if (auth.refusal) return refuse(auth.refusal);
  const willRun = plan.steps.filter((s) => auth.verdicts.get(s.id)?.kind === 'run');

  journal.record({ type: 'plan', digest, time: input.now().toISOString(), steps: plan.steps.length });
  journal.record({ type: 'authorized', time: input.now().toISOString(), stepIds: willRun.map((s) => s.id) });
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const results = new Map<string, StepResult>();
  const noteResult = (s: PlannedStep, status: StepStatus, message: string, journalIt = true): StepResult => {
    const r: StepResult = { id: s.id, objectKey: s.objectKey, kind: s.step.kind, status, message };
    results.set(s.id, r);
    if (journalIt) journal.record({ type: 'step', stepId: s.id, state: status, time: input.now().toISOString(), message });
    return r;
  };
  const setResult = (s: PlannedStep, status: StepStatus, message: string, journalIt = true): StepResult => {
    const r = noteResult(s, status, message, journalIt);
    emit({ type: 'step-finished', result: r });
    return r;
  };

  const verdictOf = (s: PlannedStep): StepVerdict => auth.verdicts.get(s.id) as StepVerdict;
  const finishedBefore = plan.steps.filter((s) => verdictOf(s).kind === 'finished');
  emit({ type: 'start', total: plan.steps.length, toRun: plan.steps.length - finishedBefore.length, resumed: plan.steps.filter((s) => history.steps.has(s.id)).length });
  for (const s of finishedBefore) setResult(s, 'skipped', `already done by an earlier apply of this plan: ${stepTitle(s.step)}`, false);
  for (const s of plan.steps) {
    const v = verdictOf(s);
    if (v.kind === 'refused') setResult(s, 'refused', v.reason);
  }

  const outcome: OutcomeSettings = {
    sleep: input.sleep,
    now: input.now,
    adOutageWaitMs: input.adOutageWaitMs ?? DEFAULT_AD_OUTAGE_WAIT_MS,
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const outage = new DirectoryOutage(outcome);
  const directory = retryingReads(input.directory, outage, outcome);
  const concurrency = Math.max(1, Math.floor(input.concurrency));
  const pending = plan.steps.filter((s) => !results.has(s.id));
  const running = new Map<string, Promise<void>>();
  let writesRunning = 0;
  let interrupted = false;
  const aborted = input.signal ? abortPromise(input.signal) : null;
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const byIndex = (a: PlannedStep, b: PlannedStep) => (index.get(a.id) ?? 0) - (index.get(b.id) ?? 0);
  const readyWrites = new MinHeap<PlannedStep>(byIndex);
  const readyWaits = new MinHeap<PlannedStep>(byIndex);
  /** sync.await steps started but not yet waiting in the group (reading whether their effect is there). */
  const preparing = new Set<string>();
  /** Steps whose action is over, their outcome not yet durable (their dependents not yet released). */
  let settling = 0;

  const waits = new SyncWaitGroup({
    entra: input.entra,
    pollIntervalS: input.pollIntervalS ?? 30,
    ...(input.triggerSync ? { trigger: input.triggerSync } : {}),
    sleep: input.sleep,
    now: input.now,
    ...(input.signal ? { signal: input.signal } : {}),
    // Writes running or ready, and waits still looking whether they must wait at all: a cycle triggered now
    // would come too early for them.
    busy: () => writesRunning > 0 || settling > 0 || preparing.size > 0 || (!interrupted && readyWrites.size > 0),
    onWait: (e) => emit({ type: 'waiting', stepIds: e.stepIds, message: e.message, nextCheckInS: e.nextCheckInS }),
  });

  /** Nothing is writing, settling, ready to write or still deciding whether to wait: the waits may trigger a cycle now. */
  const idle = () => writesRunning === 0 && settling === 0 && readyWrites.size === 0 && preparing.size === 0;

  const contextFor = (s: PlannedStep): StepContext => {
    let secret: { password: string; file: string } | null = null;
    return {
      entra: input.entra,
      directory,
      stepById: byId,
      planned: s,
      sourceAnchor: input.desired.activeDirectory.sourceAnchor,
      secrets: input.secrets,
      newPassword: (upn) => {
        if (secret === null) {
          const password = input.generatePassword();
          secret = { password, file: input.secrets.write(upn, password) };
        }
        return secret;
      },
      resumed: history.steps.get(s.id)?.touched === true,
      evidence: history.steps.get(s.id)?.evidence ?? null,
      waits: {
        wait: (stepId, exp, timeoutS) => {
          const p = waits.wait(stepId, exp, timeoutS);
          preparing.delete(stepId);
          if (idle()) waits.poke();
          return p;
        },
      },
    };
  };

  const execute = async (s: PlannedStep): Promise<StepResult> => {
    const handler = handlerFor(s.step);
    const title = stepTitle(s.step);
    const verdict = verdictOf(s);
    // Group commit (journal.ts): the step's `started` becomes durable while it reads whether it is done
    // already, and must be before it changes anything; its outcome, once `start` frees its slot.
    journal.record({ type: 'step', stepId: s.id, state: 'started', time: input.now().toISOString() });
    const started = journal.flush();
    started.catch(() => undefined); // awaited before any change; a failure also fails the outcome's flush
    emit({ type: 'step-started', stepId: s.id, title });
    const [status, message] = await attempt(s, handler, title, verdict, started);
    return noteResult(s, status, message);
  };
  const attempt = async (
    s: PlannedStep,
    handler: ReturnType<typeof handlerFor>,
    title: string,
    verdict: StepVerdict,
    started: Promise<void>,
  ): Promise<[StepStatus, string]> => {
    const ctx = contextFor(s);
    try {
      if (await handler.isDone(s.step, ctx)) return ['skipped', `already done: ${title}`];
      if (verdict.kind === 'if-in-effect') return ['refused', verdict.reason];
      await started;
      if (s.step.kind === 'sync.await') return ['done', await handler.run(s.step, ctx)];
      if (handler.evidence && ctx.evidence === null) {
        ctx.evidence = await handler.evidence(s.step, ctx);
        journal.record({ type: 'step', stepId: s.id, state: 'started', time: input.now().toISOString(), evidence: ctx.evidence });
        await journal.flush();
      }
      const message = await runWrite(
        {
          run: () => handler.run(s.step, ctx),
          isDone: () => handler.isDone(s.step, ctx),
          checkable: handler.checkable ? handler.checkable(s.step, ctx) : true,
          doneMessage: () => stepOutcome(s.step, { secretsFile: ctx.secrets.path }),
          title,
          directory: s.step.kind.startsWith('ad.'),
        },
        outcome,
        outage,
      );
      return ['done', message];
    } catch (e) {
      if (e instanceof JournalWriteError) throw e;
      if (e instanceof ApplyInterrupted) return ['not-run', `interrupted: ${title} (run apply again to resume)`];
      return ['failed', describeFailure(title, e)];
    }
  };

  // Event-driven scheduling: each pending step counts its dependencies that have not succeeded yet;
  // a step's result releases or blocks only its own dependents. Ready steps start lowest plan index
  // first, so the order is the plan's wherever dependencies allow; waits start at once (no slot).
  const dependents = dependentsOf(plan.steps);
  const unmet = new Map<string, number>();
  const makeReady = (s: PlannedStep): void => {
    if (s.step.kind === 'sync.await') readyWaits.push(s);
    else readyWrites.push(s);
  };
  const blockOne = (s: PlannedStep, blocker: StepResult): void => {
    unmet.delete(s.id);
    const title = stepTitle(s.step);
    if (blocker.status === 'refused') {
      setResult(s, 'refused', `not attempted: ${title} depends on ${blocker.id}, which was refused (${blocker.objectKey}): re-run plan`);
    } else {
      setResult(s, 'not-run', `not run: ${title} depends on ${blocker.id}, which ${blocker.status === 'failed' ? 'failed' : 'did not run'}`);
    }
  };
  // A step got its result: its dependents come one closer to starting, or (transitively) cannot start
  // at all. Iterative, so a failure at the head of a long chain cannot overflow the stack.
  const release = (id: string): void => {
    const settled = [id];
    for (let next = settled.pop(); next !== undefined; next = settled.pop()) {
      const r = results.get(next) as StepResult;
      for (const depId of dependents.get(next) ?? []) {
        if (!unmet.has(depId)) continue;
        const d = byId.get(depId) as PlannedStep;
        if (!SUCCEEDED.has(r.status)) {
          blockOne(d, r);
          settled.push(d.id);
          continue;
        }
        const left = (unmet.get(d.id) ?? 0) - 1;
        unmet.set(d.id, left);
        if (left === 0) makeReady(d);
      }
    }
  };
  for (const s of pending) unmet.set(s.id, s.dependsOn.filter((d) => !SUCCEEDED.has(results.get(d)?.status as StepStatus)).length);
  for (const s of pending) {
    if (!unmet.has(s.id)) continue;
    const blocker = s.dependsOn.map((d) => results.get(d)).find((r): r is StepResult => r !== undefined && !SUCCEEDED.has(r.status));
    if (blocker) {
      blockOne(s, blocker);
      release(s.id);
    } else if (unmet.get(s.id) === 0) makeReady(s);
  }

  const start = (s: PlannedStep): void => {
    unmet.delete(s.id);
    const write = s.step.kind !== 'sync.await';
    if (write) writesRunning++;
    else preparing.add(s.id);
    const freeSlot = () => {
      if (write) writesRunning--;
      preparing.delete(s.id);
    };
    // The action over, the slot takes the next step while the outcome becomes durable (one sync with
    // the next steps' `started`); only then does the step count as finished: reported, its dependents
    // released, the exit reached.
    const p = execute(s).then(
      (result) => {
        freeSlot();
        settling++;
        const finishing = journal.flush().then(() => {
          settling--;
          running.delete(s.id);
          emit({ type: 'step-finished', result });
          release(s.id);
          if (idle()) waits.poke();
        });
        finishing.catch(() => undefined); // raced by the loop below, which throws it
        running.set(s.id, finishing);
      },
      (e: unknown) => {
        freeSlot();
        running.delete(s.id);
        throw e;
      },
    );
    running.set(s.id, p);
  };
  for (;;) {
    if (input.signal?.aborted && !interrupted) {
      interrupted = true;
      emit({ type: 'interrupted', running: running.size });
    }
    if (!interrupted) {
      while (readyWaits.size > 0) start(readyWaits.pop() as PlannedStep);
      while (writesRunning < concurrency && readyWrites.size > 0) start(readyWrites.pop() as PlannedStep);
    }
    if (running.size === 0) break;
    await Promise.race([...running.values(), ...(aborted && !interrupted ? [aborted] : [])]);
  }
  // What is left never started: interrupted, or waiting on dependencies the plan does not contain.
  for (const s of pending) {
    if (results.has(s.id)) continue;
    const title = stepTitle(s.step);
    if (interrupted) setResult(s, 'not-run', `interrupted before ${title}: run apply again to resume`);
    else setResult(s, 'not-run', `not run: ${title} depends on ${s.dependsOn.filter((d) => !byId.has(d)).join(', ') || 'a step that never ran'}, which is not in the plan`);
  }

  const ordered = plan.steps.map((s) => results.get(s.id) as StepResult);
  const counts = countResults(ordered);
  journal.record({ type: 'end', time: input.now().toISOString(), interrupted, counts });
  await journal.flush();
  return { planDigest: digest, interrupted, refusal: null, results: ordered, counts, secretsFile: input.secrets.path, waits: waits.stats };
}

/**
 * The directory as steps use it during a DC outage: reads retried until the DC is back (within the
 * outage's bounds), writes left to runWrite (which reads the postcondition first). Concurrent calls
 * that reconnect share one connection (LdapDirectory does that itself).
 */
function retryingReads(d: DirectoryAccess, outage: DirectoryOutage, o: OutcomeSettings): DirectoryAccess {
  const read = <T>(call: () => Promise<T>) => withDirectory(outage, o, call);
  return {
    baseDn: d.baseDn,
    listUsers: () => read(() => d.listUsers()),
    listOrganizationalUnits: () => read(() => d.listOrganizationalUnits()),
    getUserByDn: (dn) => read(() => d.getUserByDn(dn)),
    getUserByObjectGuid: (g) => read(() => d.getUserByObjectGuid(g)),
    modifyUser: (dn, changes) => d.modifyUser(dn, changes),
    setConsistencyGuid: (dn, guid) => d.setConsistencyGuid(dn, guid),
    moveUser: (dn, toOu) => d.moveUser(dn, toOu),
    createUser: (dn, user, password) => d.createUser(dn, user, password),
    close: () => d.close(),
  };
}

/**
 * When an earlier run of this plan changed softMatchOnUpn (its own step), identities join as the plan
 * saw them: planning again then keeps the plan's object keys. Only for the plan's own, journaled step.
 */
function withPlansOwnSoftMatchView(observed: ObservedState, plan: Plan, touched: (stepId: string) => boolean): ObservedState {
  const own = plan.steps.find((s) => s.step.kind === 'entra.setSyncFeature' && s.step.feature === 'softMatchOnUpn' && touched(s.id));
  if (!own || own.step.kind !== 'entra.setSyncFeature' || observed.tenant.features === null) return observed;
  return { ...observed, tenant: { ...observed.tenant, features: { ...observed.tenant.features, softMatchOnUpnEnabled: own.step.from } } };
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
