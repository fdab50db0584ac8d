/**
 * The lab's Entra ID tenant: plain JSON-able data (./records.ts) plus a lab clock, and the
 * operations that the Graph emulator (`src/lab/graph/`) and the sync-cycle simulator perform on it.
 *
 * Nothing outside this class changes the data directly: every change goes through a method so the
 * invariants of ./records.ts hold, the change sequence (used by `/users/delta`) advances, and the
 * revision (used to save the lab only when something changed) moves.
 */
import { randomUUID } from 'node:crypto';
import { DirectoryRoles } from './directory-roles.js';
import { clone, defined } from './plain-data.js';
import { ProvisioningErrorLog } from './provisioning-errors.js';
import type {
  LabDeletedUser,
  LabDirectoryRole,
  LabGroup,
  LabGroupPatch,
  LabOnPremisesSynchronization,
  LabOrganization,
  LabProvisioningError,
  LabRoleEligibility,
  LabTenantData,
  LabUser,
  LabUserPatch,
  NewLabGroup,
  NewLabUser,
} from './records.js';
import { SYNC_FEATURE_PROPERTY_NAMES, type DeletionPreventionType, type LabSyncFeatures, type SyncFeatureProperty } from './sync-features.js';
import { LabTenantError, resourceNotFound } from './tenant-error.js';
import { labUserRecord, upgradeUser } from './user-record.js';

/** Seconds in the 30-day soft-delete window. */
const DELETED_RETENTION_SECONDS = 30 * 24 * 3600;
/** Default delay of a tenant-wide sync disable (Microsoft: "up to 72 hours"). */
const DEFAULT_DISABLE_DELAY_SECONDS = 72 * 3600;

/** How a lab tenant behaves where the data does not say. */
export interface LabTenantOptions {
  /** Lab seconds between a tenant-wide disable request and its completion. Default 72 h. */
  disableDelaySeconds?: number;
  /** Id generator (GUIDs). Default `crypto.randomUUID`. */
  newId?: () => string;
}

/** What `advanceClock` did. */
export interface ClockAdvanceResult {
  now: string;
  /** The tenant-wide disable completed during this advance. */
  disableCompleted: boolean;
  /** Ids of deleted users purged (30-day window over). */
  purgedUserIds: string[];
}

const lower = (s: string): string => s.toLowerCase();

