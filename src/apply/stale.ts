import { anchorOf, type JoinOptions } from '../identity/join.js';
import type { AdUser, EntraUser, ObservedState, SourceAnchorAttribute } from '../model/observed.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import type { AttrChange } from '../model/step.js';
import { changedAttributes } from '../identity/fingerprints.js';
import { sameValues } from '../model/step.js';
import { stepStaleDetail, type StateIndex } from '../steps/index.js';
import { adValues, shownAdValues } from '../steps/ad-values.js';
import { changeText } from '../steps/stale-text.js';

/** The planner's fingerprint function (src/plan): object key → digest of what is read for it now. */
export type FingerprintObjects = (observed: ObservedState, keys: readonly string[], options: JoinOptions) => Record<string, string>;

/** Object key → why it is stale: the attributes that changed, `before → after` where apply can tell. */
export type StaleObjects = Map<string, string>;

/**
 * Changes Entra Connect makes on its own, every cycle, to objects nobody changed (docs/apply.md, "Stale objects"). A plan
 * made before a cycle must not find its objects stale after it; our own sync waits trigger cycles, so
 * without this an interrupted apply refused its own objects on the rerun. Each entry takes the
 * change back out of the current state; the object is unchanged when the state with any combination
 * of them undone has the plan's fingerprint. (`onPremisesLastSyncDateTime` is left out of fingerprints
 * by the planner already.)
 *
 * - Connect writes objectGUID into an empty `mS-DS-ConsistencyGuid` of an in-scope user on export
 *   when that attribute is the source anchor ("Using ms-DS-ConsistencyGuid as sourceAnchor",
 *   https://learn.microsoft.com/entra/identity/hybrid/connect/plan-connect-design-concepts). The
 *   anchor does not change by it (`anchorOf` gives objectGUID for an empty one).
 * - Connect sets a synced user's `onPremisesObjectIdentifier` to its AD object's objectGUID
 *   (https://learn.microsoft.com/graph/api/resources/user, onPremisesObjectIdentifier) (unconfirmed when
 *   exactly it first appears on users synced before the property existed: tolerated either way).
 */
const EXPECTED_SYNC_CHANGES: readonly ((s: ObservedState, anchor: SourceAnchorAttribute) => ObservedState)[] = [
  (s) => ({
    ...s,
    ad: { ...s.ad, users: s.ad.users.map((u) => (u.consistencyGuid !== null && u.consistencyGuid.toLowerCase() === u.objectGuid.toLowerCase() ? { ...u, consistencyGuid: null } : u)) },
  }),
  (s, anchor) => {
    const objectGuidByAnchor = new Map(s.ad.users.map((u) => [anchorOf(u, anchor), u.objectGuid.toLowerCase()]));
    return {
      ...s,
      entra: {
        ...s.entra,
        users: s.entra.users.map((e) =>
          e.onPremisesSyncEnabled === true &&
          e.onPremisesObjectIdentifier !== null &&
          e.onPremisesImmutableId !== null &&
          objectGuidByAnchor.get(e.onPremisesImmutableId) === e.onPremisesObjectIdentifier.toLowerCase()
            ? { ...e, onPremisesObjectIdentifier: null }
            : e,
        ),
      },
    };
  },
];

/** Every combination of the expected changes undone (the state as read first). */
function variants(observed: ObservedState, anchor: SourceAnchorAttribute): ObservedState[] {
  let out = [observed];
  for (const undo of EXPECTED_SYNC_CHANGES) out = [...out, ...out.map((s) => undo(s, anchor))];
  return out.slice(1);
}

/**
 * Compare what the plan read with what is there now, for the given object keys (each must have a
 * fingerprint in the plan: the caller refuses the others). Changes the sync engine makes by itself
 * (EXPECTED_SYNC_CHANGES) do not count.
 */
