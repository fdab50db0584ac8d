/**
 * The sync-cycle simulator: one Entra Connect delta cycle (docs/lab.md, "What the sync simulator
 * models") from an AD (any
 * `DirectoryAccess`: the lab's MemoryDirectory or Samba through src/ad) into the lab tenant, with
 * the Entra ID service's side of it (matching, resiliency, hardening). Written from Microsoft's pages,
 * cited in src/lab/connect/* next to each rule and listed in docs/lab-graph.md ("Sync engine
 * behaviour"); it shares no code with the product.
 *
 * Order of one cycle
 * 1. Tenant sync off, or a tenant-wide disable pending → nothing happens (`ran: false`).
 * 2. Import: every AD user; those in the OU filter (connect/ou-filter.ts) get their sourceAnchor
 *    (objectGUID is written into an empty mS-DS-ConsistencyGuid when that is the anchor, as Connect
 *    does: https://learn.microsoft.com/entra/identity/hybrid/connect/plan-connect-design-concepts#using-ms-ds-consistencyguid-as-sourceanchor).
 * 3. Deletions: synced, not cloud-managed cloud users that Connect joined to an AD object that is no
 *    longer in scope. More than the threshold → the whole export stops
 *    (`stopped-deletion-threshold-exceeded`) and nothing is written
 *    (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-prevent-accidental-deletes).
 *    A deleted user is soft-deleted with DirSyncEnabled (onPremisesSyncEnabled) false and keeps its
 *    immutable id (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidhardmatch).
 * 4. Each in-scope AD user, in DN order:
 *    - joined to a cloud object (Connect's connector space, `LabUser.connectorJoin`): cloud-managed →
 *      skipped (event 6956); synced → attributes flow; neither (a rolled-back SOA switch, a tenant
 *      sync turned off and on) → a takeover, under the hard-match rules (connect/hard-match.ts);
 *    - else a cloud object holds its anchor as immutable id → hard match (same rules);
 *    - else a soft-deleted user holds it → restored, as with the AD recycle bin
 *      (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-recycle-bin);
 *    - else soft match (connect/soft-match.ts), or a new cloud object.
 *    Every write goes through duplicate-attribute resiliency (connect/resiliency.ts): a UPN or proxy
 *    address another object holds is quarantined and recorded once on the object.
 * 5. Export errors replace the previous cycle's; quarantines stay until resolved. The organization's
 *    onPremisesLastSyncDateTime is the cycle's time.
 *
 * Not modelled: groups and memberships, devices and contacts, attribute-based filtering and custom
 * sync rules, isCriticalSystemObject, password writeback, licences (UPN changes always flow:
 * synchronizeUpnForManagedUsers only matters for licensed users), objects created by another sync
 * engine (every synced cloud user is treated as this Connect's).
 */
import type { DirectoryAccess } from '../model/directory.js';
import type { AdUser, SourceAnchorAttribute } from '../model/observed.js';
import type { LabDeletedUser, LabProvisioningError, LabUser, LabUserPatch } from './tenant/records.js';
import type { LabTenant } from './tenant/lab-tenant.js';
import type { ProvisioningErrorCode, ProvisioningErrorReason, QuarantineCode, SoftMatchMiss, SyncCycleReport, SyncObjectOutcome } from './sync-report.js';
import { emptySyncReport } from './sync-report.js';
import { dnsNameOf } from './connect/dn.js';
import { immutableIdOfGuid } from './connect/source-anchor.js';
import type { OuFilter } from './connect/ou-filter.js';
import { compileOuFilter } from './connect/ou-filter.js';
import { AddressBook, primarySmtpOf } from './connect/address-book.js';
import type { FlowContext, FlowMode } from './connect/attribute-flow.js';
import { firstMailNickname, flowAttributes, sourceUpnOf } from './connect/attribute-flow.js';
import type { Conflict } from './connect/resiliency.js';
import { resolveDuplicates } from './connect/resiliency.js';
import { takeoverRefusal } from './connect/hard-match.js';
import { decideSoftMatch } from './connect/soft-match.js';

