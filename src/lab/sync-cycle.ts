/**
 * The sync-cycle simulator: one Entra Connect delta cycle (domain.md §3) from an AD (any
 * `DirectoryAccess`: the lab's MemoryDirectory or Samba through src/ad) into the lab tenant.
 *
 * Order of one cycle
 * 1. Tenant sync off, or a tenant-wide disable pending → nothing happens (`ran: false`).
 * 2. Read every AD user; keep those in the OU scope; compute each one's source anchor (and write
 *    objectGUID into an empty mS-DS-ConsistencyGuid when that is the source anchor, like Connect).
 * 3. Deletions: synced, not cloud-managed cloud users whose immutable id is not the anchor of any
 *    in-scope AD user. More than the threshold → the whole export stops
 *    (`stopped-deletion-threshold-exceeded`) and nothing is written to the tenant.
 * 4. Deletions are exported, then every in-scope AD user (in DN order) is joined, matched,
 *    restored or created, and its attributes flow AD → Entra.
 *
 * Not modelled: groups and memberships, password hash sync, the duplicate-attribute resiliency
 * quarantine (a collision is an error here, the object is not created), attribute filtering
 * beyond OUs, the Connect metaverse (the join is the immutable id, nothing else).
 */
import type { DirectoryAccess } from '../model/directory.js';
import type { AdUser, SourceAnchorAttribute } from '../model/observed.js';
import { HARD_MATCH_RESTRICTION_DATE } from '../model/observed.js';
import { guidToImmutableId } from '../model/anchor.js';
import { dnComponents } from '../model/dn.js';
import type { LabDeletedUser, LabTenant, LabUser, LabUserPatch } from './tenant.js';
import { LabTenantError } from './tenant.js';
import { inSyncScope } from '../observe/select.js';
import type { ProvisioningErrorCode, ProvisioningErrorReason, SyncCycleReport, SyncObjectOutcome } from './sync-report.js';
import { emptySyncReport } from './sync-report.js';

/** Entra Connect's settings that matter to a cycle. */
export interface SyncConfig {
  /** The install's source anchor attribute. */
  sourceAnchor: SourceAnchorAttribute;
  /** OU filtering: an empty `include` means the whole base DN. DNs compared case-insensitively. */
  syncScope: { include: string[]; exclude: string[] };
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

/** From this date hard match is refused for cloud users with onPremisesObjectIdentifier or a privileged role (defined with the model, shared with the planner). */
export { HARD_MATCH_RESTRICTION_DATE };

/**
 * Entra Connect's OU filter, shared with the observer/planner (src/observe/select.ts) so the lab
 * and the plan's predictions agree: the deepest listed container above the object decides.
 */
export { inSyncScope };

/** The DNS domain of a DN's DC= components (`DC=lab,DC=example,DC=test` → `lab.example.test`). */
export function dnsDomainOf(dn: string): string | null {
  const dcs = dnComponents(dn)
    .filter((rdn) => rdn.startsWith('dc='))
    .map((rdn) => rdn.slice(3));
  return dcs.length ? dcs.join('.') : null;
}

/** The AD user's primary SMTP address (the `SMTP:` proxy address, else `mail`), lower case. */
export function primarySmtp(u: { proxyAddresses: readonly string[]; mail: string | null }): string | null {
  const p = u.proxyAddresses.find((a) => a.startsWith('SMTP:'));
  const addr = p ? p.slice(5) : u.mail;
  return addr ? addr.toLowerCase() : null;
}

/** Every SMTP address of a user (proxy addresses and mail), lower case, without prefix. */
function smtpAddresses(u: { proxyAddresses: readonly string[]; mail: string | null }): Set<string> {
  const out = new Set<string>();
  for (const p of u.proxyAddresses) if (/^smtp:/i.test(p)) out.add(p.slice(5).toLowerCase());
  if (u.mail) out.add(u.mail.toLowerCase());
  return out;
}

/**
 * Cloud users by SMTP address, kept current through the cycle's own writes (the per-object pass
 * has no await, so nothing else writes meanwhile). Makes a cycle O(n) instead of O(n²).
 */
class AddressIndex {
  private readonly primary = new Map<string, Set<string>>();
  private readonly any = new Map<string, Set<string>>();
  private readonly keys = new Map<string, { primary: string | null; any: string[] }>();

