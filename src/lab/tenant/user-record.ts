/** A lab user's stored record: how a new one is made, and how one written by an older lab is read. */
import type { LabUser, NewLabUser } from './records.js';
import { defined } from './plain-data.js';

/**
 * The record of a new user as Graph creates it: what `input` gives (undefined fields left out), and
 * for the rest no names or addresses, enabled, never synced, not cloud-managed; `changeSeq` 0 until
 * the tenant stores it. What `createUser` stores, and how a seed's user can be written by hand.
 */
export function labUserRecord(input: NewLabUser, id: string, createdDateTime: string): LabUser {
  return {
    displayName: null,
    givenName: null,
    surname: null,
    mail: null,
    mailNickname: null,
    proxyAddresses: [],
    accountEnabled: true,
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    onPremisesDistinguishedName: null,
    onPremisesDomainName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesUserPrincipalName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesObjectIdentifier: null,
    isCloudManaged: false,
    passwordLastResetAt: null,
    exchangeMailbox: hasPrimarySmtp(input.proxyAddresses ?? []),
    connectorJoin: null,
    passwordPolicies: null,
    forceChangePasswordNextSignIn: false,
    ...defined(input),
    id,
    createdDateTime,
    changeSeq: 0,
  };
}

function hasPrimarySmtp(proxyAddresses: readonly string[]): boolean {
  return proxyAddresses.some((p) => p.startsWith('SMTP:'));
}

/** Fill in fields that stored data written by older versions of the lab lacks. */
export function upgradeUser<T extends LabUser>(u: T): T {
  if (typeof (u as Partial<LabUser>).exchangeMailbox !== 'boolean') u.exchangeMailbox = hasPrimarySmtp(u.proxyAddresses);
  if ((u as Partial<LabUser>).passwordPolicies === undefined) u.passwordPolicies = null;
  if ((u as Partial<LabUser>).forceChangePasswordNextSignIn === undefined) u.forceChangePasswordNextSignIn = false;
  if ((u as Partial<LabUser>).connectorJoin === undefined) {
    u.connectorJoin = u.onPremisesSyncEnabled === true || u.isCloudManaged ? u.onPremisesObjectIdentifier : null;
  }
  return u;
}
