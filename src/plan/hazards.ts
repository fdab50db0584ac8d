import type { PlanContext } from './context.js';
import { sortStepIds } from './context.js';
import { DELEGATED_SIGN_IN_HINT, thresholdWords } from './tenant-settings.js';

/**
 * Deletion threshold (docs/planning.md, `deletion-threshold`;
 * https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-prevent-accidental-deletes):
 * when the plan's scope removals delete more users than the accidental-deletion threshold in force,
 * Entra Connect stops the export (`stopped-deletion-threshold-exceeded`). Either apply needs consent
 * `exceedDeletionThreshold`, or, with `sync.deletionWaves`, the removals run in waves of at most the
 * threshold: wave k's moves depend on every soft-delete wait of wave k-1, so each sync cycle deletes at
 * most the threshold. Removals whose AD user is already out of scope are deleted by the next cycle
 * whatever the plan does, so they count towards the first wave.
 */
export function deletionThresholdHazard(ctx: PlanContext): void {
  const n = ctx.deletionSteps.length;
  const threshold = ctx.tenant.effectiveThreshold;
  if (threshold === null || n <= threshold) {
    if (n > 0 && ctx.tenant.thresholdSource === 'assumed-default') assumedThresholdHazard(ctx);
    return;
  }
  const limit = `more than the accidental-deletion threshold of ${thresholdWords(ctx, { value: threshold, source: ctx.tenant.thresholdSource })}`;
  const alreadyOut = ctx.deletionSteps.filter((d) => !d.moved).length;
  if (ctx.desired.sync.deletionWaves && threshold > 0 && alreadyOut <= threshold) {
    const ordered = [...ctx.deletionSteps.filter((d) => !d.moved), ...ctx.deletionSteps.filter((d) => d.moved)];
    const waves: (typeof ordered)[] = [];
    for (let i = 0; i < ordered.length; i += threshold) waves.push(ordered.slice(i, i + threshold));
    for (let k = 1; k < waves.length; k++) {
      const previousWaits = (waves[k - 1] ?? []).map((d) => d.waitId);
      for (const d of waves[k] ?? []) {
        const step = ctx.step(d.stepId);
        if (step) step.dependsOn = sortStepIds(new Set([...step.dependsOn, ...previousWaits]));
      }
    }
    ctx.addHazard({
      code: 'deletion-waves',
      severity: 'info',
      message: `the plan deletes ${n} users by scope removal, ${limit}: as sync.deletionWaves asks, it moves them in ${waves.length} waves of at most ${threshold}, each wave after the previous wave's deletions (${waves.length} sync cycles before the last restore)`,
      stepIds: ctx.deletionSteps.map((d) => d.stepId),
      objectKeys: ctx.deletionSteps.map((d) => d.key),
      blocking: false,
    });
    return;
  }
  ctx.addHazard({
    code: 'deletion-threshold',
    severity: 'danger',
    message:
      ctx.desired.sync.deletionWaves && alreadyOut > threshold
        ? `the plan deletes ${n} users by scope removal, ${limit}, and ${alreadyOut} of their AD users are out of scope already, so the next cycle deletes them all at once whatever the waves (sync.deletionWaves): Entra Connect stops the export (stopped-deletion-threshold-exceeded); raise tenant.accidentalDeletionThreshold, move some AD users back into scope, or allow with allow.exceedDeletionThreshold`
        : `the plan deletes ${n} users by scope removal, ${limit}: Entra Connect stops the export (stopped-deletion-threshold-exceeded); raise tenant.accidentalDeletionThreshold, set sync.deletionWaves: true to move them in waves of at most the threshold, split the rollout, or allow with allow.exceedDeletionThreshold`,
    stepIds: ctx.deletionSteps.map((d) => d.stepId),
    objectKeys: ctx.deletionSteps.map((d) => d.key),
    blocking: false,
    consent: 'exceedDeletionThreshold',
  });
}

