import type { CloudUserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { Step } from '../model/step.js';
import { deletedUserUpn } from '../identity/join.js';
import { planClears } from './clears.js';
import { holdsAdminRole, roleNames, ruleReason, type HazardDraft, type PlanContext } from './context.js';
import { isSyncedUser } from '../identity/join.js';
import { restoreWindow } from './restore-window.js';
import { adInScope } from './scope.js';

/**
 * Synced user → cloud with the per-object SOA switch (docs/planning.md, "method: sourceOfAuthority"): one
 * `entra.setCloudManaged{to:true}`, then the rule's clears. Admins are refused by the service. The
 * switch depends on the plan's group conversions (groups before their members).
 */
export function planSourceOfAuthority(ctx: PlanContext, id: Identity, rule: CloudUserRule): void {
  const e = id.entra;
  if (!e) {
    if (id.deleted) {
      ctx.addHazard({
        code: 'missing-object',
        severity: 'danger',
        message: `${id.key}: the Entra user ${deletedUserUpn(id.deleted)} is soft-deleted, so the SOA switch cannot act on it: restore it (or use method scopeRemoval, which restores it) and plan again`,
        objectKeys: [id.key],
        blocking: true,
      });
    }
    return;
  }
  if (!isSyncedUser(e)) {
    planClears(ctx, id.key, rule, { userId: e.id, upn: e.userPrincipalName, immutableId: e.onPremisesImmutableId, leftovers: e }, rule.clear, []);
    return;
  }
  if (holdsAdminRole(e)) {
    ctx.addHazard({
      code: 'privileged-role',
      severity: 'danger',
      message: `${e.userPrincipalName} holds ${roleNames(e)}; the SOA switch is not available for admin objects: remove the role assignment first, or exclude the user from rule ${rule.name}`,
      objectKeys: [id.key],
      blocking: true,
    });
    return;
  }
  const step: Step = { kind: 'entra.setCloudManaged', userId: e.id, upn: e.userPrincipalName, to: true };
  const s = ctx.addStep(id.key, step, ctx.groupSteps, ruleReason(rule, `synced user ${e.userPrincipalName} → cloud via the per-object switch (isCloudManaged: true)`));
  planClears(ctx, id.key, rule, { userId: e.id, upn: e.userPrincipalName, immutableId: e.onPremisesImmutableId, leftovers: e }, rule.clear, [s]);
}

/**
 * Synced user → cloud by scope removal (the legacy seed method, docs/planning.md, "method: scopeRemoval"): move the AD user to
 * the unsynced OU, wait for the deletion, restore, reset the password, then the rule's clears.
 * Mid-way states plan only what remains.
 */
export function planScopeRemoval(ctx: PlanContext, id: Identity, rule: CloudUserRule): void {
  const e = id.entra;
  const ad = id.ad;
  const unsyncedOu = ctx.desired.activeDirectory.unsyncedOu;
  const disruption = (upn: string): HazardDraft => ({
    code: 'user-disruption',
    severity: 'danger',
    message: `${upn} is deleted in Entra ID until restored (minutes to an hour): mail, Teams and sign-in break meanwhile; allow with allow.disruptive or --allow-disruptive`,
    objectKeys: [id.key],
    blocking: false,
    consent: 'disruptive',
  });
  const passwordReset = (upn: string): HazardDraft => ({
    code: 'password-reset',
    severity: 'warning',
    message: `${upn} gets a new generated password after the restore (the password hash no longer flows from AD); the user must be given it; allow with allow.disruptive`,
    objectKeys: [id.key],
    blocking: false,
    consent: 'disruptive',
  });
  const waits = (what: string): HazardDraft => ({
    code: 'waits-for-sync',
    severity: 'info',
    message: `waits for Entra Connect's next sync cycle (every 30 min by default, or sync.triggerCommand) until ${what}`,
    objectKeys: [id.key],
    blocking: false,
  });

  // Already cloud-owned (restored, converted or never synced): only the clears remain.
  if (e && !isSyncedUser(e)) {
    planClears(ctx, id.key, rule, { userId: e.id, upn: e.userPrincipalName, immutableId: e.onPremisesImmutableId, leftovers: e }, rule.clear, []);
    return;
  }

  if (e) {
    // Synced now: needs the AD side to move it out of scope.
    if (holdsAdminRole(e)) {
      ctx.addHazard({
        code: 'privileged-role',
        severity: 'danger',
        message: `${e.userPrincipalName} holds ${roleNames(e)}; deleting and restoring an admin object by scope removal is refused by entra-soa: remove the role assignment first, or exclude the user from rule ${rule.name}`,
        objectKeys: [id.key],
        blocking: true,
      });
      return;
    }
    if (!ad) {
      ctx.addHazard({
        code: 'missing-object',
        severity: 'danger',
        message: `${e.userPrincipalName} is synced but its AD user (immutable id ${e.onPremisesImmutableId ?? 'none'}) was not found under ${ctx.observed.ad.baseDn}: check activeDirectory.connection.baseDn and sourceAnchor`,
        objectKeys: [id.key],
        blocking: true,
      });
      return;
    }
    const deps: string[] = [...ctx.groupSteps];
    if (ctx.tenant.thresholdStep) deps.push(ctx.tenant.thresholdStep);
    let moveId: string | null = null;
    if (adInScope(ctx, ad.dn)) {
      if (!unsyncedOu) {
        ctx.addHazard({
          code: 'missing-object',
          severity: 'danger',
          message: `rule ${rule.name} uses scopeRemoval but activeDirectory.unsyncedOu is not set: name an OU that Entra Connect does not sync`,
          objectKeys: [id.key],
          blocking: true,
        });
        return;
      }
      if (!ctx.ouExists(unsyncedOu) || adInScope(ctx, `CN=x,${unsyncedOu}`)) {
        ctx.addHazard({
          code: 'missing-object',
          severity: 'danger',
          message: !ctx.ouExists(unsyncedOu)
            ? `the unsynced OU ${unsyncedOu} does not exist in AD: create it (outside the sync scope) or fix activeDirectory.unsyncedOu`
            : `the unsynced OU ${unsyncedOu} is inside the sync scope, so moving ${ad.dn} there deletes nothing: pick an OU outside activeDirectory.syncScope`,
          objectKeys: [id.key],
          blocking: true,
        });
        return;
      }
      const move: Step = { kind: 'ad.move', dn: ad.dn, toOu: unsyncedOu, upn: ad.userPrincipalName };
      moveId = ctx.addStep(id.key, move, deps, ruleReason(rule, `move ${ad.dn} out of sync scope so that Entra Connect deletes ${e.userPrincipalName} (scope removal)`), 'remove');
      ctx.addHazards([disruption(e.userPrincipalName)], [moveId]);
    }
    const wait: Step = { kind: 'sync.await', until: { kind: 'userSoftDeleted', userId: e.id, upn: e.userPrincipalName }, timeoutS: ctx.sync() };
    const waitId = ctx.addStep(id.key, wait, moveId ? [moveId] : deps, ruleReason(rule, `wait until the sync cycle soft-deletes ${e.userPrincipalName}`));
    ctx.addHazards(moveId ? [waits(`${e.userPrincipalName} is soft-deleted`)] : [disruption(e.userPrincipalName), waits(`${e.userPrincipalName} is soft-deleted`)], [waitId]);
    ctx.deletionSteps.push({ stepId: moveId ?? waitId, waitId, key: id.key, moved: moveId !== null });
    restoreOnwards(ctx, id, rule, { id: e.id, upn: e.userPrincipalName, immutableId: e.onPremisesImmutableId }, [waitId], passwordReset);
    return;
  }

  if (id.deleted) {
    // Soft-deleted already (the move and the cycle happened): restore onwards.
    const d = id.deleted;
    if (ad && adInScope(ctx, ad.dn)) {
      ctx.addHazard({
        code: 'collision',
        severity: 'danger',
        message: `${deletedUserUpn(d)} is soft-deleted but its AD user ${ad.dn} is back in sync scope: restoring now would race with Entra Connect; move the AD user out of scope (to ${unsyncedOu ?? 'the unsynced OU'}) and plan again`,
        objectKeys: [id.key],
        blocking: true,
      });
      return;
    }
    const window = restoreWindow(d.deletedDateTime, ctx.createdAt);
    if (window !== null && !window.open) {
      ctx.addHazard({
        code: 'restore-window',
        severity: 'danger',
        message: `${deletedUserUpn(d)} was deleted ${d.deletedDateTime}; Entra ID keeps deleted users for 30 days, so it could be restored until ${window.endsAt} and is gone for good (or about to be) now: it cannot be restored. Create a new cloud user, or exclude it from rule ${rule.name}`,
        objectKeys: [id.key],
        blocking: true,
      });
      return;
    }
    const restoreId = restoreOnwards(ctx, id, rule, { id: d.id, upn: deletedUserUpn(d), immutableId: d.onPremisesImmutableId }, [], passwordReset);
    if (window !== null) ctx.restores.push({ stepId: restoreId, key: id.key, upn: deletedUserUpn(d), endsAt: window.endsAt });
  }
}

function restoreOnwards(
  ctx: PlanContext,
  id: Identity,
  rule: CloudUserRule,
  user: { id: string; upn: string; immutableId: string | null },
  after: string[],
  passwordReset: (upn: string) => HazardDraft,
): string {
  const restore: Step = { kind: 'entra.restoreDeleted', deletedId: user.id, upn: user.upn };
  const restoreId = ctx.addStep(id.key, restore, after, ruleReason(rule, `restore ${user.upn} from deleted users as a cloud-only user`));
  const reset: Step = { kind: 'entra.resetPassword', userId: user.id, upn: user.upn, forceChangeAtNextSignIn: true };
  const resetId = ctx.addStep(id.key, reset, [restoreId], ruleReason(rule, `reset the password of restored ${user.upn} (generated at apply time, never shown in the plan)`));
  ctx.addHazards([passwordReset(user.upn)], [resetId]);
  const leftovers = id.entra ?? null;
  planClears(ctx, id.key, rule, { userId: user.id, upn: user.upn, immutableId: user.immutableId, leftovers }, rule.clear, [restoreId]);
  return restoreId;
}
