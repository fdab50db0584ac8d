/**
 * Benchmark: the offline path of `entra-soa plan` for a tenant of N users — join, buildPlan, the
 * plan document, and the human and Markdown renderings — with peak memory.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/plan.js [--users 10000] [--rounds 3]
 *
 * The state: N synced users in 5 OUs (AD user + synced Entra user with immutable id = anchor) and
 * N/10 cloud-only users with an AD counterpart. The manifest: one OU → cloud by the per-object
 * switch with clears, everyone else in scope stays; the cloud-only users are hard-linked.
 */
import { loadManifestText } from '../src/manifest/load.js';
import { guidToImmutableId } from '../src/model/anchor.js';
import type { AdUser, EntraUser, ObservedState } from '../src/model/observed.js';
import { joinIdentities } from '../src/identity/join.js';
import { buildPlan } from '../src/plan/index.js';
import { encodePlan, renderHuman, renderMarkdown } from '../src/render/index.js';
import { intArg, peakRssMb, seconds } from './args.js';

const users = intArg('users', 10_000);
const rounds = intArg('rounds', 3);
const BASE = 'DC=bench,DC=example,DC=test';
const OUS = ['Sales', 'Finance', 'IT', 'Engineering', 'Contractors'];

function guid(n: number, salt: number): string {
  const h = (n * 2654435761 + salt) >>> 0;
  const hex = h.toString(16).padStart(8, '0') + n.toString(16).padStart(24, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function makeState(n: number): ObservedState {
  const ad: AdUser[] = [];
  const entra: EntraUser[] = [];
  const entraUser = (i: number, upn: string, synced: boolean, anchor: string | null): EntraUser => ({
    id: guid(i, 7),
    userPrincipalName: upn,
    displayName: `User ${i}`,
    givenName: 'User',
    surname: String(i),
    mail: upn,
    proxyAddresses: [`SMTP:${upn}`],
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesImmutableId: anchor,
    onPremisesObjectIdentifier: synced ? guid(i, 3) : null,
    isCloudManaged: synced ? false : null,
    accountEnabled: true,
    roles: [],
    lastPasswordChangeDateTime: null,
    exchangeMailbox: true,
    onPremisesDistinguishedName: null,
    onPremisesDomainName: synced ? 'bench.example.test' : null,
    onPremisesSamAccountName: synced ? `u${i}` : null,
    onPremisesSecurityIdentifier: null,
    onPremisesUserPrincipalName: synced ? upn : null,
    onPremisesLastSyncDateTime: synced ? '2026-11-01T00:00:00Z' : null,
  });
  const total = n + Math.floor(n / 10);
  for (let i = 0; i < total; i++) {
    const cloudOnly = i >= n;
    const ou = cloudOnly ? 'Contractors' : OUS[i % 4]!;
    const upn = `u${i}@bench.example.test`;
    const objectGuid = guid(i, 3);
    ad.push({
      dn: `CN=u${i},OU=${ou},OU=Staff,${BASE}`,
      objectGuid,
      consistencyGuid: objectGuid,
      samAccountName: `u${i}`,
      userPrincipalName: upn,
      mail: upn,
      proxyAddresses: [`SMTP:${upn}`],
      givenName: 'User',
      surname: String(i),
      displayName: `User ${i}`,
      enabled: true,
    });
    entra.push(entraUser(i, upn, !cloudOnly, cloudOnly ? null : guidToImmutableId(objectGuid)));
  }
  return {
    tenant: {
      tenantId: '6f1c2d9e-0000-4000-8000-000000000001',
      onPremisesSyncEnabled: true,
      disablePending: false,
      disableRequestedAt: null,
      onPremisesLastSyncDateTime: '2026-11-01T00:00:00Z',
      features: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false, passwordSyncEnabled: false },
      accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
    },
    ad: { baseDn: BASE, users: ad, organizationalUnits: [...OUS, 'Unsynced'].map((o) => ({ dn: `OU=${o},OU=Staff,${BASE}` })) },
    entra: { users: entra, deletedUsers: [], groups: [] },
  };
}

const manifest = `apiVersion: entra-soa/v1
tenant:
  id: 6f1c2d9e-0000-4000-8000-000000000001
activeDirectory:
  connection:
    url: ldaps://127.0.0.1
    baseDn: ${BASE}
    bindDn: CN=svc,${BASE}
    bindPasswordEnv: BENCH_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope:
    include: ["OU=Staff,${BASE}"]
users:
  - name: sales-to-cloud
    select: { ou: "OU=Sales,OU=Staff,${BASE}" }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true, otherOnPremisesAttributes: true }
  - name: link-contractors
    select: { ou: "OU=Contractors,OU=Staff,${BASE}" }
    authority: onPremises
    link: hard
`;

const loaded = loadManifestText(manifest, 'bench.yaml');
if (!loaded.desired) throw new Error(`bench manifest invalid: ${JSON.stringify(loaded.diagnostics)}`);
const desired = loaded.desired;

const t0 = performance.now();
const observed = makeState(users);
console.log(`state    ${users} synced + ${Math.floor(users / 10)} cloud-only users built in ${seconds(t0)} s`);

for (let r = 1; r <= rounds; r++) {
  const a = performance.now();
  const joined = joinIdentities(observed, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false });
  const b = performance.now();
  const plan = buildPlan({ desired, observed, createdAt: '2026-11-21T00:00:00.000Z', tool: { name: 'entra-soa', version: 'bench' }, source: 'bench' });
  const c = performance.now();
  const doc = encodePlan(plan);
  const d = performance.now();
  const human = renderHuman(plan, { color: false });
  const e = performance.now();
  const md = renderMarkdown(plan);
  const f = performance.now();
  console.log(
    `round ${r}  join ${((b - a) / 1000).toFixed(2)} s (${joined.identities.length} identities) | ` +
      `buildPlan ${((c - b) / 1000).toFixed(2)} s (${plan.steps.length} steps, ${Math.round(plan.steps.length / ((c - b) / 1000))} steps/s) | ` +
      `json ${((d - c) / 1000).toFixed(2)} s (${(doc.length / 1e6).toFixed(1)} MB) | human ${((e - d) / 1000).toFixed(2)} s (${(human.length / 1e6).toFixed(1)} MB) | ` +
      `markdown ${((f - e) / 1000).toFixed(2)} s (${md.length} chars)`,
  );
}
console.log(`memory   peak RSS ${peakRssMb()} MB`);