  constructor(users: readonly Readonly<LabUser>[]) {
    for (const u of users) this.add(u);
  }

  add(u: Readonly<LabUser>): void {
    this.remove(u.id);
    const k = { primary: primarySmtp(u), any: [...smtpAddresses(u)] };
    this.keys.set(u.id, k);
    if (k.primary) put(this.primary, k.primary, u.id);
    for (const a of k.any) put(this.any, a, u.id);
  }

  remove(id: string): void {
    const k = this.keys.get(id);
    if (!k) return;
    this.keys.delete(id);
    if (k.primary) this.primary.get(k.primary)?.delete(id);
    for (const a of k.any) this.any.get(a)?.delete(id);
  }

  /** Ids of users whose primary SMTP address is `address` (lower case). */
  byPrimary(address: string): string[] {
    return [...(this.primary.get(address) ?? [])];
  }

  /** Ids of users holding `address` (lower case) as any SMTP address or mail. */
  byAny(address: string): string[] {
    return [...(this.any.get(address) ?? [])];
  }
}

function put(m: Map<string, Set<string>>, k: string, id: string): void {
  let set = m.get(k);
  if (!set) m.set(k, (set = new Set()));
  set.add(id);
}

interface ScopedAdUser {
  ad: AdUser;
  immutableId: string;
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
  const domain = dnsDomainOf(directory.baseDn);
  const scoped: ScopedAdUser[] = [];
  for (const ad of adUsers) {
    if (!inSyncScope(ad.dn, config.syncScope, directory.baseDn)) continue;
    let guid: string;
    if (config.sourceAnchor === 'mS-DS-ConsistencyGuid') {
      if (ad.consistencyGuid === null) {
        await directory.setConsistencyGuid(ad.dn, ad.objectGuid);
        report.consistencyGuidsWritten.push(ad.dn);
        guid = ad.objectGuid;
      } else {
        guid = ad.consistencyGuid;
      }
    } else {
      guid = ad.objectGuid;
    }
    const upn = ad.userPrincipalName ?? `${ad.samAccountName}@${domain ?? 'invalid'}`;
    scoped.push({ ad, immutableId: guidToImmutableId(guid), upn });
  }
  report.counts.inScope = scoped.length;
  const inScopeAnchors = new Set(scoped.map((s) => s.immutableId));

  // ---- deletions and the accidental-delete threshold ----
  const toDelete = tenant
    .listUsers()
    .filter((u) => u.onPremisesSyncEnabled === true && !u.isCloudManaged && u.onPremisesImmutableId !== null && !inScopeAnchors.has(u.onPremisesImmutableId));
  report.counts.pendingDeletions = toDelete.length;
  const threshold = config.deletionThreshold ?? tenantDeletionThreshold(tenant);
  tenant.clearProvisioningErrors();
  if (threshold !== null && toDelete.length > threshold) {
    report.stopped = 'stopped-deletion-threshold-exceeded';
    report.message = `the export would delete ${toDelete.length} objects, more than the accidental-delete threshold of ${threshold}: nothing was exported`;
    tenant.recordProvisioningError({
      code: 'stopped-deletion-threshold-exceeded',
      category: 'Other',
      objectId: null,
      adDn: null,
      propertyCausingError: null,
      value: String(toDelete.length),
      message: report.message,
    });
    report.counts.errors = 0;
    return report;
  }
  for (const u of toDelete) {
    const outcome: SyncObjectOutcome = { upn: u.userPrincipalName, userId: u.id, dn: null, immutableId: u.onPremisesImmutableId ?? '' };
    tenant.deleteUser(u.id);
    report.deleted.push(outcome);
  }

