/**
 * What entra-soa has read from both sides: on-premises AD and Entra ID.
 * Plain data (JSON-serialisable) so that it can be saved as a snapshot file and
 * planned from later without any directory access.
 */

/** Which AD attribute Entra Connect uses as the user source anchor (a setting of the install). */
export const SOURCE_ANCHOR_ATTRIBUTES = ['objectGUID', 'mS-DS-ConsistencyGuid'] as const;
export type SourceAnchorAttribute = (typeof SOURCE_ANCHOR_ATTRIBUTES)[number];

/** An on-premises AD user as read over LDAP. */
export interface AdUser {
  /** Distinguished name, as the server spells it. */
  dn: string;
  /** objectGUID as a GUID string in the usual display form (`35918bc9-196d-40ea-9779-889d79b753f0`). */
  objectGuid: string;
  /** mS-DS-ConsistencyGuid as a GUID string in display form, or null when the attribute is empty. */
  consistencyGuid: string | null;
  samAccountName: string;
  userPrincipalName: string | null;
  mail: string | null;
  /** proxyAddresses exactly as stored (`SMTP:` marks the primary, `smtp:` the secondary ones). */
  proxyAddresses: string[];
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  /** False when userAccountControl has ACCOUNTDISABLE (0x2). */
  enabled: boolean;
}

/**
 * From this instant Entra ID refuses a hard match onto a cloud user that has
 * `onPremisesObjectIdentifier` set, or holds or is eligible for a privileged role
 * (`AttributeUpdateNotAllowed`, docs/planning.md, hazards `object-identifier-remap` and `privileged-role`). The planner compares a plan's `createdAt` with it;
 * the lab's sync simulator compares the lab clock.
 */
export const HARD_MATCH_RESTRICTION_DATE = '2026-07-01T00:00:00.000Z';

/** The privileged directory roles entra-soa knows to be relevant to matching rules. */
export interface RoleAssignment {
  /** Role display name, e.g. "Global Administrator". */
  role: string;
  /** 'active' for an assignment, 'eligible' for a PIM eligibility. */
  state: 'active' | 'eligible';
  /** True for roles Microsoft classes as privileged (blocks hard match from 2026-07-01). */
  privileged: boolean;
}

/** The on-premises attributes a previously synced Entra user may still carry. */
export interface OnPremisesLeftovers {
  onPremisesDistinguishedName: string | null;
  onPremisesDomainName: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesUserPrincipalName: string | null;
  onPremisesLastSyncDateTime: string | null;
}

/** The names of the leftover attributes, in a fixed order (used by steps and renderers). */
export const ON_PREMISES_LEFTOVER_ATTRIBUTES = [
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesUserPrincipalName',
  'onPremisesLastSyncDateTime',
] as const satisfies readonly (keyof OnPremisesLeftovers)[];

/** An Entra ID user as read from Graph (`$select`ed properties plus onPremisesSyncBehavior). */
export interface EntraUser extends OnPremisesLeftovers {
  /** Graph object id. */
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  proxyAddresses: string[];
  /** true = synced from AD now; false = was synced, sync turned off; null = never synced / converted. */
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  /**
   * The objectGUID (display form) of the AD object the user was last synced from; set by Entra
   * Connect and kept after sync stops. From 2026-07-01 a hard match onto a cloud user that has it
   * set is refused (`AttributeUpdateNotAllowed`) until an admin clears it (beta
   * `PATCH /users/{id} {"onPremisesObjectIdentifier": null}`). null when not set, and when read from
   * a snapshot taken before entra-soa read it.
   */
  onPremisesObjectIdentifier: string | null;
  /** onPremisesSyncBehavior.isCloudManaged; null when not read (entra-soa reads it only where it can matter). */
  isCloudManaged: boolean | null;
  accountEnabled: boolean;
  /** Directory roles held; null when unknown (not read). */
  roles: RoleAssignment[] | null;
  /**
   * When the password last changed (Graph `lastPasswordChangeDateTime`, ISO 8601); apply uses it as
   * the postcondition of a password reset. null when not read (snapshots taken before entra-soa read it).
   */
  lastPasswordChangeDateTime: string | null;
  /**
   * The user has an Exchange Online mailbox (Graph `provisionedPlans` holds service `exchange` with
   * provisioningStatus `Success`). Soft match by SMTP address concerns mail-enabled cloud users.
   * null when not read.
   */
  exchangeMailbox: boolean | null;
}

