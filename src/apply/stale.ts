import type { ObservedState, SourceAnchorAttribute } from '../model/observed.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { FEATURE_GRAPH_NAME } from '../model/desired.js';
import type { EntraUser } from '../model/observed.js';
import type { AttrChange } from '../model/step.js';
import { adValues, anchorOf, sameValues } from './handlers.js';

const lower = (v: string) => v.toLowerCase();

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
    stale.set(key, staleDetail(plan.steps.filter((s) => s.objectKey === key), observed, options.sourceAnchor));
  }
  return stale;
}

/** AD attributes Entra Connect copies to the cloud user, with the Entra property they land in. */
const SYNCED_ATTRIBUTES: readonly { ad: AttrChange['attribute']; entra: (u: EntraUser) => string[] }[] = [
  { ad: 'mail', entra: (u) => (u.mail ? [u.mail] : []) },
  { ad: 'proxyAddresses', entra: (u) => u.proxyAddresses },
  { ad: 'givenName', entra: (u) => (u.givenName ? [u.givenName] : []) },
  { ad: 'sn', entra: (u) => (u.surname ? [u.surname] : []) },
  { ad: 'displayName', entra: (u) => (u.displayName ? [u.displayName] : []) },
  { ad: 'userPrincipalName', entra: (u) => [u.userPrincipalName] },
];

/**
 * Best effort: say what changed. From the old values the steps carry; and, for a user still synced,
 * the AD attributes that no longer equal the cloud copy (changed in AD since the last cycle).
 */
function staleDetail(steps: readonly PlannedStep[], observed: ObservedState, sourceAnchor: SourceAnchorAttribute): string {
  const ad: string[] = [];
  const entra: string[] = [];
  const tenant: string[] = [];
  for (const { step } of steps) {
    const userId = 'userId' in step ? step.userId : step.kind === 'sync.await' && step.until.kind !== 'tenantSyncDisabled' ? step.until.userId : null;
    const e = userId ? observed.entra.users.find((x) => x.id === userId) : undefined;
    if (e && e.onPremisesSyncEnabled === true && e.onPremisesImmutableId) {
      const a = observed.ad.users.find((x) => anchorOf(x, sourceAnchor) === e.onPremisesImmutableId);
      if (a) {
        for (const attr of SYNCED_ATTRIBUTES) {
          const adv = adValues(a, attr.ad);
          // An empty AD value may be filled in by the sync engine (e.g. displayName from the CN): not a sign of change.
          if (adv.length > 0 && !sameValues(adv.map(lower), attr.entra(e).map(lower))) ad.push(`${attr.ad} differ`);
        }
      }
    }
  }
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
        if (observed.tenant.features?.[FEATURE_GRAPH_NAME[step.feature]] !== step.from) tenant.push(`${step.feature} differs`);
        break;
      case 'entra.setDeletionThreshold':
        if (observed.tenant.accidentalDeletionPrevention?.alertThreshold !== step.from) tenant.push('the deletion threshold differs');
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
