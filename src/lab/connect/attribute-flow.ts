/**
 * What an AD user's attributes become on its cloud object.
 *
 * - "All attributes in Microsoft Entra ID with a value in on-premises AD are overwritten with the
 *   respective on-premises value" when a cloud object is taken over by a hard or soft match
 *   (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant#sync-with-existing-users-in-microsoft-entra-id):
 *   mode `match`. A joined object follows AD, an empty AD value clears the cloud one: mode `update`.
 * - userPrincipalName: the AD UPN when its suffix is a verified domain of the tenant; otherwise, and
 *   when it has invalid characters, `<MailNickName>@<initial domain>`
 *   (https://learn.microsoft.com/entra/identity/hybrid/connect/plan-connect-userprincipalname#nonverified-upn-suffix).
 *   An AD user without a UPN gets `<sAMAccountName>@<domain>`, as Connect's default rule
 *   "In from AD – User Common" does (unconfirmed: Microsoft does not list that rule's expression).
 * - mailNickname is set when the object is first synced, from the first of: the on-premises
 *   mailNickName (the lab's AD has none), the prefix of the primary SMTP address, of mail, of the
 *   UPN, of a secondary smtp address; later it changes only with the on-premises mailNickName, so
 *   never in the lab (same page, "MailNickName attribute value calculation").
 * - proxyAddresses: AD's; an AD user with mail and no proxy addresses gets `SMTP:<mail>` (unconfirmed:
 *   what Exchange Online stamps). displayName: AD's, else the sAMAccountName (unconfirmed).
 */
import type { AdUser } from '../../model/observed.js';
import type { LabUserPatch } from '../tenant/records.js';

/** What the flow needs to know about the tenant and the cycle. */
export interface FlowContext {
  /** DNS name of the AD domain (from the naming context's DC= parts). */
  domainDns: string | null;
  /** True when the domain is a verified domain of the tenant. */
  isVerifiedDomain(domain: string): boolean;
  /** The tenant's initial `<name>.onmicrosoft.com` domain. */
  initialDomain: string;
  /** Lab time of the cycle. */
  now: string;
}

/** `create`: a new cloud object; `update`: a joined object; `match`: a taken-over cloud object. */
export type FlowMode = 'create' | 'update' | 'match';

/** The UPN AD gives the object (its userPrincipalName, else sAMAccountName@domain). */
export function sourceUpnOf(ad: AdUser, domainDns: string | null): string {
  return ad.userPrincipalName ?? `${ad.samAccountName}@${domainDns ?? 'invalid'}`;
}

function prefixOf(address: string | null | undefined): string | null {
  if (!address) return null;
  const at = address.indexOf('@');
  return at > 0 ? address.slice(0, at) : null;
}

/** The mailNickname Entra ID computes when the object is first synced. */
export function firstMailNickname(ad: AdUser, domainDns: string | null): string {
  const primary = ad.proxyAddresses.find((p) => p.startsWith('SMTP:'))?.slice(5);
  const secondary = ad.proxyAddresses.find((p) => p.startsWith('smtp:'))?.slice(5);
  return prefixOf(primary) ?? prefixOf(ad.mail) ?? prefixOf(sourceUpnOf(ad, domainDns)) ?? prefixOf(secondary) ?? ad.samAccountName;
}

/** The cloud UPN for an on-premises UPN: itself when its suffix is verified, else `<mailNickname>@<initial domain>`. */
function cloudUpnFor(onPremisesUpn: string, mailNickname: string, ctx: FlowContext): string {
  const at = onPremisesUpn.lastIndexOf('@');
  const valid = at > 0 && !/\s/.test(onPremisesUpn);
  if (valid && ctx.isVerifiedDomain(onPremisesUpn.slice(at + 1))) return onPremisesUpn;
  return `${mailNickname}@${ctx.initialDomain}`;
}

/** The proxy addresses the cloud object gets from AD. */
function proxyAddressesFromAd(ad: AdUser): string[] {
  return ad.proxyAddresses.length ? [...ad.proxyAddresses] : ad.mail ? [`SMTP:${ad.mail}`] : [];
}

/**
 * The cloud attributes the AD user determines (see the module comment). `mailNickname` is the
 * cloud object's (create: computed now). userPrincipalName and proxyAddresses are what AD asks for;
 * duplicate-attribute resiliency may still quarantine some of them (resiliency.ts).
 */
export function flowAttributes(ad: AdUser, mailNickname: string, mode: FlowMode, ctx: FlowContext): LabUserPatch {
  const onPremUpn = sourceUpnOf(ad, ctx.domainDns);
  const full: LabUserPatch = {
    userPrincipalName: cloudUpnFor(onPremUpn, mailNickname, ctx),
    displayName: ad.displayName ?? ad.samAccountName,
    givenName: ad.givenName,
    surname: ad.surname,
    mail: ad.mail,
    proxyAddresses: proxyAddressesFromAd(ad),
    accountEnabled: ad.enabled,
    onPremisesSyncEnabled: true,
    onPremisesDistinguishedName: ad.dn,
    onPremisesSamAccountName: ad.samAccountName,
    onPremisesDomainName: ctx.domainDns,
    onPremisesUserPrincipalName: ad.userPrincipalName,
    onPremisesLastSyncDateTime: ctx.now,
    onPremisesObjectIdentifier: ad.objectGuid,
    ...(mode === 'create' ? { mailNickname } : {}),
  };
  if (mode !== 'match') return full;
  const out: LabUserPatch = {};
  for (const [k, v] of Object.entries(full) as [keyof LabUserPatch, unknown][]) {
    if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

