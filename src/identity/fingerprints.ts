import type { Identity, JoinOptions, JoinResult } from '../model/identity.js';
import type { FingerprintDetails } from '../model/plan.js';
import { canonicalJson, sha256Hex } from '../model/fingerprint.js';
import type { AdUser, DeletedEntraUser, EntraUser, ObservedState, RoleAssignment, TenantSyncState } from '../model/observed.js';
import { joinIdentities } from './join.js';

/*
 * The fingerprint of an object is sha256 of the canonical JSON (keys sorted at every level) of what was
 * read for it; apply recomputes it on a fresh read and refuses the object when it differs. For users
 * (the many objects) the canonical text is written field by field from fixed tables in sorted key
 * order, with no intermediate copies: the text, and so every fingerprint and attribute digest, is the
 * same as canonicalJson of the "stable" content (`userContent`), which the tests check against it.
 */

/** How a field of a fingerprinted user object is written. */
type FieldRule =
  /** A scalar (string, number, boolean, null), as JSON. */
  | 'value'
  /** A multi-valued attribute: a set, written sorted (AD and Graph do not promise an order). */
  | 'set'
  /** Role assignments: a set of objects, written sorted. */
  | 'roles'
  /** Moves on every sync cycle without any change worth a review: always written as null. */
  | 'volatile';

/** Every field of the type, so that a field added to the model is fingerprinted (or the build fails). */
type FieldTable<T> = { [F in keyof T]-?: FieldRule };

const AD_FIELDS: FieldTable<AdUser> = {
  dn: 'value',
  objectGuid: 'value',
  consistencyGuid: 'value',
  samAccountName: 'value',
  userPrincipalName: 'value',
  mail: 'value',
  proxyAddresses: 'set',
  givenName: 'value',
  surname: 'value',
  displayName: 'value',
  enabled: 'value',
};

const ENTRA_FIELDS: FieldTable<EntraUser> = {
  id: 'value',
  userPrincipalName: 'value',
  displayName: 'value',
  givenName: 'value',
  surname: 'value',
  mail: 'value',
  proxyAddresses: 'set',
  onPremisesSyncEnabled: 'value',
  onPremisesImmutableId: 'value',
  onPremisesObjectIdentifier: 'value',
  isCloudManaged: 'value',
  accountEnabled: 'value',
  roles: 'roles',
  lastPasswordChangeDateTime: 'value',
  exchangeMailbox: 'value',
  onPremisesDistinguishedName: 'value',
  onPremisesDomainName: 'value',
  onPremisesSamAccountName: 'value',
  onPremisesSecurityIdentifier: 'value',
  onPremisesUserPrincipalName: 'value',
  onPremisesLastSyncDateTime: 'volatile',
};

const DELETED_FIELDS: FieldTable<DeletedEntraUser> = {
  id: 'value',
  userPrincipalName: 'value',
  onPremisesImmutableId: 'value',
  onPremisesSyncEnabled: 'value',
  deletedDateTime: 'value',
};

const ROLE_FIELDS: FieldTable<RoleAssignment> = { role: 'value', state: 'value', privileged: 'value' };

/** One side of an identity (`AD`, `Entra`, `deleted`) as its fields are written: sorted by name, as canonical JSON sorts keys. */
interface Side {
  label: string;
  fields: readonly { name: string; key: string; rule: FieldRule }[];
}

function side<T>(label: string, table: FieldTable<T>): Side {
  const names = Object.keys(table).sort();
  return { label, fields: names.map((name) => ({ name, key: `${JSON.stringify(name)}:`, rule: (table as Record<string, FieldRule>)[name] as FieldRule })) };
}

// canonical JSON sorts `ad` < `deleted` < `entra`; attribute labels sort `AD …` < `Entra …` < `deleted …`.
const AD_SIDE = side('AD', AD_FIELDS);
const ENTRA_SIDE = side('Entra', ENTRA_FIELDS);
const DELETED_SIDE = side('deleted', DELETED_FIELDS);
const ROLE_KEYS = Object.keys(ROLE_FIELDS).sort();

