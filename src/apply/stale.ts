import type { ObservedState, SourceAnchorAttribute } from '../model/observed.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { FEATURE_GRAPH_NAME } from '../model/desired.js';
import { adValues, sameValues } from './handlers.js';

export interface JoinOptions {
  sourceAnchor: SourceAnchorAttribute;
  softMatchOnUpn: boolean;
}

/** The planner's fingerprint function (src/plan): object key → digest of what is read for it now. */
export type FingerprintObjects = (observed: ObservedState, keys: readonly string[], options: JoinOptions) => Record<string, string>;

/** Object key → why it is stale ("AD: proxyAddresses differ"). */
export type StaleObjects = Map<string, string>;

/**
 * Compare what the plan read with what is there now, for the given object keys. Keys the plan holds
 * no fingerprint for cannot be checked and are not reported.
 */
export function findStaleObjects(
  plan: Plan,
  keys: readonly string[],
  observed: ObservedState,
  fingerprintObjects: FingerprintObjects,
  options: JoinOptions,
): StaleObjects {
  const checkable = keys.filter((k) => plan.fingerprints[k] !== undefined);
  const now = fingerprintObjects(observed, checkable, options);
  const stale: StaleObjects = new Map();
  for (const key of checkable) {
    if (now[key] === plan.fingerprints[key]) continue;
    stale.set(key, staleDetail(plan.steps.filter((s) => s.objectKey === key), observed));
  }
  return stale;
}

/** Best effort: say what changed, from the old values the steps carry. */
function staleDetail(steps: readonly PlannedStep[], observed: ObservedState): string {
  const ad: string[] = [];
  const entra: string[] = [];
  const tenant: string[] = [];
  for (const { step } of steps) {
    switch (step.kind) {
      case 'ad.modify':
      case 'ad.move': {
        const u = observed.ad.users.find((x) => x.dn.toLowerCase() === step.dn.toLowerCase());
        if (!u) ad.push('the user is no longer at its DN');
        else if (step.kind === 'ad.modify') {
          for (const c of step.changes) if (!sameValues(adValues(u, c.attribute), c.from)) ad.push(`${c.attribute} differ`);
        }
        break;
      }
      case 'entra.setImmutableId': {
        const u = observed.entra.users.find((x) => x.id === step.userId);
        if (!u) entra.push('the user no longer exists');
        else if (u.onPremisesImmutableId !== step.from) entra.push('onPremisesImmutableId differs');
        break;
      }
      case 'entra.setCloudManaged':
      case 'entra.clearOnPremisesAttributes':
      case 'entra.resetPassword':
        if (!observed.entra.users.some((x) => x.id === step.userId)) entra.push('the user no longer exists');
        break;
      case 'entra.restoreDeleted':
        if (!observed.entra.deletedUsers.some((x) => x.id === step.deletedId)) entra.push('the user is no longer in deleted users');
        break;
      case 'entra.setSyncFeature':
        if (observed.tenant.features[FEATURE_GRAPH_NAME[step.feature]] !== step.from) tenant.push(`${step.feature} differs`);
        break;
      case 'entra.setDeletionThreshold':
        if (observed.tenant.accidentalDeletionPrevention.alertThreshold !== step.from) tenant.push('the deletion threshold differs');
        break;
      case 'entra.setGroupCloudManaged':
      case 'entra.setTenantSync':
      case 'ad.createUser':
      case 'sync.await':
        break;
    }
  }
  const parts = [
    ...(ad.length ? [`AD: ${[...new Set(ad)].join(', ')}`] : []),
    ...(entra.length ? [`Entra: ${[...new Set(entra)].join(', ')}`] : []),
    ...(tenant.length ? [`tenant: ${[...new Set(tenant)].join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'what was read for it differs';
}
