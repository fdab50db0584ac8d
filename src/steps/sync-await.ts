import { formatDuration } from './detail.js';
import { expectationWords } from './expectation.js';
import type { StepKindSpec } from './spec.js';

/** Wait for Entra Connect's next sync cycle to have an effect, read from Graph (never a timer). */
export const SYNC_AWAIT: StepKindSpec<'sync.await'> = {
  fields: { until: 'expectation', timeoutS: 'number' },
  action: 'wait',
  permissions: {
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
  subject: (s) => (s.until.kind === 'tenantSyncDisabled' ? `tenant ${s.until.tenantId}` : s.until.upn),
  describe: (s) => ({
    description: `wait for Entra Connect's next sync cycle, until ${expectationWords(s.until).holds(s.until)}`,
    details: [{ kind: 'set', name: 'timeout', value: formatDuration(s.timeoutS) }],
  }),
  title: (s) => `wait for ${expectationWords(s.until).awaited(s.until)}`,
  outcome: (s) => expectationWords(s.until).outcome(s.until),
  effect: (s) => s,
  staleDetail: () => [],
  tenantSetting: () => null,
};
