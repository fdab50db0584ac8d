/**
 * The lab's Entra ID tenant: plain JSON-able data plus a lab clock, and the operations that the
 * Graph emulator (`src/lab/graph/`) and the sync-cycle simulator perform on it.
 *
 * Nothing outside this file changes the data directly: every change goes through a method so the
 * invariants below hold and the change sequence (used by `/users/delta`) advances.
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
import { randomUUID } from 'node:crypto';

/** Seconds in the 30-day soft-delete window. */
export const DELETED_RETENTION_SECONDS = 30 * 24 * 3600;
/** Default delay of a tenant-wide sync disable (Microsoft: "up to 72 hours"). */
export const DEFAULT_DISABLE_DELAY_SECONDS = 72 * 3600;

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

/** Every boolean of Graph's onPremisesDirectorySynchronizationFeature. */
export const SYNC_FEATURE_PROPERTY_NAMES = [
  'allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled',
  'blockCloudObjectTakeoverThroughHardMatchEnabled',
  'blockSoftMatchEnabled',
  'bypassDirSyncOverridesEnabled',
  'cloudPasswordPolicyForPasswordSyncedUsersEnabled',
  'concurrentCredentialUpdateEnabled',
  'concurrentOrgIdProvisioningEnabled',
  'deviceWritebackEnabled',
  'directoryExtensionsEnabled',
  'fopeConflictResolutionEnabled',
  'groupWriteBackEnabled',
  'passwordSyncEnabled',
  'passwordWritebackEnabled',
  'quarantineUponProxyAddressesConflictEnabled',
  'quarantineUponUpnConflictEnabled',
  'softMatchOnUpnEnabled',
  'synchronizeUpnForManagedUsersEnabled',
  'unifiedGroupWritebackEnabled',
  'userForcePasswordChangeOnLogonEnabled',
  'userWritebackEnabled',
] as const;
export type SyncFeatureProperty = (typeof SYNC_FEATURE_PROPERTY_NAMES)[number];
export type LabSyncFeatures = Record<SyncFeatureProperty, boolean>;

export type DeletionPreventionType = 'disabled' | 'enabledForCount' | 'enabledForPercentage';

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

export interface LabTenantOptions {
  /** Lab seconds between a tenant-wide disable request and its completion. Default 72 h. */
  disableDelaySeconds?: number;
  /** Id generator (GUIDs). Default `crypto.randomUUID`. */
  newId?: () => string;
}

/**
 * An expected refusal, carrying the HTTP status and Graph error code the emulator answers with.
 * The sync simulator can branch on `code` too.
 */
export class LabTenantError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LabTenantError';
  }
}

