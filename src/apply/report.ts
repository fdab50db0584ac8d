import type { PlannedStep } from '../model/plan.js';
import type { StepResult, StepStatus } from '../model/apply-report.js';

export function countResults(results: readonly StepResult[]): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { done: 0, skipped: 0, refused: 0, failed: 0, 'not-run': 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** The step's name for people: its upn, dn or display name. */
export function stepSubject(s: PlannedStep): string {
  const st = s.step;
  switch (st.kind) {
    case 'entra.setCloudManaged':
    case 'entra.setImmutableId':
    case 'entra.clearOnPremisesAttributes':
    case 'entra.restoreDeleted':
    case 'entra.resetPassword':
      return st.upn;
    case 'entra.setGroupCloudManaged':
      return `group ${st.displayName}`;
    case 'entra.setTenantSync':
      return `tenant ${st.tenantId}`;
    case 'entra.setSyncFeature':
    case 'entra.setDeletionThreshold':
      return 'the tenant';
    case 'ad.move':
    case 'ad.modify':
      return st.upn ?? st.dn;
    case 'ad.createUser':
      return st.user.userPrincipalName;
    case 'sync.await':
      return st.until.kind === 'tenantSyncDisabled' ? `tenant ${st.until.tenantId}` : st.until.upn;
  }
}
