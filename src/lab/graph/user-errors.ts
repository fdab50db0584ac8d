/** Graph's refusals of a user write, and the rules behind the ones two routes share. */
import type { LabUser } from '../tenant/records.js';
import { GraphHttpError, badRequest } from './protocol.js';
import type { RouteContext } from './route-context.js';

/** Graph's answer to a cloud write of a property Entra Connect owns. */
export const MASTERED_MESSAGE =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';

export function invalidUserValue(prop: string): GraphHttpError {
  return badRequest(`Invalid value specified for property '${prop}' of resource 'User'.`);
}

export function readOnly(prop: string): GraphHttpError {
  return badRequest(`Property '${prop}' is read-only and cannot be set.`);
}

/** True when Entra Connect owns the user now. */
export function isSyncedUser(u: Readonly<LabUser>): boolean {
  return u.onPremisesSyncEnabled === true && !u.isCloudManaged;
}

/** True when the UPN's domain is one of the tenant's verified domains. */
export function verifiedDomain(ctx: RouteContext, upn: string): boolean {
  const domain = upn.split('@')[1]?.toLowerCase();
  return domain !== undefined && ctx.tenant.getOrganization().verifiedDomains.some((d) => d.name.toLowerCase() === domain);
}

/** Graph's 400 for a UPN outside the verified domains. */
export function unverifiedDomain(): GraphHttpError {
  return badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
}

export function checkImmutableIdValue(v: string): void {
  if (/[$_]/.test(v)) {
    // Graph refuses these characters (docs/lab-graph.md, "Semantics"); the message is our choice (unconfirmed).
    throw invalidUserValue('onPremisesImmutableId');
  }
}