/** Entra Connect's settings that matter to a cycle. */
export interface SyncConfig {
  /** The install's source anchor attribute. */
  sourceAnchor: SourceAnchorAttribute;
  /** OU filtering: an empty `include` means the whole domain. */
  syncScope: OuFilter;
  /**
   * Accidental-delete threshold for this cycle. Omitted: the tenant's
   * `accidentalDeletionPrevention` (enabledForCount: alertThreshold; enabledForPercentage: that
   * percentage of the synced users; disabled: none).
   */
  deletionThreshold?: number;
}

/** The input of one cycle. */
export interface SyncCycleInput {
  directory: DirectoryAccess;
  tenant: LabTenant;
  config: SyncConfig;
}

/** An in-scope AD user with its anchor. */
interface ScopedAdUser {
  ad: AdUser;
  immutableId: string;
  /** The UPN AD gives it (for messages). */
  upn: string;
}

/** Run one sync cycle. Writes to the tenant (and the consistency guid to AD); returns the report. */
export async function runSyncCycle(input: SyncCycleInput): Promise<SyncCycleReport> {
  const { directory, tenant, config } = input;
  const now = tenant.nowIso();
  const report = emptySyncReport(now);
  const org = tenant.getOrganization();

  if (tenant.isDisablePending()) {
    report.ran = false;
    report.skipped = 'tenant-sync-disable-pending';
    report.message = `a tenant-wide sync disable is pending (completes ${org.pendingDisable?.completesAt ?? 'later'}): Entra Connect exports nothing`;
    return report;
  }
  if (org.onPremisesSyncEnabled !== true) {
    report.ran = false;
    report.skipped = 'tenant-sync-disabled';
    report.message = 'directory synchronization is turned off for the tenant: Entra Connect exports nothing';
    return report;
  }

  // ---- import from AD ----
  const adUsers = (await directory.listUsers()).sort((a, b) => cmp(a.dn.toLowerCase(), b.dn.toLowerCase()));
  report.counts.adUsers = adUsers.length;
  const domainDns = dnsNameOf(directory.baseDn);
  const scoped: ScopedAdUser[] = [];
  const inScope = compileOuFilter(config.syncScope, directory.baseDn);
  for (const ad of adUsers) {
    if (!inScope(ad.dn)) continue;
    let guid = ad.objectGuid;
    if (config.sourceAnchor === 'mS-DS-ConsistencyGuid') {
      if (ad.consistencyGuid === null) {
        await directory.setConsistencyGuid(ad.dn, ad.objectGuid);
        report.consistencyGuidsWritten.push(ad.dn);
      } else {
        guid = ad.consistencyGuid;
      }
    }
    scoped.push({ ad, immutableId: immutableIdOfGuid(guid), upn: sourceUpnOf(ad, domainDns) });
  }
  report.counts.inScope = scoped.length;
  const inScopeGuids = new Set(scoped.map((s) => s.ad.objectGuid.toLowerCase()));
  const inScopeAnchors = new Set(scoped.map((s) => s.immutableId));

  // ---- deletions and the accidental-delete threshold ----
  tenant.clearExportErrors();
  const toDelete = tenant.listUsers().filter((u) => {
    if (u.onPremisesSyncEnabled !== true || u.isCloudManaged) return false;
    if (u.connectorJoin !== null) return !inScopeGuids.has(u.connectorJoin.toLowerCase());
    return u.onPremisesImmutableId !== null && !inScopeAnchors.has(u.onPremisesImmutableId);
  });
  report.counts.pendingDeletions = toDelete.length;
  const threshold = config.deletionThreshold ?? tenantDeletionThreshold(tenant);
  if (threshold !== null && toDelete.length > threshold) {
    report.stopped = 'stopped-deletion-threshold-exceeded';
    report.message = `the export would delete ${toDelete.length} objects, more than the accidental-delete threshold of ${threshold}: nothing was exported`;
    tenant.recordProvisioningError({
      kind: 'export',
      code: 'stopped-deletion-threshold-exceeded',
      category: 'Other',
      objectId: null,
      adDn: null,
      propertyCausingError: null,
      value: String(toDelete.length),
      message: report.message,
    });
    return report;
  }
  for (const u of toDelete) {
    report.deleted.push({ upn: u.userPrincipalName, userId: u.id, dn: null, immutableId: u.onPremisesImmutableId ?? '' });
    tenant.updateUser(u.id, { onPremisesSyncEnabled: false, connectorJoin: null });
    tenant.deleteUser(u.id);
  }

  // ---- per-object sync ----
  const cycle = new CycleWriter(tenant, report, {
    domainDns,
    isVerifiedDomain: (d) => tenant.isVerifiedDomain(d),
    initialDomain: tenant.initialDomain() ?? fallbackInitialDomain(tenant),
    now,
  });
  const deletedByAnchor = new Map<string, Readonly<LabDeletedUser>>();
  for (const d of [...tenant.listDeletedUsers()].sort((a, b) => cmp(a.deletedDateTime, b.deletedDateTime))) {
    if (d.onPremisesImmutableId !== null) deletedByAnchor.set(d.onPremisesImmutableId, d); // the latest wins
  }
  const seenAnchors = new Set<string>();
  for (const s of scoped) {
    if (seenAnchors.has(s.immutableId)) {
      cycle.fail(s, 'AttributeValueMustBeUnique', 'duplicate-source-anchor', `${s.upn}: another AD object in scope has the same sourceAnchor ${s.immutableId}; only one of them can sync`, 'onPremisesImmutableId', s.immutableId);
      continue;
    }
    seenAnchors.add(s.immutableId);
    cycle.syncObject(s, deletedByAnchor);
  }

  const c = report.counts;
  c.created = report.created.length;
  c.updated = report.updated.length;
  c.hardMatched = report.hardMatched.length;
  c.softMatched = report.softMatched.length;
  c.restored = report.restored.length;
  c.deleted = report.deleted.length;
  c.skippedCloudManaged = report.skippedCloudManaged.length;
  c.errors = report.errors.length;
  c.quarantined = report.quarantined.length;
  c.released = report.released.length;
  tenant.recordSyncCycle(now);
  report.message = `${c.inScope} of ${c.adUsers} AD users in scope; ${c.created} created, ${c.updated} updated, ${c.hardMatched} hard-matched, ${c.softMatched} soft-matched, ${c.restored} restored, ${c.deleted} deleted, ${c.skippedCloudManaged} skipped (cloud-managed), ${c.quarantined} values quarantined, ${c.released} released, ${c.errors} errors`;
  return report;
}

