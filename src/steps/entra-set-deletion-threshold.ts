import type { StepKindSpec } from './spec.js';
import { syncSettingsWrite } from './sync-settings-write.js';
import { changeText } from './stale-text.js';

/**
 * Set the sync engine's accidental-deletion threshold (`/directory/onPremisesSynchronization`:
 * delegated only; https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update).
 */
export const SET_DELETION_THRESHOLD: StepKindSpec<'entra.setDeletionThreshold'> = {
  fields: { from: 'number?', to: 'number' },
  action: 'change',
  permissions: syncSettingsWrite('PATCH /v1.0/directory/onPremisesSynchronization/{tenantId} {"configuration":{"accidentalDeletionPrevention":…}}'),
  subject: () => 'the tenant',
  describe: (s) => ({
    description: 'set the accidental-deletion threshold of the sync engine',
    details: [{ kind: 'attr', name: 'accidentalDeletionThreshold', from: s.from === null ? 'off' : String(s.from), to: String(s.to) }],
  }),
  title: (s) => `set the accidental-deletion threshold to ${s.to}`,
  outcome: (s) => `the accidental-deletion threshold was set to ${s.to}`,
  effect: (s) => ({ kind: s.kind, to: s.to }),
  staleDetail: (s, now) => {
    const value = now.tenant.accidentalDeletionPrevention?.alertThreshold ?? null;
    return value !== s.from ? [changeText('tenant', 'accidental-deletion threshold', s.from, value)] : [];
  },
  tenantSetting: () => 'accidentalDeletionThreshold',
};