export function findStaleObjects(
  plan: Plan,
  keys: readonly string[],
  observed: ObservedState,
  fingerprintObjects: FingerprintObjects,
  options: JoinOptions,
): StaleObjects {
  const checkable = keys.filter((k) => plan.fingerprints[k] !== undefined);
  let differing = changedKeys(plan, checkable, fingerprintObjects(observed, checkable, options));
  // The variants are copies of the whole state: only built when something differs (usually nothing).
  for (const v of differing.length === 0 ? [] : variants(observed, options.sourceAnchor)) {
    if (differing.length === 0) break;
    const again = new Set(changedKeys(plan, differing, fingerprintObjects(v, differing, options)));
    differing = differing.filter((k) => again.has(k));
  }
  const stale: StaleObjects = new Map();
  if (differing.length === 0) return stale;
  const changed = changedAttributes(plan.fingerprintDetails, observed, differing, options);
  const lookups = lookupsOf(observed, options.sourceAnchor);
  const stepsOf = new Map<string, PlannedStep[]>();
  for (const s of plan.steps) {
    const list = stepsOf.get(s.objectKey);
    if (list) list.push(s);
    else stepsOf.set(s.objectKey, [s]);
  }
  for (const key of differing) stale.set(key, describeStale(stepsOf.get(key) ?? [], lookups, changed.get(key) ?? []));
  return stale;
}

function changedKeys(plan: Plan, keys: readonly string[], now: Record<string, string>): string[] {
  return keys.filter((k) => now[k] !== plan.fingerprints[k]);
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

const lower = (v: string) => v.toLowerCase();

function userIdOf(step: PlannedStep['step']): string | null {
  if ('userId' in step) return step.userId;
  if (step.kind === 'sync.await' && step.until.kind !== 'tenantSyncDisabled') return step.until.userId;
  return null;
}

/** The state read now, indexed once for every stale object of an apply. */
interface Lookups extends StateIndex {
  adByAnchor: ReadonlyMap<string, AdUser>;
}

function lookupsOf(observed: ObservedState, sourceAnchor: SourceAnchorAttribute): Lookups {
  const firstBy = (key: (u: AdUser) => string | null): Map<string, AdUser> => {
    const m = new Map<string, AdUser>();
    for (const u of observed.ad.users) {
      const k = key(u);
      if (k !== null && !m.has(k)) m.set(k, u);
    }
    return m;
  };
  return {
    tenant: observed.tenant,
    entraById: new Map(observed.entra.users.map((u) => [u.id, u])),
    adByDn: firstBy((u) => u.dn.toLowerCase()),
    adByAnchor: firstBy((u) => anchorOf(u, sourceAnchor)),
    adByUpn: firstBy((u) => u.userPrincipalName?.toLowerCase() ?? null),
    deletedIds: new Set(observed.entra.deletedUsers.map((x) => x.id)),
  };
}

/**
 * Say what changed, `before -> after`. The plan keeps only digests of what it read, so the `before`
 * values come from where the plan still has them: the old values its steps carry (`from`, the values
 * a clear step lists, the DN a move starts from, the switch's opposite), and, for a user still synced,
 * the cloud copy of each AD attribute (the value of the last cycle) against AD now. Where none of
 * those shows a change, `changed` (the attributes whose digest in the plan differs, with their value
 * now: `changedAttributes`) says what changed.
 */
function describeStale(steps: readonly PlannedStep[], l: Lookups, changed: readonly string[]): string {
  const { entraById } = l;
  const parts: string[] = [];
  const seenUsers = new Set<string>();
  for (const { step } of steps) {
    const userId = userIdOf(step);
    const e = userId ? entraById.get(userId) : undefined;
    if (e && !seenUsers.has(e.id) && e.onPremisesSyncEnabled === true && e.onPremisesImmutableId) {
      seenUsers.add(e.id);
      const a = l.adByAnchor.get(e.onPremisesImmutableId);
      if (a) {
        for (const attr of SYNCED_ATTRIBUTES) {
          const adv = adValues(a, attr.ad);
          // An empty AD value may be filled in by the sync engine (e.g. displayName from the CN): not a sign of change.
          if (adv.length > 0 && !sameValues(adv.map(lower), attr.entra(e).map(lower))) {
            parts.push(`${changeText('AD', attr.ad, shownAdValues(attr.ad, attr.entra(e)), shownAdValues(attr.ad, adv))} (changed in AD, not synced yet)`);
          }
        }
      }
    }
  }
  for (const { step } of steps) parts.push(...stepStaleDetail(step, l));
  const unique = [...new Set(parts)];
  if (unique.length > 0) return unique.join('; ');
  // No step shows the old value: the plan's per-attribute digests name what changed, with its value now.
  if (changed.length > 0) return changed.join('; ');
  return 'an attribute the plan keeps only as a digest differs (run plan again to see the object as it is now)';
}
