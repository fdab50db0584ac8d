/**
 * A saved plan is a claim, not a command (docs/apply.md, "Trust: what a saved plan may do"). Plan files pass through pull requests and CI
 * artifacts, so apply does not run what a file says: it plans again from the same manifest (digest
 * checked) and the directories as they are now, and runs only the saved steps that this
 * recomputation reproduces, for objects that are as the plan saw them. Hazards, consent and
 * applicability come from the recomputation; the file's are never read. See docs/apply.md
 * ("Trust: what a saved plan may do") for the rules, resume included.
 *
 * Pure: the caller reads the directories, recomputes, and passes the journal's history.
 */
import type { AllowOptions } from '../model/desired.js';
import type { Hazard, Plan, PlannedStep } from '../model/plan.js';
import { checkGate, checkSavedPlan } from './gate.js';
import { stepTitle } from '../steps/index.js';
import type { JournalHistory, JournaledState } from './journal.js';
import type { ApplyRefusal } from '../model/apply-report.js';
import type { StaleObjects } from './stale.js';
import { stepSignature } from './step-effect.js';

export interface AuthorizeInput {
  /** The saved plan: what a reviewer approved, or what somebody edited since. */
  plan: Plan;
  /** The manifest planned again against the directories now, with the saved plan's `createdAt`. */
  recomputed: Plan;
  /** The same, created now: time-dependent rules (hard-match hardening, restore windows) as of the apply. */
  current: Plan;
  /** What earlier runs of this plan recorded. */
  history: JournalHistory;
  /** The stale check of objects no earlier run touched (each has a fingerprint in the plan): key → what changed. */
  staleOf: (keys: readonly string[]) => StaleObjects;
  allow: AllowOptions;
}

/** What apply may do with one saved step. */
export type StepVerdict =
  /** An earlier run of this plan finished it (or a step that depends on it): not run again. */
  | { kind: 'finished' }
  /** Runs (postcondition first). `via`: reproduced by the recomputation, or authorized by an earlier run. */
  | { kind: 'run'; via: 'recomputed' | 'journal' }
  /**
   * A remaining step of an object an earlier run touched that neither the recomputation nor an earlier
   * authorization covers: judged by its postcondition only (already in effect → skipped, else refused).
   */
  | { kind: 'if-in-effect'; reason: string }
  | { kind: 'refused'; reason: string };

export interface Authorization {
  verdicts: Map<string, StepVerdict>;
  /** Set when nothing may run (a blocking hazard, an error, missing consent: from the recomputation). */
  refusal: ApplyRefusal | null;
  /** Objects an earlier run of this plan touched: their state moved on by our own steps. */
  touched: ReadonlySet<string>;
}

const FINISHED: ReadonlySet<JournaledState> = new Set(['done', 'skipped']);

