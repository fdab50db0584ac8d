/**
 * A lab user as Graph shows it: each property computed from the stored record, and only the
 * properties a response returns (a page of 999 users with a `$select` of a dozen properties costs a
 * dozen properties per user, not every property the lab knows).
 */
import type { LabTenant } from '../tenant/lab-tenant.js';
import type { LabUser } from '../tenant/records.js';
import type { UserProperty } from './user-properties.js';

/** A stored user as a route serves it: a deleted one carries its deletion time. */
export type ServedUser = Readonly<LabUser> & { deletedDateTime?: string };

const SUCCESS_EXCHANGE_PLAN = { capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' } as const;

/** How each property Graph serves is read from the stored user (every `UserProperty` has one). */
const USER_FIELDS: Readonly<Record<UserProperty, (u: ServedUser, t: LabTenant) => unknown>> = {
  id: (u) => u.id,
  businessPhones: () => [],
  displayName: (u) => u.displayName,
  givenName: (u) => u.givenName,
  jobTitle: () => null,
  mail: (u) => u.mail,
  mobilePhone: () => null,
  officeLocation: () => null,
  preferredLanguage: () => null,
  surname: (u) => u.surname,
  userPrincipalName: (u) => u.userPrincipalName,
  mailNickname: (u) => u.mailNickname,
  proxyAddresses: (u) => [...u.proxyAddresses],
  accountEnabled: (u) => u.accountEnabled,
  createdDateTime: (u) => u.createdDateTime,
  deletedDateTime: (u) => u.deletedDateTime ?? null,
  lastPasswordChangeDateTime: (u) => u.passwordLastResetAt ?? u.createdDateTime,
  passwordPolicies: (u) => u.passwordPolicies,
  // Graph never returns the password itself.
  passwordProfile: (u) => ({ password: null, forceChangePasswordNextSignIn: u.forceChangePasswordNextSignIn, forceChangePasswordNextSignInWithMfa: false }),
  // Exchange Online's plan, provisioned with `Success`, when the user has a mailbox
  // (https://learn.microsoft.com/graph/api/resources/provisionedplan).
  provisionedPlans: (u) => (u.exchangeMailbox ? [{ ...SUCCESS_EXCHANGE_PLAN }] : []),
  onPremisesSyncEnabled: (u) => u.onPremisesSyncEnabled,
  onPremisesImmutableId: (u) => u.onPremisesImmutableId,
  onPremisesDistinguishedName: (u) => u.onPremisesDistinguishedName,
  onPremisesDomainName: (u) => u.onPremisesDomainName,
  onPremisesSamAccountName: (u) => u.onPremisesSamAccountName,
  onPremisesSecurityIdentifier: (u) => u.onPremisesSecurityIdentifier,
  onPremisesUserPrincipalName: (u) => u.onPremisesUserPrincipalName,
  onPremisesLastSyncDateTime: (u) => u.onPremisesLastSyncDateTime,
  onPremisesObjectIdentifier: (u) => u.onPremisesObjectIdentifier,
  onPremisesProvisioningErrors: (u, t) =>
    t.listProvisioningErrors(u.id).map((e) => ({
      category: e.category,
      occurredDateTime: e.occurredDateTime,
      propertyCausingError: e.propertyCausingError,
      value: e.value,
    })),
};

/**
 * The user with the selected properties (in `$select`'s order, id always), or `defaults` when
 * nothing is selected. `select` holds only properties `$select` accepted (user-properties.ts).
 */
export function userView(t: LabTenant, u: ServedUser, select: readonly string[] | null, defaults: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of select ?? defaults) out[k] = USER_FIELDS[k as UserProperty](u, t) ?? null;
  if (!('id' in out)) out.id = u.id;
  return out;
}

/**
 * A deleted user as Graph shows it: Entra prefixes a deleted user's UPN with its object id without
 * dashes (`33e89bc6…maria@contoso.com`), freeing the UPN; a restore brings the original back.
 */
export function deletedView<T extends Readonly<LabUser>>(u: T): T {
  return { ...u, userPrincipalName: `${u.id.replace(/-/g, '')}${u.userPrincipalName}` };
}
