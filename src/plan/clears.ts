import type { ClearOptions, CloudUserRule } from '../model/desired.js';
import type { EntraUser } from '../model/observed.js';
import { CLEARABLE_ON_PREMISES_ATTRIBUTES, type ClearableOnPremisesAttribute, type Step } from '../model/step.js';
import { ruleReason, type PlanContext } from './context.js';

/**
 * The attributes `clear.otherOnPremisesAttributes` covers: what Microsoft documents as clearable, less
 * the immutable id (`clear.immutableId`) and the object identifier (`clear.objectIdentifier`: it needs
 * the extra permission `User-OnPremisesSyncBehavior.ReadWrite.All`, "required specifically for the
 * onPremisesObjectIdentifier attribute"). The three options together cover exactly Microsoft's list;
 * `onPremisesLastSyncDateTime` is not on it and is never sent
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes).
 */
export const OTHER_CLEARABLE_ATTRIBUTES = CLEARABLE_ON_PREMISES_ATTRIBUTES.filter(
  (a): a is Exclude<ClearableOnPremisesAttribute, 'onPremisesImmutableId' | 'onPremisesObjectIdentifier'> =>
    a !== 'onPremisesImmutableId' && a !== 'onPremisesObjectIdentifier',
);

/** The attributes one clear step sets to null: `OTHER_CLEARABLE_ATTRIBUTES` and/or the object identifier. */
type ClearedByStep = (typeof OTHER_CLEARABLE_ATTRIBUTES)[number] | 'onPremisesObjectIdentifier';

/** The cloud user a clear acts on, as known when planning. */
export interface ClearTarget {
  userId: string;
  upn: string;
  immutableId: string | null;
  /** The user as read, for the values to clear; null when not known (a soft-deleted user not restored yet). */
  leftovers: Pick<EntraUser, ClearedByStep> | null;
}

/**
 * Clears on-premises leftovers on a user that is cloud-owned (now, or once `after` ran).
 * The caller guarantees cloud ownership: never call this for a synced user without `after`
 * naming the step that makes it cloud-owned. Returns the ids of the steps added.
 */
export function planClears(
  ctx: PlanContext,
  key: string,
  rule: CloudUserRule,
  target: ClearTarget,
  clear: ClearOptions,
  after: readonly string[],
): string[] {
  const ids: string[] = [];
  if (clear.immutableId && target.immutableId !== null) {
    const step: Step = { kind: 'entra.setImmutableId', userId: target.userId, upn: target.upn, from: target.immutableId, to: null };
    ids.push(ctx.addStep(key, step, after, ruleReason(rule, `clear the left-over immutable id of cloud-owned ${target.upn}`)));
  }
  const names: ClearedByStep[] = [
    ...(clear.otherOnPremisesAttributes ? OTHER_CLEARABLE_ATTRIBUTES : []),
    ...(clear.objectIdentifier === true ? (['onPremisesObjectIdentifier'] as const) : []),
  ];
  if (names.length > 0) {
    const attributes: Partial<Record<ClearableOnPremisesAttribute, string | null>> = {};
    for (const a of names) {
      if (target.leftovers === null) attributes[a] = null;
      else if (target.leftovers[a] !== null) attributes[a] = target.leftovers[a];
    }
    if (Object.keys(attributes).length > 0) {
      const step: Step = { kind: 'entra.clearOnPremisesAttributes', userId: target.userId, upn: target.upn, attributes };
      ids.push(ctx.addStep(key, step, after, ruleReason(rule, `clear the left-over onPremises* attributes of cloud-owned ${target.upn}`)));
    }
  }
  return ids;
}
