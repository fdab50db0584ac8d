import type { UserRule } from '../model/desired.js';
import type { HazardCode } from '../model/plan.js';
import type { AdUser, EntraUser } from '../model/observed.js';
import type { Step } from '../model/step.js';
import { holdsPrivilegedRole, privilegedRoleNames, ruleReason, type PlanContext } from './context.js';

/**
 * Entra ID's hard-match protections, in force from 2026-07-01, as Microsoft documents them
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant#hard-match-security-protections,
 * https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidhardmatch):
 * - a cloud user that "already has a *different* onPremisesObjectIdentifier populated" is not remapped
 *   (`AttributeUpdateNotAllowed`: "OnPremisesObjectIdentifier cannot be changed unless its current value
 *   is null"); "ongoing synchronization for users that are already correctly matched isn't affected",
 *   so the same AD object taking its user back (a rollback) is not blocked. Documented fix: clear it
 *   to null (beta `PATCH /users/{id}`), then sync. The tenant bypass
 *   `allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled` is a temporary measure Microsoft
 *   discourages; entra-soa plans the clear instead and does not read or change the bypass.
 * - a cloud user assigned or eligible for a privileged role is refused; the fix (remove the role,
 *   match, assign it again) is left to an administrator: a blocking hazard.
 */
export interface HardMatchCheck {
  /** Refusals entra-soa cannot fix: the link is blocked. */
  refusals: { code: HazardCode; message: string }[];
  /** The cloud user's onPremisesObjectIdentifier when it names another AD object: the plan clears it first. */
  remapFrom: string | null;
}

/** The canonical form of an object identifier (a GUID, with or without braces, any case). */
function identifierKey(v: string): string {
  return v.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
}

/**
 * What the hardening means for hard-matching `ad` onto cloud user `e` (a hard link or a rollback).
 * Nothing when the plan was created before 2026-07-01 (`ctx.hardMatchHardened`). `action` names the
 * operation in messages (e.g. "linking it to CN=bob,...").
 */
export function checkHardMatch(ctx: PlanContext, e: EntraUser, ad: AdUser, action: string): HardMatchCheck {
  const out: HardMatchCheck = { refusals: [], remapFrom: null };
  if (!ctx.hardMatchHardened) return out;
  const current = e.onPremisesObjectIdentifier;
  if (current !== null && identifierKey(current) !== identifierKey(ad.objectGuid)) out.remapFrom = current;
  if (holdsPrivilegedRole(e)) {
    out.refusals.push({
      code: 'privileged-role',
      message:
        `${e.userPrincipalName} has the privileged role ${privilegedRoleNames(e)}: from 2026-07-01 Entra ID refuses to hard-match a cloud user ` +
        `that holds or is eligible for a privileged role, so ${action} fails (InvalidHardMatch). ` +
        `Remove the role assignment and any PIM eligibility first, and grant them again after the match`,
    });
  }
  return out;
}

/**
 * Plans Microsoft's documented fix for a remap blocked by the hardening: set the cloud user's
 * `onPremisesObjectIdentifier` to null (beta `PATCH /users/{id}`, the only value it can be set to),
 * with a warning that the cloud account leaves its old AD object. Returns the step id; the write that
 * brings the match about must depend on it.
 */
export function planIdentifierClear(
  ctx: PlanContext,
  key: string,
  rule: UserRule,
  e: EntraUser,
  ad: AdUser,
  from: string,
  deps: readonly string[],
  keys: readonly string[],
): string {
  const step: Step = { kind: 'entra.clearOnPremisesAttributes', userId: e.id, upn: e.userPrincipalName, attributes: { onPremisesObjectIdentifier: from } };
  const id = ctx.addStep(
    key,
    step,
    deps,
    ruleReason(rule, `clear onPremisesObjectIdentifier of ${e.userPrincipalName} so that ${ad.dn} can hard-match it (2026-07-01 hardening)`),
  );
  ctx.addHazards(
    [
      {
        code: 'object-identifier-remap',
        severity: 'warning',
        message:
          `${e.userPrincipalName} is mapped to another AD object (onPremisesObjectIdentifier ${from}, not ${ad.objectGuid} of ${ad.dn}): ` +
          `from 2026-07-01 Entra ID refuses that hard match (AttributeUpdateNotAllowed) until the identifier is null, so the plan clears it first ` +
          `(Microsoft's documented fix). Check that ${ad.dn} is the same person: the cloud account leaves its old AD object for good`,
        objectKeys: [...keys],
        blocking: false,
      },
    ],
    [id],
  );
  return id;
}
