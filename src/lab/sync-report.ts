/**
 * What one simulated Entra Connect sync cycle did (`POST /_lab/sync-cycle`, `lab sync`,
 * `Lab.runSyncCycle()`). Plain JSON.
 */

/**
 * Export errors, as Entra Connect reports them
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors). An export
 * error fails the export of that object; Connect retries it on every cycle.
 * - `InvalidHardMatch`: a cloud object carries the AD object's sourceAnchor as immutable id, but
 *   `blockCloudObjectTakeoverThroughHardMatchEnabled` is on.
 * - `AttributeUpdateNotAllowed`: the hard-match hardening enforced from 2026-07-01 refused the
 *   takeover (the code is the lab's choice, unconfirmed; Microsoft documents the message "Hard match
 *   operation blocked due to security hardening. Review OnPremisesObjectIdentifier mapping.").
 * - `AttributeValueMustBeUnique`: two in-scope AD objects have the same sourceAnchor.
 *
 * With duplicate-attribute resiliency (on for every tenant), UPN and proxy address conflicts are not
 * export errors: the value is quarantined instead (`SyncQuarantine`), and "you won't see the
 * InvalidSoftMatch synchronization errors seen during provisioning of new objects".
 */
export type ProvisioningErrorCode = 'InvalidHardMatch' | 'AttributeUpdateNotAllowed' | 'AttributeValueMustBeUnique';

/** Why the error happened, in the lab's words (stable; finer than the code). */
export type ProvisioningErrorReason =
  /** blockCloudObjectTakeoverThroughHardMatchEnabled is on. */
  | 'hard-match-takeover-blocked'
  /** From 2026-07-01: the cloud user is mapped to another AD object (a different onPremisesObjectIdentifier). */
  | 'hard-match-object-identifier'
  /** From 2026-07-01: the cloud user holds or is eligible for a privileged role. */
  | 'hard-match-privileged-role'
  /** Another in-scope AD object has the same sourceAnchor. */
  | 'duplicate-source-anchor';

/**
 * Why a new AD object was not soft-matched to the cloud user that has its primary SMTP address or
 * UPN, so that Entra ID provisioned a new object instead (and quarantined the colliding values).
 */
export type SoftMatchMiss =
  /** blockSoftMatchEnabled is on. */
  | 'soft-match-blocked'
  /** The match would be by primary SMTP address and the cloud user has no Exchange Online mailbox (KB 2641663). */
  | 'no-mailbox'
  /** The cloud user already has an immutable id (it was or is synced from another AD object). */
  | 'has-immutable-id'
  /** The cloud user is assigned an admin role ("Existing Admin Role Conflict"). */
  | 'admin-role'
  /** The cloud user is cloud-managed (SOA switch) and joined to no AD object of this lab. */
  | 'cloud-managed'
  /** Only the UPN is shared, and softMatchOnUpnEnabled is off. */
  | 'upn-soft-match-off';

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
  /** Password hash sync is on and the cloud password is now the AD password (created, matched, restored). */
  passwordReplaced?: true;
  /** For `created`: the cloud user it was not soft-matched to, and why. */
  notMatched?: { userId: string; upn: string; why: SoftMatchMiss };
}

/** An export error (also recorded on the tenant until the next cycle). */
export interface SyncError {
  /** The AD user's UPN (or sAMAccountName@domain when it has none). */
  upn: string;
  dn: string;
  code: ProvisioningErrorCode;
  reason: ProvisioningErrorReason;
  message: string;
  /** The cloud user the error concerns (the match candidate), when there is one. */
  userId?: string;
}

/**
 * How a quarantine is reported: `AttributeValueMustBeUnique` for a duplicate UPN or proxy address,
 * `ExistingAdminRoleConflict` when the value belongs to a cloud user with an admin role, which Entra ID
 * never soft-matches (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#existing-admin-role-conflict).
 */
export type QuarantineCode = 'AttributeValueMustBeUnique' | 'ExistingAdminRoleConflict';

/** A value quarantined by duplicate-attribute resiliency in this cycle (reported once). */
export interface SyncQuarantine {
  /** The synced cloud user whose value was quarantined. */
  userId: string;
  /** Its UPN after the cycle (a placeholder `<prefix><4 digits>@<initial domain>` when the UPN was quarantined). */
  upn: string;
  dn: string;
  property: 'UserPrincipalName' | 'ProxyAddresses';
  /** The quarantined value (a UPN, or an `smtp:` address as AD has it). */
  value: string;
  code: QuarantineCode;
  /** The cloud user that holds the value. */
  heldBy: { userId: string; upn: string };
}

/** A quarantined value given back to its object because the conflict is resolved. */
export interface SyncRelease {
  userId: string;
  upn: string;
  property: 'UserPrincipalName' | 'ProxyAddresses';
  value: string;
}

/** Why a cycle did nothing at all. */
export type SyncSkipReason = 'tenant-sync-disabled' | 'tenant-sync-disable-pending';

/** The report of one sync cycle. */
export interface SyncCycleReport {
  kind: 'entra-soa/lab-sync-cycle';
  /**
   * The number of this cycle since the lab started from its seed (1 = the first); set by the
   * in-process lab, absent when `runSyncCycle` is called on its own.
   */
  cycle?: number;
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
    /** Export errors. */
    errors: number;
    /** Values quarantined in this cycle. */
    quarantined: number;
    /** Quarantined values released in this cycle. */
    released: number;
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
  quarantined: SyncQuarantine[];
  released: SyncRelease[];
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
      quarantined: 0,
      released: 0,
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
    quarantined: [],
    released: [],
    consistencyGuidsWritten: [],
  };
}

/**
 * True when the cycle changed nothing in the tenant or in AD (export errors, which every cycle
 * retries, do not count as changes): the state is settled.
 */
export function syncCycleChangedNothing(r: SyncCycleReport): boolean {
  return (
    r.stopped === undefined &&
    [r.created, r.updated, r.hardMatched, r.softMatched, r.restored, r.deleted, r.quarantined, r.released, r.consistencyGuidsWritten].every((l) => l.length === 0)
  );
}

/** A one-line summary, e.g. "sync cycle 3 at ...: 2 created, 1 hard-matched, 3 deleted, 1 error". */
export function summarizeSyncReport(r: SyncCycleReport): string {
  const name = r.cycle === undefined ? 'sync cycle' : `sync cycle ${r.cycle}`;
  if (!r.ran) return `${name} did nothing: ${r.message}`;
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
  add(r.counts.quarantined, r.counts.quarantined === 1 ? 'value quarantined' : 'values quarantined');
  add(r.counts.released, r.counts.released === 1 ? 'quarantined value released' : 'quarantined values released');
  add(r.counts.errors, r.counts.errors === 1 ? 'error' : 'errors');
  const body = parts.length ? parts.join(', ') : 'no changes';
  return r.stopped ? `${name} stopped (${r.stopped}): ${r.message}` : `${name} at ${r.at}: ${body}`;
}
