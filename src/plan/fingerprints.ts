import type { Identity, JoinResult } from '../model/identity.js';
import { fingerprint } from '../model/fingerprint.js';
import type { AdUser, EntraUser, ObservedState, RoleAssignment, SourceAnchorAttribute, TenantSyncState } from '../model/observed.js';
import { joinIdentities } from '../observe/join.js';

/** What identifies a fingerprinted object: an identity, a group, or the tenant. */
function identityContent(i: Identity): unknown {
  return { ad: i.ad ? stableAd(i.ad) : null, entra: i.entra ? stableEntra(i.entra) : null, deleted: i.deleted ?? null };
}

const sorted = (values: readonly string[]): string[] => [...values].sort();

function roleKey(r: RoleAssignment): string {
  return `${r.role}\u0000${r.state}\u0000${String(r.privileged)}`;
}

// Multi-valued attributes are sets: the same proxyAddresses (or roles) in another order are no
// change (AD and Graph do not promise an order), so they are fingerprinted sorted.
function stableAd(a: AdUser): unknown {
  return { ...a, proxyAddresses: sorted(a.proxyAddresses) };
}

// onPremisesLastSyncDateTime moves on every sync cycle without any change worth a review.
function stableEntra(e: EntraUser): unknown {
  return {
    ...e,
    onPremisesLastSyncDateTime: null,
    proxyAddresses: sorted(e.proxyAddresses),
    roles: e.roles === null ? null : [...e.roles].sort((x, y) => (roleKey(x) < roleKey(y) ? -1 : roleKey(x) > roleKey(y) ? 1 : 0)),
  };
}

function stableTenant(t: TenantSyncState): unknown {
  return { ...t, onPremisesLastSyncDateTime: null };
}

/**
 * Fingerprints of the objects named by `keys` (`user/...` identity keys, `group/<id>`, `tenant`),
 * in key order. An absent object has the fingerprint of `null`. Apply calls this on freshly re-read
 * state with the same options the plan used; a changed value means the object is stale.
 */
export function fingerprintObjects(
  observed: ObservedState,
  keys: readonly string[],
  opts: { sourceAnchor: SourceAnchorAttribute; softMatchOnUpn: boolean },
): Record<string, string> {
  return fingerprintsFromJoin(observed, joinIdentities(observed, opts), keys);
}

/** `fingerprintObjects` with a join already done (the planner reuses its own). */
export function fingerprintsFromJoin(observed: ObservedState, join: JoinResult, keys: readonly string[]): Record<string, string> {
  const byKey = new Map<string, Identity>();
  for (const i of join.identities) byKey.set(i.key, i);
  const groups = new Map<string, unknown>(observed.entra.groups.map((g) => [`group/${g.id}`, g]));
  const out: Record<string, string> = {};
  for (const k of [...new Set(keys)].sort()) {
    if (k === 'tenant') out[k] = fingerprint(stableTenant(observed.tenant));
    else if (k.startsWith('group/')) out[k] = fingerprint(groups.get(k) ?? null);
    else {
      const i = byKey.get(k);
      out[k] = fingerprint(i ? identityContent(i) : null);
    }
  }
  return out;
}