/** Every attribute label of a user, in the order of `FingerprintDetails.labels.user` (sorted). */
const USER_COLUMNS: readonly string[] = [AD_SIDE, ENTRA_SIDE, DELETED_SIDE].flatMap((s) => s.fields.map((f) => `${s.label} ${f.name}`));

/** The digest of an attribute that was not read. */
const ABSENT = '----';

/**
 * The digest of one attribute kept in the plan: 32-bit FNV-1a of its canonical JSON, folded to 4 hex
 * digits. It only names what changed: the object's sha256 fingerprint decides staleness (a collision,
 * 1 in 65,536, leaves a change unnamed, never unseen). Short and cheap on purpose: sha256 and a label per
 * attribute made planning 50,000 users 60 % slower and the plan 75 % larger.
 */
function textDigest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h ^ (h >>> 16)) & 0xffff).toString(16).padStart(4, '0');
}

function attributeDigest(value: unknown): string {
  return textDigest(value !== null && typeof value === 'object' ? canonicalJson(value) : JSON.stringify(value ?? null));
}

function roleKey(r: RoleAssignment): string {
  return `${r.role}\u0000${r.state}\u0000${String(r.privileged)}`;
}

function byRoleKey(x: RoleAssignment, y: RoleAssignment): number {
  const a = roleKey(x);
  const b = roleKey(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A scalar as canonical JSON (an unexpected object still comes out canonical). */
function valueText(v: unknown): string {
  return v !== null && typeof v === 'object' ? canonicalJson(v) : JSON.stringify(v);
}

function rolesText(roles: readonly RoleAssignment[] | null): string {
  if (roles === null) return 'null';
  const parts: string[] = [];
  for (const r of [...roles].sort(byRoleKey)) {
    const fields: string[] = [];
    for (const k of ROLE_KEYS) {
      const v = (r as unknown as Record<string, unknown>)[k];
      if (v !== undefined) fields.push(`${JSON.stringify(k)}:${valueText(v)}`);
    }
    parts.push(`{${fields.join(',')}}`);
  }
  return `[${parts.join(',')}]`;
}

function fieldText(rule: FieldRule, v: unknown): string | undefined {
  switch (rule) {
    case 'value':
      return v === undefined ? undefined : valueText(v);
    case 'set':
      return JSON.stringify([...(v as string[])].sort());
    case 'roles':
      return rolesText(v as RoleAssignment[] | null);
    case 'volatile':
      return 'null';
    default: {
      const never: never = rule;
      throw new Error(`unexpected field rule: ${String(never)}`);
    }
  }
}

/**
 * Writes one side of a user: returns its canonical JSON (or `null`) and appends the digest of each of
 * the side's attributes (or ABSENT) to `digests`. An own field whose value is undefined is left out of
 * the JSON but is an attribute (its digest is that of null), as the generic form had it.
 */
function sideText(s: Side, obj: object | undefined, digests: string[]): string {
  if (obj === undefined) {
    for (let i = 0; i < s.fields.length; i++) digests.push(ABSENT);
    return 'null';
  }
  const values = obj as Record<string, unknown>;
  let text = '';
  for (const f of s.fields) {
    const present = f.rule === 'set' || f.rule === 'roles' || f.rule === 'volatile' || Object.prototype.hasOwnProperty.call(values, f.name);
    if (!present) {
      digests.push(ABSENT);
      continue;
    }
    const t = fieldText(f.rule, values[f.name]);
    if (t === undefined) {
      digests.push(textDigest('null'));
      continue;
    }
    digests.push(textDigest(t));
    text += `${text === '' ? '' : ','}${f.key}${t}`;
  }
  return `{${text}}`;
}

/** A user as fingerprinted: sha256 of `{"ad":…,"deleted":…,"entra":…}` and its attribute digests in USER_COLUMNS order. */
function userRead(i: Identity | undefined): { fingerprint: string; digests: string[] } {
  const digests: string[] = [];
  if (i === undefined) {
    for (let c = 0; c < USER_COLUMNS.length; c++) digests.push(ABSENT);
    return { fingerprint: sha256Hex('null'), digests };
  }
  const ad = sideText(AD_SIDE, i.ad, digests);
  const entra = sideText(ENTRA_SIDE, i.entra, digests);
  const deleted = sideText(DELETED_SIDE, i.deleted, digests);
  return { fingerprint: sha256Hex(`{"ad":${ad},"deleted":${deleted},"entra":${entra}}`), digests };
}

/**
 * What a user is fingerprinted as, as a value (the content whose canonical JSON `userRead` writes):
 * for the names and values of changed attributes, and for the tests that pin the two together.
 */
export function userContent(i: Identity): { ad: unknown; entra: unknown; deleted: unknown } {
  return {
    ad: i.ad ? { ...i.ad, proxyAddresses: [...i.ad.proxyAddresses].sort() } : null,
    entra: i.entra
      ? {
          ...i.entra,
          onPremisesLastSyncDateTime: null,
          proxyAddresses: [...i.entra.proxyAddresses].sort(),
          roles: i.entra.roles === null ? null : [...i.entra.roles].sort(byRoleKey),
        }
      : null,
    deleted: i.deleted ?? null,
  };
}

function stableTenant(t: TenantSyncState): unknown {
  return { ...t, onPremisesLastSyncDateTime: null };
}

type Kind = keyof FingerprintDetails['labels'];

function kindOfKey(key: string): Kind {
  return key === 'tenant' ? 'tenant' : key.startsWith('group/') ? 'group' : 'user';
}

/**
 * Where the objects named by keys are found in one read. Identities are found by walking the join's
 * identities (sorted by key) alongside the sorted keys asked for, with no map of every identity.
 */
interface Lookup {
  observed: ObservedState;
  identity: (key: string) => Identity | undefined;
  groups: Map<string, unknown>;
}

/** `keys` must be asked for in sorted order (as `sortedKeys` gives them). */
function lookup(observed: ObservedState, join: JoinResult): Lookup {
  const identities = join.identities;
  let at = 0;
  const identity = (key: string): Identity | undefined => {
    while (at < identities.length && (identities[at] as Identity).key < key) at++;
    const i = identities[at];
    return i !== undefined && i.key === key ? i : undefined;
  };
  const groups = new Map<string, unknown>();
  for (const g of observed.entra.groups) groups.set(`group/${g.id}`, g);
  return { observed, identity, groups };
}

/** The tenant or a group, as read (a few objects: the generic canonical form). */
function otherContent(at: Lookup, key: string): unknown {
  return key === 'tenant' ? stableTenant(at.observed.tenant) : (at.groups.get(key) ?? null);
}

/** The attributes of a tenant or group content, labelled `tenant features`, `group displayName`. */
function otherAttributes(content: unknown, kind: Kind): Record<string, unknown> {
  if (content === null || typeof content !== 'object') return {};
  return Object.fromEntries(Object.entries(content).map(([f, x]) => [`${kind} ${f}`, x]));
}

/** The user attributes of `userContent`, labelled as in USER_COLUMNS (only for the names and values of changes). */
function userAttributes(i: Identity | undefined): Record<string, unknown> {
  if (i === undefined) return {};
  const c = userContent(i);
  const out: Record<string, unknown> = {};
  for (const [label, v] of [['AD', c.ad], ['Entra', c.entra], ['deleted', c.deleted]] as const) {
    if (v !== null && typeof v === 'object') for (const [f, x] of Object.entries(v)) out[`${label} ${f}`] = x;
  }
  return out;
}

/** One fingerprinted object: its fingerprint, and its attribute digests in its kind's column order. */
interface Read {
  key: string;
  kind: Kind;
  fingerprint: string;
  /** user: one per USER_COLUMNS entry; tenant/group: label → digest. */
  digests: string[] | Map<string, string>;
}

function read(at: Lookup, key: string): Read {
  const kind = kindOfKey(key);
  if (kind === 'user') {
    const r = userRead(at.identity(key));
    return { key, kind, ...r };
  }
  const content = otherContent(at, key);
  const attrs = otherAttributes(content, kind);
  return { key, kind, fingerprint: sha256Hex(canonicalJson(content)), digests: new Map(Object.entries(attrs).map(([l, v]) => [l, attributeDigest(v)])) };
}

/** The unique keys in sorted order. */
function sortedKeys(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

/**
 * Fingerprints of the objects named by `keys` (`user/...` identity keys, `group/<id>`, `tenant`),
 * in key order. An absent object has the fingerprint of `null`. Apply calls this on freshly re-read
 * state with the same options the plan used; a changed value means the object is stale.
 */
export function fingerprintObjects(
  observed: ObservedState,
  keys: readonly string[],
  opts: JoinOptions,
): Record<string, string> {
  const at = lookup(observed, joinIdentities(observed, opts));
  // fromEntries defines own properties, so a key such as "__proto__" stays a key
  return Object.fromEntries(sortedKeys(keys).map((k) => [k, read(at, k).fingerprint]));
}

/**
 * The plan's fingerprints and, per object, a short digest of each attribute so that a stale refusal
 * can name the attributes that changed and their values now; one pass over the objects.
 */
export function planFingerprints(observed: ObservedState, join: JoinResult, keys: readonly string[]): { fingerprints: Record<string, string>; details: FingerprintDetails } {
  const at = lookup(observed, join);
  const reads = sortedKeys(keys).map((k) => read(at, k));
  return { fingerprints: Object.fromEntries(reads.map((r) => [r.key, r.fingerprint])), details: detailsOf(reads) };
}

/** Labels per kind: those read for at least one object of the kind, sorted; digests joined in that order. */
function detailsOf(reads: readonly Read[]): FingerprintDetails {
  const userSeen = new Array<boolean>(USER_COLUMNS.length).fill(false);
  const other = { group: new Set<string>(), tenant: new Set<string>() };
  for (const r of reads) {
    if (Array.isArray(r.digests)) r.digests.forEach((d, c) => { if (d !== ABSENT) userSeen[c] = true; });
    else if (r.kind !== 'user') for (const l of r.digests.keys()) other[r.kind].add(l);
  }
  const userCols = USER_COLUMNS.flatMap((_, c) => (userSeen[c] ? [c] : []));
  const labels = { user: userCols.map((c) => USER_COLUMNS[c] as string), group: [...other.group].sort(), tenant: [...other.tenant].sort() };
  const digests = Object.fromEntries(
    reads.map((r) => [
      r.key,
      Array.isArray(r.digests)
        ? userCols.map((c) => r.digests[c as never] as string).join('')
        : labels[r.kind].map((l) => (r.digests as Map<string, string>).get(l) ?? ABSENT).join(''),
    ]),
  );
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
  opts: JoinOptions,
): Map<string, string[]> {
  const out = new Map<string, string[]>(keys.map((k) => [k, []]));
  const known = details === undefined ? [] : keys.filter((k) => details.digests[k] !== undefined);
  if (details === undefined || known.length === 0) return out;
  const at = lookup(observed, joinIdentities(observed, opts));
  for (const key of sortedKeys(known)) {
    const planned = details.digests[key] as string;
    const now = read(at, key);
    const nowDigest = (label: string): string =>
      Array.isArray(now.digests) ? (now.digests[USER_COLUMNS.indexOf(label)] ?? ABSENT) : (now.digests.get(label) ?? ABSENT);
    let values: Record<string, unknown> | null = null;
    const changed = out.get(key) as string[];
    details.labels[now.kind].forEach((label, i) => {
      const was = planned.slice(i * 4, i * 4 + 4);
      const is = nowDigest(label);
      if (was === is) return;
      values ??= now.kind === 'user' ? userAttributes(at.identity(key)) : otherAttributes(otherContent(at, key), now.kind);
      changed.push(is === ABSENT ? `${label}: gone` : `${label}: now ${JSON.stringify(values[label] ?? null)}`);
    });
  }
  return out;
}