/** The per-object pass of one cycle: matching, writes with resiliency, and what the report says. */
class CycleWriter {
  private readonly book: AddressBook;
  /** AD objectGUID (lower case) → id of the cloud user Connect joined it to. */
  private readonly joins = new Map<string, string>();
  /** Cloud user id → the quarantines recorded on it (read once, kept current by this pass). */
  private readonly quarantines = new Map<string, Readonly<LabProvisioningError>[]>();

  constructor(
    private readonly tenant: LabTenant,
    private readonly report: SyncCycleReport,
    private readonly flow: FlowContext,
  ) {
    this.book = new AddressBook(tenant);
    for (const u of tenant.listUsers()) if (u.connectorJoin !== null) this.joins.set(u.connectorJoin.toLowerCase(), u.id);
    for (const q of tenant.listQuarantines()) if (q.objectId !== null) this.quarantines.set(q.objectId, [...(this.quarantines.get(q.objectId) ?? []), q]);
  }

  private recordedOn(userId: string): readonly Readonly<LabProvisioningError>[] {
    return this.quarantines.get(userId) ?? [];
  }

  syncObject(s: ScopedAdUser, deletedByAnchor: Map<string, Readonly<LabDeletedUser>>): void {
    const { tenant } = this;
    const joinedId = this.joins.get(s.ad.objectGuid.toLowerCase());
    const joined = joinedId === undefined ? undefined : tenant.getUser(joinedId);
    if (joined) {
      if (joined.isCloudManaged) this.report.skippedCloudManaged.push(this.outcome(s, joined));
      else if (joined.onPremisesSyncEnabled === true) this.update(s, joined);
      else this.takeover(s, joined);
      return;
    }
    const holder = tenant.getUserByImmutableId(s.immutableId);
    if (holder) {
      if (holder.isCloudManaged) this.report.skippedCloudManaged.push(this.outcome(s, holder));
      else if (holder.onPremisesSyncEnabled === true && holder.connectorJoin === null) this.update(s, holder);
      else if (holder.onPremisesSyncEnabled === true) {
        this.fail(s, 'AttributeValueMustBeUnique', 'duplicate-source-anchor', `${s.upn}: the cloud user ${holder.userPrincipalName} with this sourceAnchor is synced from another AD object (${holder.connectorJoin ?? ''})`, 'onPremisesImmutableId', s.immutableId, holder.id);
      } else this.takeover(s, holder);
      return;
    }
    const deleted = deletedByAnchor.get(s.immutableId);
    if (deleted) {
      deletedByAnchor.delete(s.immutableId);
      this.restore(s, deleted);
      return;
    }
    const desiredUpn = flowAttributes(s.ad, firstMailNickname(s.ad, this.flow.domainDns), 'create', this.flow).userPrincipalName ?? s.upn;
    const decision = decideSoftMatch({
      primarySmtp: primarySmtpOf(s.ad),
      upn: desiredUpn,
      features: tenant.features(),
      book: this.book,
      holdsAdminRole: (id) => holdsAdminRole(tenant, id),
    });
    if (decision.kind === 'match') this.softMatch(s, decision.candidate);
    else this.create(s, decision.kind === 'miss' ? { candidate: decision.candidate, why: decision.why } : null);
  }

