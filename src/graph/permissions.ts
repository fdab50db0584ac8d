/**
 * What each operation needs, from Microsoft's "Permissions" table of each Graph API entra-soa calls:
 * the application permission (app-only sign-in, e.g. a CI pipeline), the delegated permission and
 * Microsoft Entra role (an administrator signed in), least privileged first. docs/graph-access.md
 * and the README show this table; `describeGraphError` quotes it on 403; a test
 * (test/integration/graph/permissions.test.ts) checks every row against the lab's enforcement of
 * Microsoft's tables (src/lab/graph/authorization.ts).
 *
 * Pages: user-list / user-get / user-update (learn.microsoft.com/graph/api/user-update: passwordProfile
 * needs User-PasswordProfile.ReadWrite.All and, app-only, at least the User Administrator role),
 * onpremisessyncbehavior-get / -update (Hybrid Administrator), group-list (GroupMember.Read.All),
 * directoryrole-list, rbacapplication-list-roleeligibilityscheduleinstances, organization-list,
 * organization-update, directory-deleteditems-list / -restore, onpremisesdirectorysynchronization-get /
 * -update (delegated only, Global Administrator only), and
 * learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes.
 */
import type { StepKind } from '../model/step.js';

export interface PermissionRequirement {
  /** The Graph calls made. */
  calls: string[];
  /**
   * Application permissions; any one suffices (least privileged first), unless `allRequired`.
   * Empty for AD-only steps and for APIs Microsoft supports with delegated permissions only (`delegatedOnly`).
   */
  graphPermissions: string[];
  /** Every permission listed is needed (each covers a different call). */
  allRequired?: boolean;
  /** Microsoft supports no application permission for these calls: only a signed-in administrator can make them. */
  delegatedOnly?: boolean;
  /** Microsoft Entra roles the application itself must be assigned (app-only sign-in); any one suffices. */
  applicationRoles?: string[];
  /** Delegated permissions (scopes) for a signed-in administrator; same any-one / all-of rule as `graphPermissions`. */
  delegatedPermissions: string[];
  /** Entra roles a signed-in (delegated) user needs; any one suffices (least privileged first). */
  entraRoles: string[];
  /** AD rights, for steps done over LDAP. */
  adRights?: string;
  note?: string;
}

/** Reading the state (snapshot, plan, and apply's re-read). */
export const READ_PERMISSIONS: PermissionRequirement = {
  calls: [
    'GET /v1.0/users?$select=…&$top=999',
    'POST /beta/$batch → GET /users/{id}/onPremisesSyncBehavior (previously synced users only)',
    'POST /beta/$batch → GET /groups/{id}/onPremisesSyncBehavior (previously synced groups only)',
    'GET /v1.0/directoryRoles?$expand=members($select=id)',
    'GET /v1.0/roleManagement/directory/roleEligibilityScheduleInstances (PIM, optional)',
    'GET /v1.0/directory/deletedItems/microsoft.graph.user',
    'GET /v1.0/groups?$select=…',
    'GET /v1.0/organization',
    'GET /v1.0/directory/onPremisesSynchronization (delegated only)',
  ],
  graphPermissions: [
    'User.Read.All',
    'GroupMember.Read.All',
    'RoleManagement.Read.Directory',
    'Organization.Read.All',
    'User-OnPremisesSyncBehavior.ReadWrite.All',
    'Group-OnPremisesSyncBehavior.ReadWrite.All',
  ],
  allRequired: true,
  delegatedPermissions: [
    'User.Read.All',
    'GroupMember.Read.All',
    'RoleManagement.Read.Directory',
    'User.Read',
    'User-OnPremisesSyncBehavior.ReadWrite.All',
    'Group-OnPremisesSyncBehavior.ReadWrite.All',
    'OnPremDirectorySynchronization.Read.All',
  ],
  entraRoles: ['Global Administrator', 'Hybrid Identity Administrator'],
  note:
    'All of these are needed together (this row is the exception to "any one suffices"). The sync settings (/directory/onPremisesSynchronization: features, deletion threshold) can only be read by a signed-in Global Administrator: Microsoft supports no application permission and no other role for that API, so an app-only pipeline reads them as unknown. A Hybrid Identity Administrator reads everything else except PIM eligibilities (Global Reader, Security Reader or Privileged Role Administrator read those).',
};

