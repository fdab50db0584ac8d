/**
 * What one simulated Entra Connect sync cycle did (`POST /_lab/sync-cycle`, `lab sync`,
 * `Lab.runSyncCycle()`). Plain JSON.
 */

/**
 * Provisioning error codes, as Entra Connect reports them (learn.microsoft.com
 * entra/identity/hybrid/connect/tshoot-connect-sync-errors):
 * - `InvalidHardMatch`: hard match refused because `blockCloudObjectTakeoverThroughHardMatchEnabled` is on.
 * - `AttributeUpdateNotAllowed`: hard match refused from 2026-07-01 because the cloud user has
 *   `onPremisesObjectIdentifier` set or holds / is eligible for a privileged role.
 * - `InvalidSoftMatch`: the soft-match candidate already has an immutable id.
 * - `AttributeValueMustBeUnique`: a new cloud object would collide with an existing one on UPN or
 *   a proxy address; this is also what a blocked soft match turns into (blockSoftMatch on, or the
 *   candidate holds an admin role): Connect then tries to create a new object, which collides.
 */
export type ProvisioningErrorCode =
  | 'InvalidHardMatch'
  | 'AttributeUpdateNotAllowed'
  | 'InvalidSoftMatch'
  | 'AttributeValueMustBeUnique';

/** Why the error happened, in the lab's words (stable; finer than the code). */
export type ProvisioningErrorReason =
  /** blockCloudObjectTakeoverThroughHardMatchEnabled is on. */
  | 'hard-match-takeover-blocked'
  /** From 2026-07-01: the cloud user has onPremisesObjectIdentifier set. */
  | 'hard-match-object-identifier'
  /** From 2026-07-01: the cloud user holds or is eligible for a privileged role. */
  | 'hard-match-privileged-role'
  /** The soft-match candidate has an immutable id. */
  | 'soft-match-has-immutable-id'
  /** blockSoftMatchEnabled is on. */
  | 'soft-match-blocked'
  /** The soft-match candidate holds an admin role. */
  | 'soft-match-admin-role'
  /** The address / UPN is already used by a synced object with another anchor (duplicate on-prem). */
  | 'duplicate-attribute';

/** One object the cycle acted on. */
export interface SyncObjectOutcome {
  /** UPN of the cloud user after the cycle (for deletions: the deleted user's UPN). */
  upn: string;
  /** Graph id of the cloud user. */
  userId: string;
  /** The AD user's DN (null for deletions, whose AD side is out of scope or gone). */
  dn: string | null;
  /** The source anchor as ImmutableID (base64). */
  immutableId: string;
  /** For `updated`: the cloud attributes that changed (Graph names). */
  changed?: string[];
}

/** A provisioning error (also recorded on the tenant). */
export interface SyncError {
  /** The AD user's UPN (or sAMAccountName when it has none). */
  upn: string;
  dn: string;
  code: ProvisioningErrorCode;
  reason: ProvisioningErrorReason;
  message: string;
  /** The cloud user the error concerns (the match candidate), when there is one. */
  userId?: string;
}

/** Why a cycle did nothing at all. */
export type SyncSkipReason = 'tenant-sync-disabled' | 'tenant-sync-disable-pending';

/** The report of one sync cycle. */
export interface SyncCycleReport {
  kind: 'entra-soa/lab-sync-cycle';
  /** Lab time the cycle ran at (ISO 8601). */
  at: string;
  /** False when the tenant has directory sync off or a disable pending: the cycle did nothing. */
  ran: boolean;
  skipped?: SyncSkipReason;
  /** Set when the export was stopped by accidental-delete prevention: nothing was exported. */
  stopped?: 'stopped-deletion-threshold-exceeded';
  /** One sentence for people. */
  message: string;
  counts: {
    /** AD users read. */
    adUsers: number;
    /** AD users in the sync scope. */
    inScope: number;
    created: number;
    updated: number;
    /** Joined users whose attributes were already current. */
    unchanged: number;
    hardMatched: number;
    softMatched: number;
    /** Soft-deleted users brought back because their anchor came back into scope. */
    restored: number;
    deleted: number;
    skippedCloudManaged: number;
    errors: number;
    /** Deletions the cycle wanted to export (equals `deleted` unless stopped). */
    pendingDeletions: number;
  };
  created: SyncObjectOutcome[];
  updated: SyncObjectOutcome[];
  hardMatched: SyncObjectOutcome[];
  softMatched: SyncObjectOutcome[];
  restored: SyncObjectOutcome[];
  deleted: SyncObjectOutcome[];
  skippedCloudManaged: SyncObjectOutcome[];
  errors: SyncError[];
  /** AD users whose mS-DS-ConsistencyGuid the cycle wrote (DNs). */
  consistencyGuidsWritten: string[];
}

/** An empty report (the starting point of a cycle). */
export function emptySyncReport(at: string): SyncCycleReport {
  return {
    kind: 'entra-soa/lab-sync-cycle',
    at,
    ran: true,
    message: '',
    counts: {
      adUsers: 0,
      inScope: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      hardMatched: 0,
      softMatched: 0,
      restored: 0,
      deleted: 0,
      skippedCloudManaged: 0,
      errors: 0,
      pendingDeletions: 0,
    },
    created: [],
    updated: [],
    hardMatched: [],
    softMatched: [],
    restored: [],
    deleted: [],
    skippedCloudManaged: [],
    errors: [],
    consistencyGuidsWritten: [],
  };
}

/** A one-line summary, e.g. "sync cycle: 2 created, 1 hard-matched, 3 deleted, 1 error". */
export function summarizeSyncReport(r: SyncCycleReport): string {
  if (!r.ran) return `sync cycle did nothing: ${r.message}`;
  const parts: string[] = [];
  const add = (n: number, word: string) => {
    if (n > 0) parts.push(`${n} ${word}`);
  };
  add(r.counts.created, 'created');
  add(r.counts.updated, 'updated');
  add(r.counts.hardMatched, 'hard-matched');
  add(r.counts.softMatched, 'soft-matched');
  add(r.counts.restored, 'restored');
  add(r.counts.deleted, 'deleted');
  add(r.counts.skippedCloudManaged, 'skipped (cloud-managed)');
  add(r.counts.errors, r.counts.errors === 1 ? 'error' : 'errors');
  const body = parts.length ? parts.join(', ') : 'no changes';
  return r.stopped ? `sync cycle stopped (${r.stopped}): ${r.message}` : `sync cycle at ${r.at}: ${body}`;
}