  /** A joined, synced object: its attributes follow AD. */
  private update(s: ScopedAdUser, user: Readonly<LabUser>): void {
    const written = this.write(s, user, 'update', {});
    if (!written) this.report.counts.unchanged++;
    else this.report.updated.push(this.outcome(s, written.user, { changed: written.changed }));
  }

  /** A cloud object with the anchor (or Connect's join) that is not synced: hard match, if Entra ID allows it. */
  private takeover(s: ScopedAdUser, holder: Readonly<LabUser>): void {
    const { tenant } = this;
    const refusal = takeoverRefusal({
      holder,
      ad: s.ad,
      upn: s.upn,
      immutableId: s.immutableId,
      features: tenant.features(),
      now: this.flow.now,
      privileged: tenant.isPrivileged(holder.id),
    });
    if (refusal) {
      this.fail(s, refusal.code, refusal.reason, refusal.message, refusal.property, refusal.value, holder.id);
      return;
    }
    const written = this.write(s, holder, 'match', { onPremisesImmutableId: s.immutableId, ...this.passwordFromAd() });
    const user = written?.user ?? holder;
    this.report.hardMatched.push(this.outcome(s, user, this.passwordReplaced()));
  }

  private softMatch(s: ScopedAdUser, candidate: Readonly<LabUser>): void {
    const written = this.write(s, candidate, 'match', { onPremisesImmutableId: s.immutableId, ...this.passwordFromAd() });
    this.report.softMatched.push(this.outcome(s, written?.user ?? candidate, this.passwordReplaced()));
  }

  private restore(s: ScopedAdUser, deleted: Readonly<LabDeletedUser>): void {
    const mailNickname = deleted.mailNickname ?? firstMailNickname(s.ad, this.flow.domainDns);
    const patch = { ...flowAttributes(s.ad, mailNickname, 'update', this.flow), connectorJoin: s.ad.objectGuid.toLowerCase(), ...this.passwordFromAd() };
    const values = this.resilient(s, null, patch, this.recordedOn(deleted.id));
    const user = this.tenant.restoreUser(deleted.id, { ...patch, userPrincipalName: values.userPrincipalName, proxyAddresses: values.proxyAddresses });
    this.afterWrite(s, user, values, null);
    this.report.restored.push(this.outcome(s, user, this.passwordReplaced()));
  }

