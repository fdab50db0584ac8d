/**
 * Which caller may do what: Microsoft's "Permissions" table of each Graph API the emulator serves,
 * and the Microsoft Entra roles its "Important" note requires in delegated scenarios.
 *
 * Rules, as Microsoft documents them (learn.microsoft.com/graph/permissions-overview):
 * - app-only: the token's application permissions (`roles`) must hold one permission of the API's
 *   Application row; "Not supported" means no application token may call it. Some APIs also need a
 *   Microsoft Entra role assigned to the app (password resets: at least User Administrator).
 * - delegated: the effective rights are the intersection of the consented scopes (`scp`) and what the
 *   signed-in user may do: one scope of the Delegated row AND, where the page names roles, one of
 *   those roles active (`wids`). PIM-eligible roles are not active and grant nothing. Global
 *   Administrator can do everything any other role can (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference#global-administrator).
 *   Where the page names no role, any member user may call the API (default user permissions let
 *   members read the directory: learn.microsoft.com/entra/fundamentals/users-default-permissions).
 * - refusal: 403 `Authorization_RequestDenied` "Insufficient privileges to complete the operation."
 *   (learn.microsoft.com/graph/errors; learn.microsoft.com/troubleshoot/entra/entra-id/app-integration/authorization-request-denied-graph-api).
 */
import { ENTRA_ROLE_TEMPLATE_IDS, type EntraRoleName, type LabTokenClaims } from '../identities.js';
import { GraphHttpError } from './protocol.js';

/** Every operation the emulator authorises. */
export type GraphOperation =
  | 'users.read'
  | 'users.create'
  | 'users.update'
  | 'users.updateOnPremises'
  | 'users.updateObjectIdentifier'
  | 'users.resetPassword'
  | 'users.resetAdminPassword'
  | 'users.delete'
  | 'deletedUsers.read'
  | 'deletedUsers.restore'
  | 'deletedUsers.purge'
  | 'userSyncBehavior.read'
  | 'userSyncBehavior.update'
  | 'groupSyncBehavior.read'
  | 'groupSyncBehavior.update'
  | 'groups.read'
  | 'directoryRoles.read'
  | 'roleEligibility.read'
  | 'organization.read'
  | 'organization.update'
  | 'onPremisesSynchronization.read'
  | 'onPremisesSynchronization.update';

/** One API's permission table. */
export interface PermissionRule {
  /** Microsoft's page. */
  page: string;
  /** Application permissions, least privileged first; any one suffices. Empty: application permissions not supported. */
  application: readonly string[];
  /** Delegated (work or school account) permissions; any one suffices. */
  delegated: readonly string[];
  /** Roles a signed-in user needs (any one, Global Administrator always counts); null: any member user. */
  delegatedRoles: readonly EntraRoleName[] | null;
  /** Roles the application itself must be assigned (any one, Global Administrator counts); absent: none. */
  applicationRoles?: readonly EntraRoleName[];
  /** Where Microsoft's page is silent and the lab chose. */
  unconfirmed?: string;
}

const USER_READ = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] as const;
const USER_WRITE = ['User.ReadWrite.All', 'Directory.ReadWrite.All'] as const;
const NON_ADMIN_PASSWORD_ROLES: readonly EntraRoleName[] = [
  'User Administrator',
  'Helpdesk Administrator',
  'Password Administrator',
  'Authentication Administrator',
  'Privileged Authentication Administrator',
];