export function authorizePlan(input: AuthorizeInput): Authorization {
  const { plan, recomputed, current, history } = input;
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const sigOf = new Map(plan.steps.map((s) => [s.id, stepSignature(s)]));
  const dependents = dependentsOf(plan.steps);

  const finished = finishedSteps(plan.steps, history);

  // Objects an earlier run may have changed: those of the steps it touched, and of the steps depending on a
  // touched user step (an AD edit legitimately changes the cloud user it prepares: it becomes a soft-match
  // candidate). Tenant steps do not spread: a feature flag changes no identity's fingerprint, and every link
  // of the plan may depend on one.
  const affected = new Set<string>();
  const spread = (start: string): void => {
    const todo = [start];
    for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
      if (affected.has(id)) continue;
      affected.add(id);
      if (byId.get(id)?.objectKey === 'tenant') continue;
      todo.push(...(dependents.get(id) ?? []));
    }
  };
  for (const s of plan.steps) if (history.steps.get(s.id)?.touched) spread(s.id);
  const touched = new Set([...affected].map((id) => byId.get(id)?.objectKey).filter((k): k is string => k !== undefined));

  const remaining = plan.steps.filter((s) => !finished.has(s.id));
  const fresh = [...new Set(remaining.filter((s) => !touched.has(s.objectKey)).map((s) => s.objectKey))];
  const stale = input.staleOf(fresh.filter((k) => plan.fingerprints[k] !== undefined));

  const reproduce = reproducer(plan, recomputed, sigOf, finished);
  const verdicts = new Map<string, StepVerdict>();
  for (const s of plan.steps) {
    if (finished.has(s.id)) {
      verdicts.set(s.id, { kind: 'finished' });
      continue;
    }
    if (touched.has(s.objectKey)) {
      if (history.authorized.has(s.id)) verdicts.set(s.id, { kind: 'run', via: 'journal' });
      else {
        const why = reproduce(s);
        verdicts.set(s.id, why === null ? { kind: 'run', via: 'recomputed' } : { kind: 'if-in-effect', reason: notReproduced(s, why) });
      }
      continue;
    }
    if (plan.fingerprints[s.objectKey] === undefined) {
      verdicts.set(s.id, {
        kind: 'refused',
        reason:
          `${s.objectKey}: the plan holds no fingerprint for it, so apply cannot tell whether it changed since the plan was made ` +
          `(was the plan file edited?): run plan again; nothing was done to it`,
      });
      continue;
    }
    const changed = stale.get(s.objectKey);
    if (changed !== undefined) {
      verdicts.set(s.id, { kind: 'refused', reason: `${s.objectKey} changed since the plan was made (${changed}): re-run plan; nothing was done to it` });
      continue;
    }
    const why = reproduce(s);
    verdicts.set(s.id, why === null ? { kind: 'run', via: 'recomputed' } : { kind: 'refused', reason: notReproduced(s, why) });
  }

  return { verdicts, refusal: checkSavedPlan(plan) ?? gate(plan, current, verdicts, input.allow), touched };
}

/**
 * The steps an earlier run of this plan finished (recorded done, or found already done), and the steps
 * those depended on: none of them runs again. The one definition of "finished" (the sign-in check before
 * anything is read and the authorization both use it).
 */
export function finishedSteps(steps: readonly PlannedStep[], history: JournalHistory): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const finished = new Set<string>();
  const stack = steps.filter((s) => FINISHED.has(history.steps.get(s.id)?.last as JournaledState)).map((s) => s.id);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (finished.has(id)) continue;
    finished.add(id);
    stack.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return finished;
}

/** Step id → the ids of the steps that depend on it directly. */
export function dependentsOf(steps: readonly PlannedStep[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of steps) {
    for (const d of s.dependsOn) {
      const list = out.get(d);
      if (list) list.push(s.id);
      else out.set(d, [s.id]);
    }
  }
  return out;
}

/**
 * A function telling whether the recomputation reproduces a saved step: a recomputed step with the same
 * object and effect (stepSignature), every one of whose dependencies the saved step also waits for
 * (directly or through other saved steps) or an earlier run finished. Returns null when it does, else
 * why not. Several saved steps may match one recomputed step: a repeated step repeats the same effect.
 */
