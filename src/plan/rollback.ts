import type { OnPremisesUserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { Step } from '../model/step.js';
import { anchorOf } from '../identity/join.js';
import { ruleReason, type HazardDraft, type PlanContext } from './context.js';
import { counterpartWords, findCounterpart } from './counterpart.js';
import { checkHardMatch } from './hard-match.js';
import { planLinkSequence, planMatchWait } from './link-sequence.js';
import { deletedAnchorHolder, scopeMoveFor, tenantSyncForLinks } from './scope.js';
import { adValuesOf, planSyncEffects } from './sync-effects.js';

/**
 * Rollback of a per-object SOA switch (docs/planning.md, Rollback of the per-object switch): a cloud-managed user under an
 * `authority: onPremises` rule. Microsoft's steps: turn `blockCloudObjectTakeoverThroughHardMatchEnabled`
 * off, set `isCloudManaged` false ("allows an AD DS object that's in scope for sync to be taken over by
 * Connect Sync the next time it runs"), and turn the block back on after the cycle
 * (https://learn.microsoft.com/entra/identity/hybrid/how-to-user-source-of-authority-configure). The
 * lift is planned by the tenant phase, the block goes back on in `finishTakeoverBlock`.
 *
 * Taking the user back is a re-match by anchor, so the 2026-07-01 protections apply (`checkHardMatch`):
 * a user still mapped to the same AD object is not affected; one mapped to another AD object gets its
 * onPremisesObjectIdentifier cleared first; privileged users are refused.
 */
export function planRollback(ctx: PlanContext, id: Identity, rule: OnPremisesUserRule): void {
  const e = id.entra;
  if (!e || e.isCloudManaged !== true) return;
  const cp = findCounterpart(ctx, id, e, rule);
  const keys = new Set<string>([id.key]);
  const blockers: { code: HazardDraft['code']; message: string }[] = [];
  if (cp.kind === 'none') {
    blockers.push({ code: 'missing-object', message: `cannot hand ${e.userPrincipalName} back to AD: found no ${counterpartWords(rule, e)}; restore or create the AD user, or change counterpart.by in rule ${rule.name}` });
  } else if (cp.kind === 'ambiguous') {
    for (const i of cp.identities) keys.add(i.key);
    blockers.push({ code: 'collision', message: `${cp.identities.length} AD users match ${e.userPrincipalName} (${cp.identities.map((i) => i.ad?.dn ?? i.key).join('; ')}): make the counterpart unique` });
  }
  const found = cp.kind === 'found' ? cp : null;
  const anchor = found ? anchorOf(found.ad, ctx.desired.activeDirectory.sourceAnchor) : null;
  let move: ReturnType<typeof scopeMoveFor> = { kind: 'in-scope' };
  let remapFrom: string | null = null;
  if (found && anchor) {
    keys.add(found.identity.key);
    const others = (ctx.entraByImmutable.get(anchor) ?? []).filter((o) => o.id !== e.id);
    if (others.length > 0) {
      blockers.push({ code: 'collision', message: `the anchor ${anchor} of ${found.ad.dn} is already the immutable id of ${others.map((o) => o.userPrincipalName).sort().join(', ')}: unlink that user first` });
    }
    const ghost = deletedAnchorHolder(ctx, found.identity, e.id);
    if (ghost) blockers.push({ code: 'collision', message: ghost });
    move = scopeMoveFor(ctx, found.ad);
    if (move.kind === 'no-target') blockers.push({ code: 'missing-object', message: move.message });
    const guard = checkHardMatch(ctx, e, found.ad, `handing it back to ${found.ad.dn}`);
    blockers.push(...guard.refusals);
    remapFrom = guard.remapFrom;
  }
  const sync = tenantSyncForLinks(ctx);
  if (!sync.ok) blockers.push({ code: 'unsupported', message: sync.message });
  if (blockers.length > 0 || !found || !anchor) {
    ctx.addHazards(blockers.map((b) => ({ ...b, severity: 'danger' as const, objectKeys: [...keys], blocking: true })), []);
    return;
  }
  ctx.touch(found.identity.key);
  const base = sync.ok ? [...sync.deps] : [];
  const switchDeps = planLinkSequence(ctx, {
    rule,
    cloudKey: id.key,
    adKey: found.identity.key,
    e,
    ad: found.ad,
    anchor,
    remapFrom,
    move,
    base,
    prepared: base,
    keys: [...keys],
    immutableIdReason: `set the immutable id of cloud-managed ${e.userPrincipalName} to the anchor of ${found.ad.dn} before handing it back`,
  });
  if (ctx.tenant.takeoverLift) switchDeps.push(ctx.tenant.takeoverLift);
  const sw: Step = { kind: 'entra.setCloudManaged', userId: e.id, upn: e.userPrincipalName, to: false };
  const swId = ctx.addStep(id.key, sw, switchDeps, ruleReason(rule, `cloud-managed ${e.userPrincipalName} → AD: roll back the per-object switch (isCloudManaged: false)`));
  ctx.rollbackSwitches.push(swId);
  const w = planMatchWait(ctx, id.key, e, anchor, [swId], ruleReason(rule, `wait until the sync cycle takes ${e.userPrincipalName} back from ${found.ad.dn} (AD values then overwrite cloud edits)`));
  ctx.rollbackAwaits.push(w);
  ctx.addHazards([{ code: 'waits-for-sync', severity: 'info', message: `waits for Entra Connect's next sync cycle to take ${e.userPrincipalName} back`, objectKeys: [...keys], blocking: false }], [w]);
  planSyncEffects(ctx, w, e, adValuesOf(found.ad, [], move.kind === 'move' ? move.toOu : undefined), 'rollback', { created: false, keys: [...keys] });
  ctx.reliesOnUnknown('blockCloudObjectTakeoverThroughHardMatch', [swId, w], [...keys]);
}
