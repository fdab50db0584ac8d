import { guidToImmutableId, isGuid } from '../model/anchor.js';
import type { Identity, JoinConflict, JoinOptions, JoinResult } from '../model/identity.js';

export type { JoinOptions } from '../model/identity.js';
import type { DesiredState } from '../model/desired.js';
import type { AdUser, DeletedEntraUser, EntraUser, ObservedState, SourceAnchorAttribute } from '../model/observed.js';
import { ValueIndex } from './value-index.js';


/**
 * The join options for a manifest over a state read: its source anchor, and softMatchOnUpn as the
 * tenant reports it, else as the manifest states it (an application cannot read the tenant's sync
 * settings: the planner then takes the manifest's values as in force), else off. Plan, apply's stale
 * check and drift all join with these, so they agree on which users are one identity.
 */
export function joinOptionsFor(desired: Pick<DesiredState, 'activeDirectory' | 'tenant'>, observed: Pick<ObservedState, 'tenant'>): JoinOptions {
  return {
    sourceAnchor: desired.activeDirectory.sourceAnchor,
    softMatchOnUpn: observed.tenant.features?.softMatchOnUpnEnabled ?? desired.tenant.features.softMatchOnUpn ?? false,
  };
}

/**
 * The source anchor of an AD user as an ImmutableID (docs/lab-graph.md, "sourceAnchor and ImmutableID"): mS-DS-ConsistencyGuid when the
 * install uses it and it is set, else objectGUID (Connect writes objectGUID into an empty
 * consistency guid on first export, so both give the same value then).
 */
export function anchorOf(ad: AdUser, sourceAnchor: SourceAnchorAttribute): string {
  const guid =
    sourceAnchor === 'mS-DS-ConsistencyGuid' && ad.consistencyGuid !== null && isGuid(ad.consistencyGuid)
      ? ad.consistencyGuid
      : ad.objectGuid;
  return guidToImmutableId(guid);
}

/**
 * The primary SMTP address (lower case) Connect would use for soft match: the `SMTP:` entry of
 * proxyAddresses, else `mail` (Connect derives the primary from mail when proxyAddresses is empty).
 */
export function primarySmtp(proxyAddresses: readonly string[], mail: string | null): string | null {
  for (const p of proxyAddresses) {
    if (p.startsWith('SMTP:')) return p.slice(5).toLowerCase();
  }
  if (proxyAddresses.length === 0 && mail) return mail.toLowerCase();
  return null;
}

/**
 * The UPN a soft-deleted user had: Entra ID prefixes the UPN of deleted users with their object id
 * without dashes (`33e89bc6…maria@contoso.com`); older deletions may not carry the prefix.
 */
export function deletedUserUpn(d: DeletedEntraUser): string {
  const prefix = d.id.replace(/-/g, '').toLowerCase();
  return d.userPrincipalName.toLowerCase().startsWith(prefix) && d.userPrincipalName.length > prefix.length
    ? d.userPrincipalName.slice(prefix.length)
    : d.userPrincipalName;
}

