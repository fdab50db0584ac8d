import type { UserRule } from '../model/desired.js';
import type { AdUser, EntraUser } from '../model/observed.js';
import type { Step } from '../model/step.js';
import { ruleReason, type PlanContext } from './context.js';
import { planIdentifierClear } from './hard-match.js';
import type { ScopeMove } from './scope.js';

/** What a link sequence acts on and after what. */
export interface LinkSequenceInput {
  rule: UserRule;
  /** The cloud user's object key and the AD user's. */
  cloudKey: string;
  adKey: string;
  e: EntraUser;
  ad: AdUser;
  /** The anchor to set as the cloud user's immutable id; null when the match is not by anchor (soft match). */
  anchor: string | null;
  /** The onPremisesObjectIdentifier to clear first (it names another AD object), or null. */
  remapFrom: string | null;
  move: ScopeMove;
  /** What the identifier clear waits for (tenant sync, feature steps). */
  base: readonly string[];
  /** What the immutable id and the move wait for: `base` and any AD preparation. */
  prepared: readonly string[];
  /** Every object key the sequence's hazards concern. */
  keys: readonly string[];
  /** Why the immutable id is set, in this workflow's words. */
  immutableIdReason: string;
}

/**
 * The link sequence shared by the hard link, the soft link by anchor and the rollback: clear
 * onPremisesObjectIdentifier when it names another AD object (the 2026-07-01 hardening, docs/planning.md),
 * set the immutable id to the AD user's anchor, then move the AD user into the sync scope. The move
 * depends on every cloud-side write: were it to run after a failed write, the next cycle would
 * provision the AD user as a new cloud user (a duplicate).
 *
 * Returns the ids the next step (the wait, or the rollback's switch) depends on.
 */
export function planLinkSequence(ctx: PlanContext, p: LinkSequenceInput): string[] {
  const { e, ad } = p;
  const prepared = [...p.prepared];
  if (p.anchor !== null) {
    if (p.remapFrom !== null) prepared.push(planIdentifierClear(ctx, p.cloudKey, p.rule, e, ad, p.remapFrom, p.base, p.keys));
    if (e.onPremisesImmutableId !== p.anchor) {
      const s: Step = { kind: 'entra.setImmutableId', userId: e.id, upn: e.userPrincipalName, from: e.onPremisesImmutableId, to: p.anchor };
      prepared.push(ctx.addStep(p.cloudKey, s, prepared, ruleReason(p.rule, p.immutableIdReason)));
    }
  }
  if (p.move.kind !== 'move') return prepared;
  const s: Step = { kind: 'ad.move', dn: ad.dn, toOu: p.move.toOu, upn: ad.userPrincipalName };
  return [...prepared, ctx.addStep(p.adKey, s, prepared, ruleReason(p.rule, `move ${ad.dn} into sync scope (${p.move.toOu}) so that Entra Connect exports it`))];
}

/** The wait for the sync cycle to match `e` (by `immutableId`, or '' when a created AD user's anchor is not known yet). */
export function planMatchWait(ctx: PlanContext, key: string, e: EntraUser, immutableId: string, deps: readonly string[], reason: string): string {
  const wait: Step = { kind: 'sync.await', until: { kind: 'userSynced', userId: e.id, upn: e.userPrincipalName, immutableId }, timeoutS: ctx.sync() };
  return ctx.addStep(key, wait, deps, reason);
}