export const PERMISSION_RULES: Readonly<Record<GraphOperation, PermissionRule>> = {
  'users.read': {
    page: 'https://learn.microsoft.com/graph/api/user-list',
    application: USER_READ,
    delegated: USER_READ,
    delegatedRoles: null,
    unconfirmed: 'User.ReadBasic.All (delegated) reads only the basic profile; the lab does not model that subset and refuses it',
  },
  'users.create': {
    page: 'https://learn.microsoft.com/graph/api/user-post-users',
    application: USER_WRITE,
    delegated: USER_WRITE,
    delegatedRoles: ['User Administrator'],
  },
  'users.update': {
    page: 'https://learn.microsoft.com/graph/api/user-update',
    application: ['User.ReadUpdate.All', ...USER_WRITE],
    delegated: ['User.ReadUpdate.All', ...USER_WRITE],
    delegatedRoles: ['User Administrator'],
  },
  'users.updateOnPremises': {
    // "Required roles: User Administrator, Hybrid Identity Administrator. The required application
    // permissions are User.ReadWrite.All and User-OnPremisesSyncBehavior.ReadWrite.All (the latter
    // for onPremisesObjectIdentifier)."
    page: 'https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes',
    application: USER_WRITE,
    delegated: USER_WRITE,
    delegatedRoles: ['User Administrator', 'Hybrid Identity Administrator'],
    unconfirmed: 'Directory.ReadWrite.All as a higher permission',
  },
  'users.updateObjectIdentifier': {
    page: 'https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes',
    application: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegated: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedRoles: ['User Administrator', 'Hybrid Identity Administrator'],
  },
  'users.resetPassword': {
    // passwordProfile: "User-PasswordProfile.ReadWrite.All is the least privileged permission ... In
    // delegated scenarios, User Administrator is the least privileged admin role ... for nonadmin users
    // ... In app-only scenarios, the calling app must be assigned a supported permission and at least
    // the User Administrator role."
    page: 'https://learn.microsoft.com/graph/api/user-update',
    application: ['User-PasswordProfile.ReadWrite.All', ...USER_WRITE],
    delegated: ['User-PasswordProfile.ReadWrite.All', ...USER_WRITE, 'Directory.AccessAsUser.All'],
    delegatedRoles: NON_ADMIN_PASSWORD_ROLES,
    applicationRoles: NON_ADMIN_PASSWORD_ROLES,
  },
  'users.resetAdminPassword': {
    // "Privileged Authentication Administrator is the least privileged role that's allowed to update
    // this property for all administrators" (Who can reset passwords).
    page: 'https://learn.microsoft.com/graph/api/resources/users#who-can-reset-passwords',
    application: ['User-PasswordProfile.ReadWrite.All', ...USER_WRITE],
    delegated: ['User-PasswordProfile.ReadWrite.All', ...USER_WRITE, 'Directory.AccessAsUser.All'],
    delegatedRoles: ['Privileged Authentication Administrator'],
    applicationRoles: ['Privileged Authentication Administrator'],
    unconfirmed: 'the lab treats every user holding or eligible for any role as an administrator (Microsoft lets lower admins reset a few reader roles)',
  },
  'users.delete': {
    page: 'https://learn.microsoft.com/graph/api/user-delete',
    application: USER_WRITE,
    delegated: USER_WRITE,
    delegatedRoles: ['User Administrator'],
  },
  'deletedUsers.read': {
    page: 'https://learn.microsoft.com/graph/api/directory-deleteditems-list',
    application: USER_READ,
    delegated: USER_READ,
    delegatedRoles: null,
    unconfirmed: 'roles for delegated reads of deleted users (the lab requires none)',
  },
  'deletedUsers.restore': {
    page: 'https://learn.microsoft.com/graph/api/directory-deleteditems-restore',
    application: USER_WRITE,
    delegated: USER_WRITE,
    delegatedRoles: ['User Administrator'],
  },
  'deletedUsers.purge': {
    page: 'https://learn.microsoft.com/graph/api/directory-deleteditems-delete',
    application: USER_WRITE,
    delegated: USER_WRITE,
    delegatedRoles: ['User Administrator'],
  },
  'userSyncBehavior.read': {
    // "Hybrid Administrator is the least privileged role supported for this operation."
    page: 'https://learn.microsoft.com/graph/api/onpremisessyncbehavior-get?view=graph-rest-beta',
    application: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegated: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedRoles: ['Hybrid Identity Administrator'],
  },
  'userSyncBehavior.update': {
    page: 'https://learn.microsoft.com/graph/api/onpremisessyncbehavior-update?view=graph-rest-beta',
    application: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegated: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedRoles: ['Hybrid Identity Administrator'],
  },
  'groupSyncBehavior.read': {
    page: 'https://learn.microsoft.com/graph/api/onpremisessyncbehavior-get?view=graph-rest-beta',
    application: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    delegated: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedRoles: ['Hybrid Identity Administrator'],
  },
  'groupSyncBehavior.update': {
    page: 'https://learn.microsoft.com/graph/api/onpremisessyncbehavior-update?view=graph-rest-beta',
    application: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    delegated: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedRoles: ['Hybrid Identity Administrator'],
  },
  'groups.read': {
    page: 'https://learn.microsoft.com/graph/api/group-list',
    application: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
    delegated: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
    delegatedRoles: null,
  },
  'directoryRoles.read': {
    page: 'https://learn.microsoft.com/graph/api/directoryrole-list',
    application: ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    delegated: ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    delegatedRoles: null,
  },
  'roleEligibility.read': {
    // "For read operations: Global Reader, Security Operator, Security Reader, Security Administrator,
    // or Privileged Role Administrator."
    page: 'https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances',
    application: ['RoleEligibilitySchedule.Read.Directory', 'RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.Read.All', 'RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory'],
    delegated: ['RoleEligibilitySchedule.Read.Directory', 'RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.Read.All', 'RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory'],
    delegatedRoles: ['Global Reader', 'Security Operator', 'Security Reader', 'Security Administrator', 'Privileged Role Administrator'],
  },
  'organization.read': {
    page: 'https://learn.microsoft.com/graph/api/organization-list',
    application: ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    delegated: ['User.Read', 'Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    delegatedRoles: null,
  },
  'organization.update': {
    page: 'https://learn.microsoft.com/graph/api/organization-update?view=graph-rest-beta',
    application: ['Organization.ReadWrite.All'],
    delegated: ['Organization.ReadWrite.All'],
    delegatedRoles: ['Hybrid Identity Administrator'],
    unconfirmed: 'the page names no role for onPremisesSyncEnabled; the lab asks for Hybrid Identity Administrator (or Global Administrator)',
  },
  'onPremisesSynchronization.read': {
    // "Application: Not supported ... Global Administrator is the only role supported for this operation."
    page: 'https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get',
    application: [],
    delegated: ['OnPremDirectorySynchronization.Read.All', 'OnPremDirectorySynchronization.ReadWrite.All'],
    delegatedRoles: ['Global Administrator'],
  },
  'onPremisesSynchronization.update': {
    page: 'https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update',
    application: [],
    delegated: ['OnPremDirectorySynchronization.ReadWrite.All'],
    delegatedRoles: ['Global Administrator'],
  },
};

/** Who a request comes from, as the emulator read it from the token. */
export interface LabCaller {
  claims: LabTokenClaims;
}

const GLOBAL_ADMINISTRATOR = ENTRA_ROLE_TEMPLATE_IDS['Global Administrator'];

function lower(list: readonly string[]): Set<string> {
  return new Set(list.map((s) => s.toLowerCase()));
}

function holdsRole(wids: readonly string[], roles: readonly EntraRoleName[]): boolean {
  const active = lower(wids);
  return active.has(GLOBAL_ADMINISTRATOR) || roles.some((r) => active.has(ENTRA_ROLE_TEMPLATE_IDS[r]));
}

/** Why `caller` may not do `op`, or null when it may. */
export function denialReason(caller: LabCaller, op: GraphOperation): string | null {
  const rule = PERMISSION_RULES[op];
  const c = caller.claims;
  if (c.idtyp === 'app') {
    if (rule.application.length === 0) return `${op}: application permissions are not supported (delegated only)`;
    const granted = lower(c.roles ?? []);
    if (!rule.application.some((p) => granted.has(p.toLowerCase()))) return `${op}: needs one of the application permissions ${rule.application.join(', ')}`;
    if (rule.applicationRoles && !holdsRole(c.wids, rule.applicationRoles)) return `${op}: the application needs one of the roles ${rule.applicationRoles.join(', ')}`;
    return null;
  }
  const scopes = lower((c.scp ?? '').split(' ').filter((s) => s !== ''));
  if (!rule.delegated.some((p) => scopes.has(p.toLowerCase()))) return `${op}: needs one of the delegated permissions ${rule.delegated.join(', ')}`;
  if (rule.delegatedRoles !== null && !holdsRole(c.wids, rule.delegatedRoles)) return `${op}: the signed-in user needs one of the roles ${[...rule.delegatedRoles, 'Global Administrator'].join(', ')}`;
  return null;
}

/** Graph's 403. */
function insufficientPrivileges(): GraphHttpError {
  return new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/** Throws Graph's 403 unless `caller` may do every one of `ops`. */
export function authorize(caller: LabCaller, ...ops: GraphOperation[]): void {
  for (const op of ops) if (denialReason(caller, op) !== null) throw insufficientPrivileges();
}
