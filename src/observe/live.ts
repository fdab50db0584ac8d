/**
 * Reading the live state of both sides into an `ObservedState`: Entra (users, deleted users, groups,
 * tenant sync state) and AD (users, OUs), all concurrently. Arrays are sorted by a stable key so that
 * the same directories always give the same snapshot bytes and fingerprints.
 */
import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { ObservedState, Snapshot } from '../model/observed.js';

export interface ObserveLiveInput {
  entra: EntraAccess;
  directory: DirectoryAccess;
}

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();

/** Case-insensitive first, then exact (so the order is total and stable). */
function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    const la = ka.toLowerCase();
    const lb = kb.toLowerCase();
    if (la !== lb) return la < lb ? -1 : 1;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/** Sorts every array of an observed state by its stable key (users by UPN then id, AD objects by DN lower-case). */
export function sortObserved(state: ObservedState): ObservedState {
  const upnThenId = <T extends { userPrincipalName: string | null; id: string }>(a: T, b: T) =>
    byKey<T>((u) => lower(u.userPrincipalName))(a, b) || byKey<T>((u) => u.id)(a, b);
  return {
    tenant: state.tenant,
    ad: {
      baseDn: state.ad.baseDn,
      users: [...state.ad.users].sort(byKey((u) => u.dn)),
      organizationalUnits: [...state.ad.organizationalUnits].sort(byKey((o) => o.dn)),
    },
    entra: {
      users: [...state.entra.users].sort(upnThenId),
      deletedUsers: [...state.entra.deletedUsers].sort(upnThenId),
      groups: [...state.entra.groups].sort((a, b) => byKey<typeof a>((g) => g.displayName)(a, b) || byKey<typeof a>((g) => g.id)(a, b)),
    },
  };
}

/** Reads both sides concurrently. Failures propagate as the accesses throw them (GraphError, DirectoryError). */
export async function observeLive(input: ObserveLiveInput): Promise<ObservedState> {
  const { entra, directory } = input;
  const [tenant, users, deletedUsers, groups, adUsers, ous] = await Promise.all([
    entra.getTenantSyncState(),
    entra.listUsers(),
    entra.listDeletedUsers(),
    entra.listGroups(),
    directory.listUsers(),
    directory.listOrganizationalUnits(),
  ]);
  return sortObserved({
    tenant,
    ad: { baseDn: directory.baseDn, users: adUsers, organizationalUnits: ous },
    entra: { users, deletedUsers, groups },
  });
}

/** Wraps an observed state in the versioned snapshot document. */
export function snapshotFromObserved(state: ObservedState, capturedAt: string, source: string): Snapshot {
  return { kind: 'entra-soa/snapshot', formatVersion: 1, capturedAt, source, state: sortObserved(state) };
}
