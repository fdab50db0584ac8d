/**
 * The lab tenant's data as plain JSON-able records: what the tenant stores, what a seed and a saved
 * lab state hold, and what `LabTenant.toJSON` returns. Graph's view of them is src/lab/graph/.
 *
 * Invariants
 * - User ids are unique over live and deleted users; UPNs (case-insensitive) are unique among live
 *   users; a non-null `onPremisesImmutableId` is unique among live users.
 * - `onPremisesSyncEnabled` of a user or group: `true` = synced from AD now (and then
 *   `isCloudManaged` is false); `null` = never synced, or converted by the SOA switch
 *   (`isCloudManaged: true`); `false` = was synced and is no longer (restored after scope removal,
 *   or after a tenant-wide disable completed), and also while soft-deleted by the sync engine:
 *   "The object representing Bob Smith in the cloud gets soft-deleted and its DirSyncEnabled attribute
 *   is switched to False"
 *   (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidhardmatch);
 *   Graph's reference: "false if these objects are no longer being synced".
 * - A deleted user keeps every attribute (including its immutable id) and gets `deletedDateTime`;
 *   it is purged 30 lab days after deletion (on `advanceClock`) and cannot be restored after that.
 * - No password is ever stored: a password reset records only `passwordLastResetAt`.
 * - Time is the lab clock (`now()`), never the wall clock; ids come from `options.newId`.
 */
import type { LabSyncFeatures, DeletionPreventionType } from './sync-features.js';

/** A user as Graph describes it (the properties entra-soa uses), plus lab-internal fields. */
export interface LabUser {
  /** Graph object id (GUID). */
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  mailNickname: string | null;
  /** As Graph returns them: `SMTP:` primary, `smtp:` secondary. */
  proxyAddresses: string[];
  accountEnabled: boolean;
  /** ISO 8601 (lab clock). */
  createdDateTime: string;
  /** See the file header for the meaning of true / false / null. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesDistinguishedName: string | null;
  onPremisesDomainName: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesUserPrincipalName: string | null;
  onPremisesLastSyncDateTime: string | null;
  /** Set by Entra Connect when it links to an AD object (blocks hard match from 2026-07-01). */
  onPremisesObjectIdentifier: string | null;
  /** Internal: `onPremisesSyncBehavior.isCloudManaged` (SOA switch). */
  isCloudManaged: boolean;
  /**
   * The user has an Exchange Online mailbox (served as Graph `provisionedPlans` with service
   * `exchange`, provisioningStatus `Success`). Soft match by primary SMTP address needs one
   * (https://support.microsoft.com/kb/2641663). Data written before the lab had this field reads it
   * as "has a primary `SMTP:` proxy address": Entra holds SMTP proxy addresses on a cloud user only
   * when Exchange Online has a recipient for it.
   */
  exchangeMailbox: boolean;
  /**
   * Internal, Entra Connect's state kept with the object so that it is saved with the lab: the
   * objectGUID of the AD object Connect's connector space joins to this cloud object (set when Connect
   * creates, matches or restores it; cleared when Connect deletes it). Never served by Graph, and not
   * changed by clearing on-premises attributes: the join is Connect's, not an attribute. null = not
   * joined. Data written before the lab had this field reads it as onPremisesObjectIdentifier for
   * synced and cloud-managed users.
   */
  connectorJoin: string | null;
  /** Internal: lab time of the last password reset through Graph (no password is stored); Graph's lastPasswordChangeDateTime. */
  passwordLastResetAt: string | null;
  /** Graph's passwordPolicies (e.g. `DisablePasswordExpiration, DisableStrongPassword`), null when none. */
  passwordPolicies: string | null;
  /** passwordProfile.forceChangePasswordNextSignIn of the last password set through Graph. */
  forceChangePasswordNextSignIn: boolean;
  /** Internal: value of the tenant change sequence when this user last changed (for delta). */
  changeSeq: number;
}

/** A soft-deleted user: every attribute kept, plus the deletion time. */
export interface LabDeletedUser extends LabUser {
  /** ISO 8601 (lab clock). */
  deletedDateTime: string;
}

