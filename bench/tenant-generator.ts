/**
 * Tenants of any size for the benchmarks (issue 11 B): the observed state of both directories and
 * the matching manifest, for N people, deterministic for a seed. The state comes as records in
 * snapshot file order (each type sorted by its stable key, without sorting: ids grow with the
 * person's number), so a 1,000,000-person snapshot is written a line at a time
 * (`writeSnapshotRecords`) and never held as one string; `tenantState` builds the same state in
 * memory for in-process benchmarks.
 *
 * Who is in it, by person number i (pattern over i % 100, names and aliases from a seeded hash of i):
 * - 80 %  synced: AD user in one of seven department OUs under OU=Staff (in the sync scope), Entra
 *         user synced from it (immutable id = anchor); 2 % of them disabled on both sides;
 * - 10 %  cloud-only with an AD counterpart in OU=Contractors (same UPN and address, not linked);
 * - 5 %   cloud-only without AD (some hold a directory role);
 * - 3 %   AD only, in OU=Unsynced outside the sync scope;
 * - 2 %   already converted by the SOA switch (cloud-managed, on-premises leftovers) in OU=Sales;
 * plus one soft-deleted former synced user per 1,000 people and one group per 100 (half synced).
 * The manifest (bench/plan.ts's shape): OU=Sales to the cloud by the per-object switch with clears,
 * OU=Contractors hard-linked to their AD counterparts; everyone else stays as is.
 */
import { guidToImmutableId } from '../src/model/anchor.js';
import type { AdUser, EntraGroup, EntraUser, ObservedState, TenantSyncState } from '../src/model/observed.js';
import { addRecord, emptyState, type SnapshotHeader, type SnapshotRecord } from '../src/observe/snapshot-lines.js';

export const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000001';
// The lab's in-memory AD keeps the naming context of its seed (src/lab/memory-directory.ts resetFrom): the same one here.
export const BASE_DN = 'DC=lab,DC=example,DC=test';
export const DOMAIN = 'bench.example.test';
const STAFF = `OU=Staff,${BASE_DN}`;
const DEPARTMENTS = ['Sales', 'Finance', 'IT', 'Engineering', 'Marketing', 'Support', 'Operations'] as const;
const CAPTURED_AT = '2026-11-21T12:00:00.000Z';
const LAST_SYNC = '2026-11-21T11:30:00Z';
const GIVEN = ['Ada', 'Björn', 'Chloé', 'Dmitri', 'Eun-ji', 'Fatima', 'Grace', 'Hiroshi', 'Ingrid', 'José', 'Kwame', 'Lena', 'Mohammed', 'Nora', "O'Brien", 'Priya'];
const SURNAMES = ['Andersen', 'Bianchi', 'Chen', 'Dubois', 'Eriksson', 'García', 'Hughes', 'Ivanova', 'Jones', 'Kowalski', 'Li', 'Müller', 'Nakamura', 'Okafor', 'Patel', 'Smith, Jr.'];

/** What a person is, by number. */
export type PersonKind = 'synced' | 'contractor' | 'cloudOnly' | 'unsynced' | 'converted';

export function personKind(i: number): PersonKind {
  const k = i % 100;
  if (k < 80) return 'synced';
  if (k < 90) return 'contractor';
  if (k < 95) return 'cloudOnly';
  if (k < 98) return 'unsynced';
  return 'converted';
}

