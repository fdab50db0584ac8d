/**
 * What each operation needs, from Microsoft's "Permissions" table of each Graph API entra-soa calls:
 * the application permission (app-only sign-in, e.g. a CI pipeline), the delegated permission and
 * Microsoft Entra role (an administrator signed in), least privileged first; each step kind's row is
 * in its registry entry (src/steps). docs/graph-access.md
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
import { STEP_KINDS, STEP_SPECS, type PermissionRequirement } from '../steps/index.js';

export type { PermissionRequirement } from '../steps/index.js';

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

/** Each step kind's requirement, from its registry entry (src/steps), in registry order. */
export const STEP_PERMISSIONS: Readonly<Record<StepKind, PermissionRequirement>> = Object.fromEntries(
  STEP_KINDS.map((k) => [k, STEP_SPECS[k].permissions]),
) as Record<StepKind, PermissionRequirement>;

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
