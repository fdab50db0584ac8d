import type { StepKindSpec } from './spec.js';

/** Turn directory synchronization on or off for the whole tenant (`organization.onPremisesSyncEnabled`). */
export const SET_TENANT_SYNC: StepKindSpec<'entra.setTenantSync'> = {
  fields: { tenantId: 'string', enabled: 'boolean' },
  action: 'change',
  permissions: {
    calls: ['PATCH /beta/organization/{tenantId} {"onPremisesSyncEnabled":…}'],
    graphPermissions: ['Organization.ReadWrite.All'],
    delegatedPermissions: ['Organization.ReadWrite.All'],
    entraRoles: ['Hybrid Identity Administrator', 'Global Administrator'],
    note: 'Takes up to 72 h and cannot be cancelled; stop Entra Connect first. Microsoft names no role for this property (the lab asks for Hybrid Identity Administrator).',
  },
  subject: (s) => `tenant ${s.tenantId}`,
  describe: (s) =>
    s.enabled
      ? {
          description: 'turn directory synchronization on for the whole tenant',
          details: [{ kind: 'attr', name: 'onPremisesSyncEnabled', from: 'false', to: 'true' }],
        }
      : {
          description: 'turn directory synchronization off for the whole tenant (every synced user becomes cloud-owned)',
          details: [
            { kind: 'attr', name: 'onPremisesSyncEnabled', from: 'true', to: 'false' },
            { kind: 'note', text: 'takes up to 72 h and cannot be cancelled; sync cannot be turned on again until it completes' },
          ],
        },
  title: (s) => (s.enabled ? `turn on directory synchronization for tenant ${s.tenantId}` : `turn off directory synchronization for tenant ${s.tenantId}`),
  outcome: (s) =>
    s.enabled
      ? `directory synchronization was turned on for tenant ${s.tenantId}`
      : `directory synchronization was turned off for tenant ${s.tenantId} (Entra completes this within 72 h; it cannot be cancelled)`,
  effect: (s) => s,
  staleDetail: () => [],
  tenantSetting: () => 'directorySync',
};