/** A 32-bit hash of (seed, i, salt): the per-person randomness, no shared generator state (mulberry32 finaliser). */
function hash(seed: number, i: number, salt: number): number {
  let t = (seed ^ Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A GUID whose text order is the order of `n` (fixed-width lowercase hex after a per-family prefix). */
function orderedGuid(family: number, seed: number, n: number): string {
  const prefix = ((seed * 31 + family) >>> 0).toString(16).padStart(8, '0').slice(-8);
  return `${prefix}-${family.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

interface Person {
  i: number;
  kind: PersonKind;
  given: string;
  surname: string;
  displayName: string;
  upn: string;
  proxyAddresses: string[];
  sam: string;
  ou: string;
  enabled: boolean;
  objectGuid: string;
}

function person(seed: number, i: number): Person {
  const kind = personKind(i);
  const given = GIVEN[hash(seed, i, 1) % GIVEN.length] as string;
  const surname = SURNAMES[hash(seed, i, 2) % SURNAMES.length] as string;
  const local = `${given}.${surname}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
  const upn = `${local}.${i}@${DOMAIN}`;
  const alias = hash(seed, i, 3) % 3 === 0 ? [`smtp:${local}.${i}@alt.${DOMAIN}`] : [];
  const dept = DEPARTMENTS[hash(seed, i, 4) % DEPARTMENTS.length] as string;
  const ou =
    kind === 'contractor' ? `OU=Contractors,${STAFF}` : kind === 'unsynced' ? `OU=Unsynced,${BASE_DN}` : kind === 'converted' ? `OU=Sales,${STAFF}` : `OU=${dept},${STAFF}`;
  return {
    i,
    kind,
    given,
    surname,
    displayName: `${given} ${surname}`,
    upn,
    proxyAddresses: [`SMTP:${upn}`, ...alias],
    sam: `u${i}`,
    ou,
    enabled: kind !== 'synced' || hash(seed, i, 5) % 50 !== 0,
    objectGuid: orderedGuid(1, seed, i),
  };
}

const hasAd = (k: PersonKind): boolean => k !== 'cloudOnly';
const hasEntra = (k: PersonKind): boolean => k !== 'unsynced';

function adUserOf(p: Person): AdUser {
  return {
    dn: `CN=${p.displayName.replace(/([,+"\\<>;=#])/g, '\\$1')} ${p.i},${p.ou}`,
    objectGuid: p.objectGuid,
    consistencyGuid: p.kind === 'contractor' || p.kind === 'unsynced' ? null : p.objectGuid,
    samAccountName: p.sam,
    userPrincipalName: p.upn,
    mail: p.upn,
    proxyAddresses: p.proxyAddresses,
    givenName: p.given,
    surname: p.surname,
    displayName: p.displayName,
    enabled: p.enabled,
  };
}

function entraUserOf(seed: number, p: Person): EntraUser {
  const fromAd = p.kind === 'synced' || p.kind === 'converted';
  const leftovers = fromAd;
  return {
    id: orderedGuid(2, seed, p.i),
    userPrincipalName: p.upn,
    displayName: p.displayName,
    givenName: p.given,
    surname: p.surname,
    mail: p.upn,
    proxyAddresses: p.proxyAddresses,
    onPremisesSyncEnabled: p.kind === 'synced' ? true : null,
    onPremisesImmutableId: fromAd ? guidToImmutableId(p.objectGuid) : null,
    onPremisesObjectIdentifier: fromAd ? p.objectGuid : null,
    isCloudManaged: p.kind === 'converted' ? true : p.kind === 'synced' ? false : null,
    accountEnabled: p.enabled,
    roles: p.kind === 'cloudOnly' && p.i % 10_000 === 90 ? [{ role: 'Global Administrator', state: 'active', privileged: true }] : [],
    lastPasswordChangeDateTime: '2026-10-01T08:00:00Z',
    exchangeMailbox: true,
    onPremisesDistinguishedName: leftovers ? adUserOf(p).dn : null,
    onPremisesDomainName: leftovers ? DOMAIN : null,
    onPremisesSamAccountName: leftovers ? p.sam : null,
    onPremisesSecurityIdentifier: leftovers ? `S-1-5-21-1004336348-1177238915-682003330-${10_000 + p.i}` : null,
    onPremisesUserPrincipalName: leftovers ? p.upn : null,
    onPremisesLastSyncDateTime: leftovers ? LAST_SYNC : null,
  };
}

/** One person of the tenant: what they are and their objects on each side (null where they have none). */
export interface GeneratedPerson {
  kind: PersonKind;
  ad: AdUser | null;
  entra: EntraUser | null;
}

/** The people of a tenant in number order (for builders other than the snapshot, e.g. the lab's). */
export function* tenantPeople(people: number, seed = 1): Generator<GeneratedPerson> {
  for (let i = 0; i < people; i++) {
    const p = person(seed, i);
    yield { kind: p.kind, ad: hasAd(p.kind) ? adUserOf(p) : null, entra: hasEntra(p.kind) ? entraUserOf(seed, p) : null };
  }
}

/** The tenant's sync settings as observed (as bench/plan.ts had them). */
export const OBSERVED_TENANT: TenantSyncState = {
  tenantId: TENANT_ID,
  onPremisesSyncEnabled: true,
  disablePending: false,
  disableRequestedAt: null,
  onPremisesLastSyncDateTime: LAST_SYNC,
  features: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false, passwordSyncEnabled: false },
  accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
};

/** The OUs, sorted by DN as the snapshot keeps them. */
export function organizationalUnits(): string[] {
  return [STAFF, `OU=Contractors,${STAFF}`, `OU=Unsynced,${BASE_DN}`, ...DEPARTMENTS.map((d) => `OU=${d},${STAFF}`)].sort((a, b) =>
    a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
  );
}

/** How many of each object a tenant of `people` holds. */
export function tenantCounts(people: number): { adUsers: number; entraUsers: number; deletedUsers: number; groups: number } {
  let ad = 0;
  let entra = 0;
  for (let k = 0; k < 100; k++) {
    const per = Math.floor(people / 100) + (k < people % 100 ? 1 : 0);
    if (hasAd(personKind(k))) ad += per;
    if (hasEntra(personKind(k))) entra += per;
  }
  return { adUsers: ad, entraUsers: entra, deletedUsers: Math.max(1, Math.floor(people / 1000)), groups: Math.floor(people / 100) };
}

/** The snapshot header of the generated tenant. */
export function tenantHeader(): SnapshotHeader {
  return { capturedAt: CAPTURED_AT, source: 'bench/tenant-generator.ts', tenant: OBSERVED_TENANT, baseDn: BASE_DN };
}

/** The whole tenant as snapshot records, in file order (see the module comment). Lazy. */
export function* tenantRecords(people: number, seed = 1): Generator<SnapshotRecord> {
  for (const dn of organizationalUnits()) yield { type: 'adOrganizationalUnit', value: { dn } };
  for (let i = 0; i < people; i++) if (hasAd(personKind(i))) yield { type: 'adUser', value: adUserOf(person(seed, i)) };
  for (let i = 0; i < people; i++) if (hasEntra(personKind(i))) yield { type: 'entraUser', value: entraUserOf(seed, person(seed, i)) };
  const deleted = Math.max(1, Math.floor(people / 1000));
  for (let d = 0; d < deleted; d++) {
    const upn = `former.${d}@${DOMAIN}`;
    yield {
      type: 'entraDeletedUser',
      value: {
        id: orderedGuid(3, seed, d),
        userPrincipalName: upn,
        onPremisesImmutableId: guidToImmutableId(orderedGuid(4, seed, d)),
        onPremisesSyncEnabled: true,
        deletedDateTime: `2026-11-${String(1 + (d % 20)).padStart(2, '0')}T10:00:00Z`,
      },
    };
  }
  for (let g = 0; g < Math.floor(people / 100); g++) {
    const synced = g % 2 === 0;
    const value: EntraGroup = {
      id: orderedGuid(5, seed, g),
      displayName: `${DEPARTMENTS[g % DEPARTMENTS.length] as string} team ${g}`,
      mailNickname: `team${g}`,
      onPremisesSyncEnabled: synced ? true : null,
      isCloudManaged: synced ? false : null,
      securityEnabled: true,
      mailEnabled: g % 3 === 0,
    };
    yield { type: 'entraGroup', value };
  }
}

/** The same tenant as one ObservedState in memory (arrays already in snapshot order). */
export function tenantState(people: number, seed = 1): ObservedState {
  const state: ObservedState = { ...emptyState(), tenant: OBSERVED_TENANT };
  state.ad.baseDn = BASE_DN;
  for (const r of tenantRecords(people, seed)) addRecord(state, r);
  return state;
}

/** The manifest planned against the tenant (`bindPasswordEnv` names a variable the offline plan never reads). */
export function tenantManifest(): string {
  return `apiVersion: entra-soa/v1
tenant:
  id: ${TENANT_ID}
activeDirectory:
  connection:
    url: ldaps://127.0.0.1
    baseDn: ${BASE_DN}
    bindDn: CN=svc,${BASE_DN}
    bindPasswordEnv: BENCH_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope:
    include: ["${STAFF}"]
users:
  - name: sales-to-cloud
    select: { ou: "OU=Sales,${STAFF}" }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true, otherOnPremisesAttributes: true }
  - name: link-contractors
    select: { ou: "OU=Contractors,${STAFF}" }
    authority: onPremises
    link: hard
`;
}
