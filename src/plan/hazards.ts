import type { PlanContext } from './context.js';

/**
 * Deletion threshold (domain.md §3): when the plan's scope removals delete more users than the
 * accidental-deletion threshold in force, Entra Connect stops exporting
 * (`stopped-deletion-threshold-exceeded`). Apply needs consent `exceedDeletionThreshold`.
 */
export function deletionThresholdHazard(ctx: PlanContext): void {
  const n = ctx.deletionSteps.length;
  const threshold = ctx.tenant.effectiveThreshold;
  if (threshold === null || n <= threshold) return;
  ctx.addHazard({
    code: 'deletion-threshold',
    severity: 'danger',
    message: `the plan deletes ${n} users by scope removal, more than the accidental-deletion threshold of ${threshold}: Entra Connect stops the export (stopped-deletion-threshold-exceeded); raise tenant.accidentalDeletionThreshold, split the rollout, or allow with allow.exceedDeletionThreshold`,
    stepIds: ctx.deletionSteps.map((d) => d.stepId),
    objectKeys: ctx.deletionSteps.map((d) => d.key),
    blocking: false,
    consent: 'exceedDeletionThreshold',
  });
}

/** Fills each step's `hazardCodes` from the plan's hazards (first-seen order, no duplicates). */
export function attachHazardCodes(ctx: PlanContext): void {
  const byStep = new Map(ctx.steps.map((s) => [s.id, s] as const));
  for (const h of ctx.hazards) {
    for (const id of h.stepIds) {
      const s = byStep.get(id);
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