export const STEP_PERMISSIONS: Record<StepKind, PermissionRequirement> = {
  'entra.setCloudManaged': {
    calls: ['PATCH /beta/users/{id}/onPremisesSyncBehavior {"isCloudManaged":…}'],
    graphPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator'],
    note: 'Needs Entra Connect ≥ 2.5.76.0 or Cloud Sync agent ≥ 1.1.1370.0; not for AD FS federated users or admin objects.',
  },
  'entra.setGroupCloudManaged': {
    calls: ['PATCH /beta/groups/{id}/onPremisesSyncBehavior {"isCloudManaged":…}'],
    graphPermissions: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedPermissions: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator'],
  },
  'entra.setImmutableId': {
    calls: ['PATCH /v1.0/users/{id} {"onPremisesImmutableId":…} (beta when clearing with null)'],
    graphPermissions: ['User.ReadWrite.All'],
    delegatedPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Hybrid Identity Administrator'],
    note: 'Cloud-managed users only; Graph refuses it for synced users (400 Request_BadRequest).',
  },
  'entra.clearOnPremisesAttributes': {
    calls: ['PATCH /beta/users/{id} {"onPremises…":null}'],
    graphPermissions: ['User.ReadWrite.All'],
    delegatedPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Hybrid Identity Administrator'],
    note: 'Clearing onPremisesObjectIdentifier also needs User-OnPremisesSyncBehavior.ReadWrite.All. Cloud-only users; onPremisesLastSyncDateTime cannot be cleared.',
  },
  'entra.restoreDeleted': {
    calls: ['POST /v1.0/directory/deletedItems/{id}/restore'],
    graphPermissions: ['User.ReadWrite.All'],
    delegatedPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator'],
  },
  'entra.resetPassword': {
    calls: ['PATCH /v1.0/users/{id} {"passwordProfile":…}'],
    graphPermissions: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All'],
    applicationRoles: ['User Administrator', 'Privileged Authentication Administrator (for admins)'],
    delegatedPermissions: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Privileged Authentication Administrator (for admins)'],
    note: 'An application also needs a role assigned: at least User Administrator; resetting an administrator’s password needs Privileged Authentication Administrator.',
  },
  'entra.setTenantSync': {
    calls: ['PATCH /beta/organization/{tenantId} {"onPremisesSyncEnabled":…}'],
    graphPermissions: ['Organization.ReadWrite.All'],
    delegatedPermissions: ['Organization.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator', 'Global Administrator'],
    note: 'Takes up to 72 h and cannot be cancelled; stop Entra Connect first. Microsoft names no role for this property (the lab asks for Hybrid Identity Administrator).',
  },
  'entra.setSyncFeature': {
    calls: ['PATCH /v1.0/directory/onPremisesSynchronization/{tenantId} {"features":{…}}'],
    graphPermissions: [],
    delegatedOnly: true,
    delegatedPermissions: ['OnPremDirectorySynchronization.ReadWrite.All'],
    entraRoles: ['Global Administrator'],
    note: 'Delegated only: Microsoft supports no application permission, and Global Administrator is the only role supported.',
  },
  'entra.setDeletionThreshold': {
    calls: ['PATCH /v1.0/directory/onPremisesSynchronization/{tenantId} {"configuration":{"accidentalDeletionPrevention":…}}'],
    graphPermissions: [],
    delegatedOnly: true,
    delegatedPermissions: ['OnPremDirectorySynchronization.ReadWrite.All'],
    entraRoles: ['Global Administrator'],
    note: 'Delegated only: Microsoft supports no application permission, and Global Administrator is the only role supported.',
  },
  'ad.move': {
    calls: ['LDAP modifyDN'],
    graphPermissions: [],
    delegatedPermissions: [],
    entraRoles: [],
    adRights: 'Delete user objects in the source OU and create user objects in the target OU',
  },
  'ad.modify': {
    calls: ['LDAP modify'],
    graphPermissions: [],
    delegatedPermissions: [],
    entraRoles: [],
    adRights: 'Write mail, proxyAddresses, userPrincipalName, givenName, sn, displayName on the users (and mS-DS-ConsistencyGuid when it is empty)',
  },
  'ad.createUser': {
    calls: ['LDAP add', 'LDAP modify unicodePwd (LDAPS)'],
    graphPermissions: [],
    delegatedPermissions: [],
    entraRoles: [],
    adRights: 'Create user objects and reset passwords in the target OU',
  },
  'sync.await': {
    calls: [
      'GET /v1.0/users/{id}',
      'GET /beta/users/{id}/onPremisesSyncBehavior',
      'GET /v1.0/directoryRoles?$expand=members($select=id)',
      'GET /v1.0/directory/deletedItems/microsoft.graph.user',
      'GET /v1.0/organization',
    ],
    graphPermissions: ['User.Read.All', 'User-OnPremisesSyncBehavior.ReadWrite.All', 'RoleManagement.Read.Directory', 'Organization.Read.All'],
    allRequired: true,
    delegatedPermissions: ['User.Read.All', 'User-OnPremisesSyncBehavior.ReadWrite.All', 'RoleManagement.Read.Directory', 'User.Read'],
    entraRoles: ['Hybrid Identity Administrator'],
    note: 'Waiting for a tenant-wide disable also reads the organization only; no sync settings.',
  },
};

/** The requirement for a step kind, or for a read (`read …`). */
export function stepPermissions(step: string): PermissionRequirement | undefined {
  if (step in STEP_PERMISSIONS) return STEP_PERMISSIONS[step as StepKind];
  if (step.startsWith('read')) return READ_PERMISSIONS;
  return undefined;
}

/** Every application permission the table names (what an app-only pipeline is granted). */
export function documentedApplicationPermissions(): string[] {
  const all = [READ_PERMISSIONS, ...Object.values(STEP_PERMISSIONS)].flatMap((r) => (r.allRequired ? r.graphPermissions : r.graphPermissions.slice(0, 1)));
  return [...new Set(all)].sort();
}

const list = (items: readonly string[], all: boolean | undefined): string => `${all ? 'all of: ' : ''}${items.join(', ')}`;

/** The table as Markdown (docs and README). */
export function permissionsTableMarkdown(): string {
  const rows = [['read (snapshot, plan, apply re-read)', READ_PERMISSIONS] as const, ...Object.entries(STEP_PERMISSIONS)];
  const lines = [
    '| operation | Graph permission (application; any one, unless "all of") | Graph permission (delegated) | Entra role (delegated sign-in; any one) | AD rights |',
    '|---|---|---|---|---|',
  ];
  for (const [op, r] of rows) {
    const app = r.delegatedOnly
      ? 'not supported (delegated only)'
      : r.graphPermissions.length === 0
        ? '—'
        : `${list(r.graphPermissions, r.allRequired)}${r.applicationRoles ? `; and the role ${r.applicationRoles.join(' or ')}` : ''}`;
    const delegated = r.delegatedPermissions.length === 0 ? '—' : list(r.delegatedPermissions, r.allRequired);
    lines.push(`| \`${op}\` | ${app} | ${delegated} | ${r.entraRoles.join(', ') || '—'} | ${r.adRights ?? '—'} |`);
  }
  return lines.join('\n');
}