  private create(s: ScopedAdUser, miss: { candidate: Readonly<LabUser>; why: SoftMatchMiss } | null): void {
    const patch = {
      ...flowAttributes(s.ad, firstMailNickname(s.ad, this.flow.domainDns), 'create', this.flow),
      onPremisesImmutableId: s.immutableId,
      connectorJoin: s.ad.objectGuid.toLowerCase(),
      exchangeMailbox: false,
      ...this.passwordFromAd(),
    };
    const values = this.resilient(s, null, patch, []);
    const user = this.tenant.createUser({ ...patch, userPrincipalName: values.userPrincipalName, proxyAddresses: values.proxyAddresses });
    this.afterWrite(s, user, values, miss?.why === 'admin-role' ? miss.candidate.id : null);
    this.report.created.push(
      this.outcome(s, user, {
        ...this.passwordReplaced(),
        ...(miss ? { notMatched: { userId: miss.candidate.id, upn: miss.candidate.userPrincipalName, why: miss.why } } : {}),
      }),
    );
  }

  /** Write the flow's attributes to an existing live user; null when nothing changed. */
  private write(s: ScopedAdUser, user: Readonly<LabUser>, mode: FlowMode, extra: LabUserPatch): { user: Readonly<LabUser>; changed: string[] } | null {
    const mailNickname = user.mailNickname ?? firstMailNickname(s.ad, this.flow.domainDns);
    const patch: LabUserPatch = { ...flowAttributes(s.ad, mailNickname, mode, this.flow), connectorJoin: s.ad.objectGuid.toLowerCase(), ...extra };
    const values = this.resilient(s, user, patch, this.recordedOn(user.id));
    if (patch.userPrincipalName !== undefined) patch.userPrincipalName = values.userPrincipalName;
    if (patch.proxyAddresses !== undefined) patch.proxyAddresses = values.proxyAddresses;
    const changed = changedKeys(user, patch);
    if (changed.length === 0 && values.added.length === 0 && values.released.length === 0) {
      // only Connect's own join is new (data saved before the lab recorded it): not a change to report
      if (user.connectorJoin !== patch.connectorJoin) this.afterWrite(s, this.tenant.updateUser(user.id, { connectorJoin: patch.connectorJoin ?? null }), values, null);
      return null;
    }
    const updated = changed.length ? this.tenant.updateUser(user.id, patch) : user;
    this.afterWrite(s, updated, values, null);
    return { user: updated, changed };
  }

  private resilient(s: ScopedAdUser, self: Readonly<LabUser> | null, patch: LabUserPatch, recorded: readonly Readonly<LabProvisioningError>[]) {
    return resolveDuplicates({
      self,
      key: s.immutableId,
      desiredUpn: patch.userPrincipalName ?? self?.userPrincipalName ?? s.upn,
      desiredProxyAddresses: patch.proxyAddresses ?? self?.proxyAddresses ?? [],
      recorded,
      book: this.book,
      initialDomain: this.flow.initialDomain,
    });
  }

  /** Keep the indexes current, record new quarantines once, release resolved ones. */
  private afterWrite(s: ScopedAdUser, user: Readonly<LabUser>, values: ReturnType<CycleWriter['resilient']>, adminCandidate: string | null): void {
    this.book.add(user);
    if (user.connectorJoin !== null) this.joins.set(user.connectorJoin.toLowerCase(), user.id);
    for (const r of values.released) {
      this.tenant.releaseQuarantine(user.id, r.property, r.value);
      this.quarantines.set(user.id, this.tenant.listQuarantines(user.id).slice());
      this.report.released.push({ userId: user.id, upn: user.userPrincipalName, property: r.property, value: r.value });
    }
    for (const c of values.added) this.quarantine(s, user, c, c.holder.id === adminCandidate ? 'ExistingAdminRoleConflict' : 'AttributeValueMustBeUnique');
  }

