import type { DesiredState, UserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import { joinIdentities, joinOptionsFor } from '../identity/join.js';
import { assignRules, joinConflictHazards } from './conflicts.js';
import { PlanContext } from './context.js';
import { isSyncedUser } from '../identity/join.js';
import { planFingerprints } from '../identity/fingerprints.js';
import { claimGroups, planGroups } from './groups.js';
import { planHardLink } from './hard-link.js';
import { attachHazardCodes, deletionThresholdHazard, linkTakeoverHazard, restoreWindowHazards } from './hazards.js';
import { planRollback } from './rollback.js';
import { planSoftLink } from './soft-link.js';
import { narrowToTargets, resolveTargets, targetDiagnostics, type TargetSet } from './targets.js';
import { planTenantDisableUser, planTenantSync } from './tenant-disable.js';
import { finishTakeoverBlock, planTenantSettings, unknownSettingsHazards } from './tenant-settings.js';
import { planScopeRemoval, planSourceOfAuthority } from './user-to-cloud.js';

/** Everything the planner reads. No I/O, clock or environment: the caller passes them in. */
export interface PlanInput {
  desired: DesiredState;
  observed: ObservedState;
  /**
   * ISO 8601 creation time recorded in the plan. It also decides whether the hard-match hardening
   * of 2026-07-01 (docs/planning.md, hazards object-identifier-remap and privileged-role) applies: plans created on or after that date predict the refusal.
   */
  createdAt: string;
  tool: { name: string; version: string };
  /** Where the observed state came from, for people. */
  source: string;
  /**
   * `plan --target`: narrow the plan to these rules (by name), objects (`user/…`, `group/<id>`,
   * `tenant`) or users (UPN). Absent or empty: the whole manifest. A narrowed plan records them in
   * `Plan.targets` and carries a `partial-plan` warning.
   */
  targets?: readonly string[];
}

/**
 * desired × observed → Plan (pure). Emission order: tenant settings (feature flags, deletion
 * threshold, tenant sync), groups, users in identity-key order, then the takeover block back on.
 * Same inputs give a deep-equal plan with objects built in a fixed key order. With `targets`, only
 * the targeted rules' objects are planned, and the tenant's steps they need (`targets.ts`).
 */
export function buildPlan(input: PlanInput): Plan {
  const { desired, observed } = input;
  const joinOptions = joinOptionsFor(desired, observed);
  const join = joinIdentities(observed, joinOptions);
  const ctx = new PlanContext(desired, observed, join, input.createdAt);
  const claimedGroups = claimGroups(ctx);
  let assignments = assignRules(ctx);
  const targets = input.targets !== undefined && input.targets.length > 0 ? [...input.targets] : null;
  let targetSet: TargetSet | null = null;
  if (targets) {
    const groupRules = new Map([...claimedGroups].map(([id, rule]) => [`group/${id}`, rule.name] as const));
    targetSet = resolveTargets(ctx, targets, assignments, groupRules);
    const owners = targetSet.owners;
    assignments = assignments.filter((a) => owners.has(a.identity.key));
    ctx.diagnostics.push(...targetDiagnostics(targets, targetSet));
  }
  const rollbacks = assignments.some((a) => a.rule.authority === 'onPremises' && a.identity.entra?.isCloudManaged === true);

  ctx.tenant = planTenantSettings(ctx, rollbacks);
  const tenantSync = planTenantSync(ctx);
  if (tenantSync.disableAwait) ctx.tenant.tenantDisableAwait = tenantSync.disableAwait;
  if (tenantSync.enable) ctx.tenant.tenantSyncEnable = tenantSync.enable;
  const owners = targetSet?.owners;
  planGroups(ctx, claimedGroups, owners ? (key) => owners.has(key) : undefined);
  for (const a of assignments) {
    ctx.owner = a.identity.key;
    planIdentity(ctx, a.identity, a.rule);
  }
  ctx.owner = 'tenant';
  finishTakeoverBlock(ctx);

  deletionThresholdHazard(ctx);
  restoreWindowHazards(ctx);
  unknownSettingsHazards(ctx);
  const conflictKeys = owners ? join.conflicts.filter((c) => c.keys.some((k) => owners.has(k))) : join.conflicts;
  joinConflictHazards(ctx, conflictKeys);
  linkTakeoverHazard(ctx);
  attachHazardCodes(ctx);
  checkNoAdOwnedWrites(ctx);

  let steps = ctx.steps;
  let hazards = ctx.hazards;
  if (owners) ({ steps, hazards } = narrowToTargets(ctx, owners));

  const keys = new Set<string>(ctx.touched);
  for (const s of steps) keys.add(s.objectKey);
  const summary = { add: 0, change: 0, remove: 0, wait: 0 };
  for (const s of steps) summary[s.action]++;
  const applyable = !hazards.some((h) => h.blocking) && !ctx.diagnostics.some((d) => d.severity === 'error');
  const fingerprinted = planFingerprints(observed, join, [...keys]);
  const plan: Plan = {
    kind: 'entra-soa/plan',
    formatVersion: 1,
    tool: { name: input.tool.name, version: input.tool.version },
    createdAt: input.createdAt,
    manifest: { file: desired.file, digest: desired.digest },
    source: input.source,
    join: joinOptions,
    fingerprints: fingerprinted.fingerprints,
    fingerprintDetails: fingerprinted.details,
    steps,
    hazards,
    diagnostics: ctx.diagnostics,
    applyable,
    consentGiven: {
      disruptive: desired.allow.disruptive,
      irreversible: desired.allow.irreversible,
      exceedDeletionThreshold: desired.allow.exceedDeletionThreshold,
    },
    summary,
  };
  if (targets) plan.targets = targets;
  return plan;
}

function planIdentity(ctx: PlanContext, id: Identity, rule: UserRule): void {
  if (rule.authority === 'cloud') {
    switch (rule.method) {
      case 'sourceOfAuthority':
        return planSourceOfAuthority(ctx, id, rule);
      case 'scopeRemoval':
        return planScopeRemoval(ctx, id, rule);
      case 'tenantDisable':
        return planTenantDisableUser(ctx, id, rule);
      default:
        return assertNever(rule.method, 'method');
    }
  }
  if (id.entra?.isCloudManaged === true) return planRollback(ctx, id, rule);
  switch (rule.link) {
    case 'hard':
      return planHardLink(ctx, id, rule);
    case 'soft':
      return planSoftLink(ctx, id, rule);
    default:
      return assertNever(rule.link, 'link');
  }
}

/**
 * Internal invariant (docs/planning.md, "The rule that is never broken"): no cloud-side write to an AD-owned attribute of a synced user.
 * Such a step is allowed only when it depends (transitively) on a step that makes the user
 * cloud-owned: setCloudManaged{to:true} / restoreDeleted of that user, or the tenant-wide disable.
 * A violation is a planner bug, so it throws.
 */
function checkNoAdOwnedWrites(ctx: PlanContext): void {
  const writes = new Map<string, PlannedStep[]>();
  for (const s of ctx.steps) {
    const k = s.step;
    const userId =
      k.kind === 'entra.setImmutableId' || k.kind === 'entra.clearOnPremisesAttributes' || k.kind === 'entra.resetPassword' ? k.userId : null;
    if (userId === null) continue;
    const list = writes.get(userId);
    if (list) list.push(s);
    else writes.set(userId, [s]);
  }
  if (writes.size === 0) return;
  const releases = (s: PlannedStep, userId: string): boolean => {
    const k = s.step;
    return (
      (k.kind === 'entra.setCloudManaged' && k.userId === userId && k.to) ||
      (k.kind === 'entra.restoreDeleted' && k.deletedId === userId) ||
      (k.kind === 'sync.await' && k.until.kind === 'tenantSyncDisabled')
    );
  };
  for (const e of ctx.observed.entra.users) {
    const steps = writes.get(e.id);
    if (steps === undefined || !isSyncedUser(e)) continue;
    for (const s of steps) {
      const seen = new Set<string>();
      const stack = [...s.dependsOn];
      let ok = false;
      while (stack.length > 0 && !ok) {
        const d = stack.pop() as string;
        if (seen.has(d)) continue;
        seen.add(d);
        const dep = ctx.step(d);
        if (!dep) continue;
        if (releases(dep, e.id)) ok = true;
        else stack.push(...dep.dependsOn);
      }
      if (!ok) throw new Error(`planner bug: step ${s.id} (${s.step.kind}) writes to synced user ${e.id} without first making it cloud-owned`);
    }
  }
}
