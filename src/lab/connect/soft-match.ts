/**
 * Soft match: a new AD object that no cloud object holds by immutable id takes over a cloud object
 * with the same primary SMTP address, or the same UPN. Pages:
 * - https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant#hard-match-vs-soft-match:
 *   "For the proxyAddresses attribute, only the value with SMTP:, that is the primary email address,
 *   is used"; admin accounts: "Microsoft Entra ID won't match on-premises users with cloud users
 *   that have an admin role"; BlockSoftMatchEnabled blocks it for all objects.
 * - Primary SMTP first, then UPN, the latter only with SoftMatchOnUpn
 *   (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-features#userprincipalname-soft-match,
 *   https://learn.microsoft.com/powershell/module/msonline/set-msoldirsyncfeature).
 * - SMTP matching "can be run on user accounts that have a Microsoft Exchange Online email address
 *   ... a mailbox that has a primary email address must exist in Exchange Online"
 *   (https://support.microsoft.com/kb/2641663). Without one the lab falls back to UPN matching.
 * - A candidate with an immutable id is not matched (InvalidSoftMatch,
 *   https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidsoftmatch).
 * When no match happens, Entra ID provisions a new object and resiliency quarantines the values it
 * shares with the candidate ("you won't see the InvalidSoftMatch synchronization errors").
 */
import type { LabSyncFeatures } from '../tenant/sync-features.js';
import type { LabUser } from '../tenant/records.js';
import type { SoftMatchMiss } from '../sync-report.js';
import type { AddressBook } from './address-book.js';

export type SoftMatchDecision =
  /** Take over `candidate`. */
  | { kind: 'match'; candidate: Readonly<LabUser>; via: 'primary SMTP address' | 'UPN' }
  /** No match: a new object is provisioned, colliding with `candidate`. */
  | { kind: 'miss'; candidate: Readonly<LabUser>; why: SoftMatchMiss }
  /** No cloud object shares the primary SMTP address or the UPN. */
  | { kind: 'none' };

export interface SoftMatchInput {
  /** The AD object's primary SMTP address (lower case), if any. */
  primarySmtp: string | null;
  /** The UPN the new object would get. */
  upn: string;
  features: Readonly<LabSyncFeatures>;
  book: AddressBook;
  /** True when the user is assigned an admin role. */
  holdsAdminRole(userId: string): boolean;
}

/** Decide the soft match for a new AD object (not joined, no cloud object holds its anchor). */
export function decideSoftMatch(s: SoftMatchInput): SoftMatchDecision {
  const bySmtp = s.primarySmtp ? s.book.byPrimary(s.primarySmtp)[0] : undefined;
  const byUpn = s.book.byUpn(s.upn);
  const miss = (candidate: Readonly<LabUser>, why: SoftMatchMiss): SoftMatchDecision => ({ kind: 'miss', candidate, why });
  if (s.features.blockSoftMatchEnabled) {
    const seen = bySmtp ?? byUpn;
    return seen ? miss(seen, 'soft-match-blocked') : { kind: 'none' };
  }
  const judge = (c: Readonly<LabUser>, via: 'primary SMTP address' | 'UPN'): SoftMatchDecision => {
    if (c.onPremisesImmutableId !== null) return miss(c, 'has-immutable-id');
    // An SOA-converted user is managed in the cloud; no page says Entra ID lets a new AD object take it over (unconfirmed).
    if (c.isCloudManaged) return miss(c, 'cloud-managed');
    if (s.holdsAdminRole(c.id)) return miss(c, 'admin-role');
    return { kind: 'match', candidate: c, via };
  };
  if (bySmtp?.exchangeMailbox) return judge(bySmtp, 'primary SMTP address');
  if (byUpn && s.features.softMatchOnUpnEnabled) return judge(byUpn, 'UPN');
  if (bySmtp) return miss(bySmtp, 'no-mailbox');
  if (byUpn) return miss(byUpn, 'upn-soft-match-off');
  return { kind: 'none' };
}