export interface LabGroup {
  id: string;
  displayName: string;
  mailNickname: string | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  /** Same meaning as for users. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesLastSyncDateTime: string | null;
  isCloudManaged: boolean;
  createdDateTime: string;
}

/** An activated directory role, its active members and its PIM-eligible members. */
export interface LabDirectoryRole {
  id: string;
  displayName: string;
  roleTemplateId: string;
  description: string;
  /** User ids of active members. */
  memberIds: string[];
  /**
   * User ids eligible for the role through PIM (served as `roleEligibilityScheduleInstances`).
   * Optional in stored data written before the lab had PIM: read as [].
   */
  eligibleMemberIds: string[];
}

/** A PIM eligibility as Graph's `unifiedRoleEligibilityScheduleInstance` (the properties the lab serves). */
export interface LabRoleEligibility {
  id: string;
  principalId: string;
  /** The role template id (built-in role definition ids equal their template ids). */
  roleDefinitionId: string;
  directoryScopeId: string;
  memberType: 'Direct';
  startDateTime: string;
  endDateTime: null;
}

export interface LabVerifiedDomain {
  name: string;
  isDefault: boolean;
  isInitial: boolean;
  /** 'Managed' | 'Federated'. */
  type: string;
  capabilities: string;
}

export interface LabOrganization {
  /** The tenant id. */
  id: string;
  displayName: string;
  createdDateTime: string;
  /** true = directory sync on; false = turned off; null = never on. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  verifiedDomains: LabVerifiedDomain[];
  /** A tenant-wide disable that has been requested and has not completed yet. */
  pendingDisable: { requestedAt: string; completesAt: string } | null;
}

export interface LabOnPremisesSynchronization {
  /** The tenant id. */
  id: string;
  features: LabSyncFeatures;
  configuration: {
    accidentalDeletionPrevention: { synchronizationPreventionType: DeletionPreventionType; alertThreshold: number | null };
  };
}

/**
 * A provisioning error recorded by the sync simulator. Two kinds:
 * - `export` (the default, also for data written before `kind` existed): what Connect reports as an
 *   export error of the last cycle (InvalidHardMatch, ...); replaced by every cycle, because every
 *   cycle retries the export. Not on any cloud object (`objectId` null), since the export failed.
 * - `quarantine`: duplicate-attribute resiliency quarantined a value of the cloud object `objectId`
 *   (Graph `onPremisesProvisioningErrors`, MSOnline's DirSyncProvisioningErrors). Recorded once and
 *   kept until the conflict is resolved
 *   (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-duplicate-attribute-resiliency).
 */
export interface LabProvisioningError {
  /** e.g. `InvalidSoftMatch`, `InvalidHardMatch`, `AttributeUpdateNotAllowed`, `stopped-deletion-threshold-exceeded`. */
  code: string;
  /** Graph onPremisesProvisioningError.category, e.g. `PropertyConflict`. */
  category: string;
  /** The cloud object concerned, if any. */
  objectId: string | null;
  /** The AD object concerned (DN), if any. */
  adDn: string | null;
  propertyCausingError: string | null;
  value: string | null;
  message: string;
  occurredDateTime: string;
  /** See the interface comment; absent = `export`. */
  kind?: 'export' | 'quarantine';
  /** For a quarantine: the object that holds the value. */
  conflictingObjectId?: string | null;
}

/** The whole tenant as plain data (what `toJSON` returns and `/_lab/state` can show). */
export interface LabTenantData {
  /** Lab clock, ISO 8601. */
  now: string;
  /** Monotonic change counter; each change of a user stamps it into `LabUser.changeSeq`. */
  changeSequence: number;
  organization: LabOrganization;
  onPremisesSynchronization: LabOnPremisesSynchronization;
  users: LabUser[];
  deletedUsers: LabDeletedUser[];
  groups: LabGroup[];
  directoryRoles: LabDirectoryRole[];
  provisioningErrors: LabProvisioningError[];
}

/** The fields a caller gives to create a user; the rest default (null / false / now). */
export type NewLabUser = Pick<LabUser, 'userPrincipalName'> &
  Partial<Omit<LabUser, 'userPrincipalName' | 'changeSeq' | 'createdDateTime'>>;

/** The fields `updateUser` may change (not id, createdDateTime, changeSeq). */
export type LabUserPatch = Partial<Omit<LabUser, 'id' | 'createdDateTime' | 'changeSeq'>>;

export type NewLabGroup = Pick<LabGroup, 'displayName'> & Partial<Omit<LabGroup, 'displayName' | 'createdDateTime'>>;
export type LabGroupPatch = Partial<Omit<LabGroup, 'id' | 'createdDateTime'>>;