  private quarantine(s: ScopedAdUser, user: Readonly<LabUser>, c: Conflict, code: QuarantineCode): void {
    const what = c.property === 'UserPrincipalName' ? `the UPN ${c.value}` : `the proxy address ${c.value}`;
    const instead = c.property === 'UserPrincipalName' ? `; it was given the UPN ${user.userPrincipalName} instead` : ' and was left out';
    const why = code === 'ExistingAdminRoleConflict' ? `, a cloud user with an admin role, which Entra ID never soft-matches` : '';
    const rec = this.tenant.recordProvisioningError({
      kind: 'quarantine',
      code,
      category: 'PropertyConflict',
      objectId: user.id,
      adDn: s.ad.dn,
      propertyCausingError: c.property,
      value: c.value,
      conflictingObjectId: c.holder.id,
      message: `${s.upn}: ${what} is already used by ${c.holder.userPrincipalName}${why}; it was quarantined${instead}`,
    });
    this.quarantines.set(user.id, [...this.recordedOn(user.id), rec]);
    this.report.quarantined.push({
      userId: user.id,
      upn: user.userPrincipalName,
      dn: s.ad.dn,
      property: c.property,
      value: c.value,
      code,
      heldBy: { userId: c.holder.id, upn: c.holder.userPrincipalName },
    });
  }

  /** Record an export error (retried by the next cycle). */
  fail(s: ScopedAdUser, code: ProvisioningErrorCode, reason: ProvisioningErrorReason, message: string, property: string, value: string, userId?: string): void {
    this.report.errors.push({ upn: s.upn, dn: s.ad.dn, code, reason, message, ...(userId ? { userId } : {}) });
    this.tenant.recordProvisioningError({ kind: 'export', code, category: 'Other', objectId: null, adDn: s.ad.dn, propertyCausingError: property, value, message });
  }

  private passwordFromAd(): LabUserPatch {
    // "If you use password hash sync ... the password hash in Microsoft Entra ID is overwritten with
    // the password hash from on-premises AD" (how-to-connect-install-existing-tenant).
    return this.tenant.features().passwordSyncEnabled ? { passwordLastResetAt: this.flow.now } : {};
  }

  private passwordReplaced(): { passwordReplaced?: true } {
    return this.tenant.features().passwordSyncEnabled ? { passwordReplaced: true } : {};
  }

  private outcome(s: ScopedAdUser, u: Readonly<LabUser>, extra: Partial<SyncObjectOutcome> = {}): SyncObjectOutcome {
    return { upn: u.userPrincipalName, userId: u.id, dn: s.ad.dn, immutableId: s.immutableId, ...extra };
  }
}

/** The tenant's accidental-delete threshold as a count, or null when prevention is off. */
export function tenantDeletionThreshold(tenant: LabTenant): number | null {
  const p = tenant.getOnPremisesSynchronization().configuration.accidentalDeletionPrevention;
  if (p.alertThreshold === null) return null;
  switch (p.synchronizationPreventionType) {
    case 'disabled':
      return null;
    case 'enabledForCount':
      return p.alertThreshold;
    case 'enabledForPercentage': {
      const synced = tenant.listUsers().filter((u) => u.onPremisesSyncEnabled === true).length;
      return Math.floor((synced * p.alertThreshold) / 100);
    }
  }
}

/**
 * "Microsoft Entra ID won't match on-premises users with cloud users that have an admin role"
 * (how-to-connect-install-existing-tenant#admin-role-considerations): an assigned directory role
 * whose name says Administrator. PIM-eligible roles are not assigned and do not count (unconfirmed).
 */
function holdsAdminRole(tenant: LabTenant, userId: string): boolean {
  return tenant.rolesOfUser(userId).some((r) => /administrator/i.test(r.displayName));
}

/** A real tenant always has an initial domain; a hand-made lab tenant may list none. */
function fallbackInitialDomain(tenant: LabTenant): string {
  const name = tenant.getOrganization().displayName.toLowerCase().replace(/[^a-z0-9]/g, '') || 'lab';
  return `${name}.onmicrosoft.com`;
}

/** The patch keys whose value differs from the user's (ignoring the last-sync stamp and the password time). */
function changedKeys(u: Readonly<LabUser>, patch: LabUserPatch): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || k === 'onPremisesLastSyncDateTime' || k === 'passwordLastResetAt' || k === 'connectorJoin') continue;
    const cur = (u as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(cur) !== JSON.stringify(v)) out.push(k);
  }
  return out.sort();
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
