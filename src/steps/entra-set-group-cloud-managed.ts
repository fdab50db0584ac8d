import type { StepKindSpec } from './spec.js';

/** Switch a group's source of authority, or roll it back. */
export const SET_GROUP_CLOUD_MANAGED: StepKindSpec<'entra.setGroupCloudManaged'> = {
  fields: { groupId: 'string', displayName: 'string', to: 'boolean' },
  action: 'change',
  permissions: {
    calls: ['PATCH /beta/groups/{id}/onPremisesSyncBehavior {"isCloudManaged":…}'],
    graphPermissions: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedPermissions: ['Group-OnPremisesSyncBehavior.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator'],
  },
  subject: (s) => `group ${s.displayName}`,
  describe: (s) => ({
    description: s.to ? `switch the source of authority of group "${s.displayName}" to the cloud` : `hand the source of authority of group "${s.displayName}" back to AD`,
    details: [{ kind: 'attr', name: 'isCloudManaged', from: String(!s.to), to: String(s.to) }],
  }),
  title: (s) => (s.to ? `convert group ${s.displayName} to cloud authority` : `hand group ${s.displayName} back to on-premises authority`),
  outcome: (s) => (s.to ? `group ${s.displayName} was converted to cloud authority` : `group ${s.displayName} was handed back to on-premises authority`),
  effect: (s) => s,
  staleDetail: () => [],
  tenantSetting: () => null,
};
