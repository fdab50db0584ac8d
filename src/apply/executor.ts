import { MinHeap } from './min-heap.js';
import type { AllowOptions } from '../model/desired.js';
import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { fingerprintObjects } from '../plan/fingerprints.js';
import { ApplyInterrupted, describeFailure } from './errors.js';
import type { ApplyEvent } from './events.js';
import { checkPlanGate } from './gate.js';
import { handlerFor, type StepContext } from './handlers.js';
import type { Journal, JournaledState } from './journal.js';
import { planDigest } from './plan-digest.js';
import { countResults, type ApplyReport, type StepResult, type StepStatus } from './report.js';
import type { SecretSink } from './secrets.js';
import { findStaleObjects, type JoinOptions } from './stale.js';
import { coalescedTrigger } from './sync-wait.js';

export interface ApplyInput {
  plan: Plan;
  entra: EntraAccess;
  directory: DirectoryAccess;
  /** Read both sides now (for the stale check). */
  observe: () => Promise<ObservedState>;
  /**
   * How identities are joined (must match how the plan was made). Without `softMatchOnUpn`, it is the
   * value the plan saw: the `from` of the plan's own softMatchOnUpn step, else the tenant's current flag.
   */
  joinOptions: { sourceAnchor: JoinOptions['sourceAnchor']; softMatchOnUpn?: boolean };
  journal: Journal;
  /** Consent: the manifest's `allow` OR'ed with the CLI flags. */
  allow: AllowOptions;
  /** Steps run at once (at least 1). */
  concurrency: number;
  /** Start a sync cycle now (operator command, or the lab's cycle); concurrent requests are coalesced. */
  triggerSync?: (() => Promise<void>) | undefined;
  /** Seconds between the first Graph polls of a sync.await (doubles up to 60 s). Default 30. */
  pollIntervalS?: number;
  secrets: SecretSink;
  generatePassword: () => string;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** Abort = stop starting steps, end waits, let running calls finish, record everything. */
  signal?: AbortSignal;
  onEvent?: (e: ApplyEvent) => void;
}

const SUCCEEDED: ReadonlySet<StepStatus> = new Set(['done', 'skipped']);
const JOURNALED_SUCCESS: ReadonlySet<JournaledState> = new Set(['done', 'skipped']);
/** Journal states meaning an earlier run may have changed the object (so it is no longer stale-checked). */
const JOURNALED_TOUCH: ReadonlySet<JournaledState> = new Set(['started', 'done', 'skipped', 'failed']);

/**
 * Apply a reviewed plan: refuse it when not applyable or lacking consent; refuse the steps of objects
 * that changed since planning; run the rest in dependency order with bounded concurrency, each step
 * idempotent (postcondition first), journaling every step so that a rerun resumes.
 */