  // ---- per-object sync ----
  const index = new AddressIndex(tenant.listUsers());
  const deletedByAnchor = new Map<string, Readonly<LabDeletedUser>>();
  for (const d of [...tenant.listDeletedUsers()].sort((a, b) => cmp(a.deletedDateTime, b.deletedDateTime))) {
    if (d.onPremisesImmutableId !== null) deletedByAnchor.set(d.onPremisesImmutableId, d); // the latest wins
  }
  const afterMatch = new Date(now).getTime() >= Date.parse(HARD_MATCH_RESTRICTION_DATE);
  const features = tenant.features();
  for (const s of scoped) {
    const { ad, immutableId } = s;
    const outcome = (u: Readonly<LabUser>, changed?: string[]): SyncObjectOutcome => ({
      upn: u.userPrincipalName,
      userId: u.id,
      dn: ad.dn,
      immutableId,
      ...(changed ? { changed } : {}),
    });
    const fail = (code: ProvisioningErrorCode, reason: ProvisioningErrorReason, message: string, userId?: string, property?: string, value?: string) => {
      report.errors.push({ upn: s.upn, dn: ad.dn, code, reason, message, ...(userId ? { userId } : {}) });
      tenant.recordProvisioningError({
        code,
        category: code === 'AttributeValueMustBeUnique' || code === 'InvalidSoftMatch' ? 'PropertyConflict' : 'Other',
        objectId: userId ?? null,
        adDn: ad.dn,
        propertyCausingError: property ?? null,
        value: value ?? null,
        message,
      });
    };
    const tryWrite = (what: () => Readonly<LabUser>, userId?: string): Readonly<LabUser> | null => {
      try {
        const u = what();
        index.add(u);
        return u;
      } catch (e) {
        if (!(e instanceof LabTenantError)) throw e;
        fail('AttributeValueMustBeUnique', 'duplicate-attribute', `${s.upn}: ${e.message}`, userId, 'userPrincipalName', s.upn);
        return null;
      }
    };

    // 1. hard: a live cloud user carries this anchor
    const holder = tenant.getUserByImmutableId(immutableId);
    if (holder) {
      if (holder.isCloudManaged) {
        report.skippedCloudManaged.push(outcome(holder));
        continue;
      }
      if (holder.onPremisesSyncEnabled === true) {
        const patch = flowPatch(ad, s.upn, domain, now, 'all');
        const changed = changedKeys(holder, patch);
        if (changed.length === 0) {
          report.counts.unchanged++;
          continue;
        }
        const u = tryWrite(() => tenant.updateUser(holder.id, patch), holder.id);
        if (u) report.updated.push(outcome(u, changed));
        continue;
      }
      if (features.blockCloudObjectTakeoverThroughHardMatchEnabled) {
        fail(
          'InvalidHardMatch',
          'hard-match-takeover-blocked',
          `${s.upn}: the cloud user ${holder.userPrincipalName} has this object's immutable id, but blockCloudObjectTakeoverThroughHardMatchEnabled is on: hard match refused`,
          holder.id,
          'onPremisesImmutableId',
          immutableId,
        );
        continue;
      }
      if (afterMatch && holder.onPremisesObjectIdentifier !== null) {
        fail(
          'AttributeUpdateNotAllowed',
          'hard-match-object-identifier',
          `${s.upn}: the cloud user ${holder.userPrincipalName} has onPremisesObjectIdentifier set: hard match is refused from 2026-07-01`,
          holder.id,
          'onPremisesObjectIdentifier',
          holder.onPremisesObjectIdentifier,
        );
        continue;
      }
      if (afterMatch && tenant.isPrivileged(holder.id)) {
        fail(
          'AttributeUpdateNotAllowed',
          'hard-match-privileged-role',
          `${s.upn}: the cloud user ${holder.userPrincipalName} holds or is eligible for a privileged role: hard match is refused from 2026-07-01`,
          holder.id,
          'onPremisesImmutableId',
          immutableId,
        );
        continue;
      }
      const u = tryWrite(() => tenant.updateUser(holder.id, flowPatch(ad, s.upn, domain, now, 'match')), holder.id);
      if (u) report.hardMatched.push(outcome(u));
      continue;
    }

    // 2. a soft-deleted cloud user with this anchor comes back when its AD object is in scope again
    const deleted = deletedByAnchor.get(immutableId);
    if (deleted) {
      deletedByAnchor.delete(immutableId);
      const restored = tryWrite(() => {
        tenant.restoreUser(deleted.id);
        return tenant.updateUser(deleted.id, flowPatch(ad, s.upn, domain, now, 'all'));
      }, deleted.id);
      if (restored) report.restored.push(outcome(restored));
      continue;
    }

    // 3. soft match: primary SMTP (always), UPN (with softMatchOnUpnEnabled)
    const smtp = primarySmtp(ad);
    const bySmtp = smtp ? index.byPrimary(smtp).map((id) => tenant.getUser(id)).filter((u): u is Readonly<LabUser> => u !== undefined) : [];
    const byUpn = features.softMatchOnUpnEnabled ? [tenant.getUserByUpn(s.upn)].filter((u): u is Readonly<LabUser> => u !== undefined) : [];
    const candidate = bySmtp[0] ?? byUpn[0];
    if (candidate) {
      const via = bySmtp[0] ? `primary SMTP address ${smtp ?? ''}` : `UPN ${s.upn}`;
      if (candidate.isCloudManaged) {
        report.skippedCloudManaged.push(outcome(candidate));
        continue;
      }
      if (candidate.onPremisesSyncEnabled === true) {
        fail(
          'AttributeValueMustBeUnique',
          'duplicate-attribute',
          `${s.upn}: the ${via} is already used by ${candidate.userPrincipalName}, which is synced from another AD object`,
          candidate.id,
          bySmtp[0] ? 'proxyAddresses' : 'userPrincipalName',
          bySmtp[0] ? (smtp ?? '') : s.upn,
        );
        continue;
      }
      if (features.blockSoftMatchEnabled) {
        fail(
          'AttributeValueMustBeUnique',
          'soft-match-blocked',
          `${s.upn}: matches cloud user ${candidate.userPrincipalName} by ${via}, but blockSoftMatchEnabled is on: the new object collides with it`,
          candidate.id,
          bySmtp[0] ? 'proxyAddresses' : 'userPrincipalName',
          bySmtp[0] ? (smtp ?? '') : s.upn,
        );
        continue;
      }
      if (candidate.onPremisesImmutableId !== null) {
        fail(
          'InvalidSoftMatch',
          'soft-match-has-immutable-id',
          `${s.upn}: matches cloud user ${candidate.userPrincipalName} by ${via}, but that user already has immutable id ${candidate.onPremisesImmutableId}: soft match refused`,
          candidate.id,
          'onPremisesImmutableId',
          candidate.onPremisesImmutableId,
        );
        continue;
      }
      if (holdsAdminRole(tenant, candidate.id)) {
        fail(
          'AttributeValueMustBeUnique',
          'soft-match-admin-role',
          `${s.upn}: matches cloud user ${candidate.userPrincipalName} by ${via}, but that user holds an admin role and is never soft-matched: the new object collides with it`,
          candidate.id,
          bySmtp[0] ? 'proxyAddresses' : 'userPrincipalName',
          bySmtp[0] ? (smtp ?? '') : s.upn,
        );
        continue;
      }
      const u = tryWrite(() => tenant.updateUser(candidate.id, { ...flowPatch(ad, s.upn, domain, now, 'match'), onPremisesImmutableId: immutableId }), candidate.id);
      if (u) report.softMatched.push(outcome(u));
      continue;
    }

    // 4. a new synced cloud user, unless it collides
    const upnHolder = tenant.getUserByUpn(s.upn);
    if (upnHolder) {
      fail(
        'AttributeValueMustBeUnique',
        'duplicate-attribute',
        `${s.upn}: the UPN is already used by cloud user ${upnHolder.userPrincipalName}${upnHolder.onPremisesSyncEnabled === true ? ' (synced from another AD object)' : ''}`,
        upnHolder.id,
        'userPrincipalName',
        s.upn,
      );
      continue;
    }
    const collision = firstAddressCollision(tenant, index, ad);
    if (collision) {
      fail(
        'AttributeValueMustBeUnique',
        'duplicate-attribute',
        `${s.upn}: the proxy address ${collision.address} is already used by cloud user ${collision.user.userPrincipalName}`,
        collision.user.id,
        'proxyAddresses',
        collision.address,
      );
      continue;
    }
    const created = tryWrite(() =>
      tenant.createUser({ userPrincipalName: s.upn, ...flowPatch(ad, s.upn, domain, now, 'all'), onPremisesImmutableId: immutableId }),
    );
    if (created) report.created.push(outcome(created));
  }