/** Well-known directory role templates (real template ids) and whether Microsoft labels them privileged. */
export const ROLE_TEMPLATES = [
  { displayName: 'Global Administrator', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', privileged: true },
  { displayName: 'Privileged Role Administrator', roleTemplateId: 'e8611ab8-c189-46e8-94e1-60213ab1f814', privileged: true },
  { displayName: 'Privileged Authentication Administrator', roleTemplateId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', privileged: true },
  { displayName: 'User Administrator', roleTemplateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', privileged: true },
  { displayName: 'Hybrid Identity Administrator', roleTemplateId: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', privileged: true },
  { displayName: 'Security Administrator', roleTemplateId: '194ae4cb-b126-40b2-bd5b-6091b380977d', privileged: true },
  { displayName: 'Helpdesk Administrator', roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', privileged: true },
  { displayName: 'Authentication Administrator', roleTemplateId: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', privileged: true },
  { displayName: 'Application Administrator', roleTemplateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', privileged: true },
  { displayName: 'Cloud Application Administrator', roleTemplateId: '158c047a-c907-4556-b7ef-446551a6b5f7', privileged: true },
  { displayName: 'Global Reader', roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', privileged: true },
  { displayName: 'Exchange Administrator', roleTemplateId: '29232cdf-9323-42fd-ade2-1d097af3e4de', privileged: false },
  { displayName: 'Directory Readers', roleTemplateId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', privileged: false },
] as const;

export const GLOBAL_ADMINISTRATOR_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

const PRIVILEGED_TEMPLATE_IDS: ReadonlySet<string> = new Set(
  ROLE_TEMPLATES.filter((r) => r.privileged).map((r) => r.roleTemplateId),
);

/** True for role template ids Microsoft labels privileged (of those the lab knows). */
export function isPrivilegedRoleTemplate(roleTemplateId: string): boolean {
  return PRIVILEGED_TEMPLATE_IDS.has(roleTemplateId.toLowerCase());
}

/** The fields a caller gives to create a user; the rest default (null / false / now). */
export type NewLabUser = Pick<LabUser, 'userPrincipalName'> &
  Partial<Omit<LabUser, 'userPrincipalName' | 'changeSeq' | 'createdDateTime'>>;

/** The fields `updateUser` may change (not id, createdDateTime, changeSeq). */
export type LabUserPatch = Partial<Omit<LabUser, 'id' | 'createdDateTime' | 'changeSeq'>>;

export type NewLabGroup = Pick<LabGroup, 'displayName'> & Partial<Omit<LabGroup, 'displayName' | 'createdDateTime'>>;
export type LabGroupPatch = Partial<Omit<LabGroup, 'id' | 'createdDateTime'>>;

/** What `advanceClock` did. */
export interface ClockAdvanceResult {
  now: string;
  /** The tenant-wide disable completed during this advance. */
  disableCompleted: boolean;
  /** Ids of deleted users purged (30-day window over). */
  purgedUserIds: string[];
}

/** Every feature false, except the two Microsoft turns on for new tenants (password hash sync left off). */
export function defaultSyncFeatures(): LabSyncFeatures {
  const f = Object.fromEntries(SYNC_FEATURE_PROPERTY_NAMES.map((n) => [n, false])) as LabSyncFeatures;
  f.softMatchOnUpnEnabled = true;
  return f;
}

/** A tenant with no users, sync on (as after installing Connect), default features and threshold 500. */
export function emptyLabTenantData(init: {
  tenantId: string;
  now: string;
  displayName?: string;
  domains?: string[];
  onPremisesSyncEnabled?: boolean | null;
}): LabTenantData {
  const domains = init.domains ?? ['lab.example.test'];
  return {
    now: new Date(init.now).toISOString(),
    changeSequence: 0,
    organization: {
      id: init.tenantId,
      displayName: init.displayName ?? 'Lab',
      createdDateTime: new Date(init.now).toISOString(),
      onPremisesSyncEnabled: init.onPremisesSyncEnabled === undefined ? true : init.onPremisesSyncEnabled,
      onPremisesLastSyncDateTime: null,
      verifiedDomains: domains.map((name, i) => ({
        name,
        isDefault: i === 0,
        isInitial: i === domains.length - 1 && name.endsWith('.onmicrosoft.com'),
        type: 'Managed',
        capabilities: 'Email, OfficeCommunicationsOnline',
      })),
      pendingDisable: null,
    },
    onPremisesSynchronization: {
      id: init.tenantId,
      features: defaultSyncFeatures(),
      configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 } },
    },
    users: [],
    deletedUsers: [],
    groups: [],
    directoryRoles: ROLE_TEMPLATES.map((r, i) => ({
      id: `${(i + 1).toString(16).padStart(8, '0')}-0000-4000-8000-${r.roleTemplateId.slice(-12)}`,
      displayName: r.displayName,
      roleTemplateId: r.roleTemplateId,
      description: r.displayName,
      memberIds: [],
      eligibleMemberIds: [],
    })),
    provisioningErrors: [],
  };
}

const lower = (s: string): string => s.toLowerCase();

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** A copy without the keys whose value is undefined ("not given" never overwrites a default). */
function defined<T extends object>(v: T): T {
  return Object.fromEntries(Object.entries(clone(v)).filter(([, x]) => x !== undefined)) as T;
}

/**
 * The record of a new user as Graph creates it: what `input` gives (undefined fields left out), and
 * for the rest no names or addresses, enabled, never synced, not cloud-managed; `changeSeq` 0 until
 * the tenant stores it. What `createUser` stores, and how a seed's user can be written by hand.
 */
export function labUserRecord(input: NewLabUser, id: string, createdDateTime: string): LabUser {
  return {
    displayName: null,
    givenName: null,
    surname: null,
    mail: null,
    mailNickname: null,
    proxyAddresses: [],
    accountEnabled: true,
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    onPremisesDistinguishedName: null,
    onPremisesDomainName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesUserPrincipalName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesObjectIdentifier: null,
    isCloudManaged: false,
    passwordLastResetAt: null,
    exchangeMailbox: hasPrimarySmtp(input.proxyAddresses ?? []),
    connectorJoin: null,
    passwordPolicies: null,
    forceChangePasswordNextSignIn: false,
    ...defined(input),
    id,
    createdDateTime,
    changeSeq: 0,
  };
}

function hasPrimarySmtp(proxyAddresses: readonly string[]): boolean {
  return proxyAddresses.some((p) => p.startsWith('SMTP:'));
}

/** Fill in fields that stored data written by older versions of the lab lacks. */
function upgradeUser<T extends LabUser>(u: T): T {
  if (typeof (u as Partial<LabUser>).exchangeMailbox !== 'boolean') u.exchangeMailbox = hasPrimarySmtp(u.proxyAddresses);
  if ((u as Partial<LabUser>).passwordPolicies === undefined) u.passwordPolicies = null;
  if ((u as Partial<LabUser>).forceChangePasswordNextSignIn === undefined) u.forceChangePasswordNextSignIn = false;
  if ((u as Partial<LabUser>).connectorJoin === undefined) {
    u.connectorJoin = u.onPremisesSyncEnabled === true || u.isCloudManaged ? u.onPremisesObjectIdentifier : null;
  }
  return u;
}

/**
 * The lab tenant. Read methods return the stored records (typed readonly: do not mutate them);
 * change methods validate, apply, stamp the change sequence and throw `LabTenantError` on refusal.
 */
export class LabTenant {
  readonly disableDelaySeconds: number;
  private readonly newId: () => string;
  private clock: number;
  private seq: number;
  private organization: LabOrganization;
  private sync: LabOnPremisesSynchronization;
  private readonly users = new Map<string, LabUser>();
  private readonly upnIndex = new Map<string, string>();
  private readonly anchorIndex = new Map<string, string>();
  private readonly deleted = new Map<string, LabDeletedUser>();
  private readonly groups = new Map<string, LabGroup>();
  private roles: LabDirectoryRole[];
  private errors: LabProvisioningError[];

  constructor(data: LabTenantData, options: LabTenantOptions = {}) {
    this.disableDelaySeconds = options.disableDelaySeconds ?? DEFAULT_DISABLE_DELAY_SECONDS;
    this.newId = options.newId ?? randomUUID;
    this.clock = 0;
    this.seq = 0;
    this.organization = data.organization;
    this.sync = data.onPremisesSynchronization;
    this.roles = [];
    this.errors = [];
    this.reset(data);
  }

  /**
   * Replace the whole state in place (what `/_lab/reset` needs: holders of this object, such as
   * the Graph emulator, keep working on the new state). The data is copied.
   */
  reset(data: LabTenantData): void {
    const d = clone(data);
    const t = Date.parse(d.now);
    if (Number.isNaN(t)) throw new Error(`LabTenantData.now is not a date: ${JSON.stringify(d.now)}`);
    this.clock = t;
    this.seq = d.changeSequence;
    this.organization = d.organization;
    this.sync = d.onPremisesSynchronization;
    for (const f of SYNC_FEATURE_PROPERTY_NAMES) if (typeof this.sync.features[f] !== 'boolean') this.sync.features[f] = false;
    this.users.clear();
    this.upnIndex.clear();
    this.anchorIndex.clear();
    this.deleted.clear();
    this.groups.clear();
    for (const u of d.users) this.insertUser(upgradeUser(u));
    for (const u of d.deletedUsers) {
      upgradeUser(u);
      u.id = lower(u.id);
      this.deleted.set(u.id, u);
    }
    for (const g of d.groups) {
      g.id = lower(g.id);
      this.groups.set(g.id, g);
    }
    // Stored state and seeds from before the lab had PIM carry no eligibleMemberIds.
    this.roles = d.directoryRoles.map((r) => ({ ...r, eligibleMemberIds: (r as Partial<LabDirectoryRole>).eligibleMemberIds ?? [] }));
    this.errors = d.provisioningErrors;
  }

  static fromJSON(data: LabTenantData, options?: LabTenantOptions): LabTenant {
    return new LabTenant(data, options);
  }

  /** A deep copy of the whole state. */
  toJSON(): LabTenantData {
    return clone({
      now: this.nowIso(),
      changeSequence: this.seq,
      organization: this.organization,
      onPremisesSynchronization: this.sync,
      users: [...this.users.values()],
      deletedUsers: [...this.deleted.values()],
      groups: [...this.groups.values()],
      directoryRoles: this.roles,
      provisioningErrors: this.errors,
    });
  }

  get tenantId(): string {
    return this.organization.id;
  }

  // ---- clock -------------------------------------------------------------------------------

  now(): Date {
    return new Date(this.clock);
  }

  nowIso(): string {
    return new Date(this.clock).toISOString();
  }

  /**
   * Move the lab clock forward. Completes a pending tenant-wide disable when it falls due and
   * purges deleted users older than 30 days.
   */
  advanceClock(seconds: number): ClockAdvanceResult {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`advanceClock needs seconds >= 0, got ${seconds}`);
    this.clock += Math.round(seconds * 1000);
    let disableCompleted = false;
    const pending = this.organization.pendingDisable;
    if (pending && Date.parse(pending.completesAt) <= this.clock) {
      this.completeDisable();
      disableCompleted = true;
    }
    const purgedUserIds: string[] = [];
    for (const u of [...this.deleted.values()]) {
      if (Date.parse(u.deletedDateTime) + DELETED_RETENTION_SECONDS * 1000 <= this.clock) {
        this.deleted.delete(u.id);
        this.errors = this.errors.filter((e) => e.objectId !== u.id);
        purgedUserIds.push(u.id);
      }
    }
    return { now: this.nowIso(), disableCompleted, purgedUserIds };
  }

  /** The current change sequence (what a delta token records). */
  changeSequence(): number {
    return this.seq;
  }

  // ---- users ------------------------------------------------------------------------------

  /** Live users in creation order. */
  listUsers(): readonly Readonly<LabUser>[] {
    return [...this.users.values()];
  }

  userCount(): number {
    return this.users.size;
  }

  getUser(id: string): Readonly<LabUser> | undefined {
    return this.users.get(lower(id));
  }

  getUserByUpn(upn: string): Readonly<LabUser> | undefined {
    const id = this.upnIndex.get(lower(upn));
    return id === undefined ? undefined : this.users.get(id);
  }

  /** By object id, else by UPN (what Graph's `/users/{id | userPrincipalName}` does). */
  findUser(idOrUpn: string): Readonly<LabUser> | undefined {
    return this.getUser(idOrUpn) ?? this.getUserByUpn(idOrUpn);
  }

  /** The live user carrying this immutable id (exact, case-sensitive like base64). */
  getUserByImmutableId(immutableId: string): Readonly<LabUser> | undefined {
    const id = this.anchorIndex.get(immutableId);
    return id === undefined ? undefined : this.users.get(id);
  }

  /** Live users whose proxyAddresses contain this address (`SMTP:a@b` or `smtp:a@b`, compared case-insensitively on the address and the prefix kind). */
  findUsersByProxyAddress(address: string): Readonly<LabUser>[] {
    const want = lower(address);
    return [...this.users.values()].filter((u) => u.proxyAddresses.some((p) => lower(p) === want));
  }

  /** Live users whose primary SMTP address (the `SMTP:` entry, else `mail`) equals this address. */
  findUsersByPrimarySmtp(address: string): Readonly<LabUser>[] {
    const want = lower(address.replace(/^smtp:/i, ''));
    return [...this.users.values()].filter((u) => {
      const primary = u.proxyAddresses.find((p) => p.startsWith('SMTP:'))?.slice(5) ?? u.mail;
      return primary !== null && lower(primary) === want;
    });
  }

  /** Users changed after `sinceSeq`, and ids of users deleted after it. */
  usersChangedSince(sinceSeq: number): { changed: Readonly<LabUser>[]; removedIds: string[] } {
    return {
      changed: [...this.users.values()].filter((u) => u.changeSeq > sinceSeq),
      removedIds: [...this.deleted.values()].filter((u) => u.changeSeq > sinceSeq).map((u) => u.id),
    };
  }

  /**
   * Create a live user. Refuses a duplicate UPN or immutable id (400 Request_BadRequest, Graph's
   * "Another object with the same value for property ... already exists.").
   */
  createUser(input: NewLabUser): Readonly<LabUser> {
    const id = lower(input.id ?? this.newId());
    if (this.users.has(id) || this.deleted.has(id)) throw new LabTenantError(400, 'Request_BadRequest', `An object with id '${id}' already exists.`);
    const user = labUserRecord(input, id, this.nowIso());
    this.checkUnique(user, null);
    user.changeSeq = ++this.seq;
    this.insertUser(user);
    return user;
  }

  /**
   * Apply a change to a live user (no Graph write rules here: the emulator enforces those, the
   * sync simulator writes AD-mastered attributes). Keeps UPN / immutable-id uniqueness.
   * Throws 404 Request_ResourceNotFound when the user does not exist.
   */
  updateUser(id: string, patch: LabUserPatch): Readonly<LabUser> {
    const user = this.requireUser(id);
    const next: LabUser = { ...user, ...defined(patch), id: user.id, createdDateTime: user.createdDateTime };
    this.checkUnique(next, user.id);
    this.unindexUser(user);
    Object.assign(user, next);
    user.changeSeq = ++this.seq;
    this.indexUser(user);
    return user;
  }

  /**
   * Record a password reset (time only; no password is stored). The time is the lab clock, or one
   * second after the previous change when the lab clock has not moved since: lastPasswordChangeDateTime
   * moves on every reset, as it does in Entra where real time always moves.
   */
  recordPasswordReset(id: string): Readonly<LabUser> {
    const user = this.requireUser(id);
    const previous = Date.parse(user.passwordLastResetAt ?? user.createdDateTime);
    const at = Number.isNaN(previous) || previous < this.clock ? this.clock : previous + 1000;
    return this.updateUser(id, { passwordLastResetAt: new Date(at).toISOString() });
  }

  /**
   * Soft-delete a user: it leaves the live set with every attribute (immutable id included) and
   * its role memberships are dropped. Restorable for 30 lab days.
   */
  deleteUser(id: string): Readonly<LabDeletedUser> {
    const user = this.requireUser(id);
    this.unindexUser(user);
    this.users.delete(user.id);
    for (const r of this.roles) {
      r.memberIds = r.memberIds.filter((m) => m !== user.id);
      r.eligibleMemberIds = r.eligibleMemberIds.filter((m) => m !== user.id);
    }
    const del: LabDeletedUser = { ...user, deletedDateTime: this.nowIso(), changeSeq: ++this.seq };
    this.deleted.set(del.id, del);
    return del;
  }

  listDeletedUsers(): readonly Readonly<LabDeletedUser>[] {
    return [...this.deleted.values()];
  }

  getDeletedUser(id: string): Readonly<LabDeletedUser> | undefined {
    return this.deleted.get(lower(id));
  }

  /**
   * Restore a soft-deleted user. 404 Request_ResourceNotFound when unknown or past the 30-day
   * window; 400 Request_BadRequest when a live user holds its UPN or immutable id. A user that was
   * synced comes back cloud-only: `onPremisesSyncEnabled: false` (its on-prem attributes and
   * immutable id are kept, so the next cycle can hard-match it again if its AD object is in scope).
   * `patch` (the sync simulator's restore) is applied to the restored record before the uniqueness
   * checks, e.g. a quarantined UPN when another user took the old one meanwhile.
   */
  restoreUser(id: string, patch: LabUserPatch = {}): Readonly<LabUser> {
    const del = this.deleted.get(lower(id));
    if (!del || Date.parse(del.deletedDateTime) + DELETED_RETENTION_SECONDS * 1000 <= this.clock) {
      throw new LabTenantError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const { deletedDateTime: _gone, ...rest } = del;
    const user: LabUser = {
      ...rest,
      onPremisesSyncEnabled: rest.onPremisesSyncEnabled === true ? false : rest.onPremisesSyncEnabled,
      ...defined(patch),
      id: rest.id,
      createdDateTime: rest.createdDateTime,
    };
    const upnHolder = this.getUserByUpn(user.userPrincipalName);
    if (upnHolder) {
      throw new LabTenantError(400, 'Request_BadRequest', `Another object with the same value for property userPrincipalName already exists.`);
    }
    this.checkUnique(user, null);
    this.deleted.delete(del.id);
    user.changeSeq = ++this.seq;
    this.insertUser(user);
    return user;
  }

  /** Remove a deleted user for good (what the 30-day purge does). */
  purgeDeletedUser(id: string): void {
    if (!this.deleted.delete(lower(id))) throw new LabTenantError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    this.errors = this.errors.filter((e) => e.objectId !== lower(id));
  }

  /** True when the user is or was synced (the SOA switch's prerequisite). */
  userIsOrWasSynced(u: Readonly<LabUser>): boolean {
    return u.onPremisesSyncEnabled !== null || u.isCloudManaged || u.onPremisesLastSyncDateTime !== null;
  }

  /**
   * The SOA switch for a user (`onPremisesSyncBehavior.isCloudManaged`). Prerequisites (400
   * Request_BadRequest, wording ours, unconfirmed): the user is or was synced; it holds no
   * privileged directory role; to set true, its UPN is not in a federated domain. `true` → `onPremisesSyncEnabled: null` (domain.md §1);
   * `false` → isCloudManaged false, `onPremisesSyncEnabled` stays as it is until the next sync
   * cycle takes the object back (the sync simulator sets it true then).
   */
  setUserCloudManaged(id: string, isCloudManaged: boolean): Readonly<LabUser> {
    const user = this.requireUser(id);
    if (!this.userIsOrWasSynced(user)) {
      throw new LabTenantError(400, 'Request_BadRequest', 'The source of authority can only be changed for objects synchronized from on-premises directories.');
    }
    if (this.isPrivileged(user.id)) {
      // Unconfirmed wording: Microsoft documents that admin objects are not supported, not the message.
      throw new LabTenantError(400, 'Request_BadRequest', 'The source of authority cannot be changed for a user holding a privileged directory role.');
    }
    const domain = user.userPrincipalName.split('@')[1]?.toLowerCase();
    if (isCloudManaged && this.organization.verifiedDomains.some((d) => d.name.toLowerCase() === domain && d.type.toLowerCase() === 'federated')) {
      // Microsoft: the SOA switch is not for users of AD FS federated domains. Wording unconfirmed.
      throw new LabTenantError(400, 'Request_BadRequest', 'The source of authority cannot be changed for a user in a federated domain.');
    }
    if (isCloudManaged) return this.updateUser(user.id, { isCloudManaged: true, onPremisesSyncEnabled: null });
    return this.updateUser(user.id, { isCloudManaged: false });
  }

  // ---- groups -----------------------------------------------------------------------------

  listGroups(): readonly Readonly<LabGroup>[] {
    return [...this.groups.values()];
  }

  getGroup(id: string): Readonly<LabGroup> | undefined {
    return this.groups.get(lower(id));
  }

  createGroup(input: NewLabGroup): Readonly<LabGroup> {
    const id = lower(input.id ?? this.newId());
    if (this.groups.has(id) || this.users.has(id)) throw new LabTenantError(400, 'Request_BadRequest', `An object with id '${id}' already exists.`);
    const g: LabGroup = {
      mailNickname: null,
      securityEnabled: true,
      mailEnabled: false,
      onPremisesSyncEnabled: null,
      onPremisesSecurityIdentifier: null,
      onPremisesLastSyncDateTime: null,
      isCloudManaged: false,
      ...defined(input),
      id,
      createdDateTime: this.nowIso(),
    };
    this.groups.set(id, g);
    return g;
  }

  updateGroup(id: string, patch: LabGroupPatch): Readonly<LabGroup> {
    const g = this.groups.get(lower(id));
    if (!g) throw notFound(id);
    Object.assign(g, defined(patch), { id: g.id, createdDateTime: g.createdDateTime });
    return g;
  }

  /** Hard delete (synced security groups cannot be restored in Entra either). */
  deleteGroup(id: string): void {
    if (!this.groups.delete(lower(id))) throw notFound(id);
  }

  /** The SOA switch for a group; same prerequisites and effects as for users (no role check). */
  setGroupCloudManaged(id: string, isCloudManaged: boolean): Readonly<LabGroup> {
    const g = this.groups.get(lower(id));
    if (!g) throw notFound(id);
    if (g.onPremisesSyncEnabled === null && !g.isCloudManaged && g.onPremisesLastSyncDateTime === null) {
      throw new LabTenantError(400, 'Request_BadRequest', 'The source of authority can only be changed for objects synchronized from on-premises directories.');
    }
    if (isCloudManaged) return this.updateGroup(g.id, { isCloudManaged: true, onPremisesSyncEnabled: null });
    return this.updateGroup(g.id, { isCloudManaged: false });
  }

  // ---- directory roles -----------------------------------------------------------------------

  listDirectoryRoles(): readonly Readonly<LabDirectoryRole>[] {
    return this.roles;
  }

  /** Roles the user is an active member of. */
  rolesOfUser(userId: string): Readonly<LabDirectoryRole>[] {
    const id = lower(userId);
    return this.roles.filter((r) => r.memberIds.includes(id));
  }

  /** Roles the user is eligible for through PIM (not active until activated). */
  eligibleRolesOfUser(userId: string): Readonly<LabDirectoryRole>[] {
    const id = lower(userId);
    return this.roles.filter((r) => r.eligibleMemberIds.includes(id));
  }

  /** True when the user holds, or is PIM-eligible for, a role Microsoft labels privileged. */
  isPrivileged(userId: string): boolean {
    return [...this.rolesOfUser(userId), ...this.eligibleRolesOfUser(userId)].some((r) => isPrivilegedRoleTemplate(r.roleTemplateId));
  }

  /**
   * PIM eligibilities as `roleEligibilityScheduleInstances`, ordered by role then user. Lab
   * simplifications: directory-wide scope, direct membership, no end date, and the start time is
   * the organization's creation time (the lab does not record when an eligibility was granted).
   */
  listRoleEligibilities(): LabRoleEligibility[] {
    const out: LabRoleEligibility[] = [];
    for (const r of this.roles) {
      for (const principalId of r.eligibleMemberIds) {
        out.push({
          // Graph's instance ids are opaque; the lab's are stable: role template + principal.
          id: `${r.roleTemplateId}_${principalId}`,
          principalId,
          roleDefinitionId: r.roleTemplateId,
          directoryScopeId: '/',
          memberType: 'Direct',
          startDateTime: this.organization.createdDateTime,
          endDateTime: null,
        });
      }
    }
    return out;
  }

  /** Make a live user eligible for a role (by template id or display name); activates a known template if needed. */
  addEligibleRoleMember(role: string, userId: string): void {
    const user = this.requireUser(userId);
    const r = this.findOrActivateRole(role);
    if (!r.eligibleMemberIds.includes(user.id)) r.eligibleMemberIds.push(user.id);
  }

  removeEligibleRoleMember(role: string, userId: string): void {
    const r = this.roles.find((x) => x.roleTemplateId === lower(role) || lower(x.displayName) === lower(role));
    if (r) r.eligibleMemberIds = r.eligibleMemberIds.filter((m) => m !== lower(userId));
  }

  /** Add a live user to a role (by template id or display name); activates a known template if needed. */
  addRoleMember(role: string, userId: string): void {
    const user = this.requireUser(userId);
    const r = this.findOrActivateRole(role);
    if (!r.memberIds.includes(user.id)) r.memberIds.push(user.id);
  }

  removeRoleMember(role: string, userId: string): void {
    const r = this.roles.find((x) => x.roleTemplateId === lower(role) || lower(x.displayName) === lower(role));
    if (r) r.memberIds = r.memberIds.filter((m) => m !== lower(userId));
  }

  // ---- organization / tenant sync -----------------------------------------------------------

  getOrganization(): Readonly<LabOrganization> {
    return this.organization;
  }

  /** A tenant-wide disable was requested and has not completed. */
  isDisablePending(): boolean {
    return this.organization.pendingDisable !== null;
  }

  /**
   * Turn directory sync off or on (organization.onPremisesSyncEnabled).
   * - `false` while sync is on: `organization.onPremisesSyncEnabled` reads false at once (our
   *   choice, unconfirmed) and a pending disable starts; it completes `disableDelaySeconds` of lab
   *   time later (see `advanceClock`), when synced users and groups turn `onPremisesSyncEnabled:
   *   false`. Until then they stay `true`: that is how a reader of Graph sees the disable pending.
   * - any change while a disable is pending: 400 Request_BadRequest "You cannot turn off Active
   *   Directory synchronization." (the legacy MSOnline message; the code is our choice, unconfirmed).
   * - `false` when already off: no-op. `true` when off: sync on again (objects become synced only
   *   when a cycle matches them).
   */
  setDirectorySyncEnabled(enabled: boolean): Readonly<LabOrganization> {
    const org = this.organization;
    if (org.pendingDisable) throw new LabTenantError(400, 'Request_BadRequest', 'You cannot turn off Active Directory synchronization.');
    if (!enabled) {
      if (org.onPremisesSyncEnabled === true) {
        org.onPremisesSyncEnabled = false;
        org.pendingDisable = {
          requestedAt: this.nowIso(),
          completesAt: new Date(this.clock + this.disableDelaySeconds * 1000).toISOString(),
        };
      }
    } else {
      org.onPremisesSyncEnabled = true;
    }
    return org;
  }

  /** Stamp the last sync time (the sync simulator calls this after each cycle). */
  recordSyncCycle(at: string = this.nowIso()): void {
    this.organization.onPremisesLastSyncDateTime = at;
  }

  updateOrganization(patch: Partial<Pick<LabOrganization, 'displayName'>>): Readonly<LabOrganization> {
    if (patch.displayName !== undefined) this.organization.displayName = patch.displayName;
    return this.organization;
  }

  getOnPremisesSynchronization(): Readonly<LabOnPremisesSynchronization> {
    return this.sync;
  }

  features(): Readonly<LabSyncFeatures> {
    return this.sync.features;
  }

  /** Change feature flags. Unknown names: 400 Request_BadRequest. */
  updateSyncFeatures(patch: Partial<Record<string, boolean>>): Readonly<LabOnPremisesSynchronization> {
    for (const [k, v] of Object.entries(patch)) {
      if (!(SYNC_FEATURE_PROPERTY_NAMES as readonly string[]).includes(k)) {
        throw new LabTenantError(400, 'Request_BadRequest', `Invalid property '${k}' for resource 'onPremisesDirectorySynchronizationFeature'.`);
      }
      if (typeof v !== 'boolean') throw new LabTenantError(400, 'Request_BadRequest', `Invalid value specified for property '${k}'.`);
      this.sync.features[k as SyncFeatureProperty] = v;
    }
    return this.sync;
  }

  /** Change configuration.accidentalDeletionPrevention (partial). */
  setAccidentalDeletionPrevention(p: {
    synchronizationPreventionType?: DeletionPreventionType;
    alertThreshold?: number | null;
  }): Readonly<LabOnPremisesSynchronization> {
    const cur = this.sync.configuration.accidentalDeletionPrevention;
    if (p.synchronizationPreventionType !== undefined) {
      if (!['disabled', 'enabledForCount', 'enabledForPercentage'].includes(p.synchronizationPreventionType)) {
        throw new LabTenantError(400, 'Request_BadRequest', `Invalid value specified for property 'synchronizationPreventionType'.`);
      }
      cur.synchronizationPreventionType = p.synchronizationPreventionType;
    }
    if (p.alertThreshold !== undefined) {
      if (p.alertThreshold !== null && (!Number.isInteger(p.alertThreshold) || p.alertThreshold < 0)) {
        throw new LabTenantError(400, 'Request_BadRequest', `Invalid value specified for property 'alertThreshold'.`);
      }
      cur.alertThreshold = p.alertThreshold;
    }
    return this.sync;
  }

  // ---- provisioning errors -------------------------------------------------------------------

  /** Record an export error (occurredDateTime defaults to the lab clock). */
  recordProvisioningError(e: Omit<LabProvisioningError, 'occurredDateTime'> & { occurredDateTime?: string }): LabProvisioningError {
    const rec: LabProvisioningError = { ...e, occurredDateTime: e.occurredDateTime ?? this.nowIso() };
    this.errors.push(rec);
    return rec;
  }

  listProvisioningErrors(objectId?: string): readonly Readonly<LabProvisioningError>[] {
    return objectId === undefined ? this.errors : this.errors.filter((e) => e.objectId === lower(objectId));
  }

  /** Drop recorded errors (all, or those of one object). */
  clearProvisioningErrors(objectId?: string): void {
    this.errors = objectId === undefined ? [] : this.errors.filter((e) => e.objectId !== lower(objectId));
  }

  /** Drop the export errors of the last cycle (every cycle retries its exports); quarantines stay. */
  clearExportErrors(): void {
    this.errors = this.errors.filter((e) => e.kind === 'quarantine');
  }

  /** Values quarantined by duplicate-attribute resiliency (all, or those of one object). */
  listQuarantines(objectId?: string): readonly Readonly<LabProvisioningError>[] {
    return this.errors.filter((e) => e.kind === 'quarantine' && (objectId === undefined || e.objectId === lower(objectId)));
  }

  /** Release a quarantined value of an object (its conflict is resolved). */
  releaseQuarantine(objectId: string, propertyCausingError: string, value: string): void {
    const id = lower(objectId);
    const v = lower(value);
    this.errors = this.errors.filter(
      (e) => !(e.kind === 'quarantine' && e.objectId === id && e.propertyCausingError === propertyCausingError && lower(e.value ?? '') === v),
    );
  }

  /** The tenant's initial domain (`<name>.onmicrosoft.com`), or null when the lab tenant lists none. */
  initialDomain(): string | null {
    const domains = this.organization.verifiedDomains;
    return (domains.find((d) => d.isInitial) ?? domains.find((d) => lower(d.name).endsWith('.onmicrosoft.com')))?.name ?? null;
  }

  /** True when `domain` is one of the tenant's verified domains (case-insensitive). */
  isVerifiedDomain(domain: string): boolean {
    return this.organization.verifiedDomains.some((d) => lower(d.name) === lower(domain));
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * The tenant-wide disable completes: synced users and groups become cloud-only. "This process will
   * clear the following on-premises properties: DnsDomainName, NetBiosName,
   * OnPremisesDistinguishedName, OnPremisesSamAccountName, OnpremisesUserPrincipalName"
   * (https://learn.microsoft.com/microsoft-365/enterprise/turn-off-directory-synchronization): in
   * Graph's names onPremisesDomainName, onPremisesDistinguishedName, onPremisesSamAccountName and
   * onPremisesUserPrincipalName (Graph has no NetBIOS name on users). The immutable id, the SID and
   * onPremisesObjectIdentifier stay: Microsoft's "clear on-premises attributes" page is about
   * exactly those leftovers
   * (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes).
   */
  private completeDisable(): void {
    const org = this.organization;
    org.pendingDisable = null;
    org.onPremisesSyncEnabled = false;
    for (const u of this.users.values()) {
      if (u.onPremisesSyncEnabled === true) {
        u.onPremisesSyncEnabled = false;
        u.onPremisesDomainName = null;
        u.onPremisesDistinguishedName = null;
        u.onPremisesSamAccountName = null;
        u.onPremisesUserPrincipalName = null;
        u.changeSeq = ++this.seq;
      }
    }
    for (const g of this.groups.values()) if (g.onPremisesSyncEnabled === true) g.onPremisesSyncEnabled = false;
  }

  private findOrActivateRole(role: string): LabDirectoryRole {
    const key = lower(role);
    const found = this.roles.find((x) => x.roleTemplateId === key || lower(x.displayName) === key);
    if (found) return found;
    const tpl = ROLE_TEMPLATES.find((t) => t.roleTemplateId === key || lower(t.displayName) === key);
    if (!tpl) throw new LabTenantError(404, 'Request_ResourceNotFound', `Directory role '${role}' is not known to the lab.`);
    const r: LabDirectoryRole = { id: this.newId(), displayName: tpl.displayName, roleTemplateId: tpl.roleTemplateId, description: tpl.displayName, memberIds: [], eligibleMemberIds: [] };
    this.roles.push(r);
    return r;
  }

  private requireUser(id: string): LabUser {
    const u = this.users.get(lower(id)) ?? this.users.get(this.upnIndex.get(lower(id)) ?? '');
    if (!u) throw notFound(id);
    return u;
  }

  private checkUnique(u: LabUser, selfId: string | null): void {
    const upnOwner = this.upnIndex.get(lower(u.userPrincipalName));
    if (upnOwner !== undefined && upnOwner !== selfId) {
      throw new LabTenantError(400, 'Request_BadRequest', 'Another object with the same value for property userPrincipalName already exists.');
    }
    if (u.onPremisesImmutableId !== null) {
      const anchorOwner = this.anchorIndex.get(u.onPremisesImmutableId);
      if (anchorOwner !== undefined && anchorOwner !== selfId) {
        throw new LabTenantError(400, 'Request_BadRequest', 'Another object with the same value for property onPremisesImmutableId already exists.');
      }
    }
  }

  private insertUser(u: LabUser): void {
    u.id = lower(u.id);
    this.users.set(u.id, u);
    this.indexUser(u);
  }

  private indexUser(u: LabUser): void {
    this.upnIndex.set(lower(u.userPrincipalName), u.id);
    if (u.onPremisesImmutableId !== null) this.anchorIndex.set(u.onPremisesImmutableId, u.id);
  }

  private unindexUser(u: LabUser): void {
    this.upnIndex.delete(lower(u.userPrincipalName));
    if (u.onPremisesImmutableId !== null) this.anchorIndex.delete(u.onPremisesImmutableId);
  }
}

function notFound(id: string): LabTenantError {
  return new LabTenantError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}
