/**
 * Which user properties Graph serves, lets `$filter` on, and lets a caller write — per version and
 * for users Entra Connect owns.
 */
import type { GraphVersion, LabRequest } from './protocol.js';

/** Graph's default user property set (v1.0; the lab serves the same set on beta). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/**
 * The on-premises attributes Microsoft lists as clearable (and settable) on cloud-only users with a
 * beta `PATCH /users/{id}`, in its order: learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes.
 * `onPremisesLastSyncDateTime` is not among them: it stays read-only.
 */
export const CLEARABLE_ON_PREMISES_ATTRIBUTES = [
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesImmutableId',
  'onPremisesObjectIdentifier',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesUserPrincipalName',
] as const;

/**
 * Every user property the lab can return on v1.0 `$select`: only properties of the v1.0 user schema
 * (Microsoft's CSDL, 2026-08; test/integration/lab-graph/conformance.test.ts checks the list against it).
 */
const V1_USER_PROPERTIES = [
  ...DEFAULT_USER_PROPERTIES,
  'mailNickname',
  'proxyAddresses',
  'accountEnabled',
  'createdDateTime',
  'deletedDateTime',
  'lastPasswordChangeDateTime',
  'passwordPolicies',
  'passwordProfile',
  'provisionedPlans',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesUserPrincipalName',
  'onPremisesLastSyncDateTime',
  'onPremisesProvisioningErrors',
] as const;

/**
 * Beta adds `onPremisesObjectIdentifier`: Microsoft documents reading and clearing it with beta calls
 * (the clear-on-premises-attributes page; the 2026-07-01 hard-match hardening), though it is in
 * neither published CSDL (2026-08). v1.0 answers 400 for it, as Graph does for a property outside
 * the v1.0 schema.
 */
const BETA_ONLY_USER_PROPERTIES = ['onPremisesObjectIdentifier'] as const;

/** A user property the lab serves (on some version). */
export type UserProperty = (typeof V1_USER_PROPERTIES)[number] | (typeof BETA_ONLY_USER_PROPERTIES)[number];

export const USER_PROPERTIES_BY_VERSION: Readonly<Record<GraphVersion, ReadonlySet<string>>> = {
  'v1.0': new Set(V1_USER_PROPERTIES),
  beta: new Set([...V1_USER_PROPERTIES, ...BETA_ONLY_USER_PROPERTIES]),
};

/** The user properties `$select` accepts on this request's version. */
export function userProperties(req: Pick<LabRequest, 'version'>): ReadonlySet<string> {
  return USER_PROPERTIES_BY_VERSION[req.version];
}

/** $filter support on users: `default` = plain query; `advanced` = needs ConsistencyLevel + $count. */
export const USER_FILTERABLE: ReadonlyMap<string, 'default' | 'advanced'> = new Map([
  ['id', 'default'],
  ['userPrincipalName', 'default'],
  ['mail', 'default'],
  ['mailNickname', 'default'],
  ['displayName', 'default'],
  ['givenName', 'default'],
  ['surname', 'default'],
  ['accountEnabled', 'default'],
  ['onPremisesImmutableId', 'default'],
  ['onPremisesSyncEnabled', 'default'],
  ['proxyAddresses', 'default'],
  ['onPremisesSamAccountName', 'advanced'],
  ['onPremisesUserPrincipalName', 'advanced'],
]);

/**
 * User properties Entra Connect Sync writes from AD (learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-sync-attributes-synchronized,
 * mapped to Graph's names: company → companyName, department, physicalDeliveryOfficeName →
 * officeLocation, telephoneNumber → businessPhones, facsimileTelephoneNumber → faxNumber, title →
 * jobTitle, l → city, c/co → country, st → state, employeeID → employeeId, extensionAttribute1-15 →
 * onPremisesExtensionAttributes, ...). On a synced user Graph refuses a cloud write to any of them.
 * `mobilePhone` is AD's `mobile`, but Microsoft keeps a cloud value unless the feature
 * `bypassDirSyncOverridesEnabled` is on (learn.microsoft.com/graph/api/resources/onpremisesdirectorysynchronizationfeature),
 * so it is mastered only then. `usageLocation` is left writable (unconfirmed: Connect syncs
 * msExchUsageLocation only where it is set).
 */
export const AD_MASTERED: ReadonlySet<string> = new Set([
  'accountEnabled',
  'businessPhones',
  'city',
  'companyName',
  'country',
  'department',
  'displayName',
  'employeeId',
  'faxNumber',
  'givenName',
  'jobTitle',
  'mail',
  'mailNickname',
  'officeLocation',
  'onPremisesExtensionAttributes',
  'postalCode',
  'preferredLanguage',
  'proxyAddresses',
  'state',
  'streetAddress',
  'surname',
  'userPrincipalName',
  'onPremisesImmutableId',
  ...CLEARABLE_ON_PREMISES_ATTRIBUTES,
  'onPremisesLastSyncDateTime',
]);

/** Properties accepted and ignored by the lab (writable in Graph, not modelled). */
export const IGNORED_WRITABLE: ReadonlySet<string> = new Set([
  'jobTitle',
  'mobilePhone',
  'officeLocation',
  'businessPhones',
  'faxNumber',
  'preferredLanguage',
  'usageLocation',
  'department',
  'companyName',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'employeeId',
  'employeeType',
  'otherMails',
  'onPremisesExtensionAttributes',
]);
