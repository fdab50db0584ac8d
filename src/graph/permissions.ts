/**
 * What each operation needs: the Microsoft Graph permission (application or delegated, least
 * privileged first) and, for delegated sign-in, the Microsoft Entra role. docs/graph-access.md and
 * the README show this table; `describeGraphError` quotes it on 403.
 */
import type { StepKind } from '../model/step.js';

export interface PermissionRequirement {
  /** The Graph calls made. */
  calls: string[];
  /** Graph permissions; any one of them suffices (least privileged first), unless `allRequired`. Empty for AD-only steps. */
  graphPermissions: string[];
  /** Every permission listed is needed (each covers a different call). */
  allRequired?: boolean;
  /** Entra roles a signed-in (delegated) user needs; any one suffices. */
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
    'GET /v1.0/directoryRoles?$expand=members($select=id)',
    'GET /v1.0/roleManagement/directory/roleEligibilityScheduleInstances (PIM, optional)',
    'GET /v1.0/directory/deletedItems/microsoft.graph.user',
    'GET /v1.0/groups?$select=…',
    'GET /v1.0/organization',
    'GET /v1.0/directory/onPremisesSynchronization',
  ],
  graphPermissions: [
    'User.Read.All',
    'Group.Read.All',
    'RoleManagement.Read.Directory',
    'Organization.Read.All',
    'OnPremDirectorySynchronization.Read.All',
    'User-OnPremisesSyncBehavior.ReadWrite.All (reading isCloudManaged)',
  ],
  allRequired: true,
  entraRoles: ['Hybrid Identity Administrator', 'Global Reader'],
  note: 'All of these are needed together (this row is the exception to "any one suffices"). Microsoft documents GET /directory/onPremisesSynchronization as delegated-only with Global Administrator; check the page for your cloud.',
};

export const STEP_PERMISSIONS: Record<StepKind, PermissionRequirement> = {
  'entra.setCloudManaged': {
    calls: ['PATCH /beta/users/{id}/onPremisesSyncBehavior {"isCloudManaged":…}'],
    graphPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator'],
    note: 'Needs Entra Connect ≥ 2.5.76.0 or Cloud Sync agent ≥ 1.1.1370.0; not for AD FS federated users or admin objects.',
  },
  'entra.setGroupCloudManaged': {
    calls: ['PATCH /beta/groups/{id}/onPremisesSyncBehavior {"isCloudManaged":…}'],
    graphPermissions: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator'],
  },
  'entra.setImmutableId': {
    calls: ['PATCH /v1.0/users/{id} {"onPremisesImmutableId":…} (beta when clearing with null)'],
    graphPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Hybrid Identity Administrator'],
    note: 'Cloud-managed users only; Graph refuses it for synced users (400 Request_BadRequest).',
  },
  'entra.clearOnPremisesAttributes': {
    calls: ['PATCH /beta/users/{id} {"onPremises…":null}'],
    graphPermissions: ['User.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator', 'User Administrator'],
  },
  'entra.restoreDeleted': {
    calls: ['POST /v1.0/directory/deletedItems/{id}/restore'],
    graphPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator'],
  },
  'entra.resetPassword': {
    calls: ['PATCH /v1.0/users/{id} {"passwordProfile":…}'],
    graphPermissions: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Privileged Authentication Administrator (for admins)'],
    note: 'Resetting an administrator’s password needs a higher role than resetting a user’s.',
  },
  'entra.setTenantSync': {
    calls: ['PATCH /beta/organization/{tenantId} {"onPremisesSyncEnabled":…}'],
    graphPermissions: ['Organization.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator', 'Global Administrator'],
    note: 'Takes up to 72 h and cannot be cancelled; stop Entra Connect first.',
  },
  'entra.setSyncFeature': {
    calls: ['PATCH /v1.0/directory/onPremisesSynchronization/{tenantId} {"features":{…}}'],
    graphPermissions: ['OnPremDirectorySynchronization.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator', 'Global Administrator'],
  },
  'entra.setDeletionThreshold': {
    calls: ['PATCH /v1.0/directory/onPremisesSynchronization/{tenantId} {"configuration":{"accidentalDeletionPrevention":…}}'],
    graphPermissions: ['OnPremDirectorySynchronization.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator', 'Global Administrator'],
  },
  'ad.move': {
    calls: ['LDAP modifyDN'],
    graphPermissions: [],
    entraRoles: [],
    adRights: 'Delete user objects in the source OU and create user objects in the target OU',
  },
  'ad.modify': {
    calls: ['LDAP modify'],
    graphPermissions: [],
    entraRoles: [],
    adRights: 'Write mail, proxyAddresses, userPrincipalName, givenName, sn, displayName on the users (and mS-DS-ConsistencyGuid when it is empty)',
  },
  'ad.createUser': {
    calls: ['LDAP add', 'LDAP modify unicodePwd (LDAPS)'],
    graphPermissions: [],
    entraRoles: [],
    adRights: 'Create user objects and reset passwords in the target OU',
  },
  'sync.await': {
    calls: ['GET /v1.0/users/{id}', 'GET /v1.0/directory/deletedItems/microsoft.graph.user', 'GET /v1.0/organization'],
    graphPermissions: ['User.Read.All', 'Organization.Read.All'],
    entraRoles: ['Global Reader'],
  },
};

/** The requirement for a step kind, or for a read (`read …`). */
export function stepPermissions(step: string): PermissionRequirement | undefined {
  if (step in STEP_PERMISSIONS) return STEP_PERMISSIONS[step as StepKind];
  if (step.startsWith('read')) return READ_PERMISSIONS;
  return undefined;
}

/** The table as Markdown (docs and README). */
export function permissionsTableMarkdown(): string {
  const rows = [['read (snapshot, plan, apply re-read)', READ_PERMISSIONS] as const, ...Object.entries(STEP_PERMISSIONS)];
  const lines = [
    '| operation | Graph permission (application; any one, unless "all of") | Entra role (delegated sign-in; any one) | AD rights |',
    '|---|---|---|---|',
  ];
  for (const [op, r] of rows) {
    const perms = r.graphPermissions.length === 0 ? '—' : `${r.allRequired ? 'all of: ' : ''}${r.graphPermissions.join(', ')}`;
    lines.push(`| \`${op}\` | ${perms} | ${r.entraRoles.join(', ') || '—'} | ${r.adRights ?? '—'} |`);
  }
  return lines.join('\n');
}