  report.counts.created = report.created.length;
  report.counts.updated = report.updated.length;
  report.counts.hardMatched = report.hardMatched.length;
  report.counts.softMatched = report.softMatched.length;
  report.counts.restored = report.restored.length;
  report.counts.deleted = report.deleted.length;
  report.counts.skippedCloudManaged = report.skippedCloudManaged.length;
  report.counts.errors = report.errors.length;
  tenant.recordSyncCycle(now);
  report.message = `${report.counts.inScope} of ${report.counts.adUsers} AD users in scope; ${report.counts.created} created, ${report.counts.updated} updated, ${report.counts.hardMatched} hard-matched, ${report.counts.softMatched} soft-matched, ${report.counts.restored} restored, ${report.counts.deleted} deleted, ${report.counts.skippedCloudManaged} skipped (cloud-managed), ${report.counts.errors} errors`;
  return report;
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
 * The cloud attributes an AD user determines. `all` (a joined object): every attribute flows,
 * an empty AD value clears the cloud one. `match` (hard / soft match): only attributes with an
 * on-prem value overwrite the cloud ones (domain.md §3).
 */
function flowPatch(ad: AdUser, upn: string, domain: string | null, now: string, mode: 'all' | 'match'): LabUserPatch {
  const proxy = ad.proxyAddresses.length ? [...ad.proxyAddresses] : ad.mail ? [`SMTP:${ad.mail}`] : [];
  const full: LabUserPatch = {
    userPrincipalName: upn,
    displayName: ad.displayName ?? ad.samAccountName,
    givenName: ad.givenName,
    surname: ad.surname,
    mail: ad.mail,
    mailNickname: ad.samAccountName,
    proxyAddresses: proxy,
    accountEnabled: ad.enabled,
    onPremisesSyncEnabled: true,
    onPremisesDistinguishedName: ad.dn,
    onPremisesSamAccountName: ad.samAccountName,
    onPremisesDomainName: domain,
    onPremisesUserPrincipalName: ad.userPrincipalName,
    onPremisesLastSyncDateTime: now,
    onPremisesObjectIdentifier: ad.objectGuid,
  };
  if (mode === 'all') return full;
  const out: LabUserPatch = {};
  for (const [k, v] of Object.entries(full) as [keyof LabUserPatch, LabUserPatch[keyof LabUserPatch]][]) {
    if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The patch keys whose value differs from the user's (ignoring the last-sync stamp). */
function changedKeys(u: Readonly<LabUser>, patch: LabUserPatch): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'onPremisesLastSyncDateTime') continue;
    const cur = (u as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(cur) !== JSON.stringify(v)) out.push(k);
  }
  return out.sort();
}

function holdsAdminRole(tenant: LabTenant, userId: string): boolean {
  return tenant.isPrivileged(userId) || tenant.rolesOfUser(userId).some((r) => /administrator/i.test(r.displayName));
}

function firstAddressCollision(tenant: LabTenant, index: AddressIndex, ad: AdUser): { address: string; user: Readonly<LabUser> } | null {
  for (const address of smtpAddresses(ad)) {
    for (const id of index.byAny(address)) {
      const user = tenant.getUser(id);
      if (user) return { address, user };
    }
  }
  return null;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
