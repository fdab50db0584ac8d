import type { StepKindSpec } from './spec.js';
import { changeText, entraUserGone } from './stale-text.js';

/** Switch a user's source of authority (Microsoft's per-object SOA switch), or roll it back. */
export const SET_CLOUD_MANAGED: StepKindSpec<'entra.setCloudManaged'> = {
  fields: { userId: 'string', upn: 'string', to: 'boolean' },
  action: 'change',
  permissions: {
    calls: ['PATCH /beta/users/{id}/onPremisesSyncBehavior {"isCloudManaged":…}'],
    graphPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    delegatedPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator'],
    note: 'Needs Entra Connect ≥ 2.5.76.0 or Cloud Sync agent ≥ 1.1.1370.0; not for AD FS federated users or admin objects.',
  },
  subject: (s) => s.upn,
  describe: (s) =>
    s.to
      ? {
          description: 'switch the source of authority to the cloud (Entra ID owns the user; AD edits stop flowing)',
          details: [{ kind: 'attr', name: 'isCloudManaged', from: 'false', to: 'true' }],
        }
      : {
          description: 'hand the source of authority back to AD (roll back the switch; the next sync cycle takes over)',
          details: [{ kind: 'attr', name: 'isCloudManaged', from: 'true', to: 'false' }],
        },
  title: (s) => (s.to ? `convert ${s.upn} to cloud authority` : `hand ${s.upn} back to on-premises authority`),
  outcome: (s) => (s.to ? `${s.upn} was converted to cloud authority` : `${s.upn} was handed back to on-premises authority`),
  effect: (s) => s,
  staleDetail: (s, now) => {
    const u = now.entraById.get(s.userId);
    if (!u) return [entraUserGone(s.upn, s.userId)];
    return u.isCloudManaged === s.to ? [changeText('Entra', 'isCloudManaged', !s.to, u.isCloudManaged)] : [];
  },
  tenantSetting: () => null,
};
