/**
 * Reading the live state of both sides into an `ObservedState`: Entra (users, deleted users, groups,
 * tenant sync state) and AD (users, OUs), all concurrently. Arrays are sorted by a stable key so that
 * the same directories always give the same snapshot bytes and fingerprints.
 */
import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { ObservedState, Snapshot } from '../model/observed.js';
import { SNAPSHOT_FORMAT_VERSION, SNAPSHOT_KIND, sortObservedState } from './snapshot.js';

export interface ObserveLiveInput {
  entra: EntraAccess;
  directory: DirectoryAccess;
}

/**
 * Sorted by the snapshot format's stable keys (`sortObservedState` in observe/snapshot.ts), so a live
 * read and a snapshot of it list objects in the same order.
 */
export function sortObserved(state: ObservedState): ObservedState {
  return sortObservedState(state);
}

/**
 * Reads both sides concurrently. Failures propagate as the accesses throw them (GraphError,
 * DirectoryError), but only once every read has settled: a caller closes the accesses when this
 * fails, and a read still in flight would otherwise open a new connection after the close and keep
 * the process alive (seen: `plan` still running 300 s after a Graph failure, issue 12 §5).
 */
export async function observeLive(input: ObserveLiveInput): Promise<ObservedState> {
  const { entra, directory } = input;
  const settled = await Promise.allSettled([
    entra.getTenantSyncState(),
    entra.listUsers(),
    entra.listDeletedUsers(),
    entra.listGroups(),
    directory.listUsers(),
    directory.listOrganizationalUnits(),
  ] as const);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [tenant, users, deletedUsers, groups, adUsers, ous] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<EntraAccess['getTenantSyncState']>>,
    Awaited<ReturnType<EntraAccess['listUsers']>>,
    Awaited<ReturnType<EntraAccess['listDeletedUsers']>>,
    Awaited<ReturnType<EntraAccess['listGroups']>>,
    Awaited<ReturnType<DirectoryAccess['listUsers']>>,
    Awaited<ReturnType<DirectoryAccess['listOrganizationalUnits']>>,
  ];
  return sortObserved({
    tenant,
    ad: { baseDn: directory.baseDn, users: adUsers, organizationalUnits: ous },
    entra: { users, deletedUsers, groups },
  });
}

/** Wraps an observed state in the versioned snapshot document. */
export function snapshotFromObserved(state: ObservedState, capturedAt: string, source: string): Snapshot {
  return { kind: SNAPSHOT_KIND, formatVersion: SNAPSHOT_FORMAT_VERSION, capturedAt, source, state: sortObserved(state) };
}
