import { immutableIdProblem } from '../model/anchor.js';
import type { OnPremisesUserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import { anchorOf } from '../identity/join.js';
import { ruleReason, type HazardDraft, type PlanContext } from './context.js';
import { isSyncedUser } from '../identity/join.js';
import { counterpartWords, findCounterpart } from './counterpart.js';
import { checkHardMatch } from './hard-match.js';
import { planLinkSequence, planMatchWait } from './link-sequence.js';
import { deletedAnchorHolder, scopeMoveFor, tenantSyncForLinks } from './scope.js';
import { adValuesOf, planSyncEffects } from './sync-effects.js';

/**
 * Cloud-only user → AD by hard link (docs/planning.md, `link: hard`): set the cloud user's immutable id to
 * the AD user's anchor, make sure the AD user is in scope, and wait for the hard match.
 *
 * Order: the move that brings the AD user into scope depends on every cloud-side write
 * (the object-identifier clear, the immutable id) and the feature step having succeeded. Were the move
 * to run after a failed write, the next cycle would provision the AD user as a new cloud user: a duplicate.
 */
export function planHardLink(ctx: PlanContext, id: Identity, rule: OnPremisesUserRule): void {
  const e = id.entra;
  if (!e) return;
  const cp = findCounterpart(ctx, id, e, rule);
  const blockers: HazardDraft[] = [];
  const block = (code: HazardDraft['code'], message: string, keys: string[] = [id.key]): void => {
    blockers.push({ code, severity: 'danger', message, objectKeys: keys, blocking: true });
  };

  if (isSyncedUser(e)) {
    // AD already owns it. Only a different AD user as counterpart would need a change, and that is an AD-owned write.
    const named = ctx.counterparts(rule.counterpart.by, e);
    const other = named.length === 1 ? (named[0] as Identity) : null;
    if (other?.ad) {
      const anchor = anchorOf(other.ad, ctx.desired.activeDirectory.sourceAnchor);
      if (anchor !== e.onPremisesImmutableId) {
        block(
          'synced-user-write',
          `${e.userPrincipalName} is synced from another AD object (immutable id ${e.onPremisesImmutableId ?? 'none'}); linking it to ${other.ad.dn} would be a cloud-side write to an AD-owned attribute: change the AD side instead, or convert the user to cloud first`,
          [id.key, other.key],
        );
        ctx.addHazards(blockers, []);
      }
    }
    return;
  }
  if (cp.kind === 'none') {
    block('missing-object', `no AD counterpart for ${e.userPrincipalName}: found no ${counterpartWords(rule, e)}; create it, or change counterpart.by in rule ${rule.name}`);
    ctx.addHazards(blockers, []);
    return;
  }
  if (cp.kind === 'ambiguous') {
    block(
      'collision',
      `${cp.identities.length} AD users match ${e.userPrincipalName} (${cp.identities.map((i) => i.ad?.dn ?? i.key).join('; ')}): make the counterpart unique or use another counterpart.by`,
      [id.key, ...cp.identities.map((i) => i.key)],
    );
    ctx.addHazards(blockers, []);
    return;
  }
  const ad = cp.ad;
  const keys = [...new Set([id.key, cp.identity.key])];
  const anchor = anchorOf(ad, ctx.desired.activeDirectory.sourceAnchor);
  const problem = immutableIdProblem(anchor);
  if (problem) block('unsupported', `the anchor ${anchor} of ${ad.dn} ${problem}`, keys);
  const others = (ctx.entraByImmutable.get(anchor) ?? []).filter((o) => o.id !== e.id);
  if (others.length > 0) {
    block(
      'collision',
      `the anchor ${anchor} of ${ad.dn} is already the immutable id of ${others.map((o) => o.userPrincipalName).sort().join(', ')}: Entra ID refuses a second user with it; unlink that user first`,
      keys,
    );
  }
  const guard = checkHardMatch(ctx, e, ad, `linking it to ${ad.dn}`);
  for (const r of guard.refusals) block(r.code, r.message, keys);
  const takeoverStep = ctx.tenant.featureStep.blockCloudObjectTakeoverThroughHardMatch;
  if (ctx.tenant.effective.blockCloudObjectTakeoverThroughHardMatch) {
    block(
      'hard-match-blocked',
      `blockCloudObjectTakeoverThroughHardMatch is on, so linking ${e.userPrincipalName} to ${ad.dn} fails with InvalidHardMatch: set tenant.features.blockCloudObjectTakeoverThroughHardMatch: false in the manifest (a tenant-wide change) or use link: soft`,
      keys,
    );
  }
  const move = scopeMoveFor(ctx, ad);
  if (move.kind === 'no-target') block('missing-object', move.message, keys);
  const sync = tenantSyncForLinks(ctx);
  if (!sync.ok) block('unsupported', sync.message, keys);
  const ghost = deletedAnchorHolder(ctx, cp.identity, e.id);
  if (ghost) block('collision', ghost, keys);
  if (blockers.length > 0) {
    ctx.addHazards(blockers, []);
    return;
  }
  ctx.touch(cp.identity.key);
  const base: string[] = [...(sync.ok ? sync.deps : []), ...(takeoverStep ? [takeoverStep] : [])];
  const waitDeps = planLinkSequence(ctx, {
    rule,
    cloudKey: id.key,
    adKey: cp.identity.key,
    e,
    ad,
    anchor,
    remapFrom: guard.remapFrom,
    move,
    base,
    prepared: base,
    keys,
    immutableIdReason: `cloud-only ${e.userPrincipalName} → AD: set its immutable id to the anchor of ${ad.dn} (hard link)`,
  });
  const w = planMatchWait(ctx, id.key, e, anchor, waitDeps, ruleReason(rule, `wait until the sync cycle hard-matches ${e.userPrincipalName} to ${ad.dn} (AD values then overwrite the cloud ones)`));
  ctx.addHazards(
    [{ code: 'waits-for-sync', severity: 'info', message: `waits for Entra Connect's next sync cycle to hard-match ${e.userPrincipalName}`, objectKeys: keys, blocking: false }],
    [w],
  );
  planSyncEffects(ctx, w, e, adValuesOf(ad, [], move.kind === 'move' ? move.toOu : undefined), 'hard', { created: false, keys });
  ctx.reliesOnUnknown('blockCloudObjectTakeoverThroughHardMatch', [w], keys);
}
