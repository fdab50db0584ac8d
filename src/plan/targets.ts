import type { Diagnostic } from '../model/diagnostic.js';
import type { Hazard, PlannedStep } from '../model/plan.js';
import { selectorUpn } from '../identity/select.js';
import type { Assignment } from './conflicts.js';
import type { PlanContext } from './context.js';

/**
 * `plan --target`: which objects a narrowed plan covers. A target is a user rule name (the users it
 * governs), a group rule name (the groups it converts), an object key (`user/…`, `group/<id>`,
 * `tenant`) or a UPN (the user whose Entra, AD or deleted UPN it is, case-insensitive).
 */
export interface TargetSet {
  /** Owner keys (identity keys, group keys, `tenant`) the plan covers. */
  owners: Set<string>;
  /** Targets that match nothing (the plan then reports an error). */
  unmatched: string[];
}

/** Resolves `targets` against the rules' assignments and the groups the group rules claim. */
export function resolveTargets(
  ctx: PlanContext,
  targets: readonly string[],
  assignments: readonly Assignment[],
  groupRules: ReadonlyMap<string, string>,
): TargetSet {
  const owners = new Set<string>();
  const unmatched: string[] = [];
  // one UPN may name two identities (a cloud user and an unlinked AD user with the same UPN): both
  const byUpn = new Map<string, string[]>();
  for (const i of ctx.join.identities) {
    const upn = selectorUpn(i)?.toLowerCase();
    if (upn !== undefined) byUpn.set(upn, [...(byUpn.get(upn) ?? []), i.key]);
  }
  const identityKeys = new Set(ctx.join.identities.map((i) => i.key));
  for (const t of targets) {
    const before = owners.size;
    let matched = false;
    for (const a of assignments) {
      if (a.rule.name === t) {
        owners.add(a.identity.key);
        matched = true;
      }
    }
    for (const [groupKey, rule] of groupRules) {
      if (rule === t) {
        owners.add(groupKey);
        matched = true;
      }
    }
    if (ctx.desired.users.some((r) => r.name === t) || ctx.desired.groups.some((r) => r.name === t)) matched = true;
    if (t === 'tenant' || identityKeys.has(t) || groupRules.has(t)) {
      owners.add(t);
      matched = true;
    }
    for (const key of byUpn.get(t.toLowerCase()) ?? []) {
      owners.add(key);
      matched = true;
    }
    if (!matched && owners.size === before) unmatched.push(t);
  }
  return { owners, unmatched };
}

/** The diagnostics a narrowed plan carries: always the partial-plan warning; an error per unmatched target. */
export function targetDiagnostics(targets: readonly string[], set: TargetSet): Diagnostic[] {
  const out: Diagnostic[] = [
    {
      severity: 'warning',
      code: 'partial-plan',
      message: `this plan is partial: it covers only ${targets.join(', ')} (--target) and what their steps need; the rest of the manifest is not planned, so the directories may still differ from it after apply`,
    },
  ];
  for (const t of set.unmatched) {
    out.push({
      severity: 'error',
      code: 'target-matches-nothing',
      message: `--target ${t} names no rule of the manifest, no object key and no user's UPN: check the spelling (rule names, user/<upn>, group/<id>, tenant or a UPN)`,
    });
  }
  return out;
}

/**
 * Narrows a finished plan to the targets' steps: the tenant's steps are kept only when a kept step
 * depends on them or they follow kept steps (the takeover block put back on after rollbacks); hazards
 * keep the steps that remain, and a hazard whose steps were all dropped goes with them. Steps are
 * renumbered `s001…` in their order, dependencies and hazards follow the new ids.
 */
export function narrowToTargets(ctx: PlanContext, owners: ReadonlySet<string>): { steps: PlannedStep[]; hazards: Hazard[] } {
  const keep = new Set<string>();
  for (const s of ctx.steps) if (owners.has(ctx.stepOwner.get(s.id) ?? 'tenant')) keep.add(s.id);
  // what the kept steps need, transitively (a dependency may name a later step: deletion waves)
  const todo = [...keep];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    for (const d of ctx.step(id)?.dependsOn ?? []) {
      if (!keep.has(d)) {
        keep.add(d);
        todo.push(d);
      }
    }
  }
  // tenant follow-ups of kept steps
  for (const s of ctx.steps) {
    if (!keep.has(s.id) && ctx.stepOwner.get(s.id) === 'tenant' && s.dependsOn.length > 0 && s.dependsOn.every((d) => keep.has(d))) keep.add(s.id);
  }
  const kept = ctx.steps.filter((s) => keep.has(s.id));
  const renamed = new Map<string, string>(kept.map((s, i) => [s.id, `s${String(i + 1).padStart(3, '0')}`]));
  const steps: PlannedStep[] = kept.map((s) => ({ ...s, id: renamed.get(s.id) as string, dependsOn: s.dependsOn.map((d) => renamed.get(d) as string) }));
  const hazards: Hazard[] = [];
  for (const h of ctx.hazards) {
    const stepIds = h.stepIds.filter((id) => renamed.has(id)).map((id) => renamed.get(id) as string);
    if (h.stepIds.length > 0 ? stepIds.length === 0 : !h.objectKeys.some((k) => owners.has(k) || k === 'tenant')) continue;
    hazards.push({ ...h, stepIds });
  }
  return { steps, hazards };
}