/**
 * The lab tenant. Read methods return the stored records (typed readonly: do not mutate them);
 * change methods validate, apply, stamp the change sequence, move the revision and throw
 * `LabTenantError` on refusal.
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
  private roles: DirectoryRoles;
  private errors: ProvisioningErrorLog;
  /** Moves on every change of the data or the clock (`revision()`). */
  private rev = 0;
  /** `listUsers()` / `listDeletedUsers()` until the next change (a page of a list must not copy the list). */
  private liveInOrder: readonly LabUser[] | null = null;
  private deletedInOrder: readonly LabDeletedUser[] | null = null;

  constructor(data: LabTenantData, options: LabTenantOptions = {}) {
    this.disableDelaySeconds = options.disableDelaySeconds ?? DEFAULT_DISABLE_DELAY_SECONDS;
    this.newId = options.newId ?? randomUUID;
    this.clock = 0;
    this.seq = 0;
    this.organization = data.organization;
    this.sync = data.onPremisesSynchronization;
    this.roles = new DirectoryRoles([], this.newId);
    this.errors = new ProvisioningErrorLog([]);
    this.reset(data);
  }

  /**
   * Replace the whole state in place (what `/_lab/reset` needs: holders of this object, such as
   * the Graph emulator, keep working on the new state). The data is copied.
   */
  reset(data: LabTenantData): void {
    this.adopt(clone(data));
  }

  /**
   * `reset` without the copy: the tenant takes `data` over (what loading a saved lab does with data
   * it parsed and holds nowhere else; a copy of 100,000 users would double the memory for nothing).
   */
  adopt(data: LabTenantData): void {
    const d = data;
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
    this.roles = new DirectoryRoles(d.directoryRoles, this.newId);
    this.errors = new ProvisioningErrorLog(d.provisioningErrors);
    this.changed();
  }

  static fromJSON(data: LabTenantData, options?: LabTenantOptions): LabTenant {
    return new LabTenant(data, options);
  }

  /** A deep copy of the whole state. */
  toJSON(): LabTenantData {
    return clone(this.view());
  }

  /**
   * The whole state as the stored records themselves, not copied: for serialising at once (saving
   * the lab), where a deep copy of every user first would only double the memory. Do not keep it
   * or change it.
   */
  view(): Readonly<LabTenantData> {
    return {
      now: this.nowIso(),
      changeSequence: this.seq,
      organization: this.organization,
      onPremisesSynchronization: this.sync,
      users: [...this.users.values()],
      deletedUsers: [...this.deleted.values()],
      groups: [...this.groups.values()],
      directoryRoles: this.roles.list() as LabDirectoryRole[],
      provisioningErrors: this.errors.list() as LabProvisioningError[],
    };
  }

  /**
   * A number that moves on every change of the tenant (data or clock) and never otherwise: equal
   * revisions mean equal states, so a holder can skip saving a tenant nothing changed.
   */
  revision(): number {
    return this.rev;
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
    const ms = Math.round(seconds * 1000);
    if (ms > 0) this.changed();
    this.clock += ms;
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
        this.errors.forget(u.id);
        purgedUserIds.push(u.id);
      }
    }
    if (purgedUserIds.length > 0) this.changed();
    return { now: this.nowIso(), disableCompleted, purgedUserIds };
  }

  /** The current change sequence (what a delta token records). */
  changeSequence(): number {
    return this.seq;
  }

  // ---- users ------------------------------------------------------------------------------

  /** Live users in creation order: a snapshot, which later changes leave as it is (they make a new one). */
  listUsers(): readonly Readonly<LabUser>[] {
    this.liveInOrder ??= [...this.users.values()];
    return this.liveInOrder;
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
    user.changeSeq = this.nextSeq();
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
    user.changeSeq = this.nextSeq();
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
    this.roles.dropUser(user.id);
    const del: LabDeletedUser = { ...user, deletedDateTime: this.nowIso(), changeSeq: this.nextSeq() };
    this.deleted.set(del.id, del);
    return del;
  }

  listDeletedUsers(): readonly Readonly<LabDeletedUser>[] {
    this.deletedInOrder ??= [...this.deleted.values()];
    return this.deletedInOrder;
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
      throw resourceNotFound(id);
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
    user.changeSeq = this.nextSeq();
    this.insertUser(user);
    return user;
  }

  /** Remove a deleted user for good (what the 30-day purge does). */
  purgeDeletedUser(id: string): void {
    if (!this.deleted.delete(lower(id))) throw resourceNotFound(id);
    this.errors.forget(id);
    this.changed();
  }

  /** True when the user is or was synced (the SOA switch's prerequisite). */
  userIsOrWasSynced(u: Readonly<LabUser>): boolean {
    return u.onPremisesSyncEnabled !== null || u.isCloudManaged || u.onPremisesLastSyncDateTime !== null;
  }

  /**
   * The SOA switch for a user (`onPremisesSyncBehavior.isCloudManaged`). Prerequisites (400
   * Request_BadRequest, wording ours, unconfirmed): the user is or was synced; it holds no
   * privileged directory role; to set true, its UPN is not in a federated domain. `true` → `onPremisesSyncEnabled: null`, as a converted object reads
   * (docs/lab-graph.md, "onPremisesSyncBehavior");
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
    this.changed();
    return g;
  }

  updateGroup(id: string, patch: LabGroupPatch): Readonly<LabGroup> {
    const g = this.groups.get(lower(id));
    if (!g) throw resourceNotFound(id);
    Object.assign(g, defined(patch), { id: g.id, createdDateTime: g.createdDateTime });
    this.changed();
    return g;
  }

  /** The SOA switch for a group; same prerequisites and effects as for users (no role check). */
  setGroupCloudManaged(id: string, isCloudManaged: boolean): Readonly<LabGroup> {
    const g = this.groups.get(lower(id));
    if (!g) throw resourceNotFound(id);
    if (g.onPremisesSyncEnabled === null && !g.isCloudManaged && g.onPremisesLastSyncDateTime === null) {
      throw new LabTenantError(400, 'Request_BadRequest', 'The source of authority can only be changed for objects synchronized from on-premises directories.');
    }
    if (isCloudManaged) return this.updateGroup(g.id, { isCloudManaged: true, onPremisesSyncEnabled: null });
    return this.updateGroup(g.id, { isCloudManaged: false });
  }

  // ---- directory roles -----------------------------------------------------------------------

  listDirectoryRoles(): readonly Readonly<LabDirectoryRole>[] {
    return this.roles.list();
  }

  /** Roles the user is an active member of. */
  rolesOfUser(userId: string): Readonly<LabDirectoryRole>[] {
    return this.roles.activeOf(userId);
  }

  /** Roles the user is eligible for through PIM (not active until activated). */
  eligibleRolesOfUser(userId: string): Readonly<LabDirectoryRole>[] {
    return this.roles.eligibleOf(userId);
  }

  /** True when the user holds, or is PIM-eligible for, a role Microsoft labels privileged. */
  isPrivileged(userId: string): boolean {
    return this.roles.isPrivileged(userId);
  }

  /** PIM eligibilities as `roleEligibilityScheduleInstances` (see `DirectoryRoles.eligibilities`). */
  listRoleEligibilities(): LabRoleEligibility[] {
    return this.roles.eligibilities(this.organization.createdDateTime);
  }

  /** Make a live user eligible for a role (by template id or display name); activates a known template if needed. */
  addEligibleRoleMember(role: string, userId: string): void {
    this.roles.add(role, this.requireUser(userId).id, 'eligible');
    this.changed();
  }

  removeEligibleRoleMember(role: string, userId: string): void {
    this.roles.remove(role, userId, 'eligible');
    this.changed();
  }

  /** Add a live user to a role (by template id or display name); activates a known template if needed. */
  addRoleMember(role: string, userId: string): void {
    this.roles.add(role, this.requireUser(userId).id, 'member');
    this.changed();
  }

  removeRoleMember(role: string, userId: string): void {
    this.roles.remove(role, userId, 'member');
    this.changed();
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
    this.changed();
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
    this.changed();
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
    this.changed();
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
    this.changed();
    return this.sync;
  }

  // ---- provisioning errors -------------------------------------------------------------------

  /** Record an export error (occurredDateTime defaults to the lab clock). */
  recordProvisioningError(e: Omit<LabProvisioningError, 'occurredDateTime'> & { occurredDateTime?: string }): LabProvisioningError {
    const rec: LabProvisioningError = { ...e, occurredDateTime: e.occurredDateTime ?? this.nowIso() };
    this.errors.record(rec);
    this.changed();
    return rec;
  }

  listProvisioningErrors(objectId?: string): readonly Readonly<LabProvisioningError>[] {
    return this.errors.list(objectId);
  }

  /** Drop the export errors of the last cycle (every cycle retries its exports); quarantines stay. */
  clearExportErrors(): void {
    this.errors.clearExportErrors();
    this.changed();
  }

  /** Values quarantined by duplicate-attribute resiliency (all, or those of one object). */
  listQuarantines(objectId?: string): readonly Readonly<LabProvisioningError>[] {
    return this.errors.quarantines(objectId);
  }

  /** Release a quarantined value of an object (its conflict is resolved). */
  releaseQuarantine(objectId: string, propertyCausingError: string, value: string): void {
    this.errors.release(objectId, propertyCausingError, value);
    this.changed();
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
        u.changeSeq = this.nextSeq();
      }
    }
    for (const g of this.groups.values()) if (g.onPremisesSyncEnabled === true) g.onPremisesSyncEnabled = false;
    this.changed();
  }

  /** Every change goes through here: the revision moves and the cached lists are dropped. */
  private changed(): void {
    this.rev++;
    this.liveInOrder = null;
    this.deletedInOrder = null;
  }

  /** The next change-sequence stamp of a user (a change of the tenant). */
  private nextSeq(): number {
    this.changed();
    return ++this.seq;
  }

  private requireUser(id: string): LabUser {
    const u = this.users.get(lower(id)) ?? this.users.get(this.upnIndex.get(lower(id)) ?? '');
    if (!u) throw resourceNotFound(id);
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