/** A soft-deleted Entra user (restorable for 30 days). */
export interface DeletedEntraUser {
  id: string;
  userPrincipalName: string;
  onPremisesImmutableId: string | null;
  onPremisesSyncEnabled: boolean | null;
  /** ISO 8601 time of deletion. */
  deletedDateTime: string;
}

/** A group seen in Entra (with its sync state). */
export interface EntraGroup {
  id: string;
  displayName: string;
  mailNickname: string | null;
  onPremisesSyncEnabled: boolean | null;
  isCloudManaged: boolean | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
}

/** The tenant's directory synchronization state (organization + onPremisesSynchronization). */
export interface TenantSyncState {
  tenantId: string;
  /** organization.onPremisesSyncEnabled: true = on; false/null = off (or never on). */
  onPremisesSyncEnabled: boolean | null;
  /** A tenant-wide disable was requested and has not completed yet (takes up to 72 h). */
  disablePending: boolean;
  /** When the pending disable was requested, if known. */
  disableRequestedAt: string | null;
  onPremisesLastSyncDateTime: string | null;
  /**
   * onPremisesSynchronization.features, by Graph property name (e.g. `blockSoftMatchEnabled`).
   * null when it could not be read: `GET /directory/onPremisesSynchronization` is delegated-only
   * (a signed-in Global Administrator), so an application sign-in cannot read it.
   */
  features: SyncFeatureFlags | null;
  /** configuration.accidentalDeletionPrevention; null when it could not be read (as `features`). */
  accidentalDeletionPrevention: {
    synchronizationPreventionType: 'disabled' | 'enabledForCount' | 'enabledForPercentage';
    alertThreshold: number | null;
  } | null;
}

/** The sync feature flags entra-soa manages (Graph onPremisesDirectorySynchronizationFeature names). */
export interface SyncFeatureFlags {
  blockSoftMatchEnabled: boolean;
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean;
  softMatchOnUpnEnabled: boolean;
  /**
   * Password hash sync (read, never managed by entra-soa: not in SYNC_FEATURE_NAMES). After a match
   * the AD password replaces the cloud one when it is on. null when not known (older snapshots).
   */
  passwordSyncEnabled: boolean | null;
}

export const SYNC_FEATURE_NAMES = [
  'blockCloudObjectTakeoverThroughHardMatchEnabled',
  'blockSoftMatchEnabled',
  'softMatchOnUpnEnabled',
] as const satisfies readonly (keyof SyncFeatureFlags)[];

/** An organisational unit in AD (for scope decisions and existence checks). */
export interface AdOrganizationalUnit {
  dn: string;
}

/**
 * Everything the planner needs, from both sides. This is also the body of the snapshot file
 * (see `Snapshot`). Arrays are kept sorted by a stable key so that serialisation is deterministic.
 */
export interface ObservedState {
  tenant: TenantSyncState;
  ad: {
    /** The naming context that was read. */
    baseDn: string;
    users: AdUser[];
    organizationalUnits: AdOrganizationalUnit[];
  };
  entra: {
    users: EntraUser[];
    deletedUsers: DeletedEntraUser[];
    groups: EntraGroup[];
  };
}

/**
 * The versioned snapshot file format (`entra-soa snapshot --out state.json`): formatVersion 1 is one
 * JSON document, formatVersion 2 JSON Lines (src/observe/snapshot-lines.ts); both hold this content.
 */
export interface Snapshot {
  kind: 'entra-soa/snapshot';
  /** The format the snapshot was read from, or is to be written in. */
  formatVersion: 1 | 2;
  /** ISO 8601 time the state was read. */
  capturedAt: string;
  /** Where it was read from, for people (e.g. "graph.microsoft.com + ldaps://dc1.contoso.com"). */
  source: string;
  state: ObservedState;
}
