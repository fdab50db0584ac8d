/**
 * Whether Entra ID lets a new AD object take over the cloud object that carries its sourceAnchor as
 * immutable id (a hard match). Pages:
 * - https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidhardmatch:
 *   with BlockCloudObjectTakeoverThroughHardMatchEnabled on, the takeover fails with InvalidHardMatch,
 *   including the object that left the sync scope, was restored and comes back.
 * - https://learn.microsoft.com/entra/identity/hybrid/how-to-user-source-of-authority-configure#roll-back-soa-update:
 *   the same flag "blocks switching source of authority from cloud to on-premises": a rolled-back
 *   object is taken over by this same path.
 * - The hardening enforced from 2026-07-01
 *   (https://learn.microsoft.com/entra/fundamentals/whats-new, "Microsoft Entra Connect security
 *   hardening to prevent user account takeover"): "Microsoft Entra will block attempts by Entra
 *   Connect to modify the OnPremisesObjectIdentifier attribute after it has already been mapped to a
 *   synced user object. This prevents re-mapping an existing Entra ID user to a different on-premises
 *   identity", with the message "Hard match operation blocked due to security hardening. Review
 *   OnPremisesObjectIdentifier mapping." So a cloud user whose onPremisesObjectIdentifier is the same
 *   AD object (a rollback) is not affected, and one with none is not either; the documented recovery
 *   is to clear it (beta PATCH /users/{id} {"onPremisesObjectIdentifier": null}). The tenant flag
 *   allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled "allows clients to update the
 *   onPremisesObjectIdentifier property for on-premises Active Directory synced objects"
 *   (https://learn.microsoft.com/graph/api/resources/onpremisesdirectorysynchronizationfeature),
 *   the temporary bypass Microsoft's "existing tenant" page describes.
 *   Microsoft's support material for the same change also blocks cloud users that are assigned or
 *   eligible for a privileged role; the lab enforces that too, and does not let the bypass flag lift
 *   it (unconfirmed: no page says whether it does).
 */
import type { AdUser } from '../../model/observed.js';
import type { LabSyncFeatures } from '../tenant/sync-features.js';
import type { LabUser } from '../tenant/records.js';
import type { ProvisioningErrorCode, ProvisioningErrorReason } from '../sync-report.js';

/** From this instant Entra ID enforces the hard-match hardening. */
const HARD_MATCH_HARDENING_FROM = '2026-07-01T00:00:00.000Z';

/** Microsoft's message for a takeover refused by the hardening. */
const HARDENING_MESSAGE = 'Hard match operation blocked due to security hardening. Review OnPremisesObjectIdentifier mapping.';

export interface TakeoverRefusal {
  code: ProvisioningErrorCode;
  reason: ProvisioningErrorReason;
  message: string;
  property: string;
  value: string;
}

export interface TakeoverInput {
  /** The cloud user with the AD object's anchor as immutable id (not synced, not cloud-managed). */
  holder: Readonly<LabUser>;
  ad: AdUser;
  /** The AD object's UPN, for messages. */
  upn: string;
  immutableId: string;
  features: Readonly<LabSyncFeatures>;
  /** Lab time of the cycle. */
  now: string;
  /** The holder is assigned or eligible for a privileged role. */
  privileged: boolean;
}

/** Why the takeover is refused, or null when Entra ID lets it happen. */
export function takeoverRefusal(t: TakeoverInput): TakeoverRefusal | null {
  const who = `the cloud user ${t.holder.userPrincipalName}`;
  if (t.features.blockCloudObjectTakeoverThroughHardMatchEnabled) {
    return {
      code: 'InvalidHardMatch',
      reason: 'hard-match-takeover-blocked',
      message: `${t.upn}: ${who} has this object's immutable id, but blockCloudObjectTakeoverThroughHardMatchEnabled is on, so Entra ID refuses the takeover: turn it off for the match and on again afterwards`,
      property: 'onPremisesImmutableId',
      value: t.immutableId,
    };
  }
  if (Date.parse(t.now) < Date.parse(HARD_MATCH_HARDENING_FROM)) return null;
  const mapped = t.holder.onPremisesObjectIdentifier;
  if (mapped !== null && mapped.toLowerCase() !== t.ad.objectGuid.toLowerCase() && !t.features.allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled) {
    return {
      code: 'AttributeUpdateNotAllowed',
      reason: 'hard-match-object-identifier',
      message: `${t.upn}: ${HARDENING_MESSAGE} ${who} is mapped to the AD object ${mapped}, not to ${t.ad.objectGuid}: clear its onPremisesObjectIdentifier (beta PATCH /users/${t.holder.id}) to allow the match`,
      property: 'onPremisesObjectIdentifier',
      value: mapped,
    };
  }
  if (t.privileged) {
    return {
      code: 'AttributeUpdateNotAllowed',
      reason: 'hard-match-privileged-role',
      message: `${t.upn}: ${HARDENING_MESSAGE} ${who} is assigned or eligible for a privileged role: remove the assignment and the eligibility, let the match happen, then grant them again`,
      property: 'onPremisesImmutableId',
      value: t.immutableId,
    };
  }
  return null;
}