function reproducer(plan: Plan, recomputed: Plan, sigOf: ReadonlyMap<string, string>, finished: ReadonlySet<string>): (s: PlannedStep) => string | null {
  const planById = new Map(plan.steps.map((s) => [s.id, s]));
  const recById = new Map(recomputed.steps.map((s) => [s.id, s]));
  // Each recomputed step's signature, computed once.
  const recSig = new Map<string, string>();
  const recBySig = new Map<string, PlannedStep[]>();
  for (const r of recomputed.steps) {
    const sig = stepSignature(r);
    recSig.set(r.id, sig);
    const list = recBySig.get(sig);
    if (list) list.push(r);
    else recBySig.set(sig, [r]);
  }
  const recSigOf = (id: string): string | undefined => recSig.get(id);
  const finishedSigs = new Set([...finished].map((id) => sigOf.get(id)).filter((x): x is string => x !== undefined));

  /** True when `start` waits (directly or transitively) for a saved step with signature `sig`. */
  const waitsFor = (start: PlannedStep, sig: string): boolean => {
    if (start.dependsOn.some((d) => sigOf.get(d) === sig)) return true;
    const seen = new Set<string>();
    const todo = [...start.dependsOn];
    for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (sigOf.get(id) === sig) return true;
      todo.push(...(planById.get(id)?.dependsOn ?? []));
    }
    return false;
  };

  return (s) => {
    const sig = sigOf.get(s.id) as string;
    const candidates = recBySig.get(sig) ?? [];
    if (candidates.length === 0) {
      const same = recomputed.steps.filter((r) => r.objectKey === s.objectKey);
      if (same.length === 0) return `planning again gives no step for ${s.objectKey}`;
      const shown = same.slice(0, 3).map((r) => `${r.id} ${stepTitle(r.step)}`);
      return `planning again gives for ${s.objectKey} only: ${shown.join('; ')}${same.length > 3 ? `; and ${same.length - 3} more` : ''}`;
    }
    let missing: PlannedStep | undefined;
    for (const c of candidates) {
      const unmet = c.dependsOn.map((d) => ({ d, sig: recSigOf(d) })).find(({ sig: ds }) => ds === undefined || (!finishedSigs.has(ds) && !waitsFor(s, ds)));
      if (!unmet) return null;
      missing ??= recById.get(unmet.d);
    }
    return missing
      ? `it does not wait for "${stepTitle(missing.step)}" (${missing.objectKey}), which planning again puts before it`
      : 'its dependencies differ from the plan made again';
  };
}

function notReproduced(s: PlannedStep, why: string): string {
  return (
    `${stepTitle(s.step)} is not what the manifest asks for now (${why}): nothing was done. ` +
    `Apply runs only the saved steps that planning again from the manifest and the directories reproduces ` +
    `(was the plan file edited, or did the directories change?): run plan again`
  );
}

/**
 * The gate, from the plan made now (`current`), over what will run:
 * - a blocking hazard or error stops everything unless it concerns only objects the saved plan has steps
 *   for and none of whose writes run now (they are refused as changed, or only a wait remains: a wait
 *   changes nothing — e.g. a tenant-wide disable still pending while the apply that requested it waits);
 * - a hazard needing consent counts when it concerns a step that runs (mapped by signature) or, when it
 *   names no step, an object with a step that runs, or nothing at all (plan-wide).
 */
function gate(plan: Plan, current: Plan, verdicts: ReadonlyMap<string, StepVerdict>, allow: AllowOptions): ApplyRefusal | null {
  const runs = plan.steps.filter((s) => verdicts.get(s.id)?.kind === 'run');
  const runSigs = new Set(runs.map(stepSignature));
  const writeSigs = new Set(runs.filter((s) => s.step.kind !== 'sync.await').map(stepSignature));
  const runObjects = new Set(runs.map((s) => s.objectKey));
  const writeObjects = new Set(runs.filter((s) => s.step.kind !== 'sync.await').map((s) => s.objectKey));
  const planned = new Set(plan.steps.map((s) => s.objectKey));
  const currentSig = new Map(current.steps.map((s) => [s.id, stepSignature(s)]));
  const mapsTo = (h: Hazard, sigs: ReadonlySet<string>) => h.stepIds.some((id) => sigs.has(currentSig.get(id) ?? ''));
  const exempt = (keys: readonly string[]) => keys.length > 0 && keys.every((k) => planned.has(k) && !writeObjects.has(k));

  const blocking = current.hazards.filter((h) => h.blocking && (mapsTo(h, writeSigs) || !exempt(h.objectKeys)));
  const errors = current.diagnostics.filter((d) => d.severity === 'error' && !(d.objectKey !== undefined && exempt([d.objectKey])));
  const needConsent = current.hazards.filter(
    (h) => h.consent !== undefined && (mapsTo(h, runSigs) || (h.stepIds.length === 0 && (h.objectKeys.length === 0 || h.objectKeys.some((k) => runObjects.has(k))))),
  );
  return checkGate({ blocking, errors, needConsent }, allow);
}