export async function applyPlan(input: ApplyInput): Promise<ApplyReport> {
  const { plan, journal } = input;
  const emit = input.onEvent ?? (() => undefined);
  const digest = planDigest(plan);
  const base = { planDigest: digest, interrupted: false };

  const refusal = checkPlanGate(plan, input.allow);
  if (refusal) {
    return { ...base, refusal, results: [], counts: countResults([]), secretsFile: null };
  }

  journal.record({ type: 'plan', digest, time: input.now().toISOString(), steps: plan.steps.length });
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const results = new Map<string, StepResult>();
  const setResult = (s: PlannedStep, status: StepStatus, message: string, journalIt = true): StepResult => {
    const r: StepResult = { id: s.id, objectKey: s.objectKey, kind: s.step.kind, status, message };
    results.set(s.id, r);
    if (journalIt) journal.record({ type: 'step', stepId: s.id, state: status, time: input.now().toISOString(), message });
    emit({ type: 'step-finished', result: r });
    return r;
  };

  // Steps an earlier run finished — or whose dependents it finished — are not run again.
  const previous = journal.previous;
  const finishedBefore = new Set<string>();
  const markDeps = (id: string): void => {
    for (const d of byId.get(id)?.dependsOn ?? []) {
      if (!finishedBefore.has(d)) {
        finishedBefore.add(d);
        markDeps(d);
      }
    }
  };
  for (const s of plan.steps) {
    const st = previous.get(s.id);
    if (st && JOURNALED_SUCCESS.has(st)) {
      finishedBefore.add(s.id);
      markDeps(s.id);
    }
  }
  // Objects an earlier run of this plan may have changed: those of the steps it touched, and of the steps
  // depending on a touched user step (an AD edit legitimately changes the cloud user it prepares: it becomes
  // a soft-match candidate). Tenant steps do not spread: a feature flag changes no identity's fingerprint
  // (the join keeps the plan's softMatchOnUpn), and every link of the plan may depend on one.
  const dependents = new Map<string, string[]>();
  for (const s of plan.steps) {
    for (const d of s.dependsOn) {
      const list = dependents.get(d);
      if (list) list.push(s.id);
      else dependents.set(d, [s.id]);
    }
  }
  const affected = new Set<string>();
  const spread = (id: string): void => {
    if (affected.has(id)) return;
    affected.add(id);
    if (byId.get(id)?.objectKey === 'tenant') return;
    for (const next of dependents.get(id) ?? []) spread(next);
  };
  for (const s of plan.steps) if (JOURNALED_TOUCH.has(previous.get(s.id) as JournaledState)) spread(s.id);
  const touched = new Set([...affected].map((id) => byId.get(id)?.objectKey).filter((k): k is string => k !== undefined));
  const resumed = plan.steps.filter((s) => previous.has(s.id)).length;

  emit({ type: 'start', total: plan.steps.length, toRun: plan.steps.length - finishedBefore.size, resumed });
  for (const s of plan.steps) {
    if (finishedBefore.has(s.id)) setResult(s, 'skipped', `already done by an earlier apply of this plan: ${handlerFor(s.step).title(s.step)}`, false);
  }

  // Stale check: only objects nobody (including an earlier run of this plan) has touched since planning.
  const toCheck = [...new Set(plan.steps.filter((s) => !finishedBefore.has(s.id) && !touched.has(s.objectKey)).map((s) => s.objectKey))];
  if (toCheck.length > 0) {
    const observed = await input.observe();
    const joinOptions: JoinOptions = {
      sourceAnchor: input.joinOptions.sourceAnchor,
      softMatchOnUpn: input.joinOptions.softMatchOnUpn ?? softMatchOnUpnSeenByPlan(plan) ?? observed.tenant.features?.softMatchOnUpnEnabled ?? false,
    };
    const stale = findStaleObjects(plan, toCheck, observed, fingerprintObjects, joinOptions);
    for (const s of plan.steps) {
      const why = stale.get(s.objectKey);
      if (why !== undefined && !results.has(s.id)) {
        setResult(s, 'refused', `${s.objectKey} changed since the plan was made (${why}): re-run plan; nothing was done to it`);
      }
    }
  }

  const trigger = input.triggerSync ? coalescedTrigger(input.triggerSync) : undefined;
  const concurrency = Math.max(1, Math.floor(input.concurrency));
  const pending = plan.steps.filter((s) => !results.has(s.id));
  const running = new Map<string, Promise<void>>();
  let interrupted = false;
  const aborted = input.signal ? abortPromise(input.signal) : null;

  const contextFor = (s: PlannedStep): StepContext => ({
    entra: input.entra,
    directory: input.directory,
    plan,
    planned: s,
    sourceAnchor: input.joinOptions.sourceAnchor,
    secrets: input.secrets,
    generatePassword: input.generatePassword,
    resumed: previous.get(s.id) === 'started',
    sync: {
      pollIntervalS: input.pollIntervalS ?? 30,
      ...(trigger ? { trigger } : {}),
      sleep: input.sleep,
      now: input.now,
      ...(input.signal ? { signal: input.signal } : {}),
      onWait: (message, nextCheckInS) => emit({ type: 'waiting', stepId: s.id, message, nextCheckInS }),
    },
  });

  const execute = async (s: PlannedStep): Promise<void> => {
    const handler = handlerFor(s.step);
    const title = handler.title(s.step);
    journal.record({ type: 'step', stepId: s.id, state: 'started', time: input.now().toISOString() });
    emit({ type: 'step-started', stepId: s.id, title });
    const ctx = contextFor(s);
    try {
      if (await handler.isDone(s.step, ctx)) {
        setResult(s, 'skipped', `already done: ${title}`);
        return;
      }
      const message = await handler.run(s.step, ctx);
      setResult(s, 'done', message);
    } catch (e) {
      if (e instanceof ApplyInterrupted) setResult(s, 'not-run', `interrupted: ${title} (run apply again to resume)`);
      else setResult(s, 'failed', describeFailure(title, e));
    }
  };

  // Event-driven scheduling: each pending step counts its dependencies that have not succeeded yet;
  // a step's result releases or blocks only its own dependents. Ready steps start lowest plan index
  // first, so the order is the plan's wherever dependencies allow.
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const unmet = new Map<string, number>();
  const ready = new MinHeap<PlannedStep>((a, b) => (index.get(a.id) ?? 0) - (index.get(b.id) ?? 0));
  const blockOne = (s: PlannedStep, blocker: StepResult): void => {
    unmet.delete(s.id);
    const title = handlerFor(s.step).title(s.step);
    if (blocker.status === 'refused') {
      setResult(s, 'refused', `not attempted: ${title} depends on ${blocker.id}, whose object ${blocker.objectKey} changed since the plan was made: re-run plan`);
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
        if (left === 0) ready.push(d);
      }
    }
  };
  const block = (s: PlannedStep, blocker: StepResult): void => {
    if (!unmet.has(s.id)) return;
    blockOne(s, blocker);
    release(s.id);
  };
  for (const s of pending) unmet.set(s.id, s.dependsOn.filter((d) => !SUCCEEDED.has(results.get(d)?.status as StepStatus)).length);
  for (const s of pending) {
    const blocker = s.dependsOn.map((d) => results.get(d)).find((r): r is StepResult => r !== undefined && !SUCCEEDED.has(r.status));
    if (blocker) block(s, blocker);
    else if (unmet.get(s.id) === 0) ready.push(s);
  }

  const start = (s: PlannedStep): void => {
    unmet.delete(s.id);
    const p = execute(s).finally(() => {
      running.delete(s.id);
      release(s.id);
    });
    running.set(s.id, p);
  };
  for (;;) {
    if (input.signal?.aborted && !interrupted) {
      interrupted = true;
      emit({ type: 'interrupted', running: running.size });
    }
    while (!interrupted && running.size < concurrency && ready.size > 0) start(ready.pop() as PlannedStep);
    if (running.size === 0) break;
    await Promise.race([...running.values(), ...(aborted && !interrupted ? [aborted] : [])]);
  }
  // What is left never started: interrupted, or waiting on dependencies the plan does not contain.
  for (const s of pending) {
    if (results.has(s.id)) continue;
    const title = handlerFor(s.step).title(s.step);
    if (interrupted) setResult(s, 'not-run', `interrupted before ${title}: run apply again to resume`);
    else setResult(s, 'not-run', `not run: ${title} depends on ${s.dependsOn.filter((d) => !byId.has(d)).join(', ') || 'a step that never ran'}, which is not in the plan`);
  }

  const ordered = plan.steps.map((s) => results.get(s.id) as StepResult);
  const counts = countResults(ordered);
  journal.record({ type: 'end', time: input.now().toISOString(), interrupted, counts });
  return { ...base, interrupted, refusal: null, results: ordered, counts, secretsFile: input.secrets.path };
}

function softMatchOnUpnSeenByPlan(plan: Plan): boolean | undefined {
  for (const s of plan.steps) if (s.step.kind === 'entra.setSyncFeature' && s.step.feature === 'softMatchOnUpn') return s.step.from;
  return undefined;
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