/** True when Entra Connect owns the user: synced now and not switched to cloud management. */
export function isSyncedUser(e: EntraUser): boolean {
  return e.onPremisesSyncEnabled === true && e.isCloudManaged !== true;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Draft {
  ad?: AdUser;
  entra?: EntraUser;
  deleted?: DeletedEntraUser;
  link: Identity['link'];
  anchor?: string;
  softMatchBy?: 'smtp' | 'upn';
  /** The AD user's primary SMTP address (computed once). */
  adSmtp?: string | null;
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/**
 * Joins AD users and Entra users into identities (docs/planning.md, "Identities and object keys"): hard links by anchor, soft-match
 * candidates (primary SMTP, or UPN when `softMatchOnUpn`), soft-deleted Entra users attached by anchor.
 * Deterministic whatever the input order (ties are broken by id, every list is sorted) and one pass
 * per side: each user's anchor and primary address are computed once, no input is copied or sorted.
 *
 * Keys: `user/<lower-case UPN>` (Entra UPN first, else AD UPN, else `user/sam:<sam>`). When two
 * identities would share a key, the one with an Entra user (linked ones first) keeps it; the others
 * get `#entra:<id>` or `#ad:<objectGuid>` appended, so keys stay unique and reproducible.
 */
export function joinIdentities(observed: ObservedState, opts: JoinOptions): JoinResult {
  const entraUsers = observed.entra.users;
  // The Entra user an anchor links to: of several, the lowest id (the others are a conflict).
  const entraByImmutable = new ValueIndex<EntraUser>();
  for (const e of entraUsers) if (e.onPremisesImmutableId) entraByImmutable.add(e.onPremisesImmutableId, e);
  const linkTarget = (anchor: string): EntraUser | undefined => {
    const shared = entraByImmutable.shared.size === 0 ? undefined : entraByImmutable.shared.get(anchor);
    return shared === undefined ? entraByImmutable.first(anchor) : shared.reduce((a, b) => (b.id < a.id ? b : a));
  };
  // The soft-deleted user an anchor points to: the most recently deleted, then the lowest id.
  const deletedByImmutable = new Map<string, DeletedEntraUser>();
  for (const d of observed.entra.deletedUsers) {
    if (!d.onPremisesImmutableId) continue;
    const held = deletedByImmutable.get(d.onPremisesImmutableId);
    if (held === undefined || d.deletedDateTime > held.deletedDateTime || (d.deletedDateTime === held.deletedDateTime && d.id < held.id)) {
      deletedByImmutable.set(d.onPremisesImmutableId, d);
    }
  }

  const drafts: Draft[] = [];
  const linkedEntra = new Set<string>();
  const unlinkedAd: Draft[] = [];
  const adByUpn = new ValueIndex<AdUser>();
  const adBySmtp = new ValueIndex<AdUser>();

  for (const ad of observed.ad.users) {
    const anchor = anchorOf(ad, opts.sourceAnchor);
    const smtp = primarySmtp(ad.proxyAddresses, ad.mail);
    const draft: Draft = { ad, link: 'none', anchor };
    const first = linkTarget(anchor);
    if (first !== undefined) {
      draft.entra = first;
      draft.link = 'hard';
      linkedEntra.add(first.id);
    } else {
      draft.adSmtp = smtp;
      unlinkedAd.push(draft);
    }
    const deleted = deletedByImmutable.get(anchor);
    if (deleted) draft.deleted = deleted;
    drafts.push(draft);
    if (ad.userPrincipalName) adByUpn.add(ad.userPrincipalName.toLowerCase(), ad);
    if (smtp) adBySmtp.add(smtp, ad);
  }

  // Soft-match candidates among the unlinked users (Entra users synced from elsewhere are not
  // candidates); duplicate addresses over all Entra users (not only candidates).
  const entraBySmtp = new Map<string, EntraUser[]>();
  const entraByUpn = new Map<string, EntraUser[]>();
  const allEntraBySmtp = new ValueIndex<EntraUser>();
  for (const e of entraUsers) {
    const smtp = primarySmtp(e.proxyAddresses, e.mail);
    if (smtp) allEntraBySmtp.add(smtp, e);
    if (linkedEntra.has(e.id) || e.onPremisesSyncEnabled === true) continue;
    if (smtp) pushTo(entraBySmtp, smtp, e);
    if (opts.softMatchOnUpn) pushTo(entraByUpn, e.userPrincipalName.toLowerCase(), e);
  }

  const adCandidates: { draft: Draft; entra: EntraUser[]; by: Map<string, 'smtp' | 'upn'> }[] = [];
  const entraCandidateOf = new Map<string, Draft[]>();
  for (const draft of unlinkedAd) {
    const ad = draft.ad as AdUser;
    const smtp = draft.adSmtp ?? null;
    const bySmtp = smtp ? entraBySmtp.get(smtp) : undefined;
    const byUpn = opts.softMatchOnUpn && ad.userPrincipalName ? entraByUpn.get(ad.userPrincipalName.toLowerCase()) : undefined;
    if (bySmtp === undefined && byUpn === undefined) continue;
    const found = new Map<string, EntraUser>();
    const by = new Map<string, 'smtp' | 'upn'>();
    for (const e of bySmtp ?? []) { found.set(e.id, e); by.set(e.id, 'smtp'); }
    for (const e of byUpn ?? []) {
      if (!found.has(e.id)) { found.set(e.id, e); by.set(e.id, 'upn'); }
    }
    const list = [...found.values()].sort((a, b) => cmp(a.id, b.id));
    adCandidates.push({ draft, entra: list, by });
    for (const e of list) pushTo(entraCandidateOf, e.id, draft);
  }

  const ambiguous: { ad: AdUser[]; entra: EntraUser[]; value: string }[] = [];
  for (const { draft, entra, by } of adCandidates) {
    const ad = draft.ad as AdUser;
    if (entra.length > 1) {
      ambiguous.push({ ad: [ad], entra, value: draft.adSmtp ?? ad.userPrincipalName ?? ad.samAccountName });
      continue;
    }
    const e = entra[0] as EntraUser;
    const rivals = entraCandidateOf.get(e.id) ?? [];
    if (rivals.length > 1) {
      // Reported once, from the first AD user in order.
      if (rivals[0] === draft) ambiguous.push({ ad: rivals.map((r) => r.ad as AdUser), entra: [e], value: e.userPrincipalName });
      continue;
    }
    draft.entra = e;
    draft.link = 'soft-candidate';
    draft.softMatchBy = by.get(e.id) ?? 'smtp';
    linkedEntra.add(e.id);
  }

  for (const e of entraUsers) {
    if (!linkedEntra.has(e.id)) drafts.push({ entra: e, link: 'none' });
  }

  const identities = assignKeys(drafts);
  const conflicts = joinConflicts(identities, entraByImmutable.shared, adByUpn.shared, adBySmtp.shared, allEntraBySmtp.shared, ambiguous);
  return { identities, conflicts };
}

/** The join's conflicts, sorted (code, value, keys). */
function joinConflicts(
  identities: readonly Identity[],
  sharedAnchors: ReadonlyMap<string, EntraUser[]>,
  sharedAdUpns: ReadonlyMap<string, AdUser[]>,
  sharedAdAddresses: ReadonlyMap<string, AdUser[]>,
  sharedEntraAddresses: ReadonlyMap<string, EntraUser[]>,
  ambiguous: readonly { ad: AdUser[]; entra: EntraUser[]; value: string }[],
): JoinConflict[] {
  const conflicts: JoinConflict[] = [];
  if (sharedAnchors.size + sharedAdUpns.size + sharedAdAddresses.size + sharedEntraAddresses.size + ambiguous.length === 0) return conflicts;
  const keyOfAd = new Map<string, string>();
  const keyOfEntra = new Map<string, string>();
  for (const i of identities) {
    if (i.ad) keyOfAd.set(i.ad.objectGuid, i.key);
    if (i.entra) keyOfEntra.set(i.entra.id, i.key);
  }
  const keysOf = (ads: readonly AdUser[], es: readonly EntraUser[]): string[] =>
    [...new Set([...ads.map((a) => keyOfAd.get(a.objectGuid) ?? ''), ...es.map((e) => keyOfEntra.get(e.id) ?? '')])]
      .filter((k) => k !== '')
      .sort(cmp);

  for (const [anchor, cloud] of sharedAnchors) {
    conflicts.push({
      code: 'duplicate-anchor',
      keys: keysOf([], cloud),
      value: anchor,
      message: `${cloud.length} Entra users carry the immutable id ${anchor} (${cloud.map((c) => c.userPrincipalName).sort(cmp).join(', ')}); only one can be linked: clear or change the immutable id of the others`,
    });
  }
  for (const [upn, ads] of sharedAdUpns) {
    conflicts.push({
      code: 'duplicate-ad-upn',
      keys: keysOf(ads, []),
      value: upn,
      message: `${ads.length} AD users have the UPN ${upn} (${ads.map((a) => a.dn).sort(cmp).join('; ')}); Entra Connect exports only one: give each a unique userPrincipalName`,
    });
  }
  for (const [smtp, ads] of sharedAdAddresses) {
    conflicts.push({
      code: 'duplicate-ad-address',
      keys: keysOf(ads, []),
      value: smtp,
      message: `${ads.length} AD users have the primary address ${smtp} (${ads.map((a) => a.dn).sort(cmp).join('; ')}); Entra Connect reports a duplicate-attribute error: make the addresses unique`,
    });
  }
  for (const [smtp, es] of sharedEntraAddresses) {
    conflicts.push({
      code: 'duplicate-entra-address',
      keys: keysOf([], es),
      value: smtp,
      message: `${es.length} Entra users have the primary address ${smtp} (${es.map((e) => e.userPrincipalName).sort(cmp).join(', ')}); a soft match on it is ambiguous: make the addresses unique`,
    });
  }
  for (const a of ambiguous) {
    conflicts.push({
      code: 'ambiguous-soft-match',
      keys: keysOf(a.ad, a.entra),
      value: a.value,
      message: `soft match on ${a.value} is ambiguous: AD ${a.ad.map((x) => x.dn).sort(cmp).join('; ')} ↔ Entra ${a.entra.map((x) => x.userPrincipalName).sort(cmp).join(', ')}; make the primary SMTP addresses and UPNs unique`,
    });
  }
  conflicts.sort((a, b) => cmp(a.code, b.code) || cmp(a.value, b.value) || cmp(a.keys.join(','), b.keys.join(',')));
  return conflicts;
}

function baseKey(d: Draft): string {
  if (d.entra) return `user/${d.entra.userPrincipalName.toLowerCase()}`;
  if (d.ad?.userPrincipalName) return `user/${d.ad.userPrincipalName.toLowerCase()}`;
  return `user/sam:${(d.ad?.samAccountName ?? '').toLowerCase()}`;
}

function rank(d: Draft): number {
  if (d.entra && d.ad) return 0;
  if (d.entra) return 1;
  return 2;
}

function tieId(d: Draft): string {
  return d.entra ? d.entra.id : (d.ad?.objectGuid ?? '');
}

/** Identities with unique keys, in key order (see `joinIdentities`); one key per draft, lists only where keys collide. */
function assignKeys(drafts: readonly Draft[]): Identity[] {
  const keys = new ValueIndex<Draft>();
  const baseKeys: string[] = [];
  for (const d of drafts) {
    const key = baseKey(d);
    baseKeys.push(key);
    keys.add(key, d);
  }
  const out: Identity[] = [];
  const anyShared = keys.shared.size > 0;
  drafts.forEach((d, n) => {
    const key = baseKeys[n] as string;
    if (!anyShared || !keys.shared.has(key)) out.push(toIdentity(key, d));
  });
  for (const [key, list] of keys.shared) {
    list.sort((a, b) => rank(a) - rank(b) || cmp(tieId(a), tieId(b)) || cmp(a.ad?.dn ?? '', b.ad?.dn ?? ''));
    list.forEach((d, i) => {
      const k = i === 0 ? key : d.entra ? `${key}#entra:${d.entra.id}` : `${key}#ad:${d.ad?.objectGuid ?? ''}`;
      out.push(toIdentity(k, d));
    });
  }
  out.sort((a, b) => cmp(a.key, b.key));
  return out;
}

function toIdentity(key: string, d: Draft): Identity {
  const i: Identity = { key, link: d.link };
  if (d.ad) i.ad = d.ad;
  if (d.entra) i.entra = d.entra;
  if (d.deleted) i.deleted = d.deleted;
  if (d.anchor !== undefined) i.anchor = d.anchor;
  if (d.softMatchBy) i.softMatchBy = d.softMatchBy;
  return i;
}
