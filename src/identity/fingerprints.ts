import type { Identity, JoinResult } from '../model/identity.js';
import type { FingerprintDetails } from '../model/plan.js';
import { canonicalJson, fingerprint } from '../model/fingerprint.js';
import type { AdUser, EntraUser, ObservedState, RoleAssignment, SourceAnchorAttribute, TenantSyncState } from '../model/observed.js';
import { joinIdentities } from './join.js';

/** What identifies a fingerprinted object: an identity, a group, or the tenant. */
function identityContent(i: Identity): unknown {
  return { ad: i.ad ? stableAd(i.ad) : null, entra: i.entra ? stableEntra(i.entra) : null, deleted: i.deleted ?? null };
}

const sorted = (values: readonly string[]): string[] => [...values].sort();

function roleKey(r: RoleAssignment): string {
  return `${r.role}\u0000${r.state}\u0000${String(r.privileged)}`;
}

// Multi-valued attributes are sets: the same proxyAddresses (or roles) in another order are no
// change (AD and Graph do not promise an order), so they are fingerprinted sorted.
function stableAd(a: AdUser): unknown {
  return { ...a, proxyAddresses: sorted(a.proxyAddresses) };
}

// onPremisesLastSyncDateTime moves on every sync cycle without any change worth a review.
function stableEntra(e: EntraUser): unknown {
  return {
    ...e,
    onPremisesLastSyncDateTime: null,
    proxyAddresses: sorted(e.proxyAddresses),
    roles: e.roles === null ? null : [...e.roles].sort((x, y) => (roleKey(x) < roleKey(y) ? -1 : roleKey(x) > roleKey(y) ? 1 : 0)),
  };
}

function stableTenant(t: TenantSyncState): unknown {
  return { ...t, onPremisesLastSyncDateTime: null };
}

/**
 * Fingerprints of the objects named by `keys` (`user/...` identity keys, `group/<id>`, `tenant`),
 * in key order. An absent object has the fingerprint of `null`. Apply calls this on freshly re-read
 * state with the same options the plan used; a changed value means the object is stale.
 */
export function fingerprintObjects(
  observed: ObservedState,
  keys: readonly string[],
  opts: { sourceAnchor: SourceAnchorAttribute; softMatchOnUpn: boolean },
): Record<string, string> {
  return Object.fromEntries(contents(observed, joinIdentities(observed, opts), keys).map(([k, c]) => [k, fingerprint(c)]));
}

/** What was read for each key, as fingerprinted. */
function contents(observed: ObservedState, join: JoinResult, keys: readonly string[]): [string, unknown][] {
  const byKey = new Map<string, Identity>();
  for (const i of join.identities) byKey.set(i.key, i);
  const groups = new Map<string, unknown>(observed.entra.groups.map((g) => [`group/${g.id}`, g]));
  return [...new Set(keys)].sort().map((k) => {
    if (k === 'tenant') return [k, stableTenant(observed.tenant)];
    if (k.startsWith('group/')) return [k, groups.get(k) ?? null];
    const i = byKey.get(k);
    return [k, i ? identityContent(i) : null];
  });
}


/**
 * What was read for one object, attribute by attribute, labelled for people: `AD mail`, `Entra
 * displayName`, `deleted deletedDateTime`, `group displayName`, `tenant features` (the parts of
 * `identityContent`, one level down). A side not read (no AD user, say) has no attributes.
 */
function attributesOf(content: unknown, key: string): Record<string, unknown> {
  const side = (label: string, v: unknown): [string, unknown][] =>
    v === null || v === undefined ? [] : typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).map(([f, x]) => [`${label} ${f}`, x]) : [[label, v]];
  if (content === null) return {};
  const kind = kindOfKey(key);
  if (kind !== 'user') return Object.fromEntries(side(kind, content));
  const c = content as { ad: unknown; entra: unknown; deleted: unknown };
  return Object.fromEntries([...side('AD', c.ad), ...side('Entra', c.entra), ...side('deleted', c.deleted)]);
}

function kindOfKey(key: string): keyof FingerprintDetails['labels'] {
  return key === 'tenant' ? 'tenant' : key.startsWith('group/') ? 'group' : 'user';
}

/** The digest of an attribute that was not read. */
const ABSENT = '----';

/**
 * The digest of one attribute kept in the plan: 32-bit FNV-1a of its canonical JSON, folded to 4 hex
 * digits. It only names what changed: the object's sha256 fingerprint decides staleness (a collision,
 * 1 in 65,536, leaves a change unnamed, never unseen). Short and cheap on purpose: sha256 and a label per
 * attribute made planning 50,000 users 60 % slower and the plan 75 % larger.
 */
function attributeDigest(value: unknown): string {
  const text = value !== null && typeof value === 'object' ? canonicalJson(value) : JSON.stringify(value ?? null);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h ^ (h >>> 16)) & 0xffff).toString(16).padStart(4, '0');
}

/**
 * The plan's fingerprints and, per object, a short digest of each attribute (`attributesOf`) so that a
 * stale refusal can name the attributes that changed and their values now; one pass over the objects.
 */
export function planFingerprints(observed: ObservedState, join: JoinResult, keys: readonly string[]): { fingerprints: Record<string, string>; details: FingerprintDetails } {
  const read = contents(observed, join, keys);
  return { fingerprints: Object.fromEntries(read.map(([k, c]) => [k, fingerprint(c)])), details: detailsOf(read) };
}

function detailsOf(read: readonly [string, unknown][]): FingerprintDetails {
  const rows = read.map(([k, c]) => [k, attributesOf(c, k)] as const);
  const seen = { user: new Set<string>(), group: new Set<string>(), tenant: new Set<string>() };
  for (const [k, attrs] of rows) for (const label of Object.keys(attrs)) seen[kindOfKey(k)].add(label);
  const labels = { user: [...seen.user].sort(), group: [...seen.group].sort(), tenant: [...seen.tenant].sort() };
  const digests = Object.fromEntries(rows.map(([k, attrs]) => [k, labels[kindOfKey(k)].map((l) => (l in attrs ? attributeDigest(attrs[l]) : ABSENT)).join('')]));
  return { labels, digests };
}

/**
 * For each of `keys`, the attributes whose digest in the plan differs from what is read now, each with
 * its value now (`Entra displayName: now "Ann Lee"`; `…: gone` when no longer read). One join for all
 * keys. Empty lists when nothing differs or the plan has no details (made by an older version).
 */
export function changedAttributes(
  details: FingerprintDetails | undefined,
  observed: ObservedState,
  keys: readonly string[],
  opts: { sourceAnchor: SourceAnchorAttribute; softMatchOnUpn: boolean },
): Map<string, string[]> {
  const out = new Map<string, string[]>(keys.map((k) => [k, []]));
  const known = details === undefined ? [] : keys.filter((k) => details.digests[k] !== undefined);
  if (details === undefined || known.length === 0) return out;
  for (const [key, content] of contents(observed, joinIdentities(observed, opts), known)) {
    const planned = details.digests[key] as string;
    const now = attributesOf(content, key);
    const changed = out.get(key) as string[];
    details.labels[kindOfKey(key)].forEach((label, i) => {
      const was = planned.slice(i * 4, i * 4 + 4);
      const is = label in now ? attributeDigest(now[label]) : ABSENT;
      if (was !== is) changed.push(is === ABSENT ? `${label}: gone` : `${label}: now ${JSON.stringify(now[label] ?? null)}`);
    });
  }
  return out;
}
