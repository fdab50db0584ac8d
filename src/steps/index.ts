/**
 * The step registry: one `StepKindSpec` per step kind (one file each), complete by its type. Every
 * layer that says something per step kind asks here: the plan document (fields), the planner (action,
 * delegated-only), the renderers (description), apply (title, outcome sentence, stale detail, effect),
 * drift and export (tenant setting) and the permissions table. Apply's Graph and LDAP calls are keyed
 * by the same kinds in src/apply/handlers.ts.
 */
import type { PlannedStep } from '../model/plan.js';
import type { Step, StepKind } from '../model/step.js';
import { AD_CREATE_USER } from './ad-create-user.js';
import { AD_MODIFY } from './ad-modify.js';
import { AD_MOVE } from './ad-move.js';
import { CLEAR_ON_PREMISES_ATTRIBUTES } from './entra-clear-on-premises-attributes.js';
import { RESET_PASSWORD } from './entra-reset-password.js';
import { RESTORE_DELETED } from './entra-restore-deleted.js';
import { SET_CLOUD_MANAGED } from './entra-set-cloud-managed.js';
import { SET_DELETION_THRESHOLD } from './entra-set-deletion-threshold.js';
import { SET_GROUP_CLOUD_MANAGED } from './entra-set-group-cloud-managed.js';
import { SET_IMMUTABLE_ID } from './entra-set-immutable-id.js';
import { SET_SYNC_FEATURE } from './entra-set-sync-feature.js';
import { SET_TENANT_SYNC } from './entra-set-tenant-sync.js';
import { SYNC_AWAIT } from './sync-await.js';
import type { OutcomeFacts, StateIndex, StepDescription, StepKindSpec } from './spec.js';

export type { DetailLine, OutcomeFacts, PermissionRequirement, StateIndex, StepDescription, StepFieldType, StepKindSpec, StepOf } from './spec.js';

/** Every step kind's facts, in the order of the `Step` union (the plan document and the permissions table keep it). */
export const STEP_SPECS: { readonly [K in StepKind]: StepKindSpec<K> } = {
  'entra.setCloudManaged': SET_CLOUD_MANAGED,
  'entra.setGroupCloudManaged': SET_GROUP_CLOUD_MANAGED,
  'entra.setImmutableId': SET_IMMUTABLE_ID,
  'entra.clearOnPremisesAttributes': CLEAR_ON_PREMISES_ATTRIBUTES,
  'entra.restoreDeleted': RESTORE_DELETED,
  'entra.resetPassword': RESET_PASSWORD,
  'entra.setTenantSync': SET_TENANT_SYNC,
  'entra.setSyncFeature': SET_SYNC_FEATURE,
  'entra.setDeletionThreshold': SET_DELETION_THRESHOLD,
  'ad.move': AD_MOVE,
  'ad.modify': AD_MODIFY,
  'ad.createUser': AD_CREATE_USER,
  'sync.await': SYNC_AWAIT,
};

/** Every step kind, in registry order. */
export const STEP_KINDS = Object.keys(STEP_SPECS) as StepKind[];

/**
 * Step kinds whose Graph API accepts only a signed-in user (delegated permissions; Microsoft's
 * permission table lists application permissions as not supported): `/directory/onPremisesSynchronization`
 * (Global Administrator). Apply refuses these steps under an application sign-in, before changing anything.
 */
export const DELEGATED_ONLY_STEP_KINDS: readonly StepKind[] = STEP_KINDS.filter((k) => STEP_SPECS[k].permissions.delegatedOnly === true);

/** The spec of a step's kind (each entry's methods take only their own kind: this step is one). */
function specOf(step: Step): StepKindSpec<StepKind> {
  return STEP_SPECS[step.kind];
}

/** True when Graph accepts this kind of step only from a signed-in user. */
export function isDelegatedOnly(kind: StepKind): boolean {
  return STEP_SPECS[kind].permissions.delegatedOnly === true;
}

/** The terraform-style action of a step kind (scope-removal moves are marked 'remove' by their workflow). */
export function stepAction(step: Step): PlannedStep['action'] {
  return STEP_SPECS[step.kind].action;
}

/** What the plan shows for a step. */
export function describeStep(step: Step): StepDescription {
  return specOf(step).describe(step);
}

/** Imperative, for progress and failures: "convert alice@contoso.com to cloud authority". */
export function stepTitle(step: Step): string {
  return specOf(step).title(step);
}

/** The sentence that says a step is in effect. */
export function stepOutcome(step: Step, facts: OutcomeFacts): string {
  return specOf(step).outcome(step, facts);
}

/** The step's name for people: its upn, dn or display name. */
export function stepSubject(s: Pick<PlannedStep, 'step'>): string {
  return specOf(s.step).subject(s.step);
}

/** What a step does to its object (see `StepKindSpec.effect`). */
export function stepEffect(step: Step): unknown {
  return specOf(step).effect(step);
}

/** Why the step's object is stale, from the old values the step carries (see `StepKindSpec.staleDetail`). */
export function stepStaleDetail(step: Step, now: StateIndex): string[] {
  return specOf(step).staleDetail(step, now);
}

/** The tenant setting a step changes, or null. */
export function stepTenantSetting(step: Step): string | null {
  return specOf(step).tenantSetting(step);
}
