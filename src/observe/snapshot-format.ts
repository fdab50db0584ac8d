/**
 * What both snapshot formats share: the kind, the versions, the stable order of the arrays and of
 * the keys (equal states give identical bytes in either format).
 */
import type { ObservedState, TenantSyncState } from '../model/observed.js';

/** The `kind` of a snapshot file. */
export const SNAPSHOT_KIND = 'entra-soa/snapshot';
/** The format `entra-soa snapshot --out` writes: 2, JSON Lines (src/observe/snapshot-lines.ts). */
export const SNAPSHOT_FORMAT_VERSION = 2;
/** The formats this build reads: 1 (one JSON document) and 2 (JSON Lines). */
export const SNAPSHOT_FORMAT_VERSIONS_READ = [1, 2] as const;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byGuidThenDn = (a: { objectGuid: string; dn: string }, b: { objectGuid: string; dn: string }): number =>
  cmp(a.objectGuid.toLowerCase(), b.objectGuid.toLowerCase()) || cmp(a.dn, b.dn);
const byDn = (a: { dn: string }, b: { dn: string }): number => cmp(a.dn.toLowerCase(), b.dn.toLowerCase()) || cmp(a.dn, b.dn);
const byId = (a: { id: string }, b: { id: string }): number => cmp(a.id, b.id);

/** The array itself when it is already in order (one pass, no copy), else a sorted copy. */
function sorted<T>(items: T[], order: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) {
    if (order(items[i - 1] as T, items[i] as T) > 0) return [...items].sort(order);
  }
  return items;
}

/**
 * The state with every array sorted by its stable key (see ObservedState): AD users by objectGUID,
 * OUs by DN, Entra objects by id. Arrays already in that order are kept as they are (not copied).
 */
export function sortObservedState(s: ObservedState): ObservedState {
  return {
    tenant: s.tenant,
    ad: { baseDn: s.ad.baseDn, users: sorted(s.ad.users, byGuidThenDn), organizationalUnits: sorted(s.ad.organizationalUnits, byDn) },
    entra: { users: sorted(s.entra.users, byId), deletedUsers: sorted(s.entra.deletedUsers, byId), groups: sorted(s.entra.groups, byId) },
  };
}

/** The tenant as read from a file: `features.passwordSyncEnabled` is optional there (absent = null, not known). */
export function tenantWithDefaults(t: TenantSyncState): TenantSyncState {
  const f = t.features;
  return { ...t, features: f === null ? null : { ...f, passwordSyncEnabled: f.passwordSyncEnabled ?? null } };
}
