import { FEATURE_GRAPH_NAME } from '../model/desired.js';
import type { StepKindSpec } from './spec.js';
import { syncSettingsWrite } from './sync-settings-write.js';
import { changeText } from './stale-text.js';

/**
 * Turn a tenant sync feature on or off (`/directory/onPremisesSynchronization`: delegated only, Global
 * Administrator only; https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update).
 */
export const SET_SYNC_FEATURE: StepKindSpec<'entra.setSyncFeature'> = {
  fields: { feature: 'feature', from: 'boolean', to: 'boolean' },
  action: 'change',
  permissions: syncSettingsWrite('PATCH /v1.0/directory/onPremisesSynchronization/{tenantId} {"features":{…}}'),
  subject: () => 'the tenant',
  describe: (s) => ({
    description: `${s.to ? 'turn on' : 'turn off'} the tenant sync feature ${s.feature}`,
    details: [{ kind: 'attr', name: s.feature, from: String(s.from), to: String(s.to) }],
  }),
  title: (s) => `set the sync feature ${s.feature} to ${String(s.to)}`,
  outcome: (s) => `the sync feature ${s.feature} was set to ${String(s.to)}`,
  effect: (s) => ({ kind: s.kind, feature: s.feature, to: s.to }),
  staleDetail: (s, now) => {
    const value = now.tenant.features?.[FEATURE_GRAPH_NAME[s.feature]] ?? null;
    return value !== s.from ? [changeText('tenant', s.feature, s.from, value)] : [];
  },
  tenantSetting: (s) => s.feature,
};