function assumedThresholdHazard(ctx: PlanContext): void {
  ctx.addHazard({
    code: 'tenant-settings-unknown',
    severity: 'warning',
    message:
      `the accidental-deletion threshold could not be read and the manifest does not state it; the plan assumes Microsoft's default of ${ctx.tenant.effectiveThreshold ?? 'none'} ` +
      `for its ${ctx.deletionSteps.length} scope removals: if the tenant's is lower, Entra Connect stops the export. ${DELEGATED_SIGN_IN_HINT}, or state tenant.accidentalDeletionThreshold in the manifest`,
    stepIds: ctx.deletionSteps.map((d) => d.stepId),
    objectKeys: ctx.deletionSteps.map((d) => d.key),
    blocking: false,
  });
}

/**
 * The longest chain of sync-wait timeouts that ends at each step (seconds): how long apply may wait
 * for sync cycles before that step can run, at worst. A dependency may name a later step (deletion
 * waves), so each step's budget is computed from its dependencies' first (the plan has no cycle).
 */
function waitBudgets(ctx: PlanContext): Map<string, number> {
  const budget = new Map<string, number>();
  const of = (id: string): number => {
    const known = budget.get(id);
    if (known !== undefined) return known;
    const s = ctx.step(id);
    if (!s) return 0;
    budget.set(id, 0); // guards a cycle, which the planner never makes
    let before = 0;
    for (const d of s.dependsOn) before = Math.max(before, of(d));
    const b = before + (s.step.kind === 'sync.await' ? s.step.timeoutS : 0);
    budget.set(id, b);
    return b;
  };
  for (const s of ctx.steps) of(s.id);
  return budget;
}

/** One day: how soon a restore window must not end when no sync wait precedes the restore (apply may run later than plan). */
const RESTORE_MARGIN_S = 24 * 3600;

/**
 * Restores of users deleted before the plan (30-day window, `restore-window.ts`): warn when the window
 * ends before the sync waits the restore depends on could finish (their timeouts, at worst), or
 * within a day when it depends on none.
 */
export function restoreWindowHazards(ctx: PlanContext): void {
  if (ctx.restores.length === 0) return;
  const budget = waitBudgets(ctx);
  const created = Date.parse(ctx.createdAt);
  for (const r of ctx.restores) {
    const waitS = budget.get(r.stepId) ?? 0;
    const needS = Math.max(waitS, RESTORE_MARGIN_S);
    if (Number.isNaN(created) || Date.parse(r.endsAt) > created + needS * 1000) continue;
    ctx.addHazard({
      code: 'restore-window',
      severity: 'warning',
      message:
        waitS > 0
          ? `${r.upn} can be restored only until ${r.endsAt} (30 days after its deletion), but the sync waits before its restore may take until ${new Date(created + waitS * 1000).toISOString()}: apply soon, with a sync.triggerCommand, or the restore fails`
          : `${r.upn} can be restored only until ${r.endsAt} (30 days after its deletion), less than a day after this plan was made: apply it before then, or the restore fails`,
      stepIds: [r.stepId],
      objectKeys: [r.key],
      blocking: false,
    });
  }
}

/** Fills each step's `hazardCodes` from the plan's hazards (first-seen order, no duplicates). */
export function attachHazardCodes(ctx: PlanContext): void {
  for (const h of ctx.hazards) {
    for (const id of h.stepIds) {
      const s = ctx.step(id);
      if (s && !s.hazardCodes.includes(h.code)) s.hazardCodes.push(h.code);
    }
  }
}

/** Adds the rollbacks' switch steps to the takeover-block-lifted hazard (they run while it is lifted). */
export function linkTakeoverHazard(ctx: PlanContext): void {
  if (ctx.rollbackSwitches.length === 0) return;
  for (const h of ctx.hazards) {
    if (h.code === 'takeover-block-lifted') h.stepIds.push(...ctx.rollbackSwitches);
  }
}
