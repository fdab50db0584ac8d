/**
 * Benchmark: the offline path of `entra-soa plan` for a tenant of N users — join, buildPlan, the
 * plan document, and the human and Markdown renderings — with CPU, GC time and peak memory. The
 * document and the human view are written in pieces to a sink that counts them, as the command
 * writes them to --out and stdout.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/plan.js [--users 10000] [--rounds 3]
 *
 * A million users need more heap than Node's default (about 4 GB): run it as
 * `node --max-old-space-size=5632 dist/bench/plan.js --users 1000000 --rounds 1` (docs/cli-plan.md, "Large tenants").
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
import { PerformanceObserver } from 'node:perf_hooks';
import { renderPlan, writePlan } from '../src/render/index.js';
import { intArg, peakRssMb } from './args.js';

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

/** Wall time, CPU time and garbage-collection time of one phase. */
interface PhaseFigures {
  wallS: number;
  cpuS: number;
  gcS: number;
}

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

/** Runs one phase; GC entries reach the observer only after the phase yields, so it waits a moment before counting them. */
async function phase<T>(run: () => T | Promise<T>): Promise<[T, PhaseFigures]> {
  await settle();
  const gc = gcMs;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  const wallS = (performance.now() - wall) / 1000;
  await settle();
  return [value, { wallS, cpuS: (used.user + used.system) / 1e6, gcS: (gcMs - gc) / 1000 }];
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/** Runs a writer into a sink that only counts (the plan command writes the same pieces to a file or stdout). */
function written(run: (write: (chunk: string) => void) => void): number {
  let chars = 0;
  run((chunk) => {
    chars += chunk.length;
  });
  return chars;
}

const fmt = (f: PhaseFigures): string => `${f.wallS.toFixed(2)} s (cpu ${f.cpuS.toFixed(2)} s, gc ${f.gcS.toFixed(2)} s)`;

const [observed, built] = await phase(() => makeState(users));
console.log(`state    ${users} synced + ${Math.floor(users / 10)} cloud-only users built in ${fmt(built)}`);

for (let r = 1; r <= rounds; r++) {
  // only the count is kept: the identities are not held while buildPlan (which joins again) runs
  const [identities, join] = await phase(() => joinIdentities(observed, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false }).identities.length);
  const [plan, planned] = await phase(() =>
    buildPlan({ desired, observed, createdAt: '2026-11-21T00:00:00.000Z', tool: { name: 'entra-soa', version: 'bench' }, source: 'bench' }),
  );
  // What `plan --out plan.json` writes, and what `plan` prints (human) or `plan --format markdown` prints.
  const [docBytes, encoded] = await phase(() => written((write) => writePlan(plan, 'json', { color: false }, write)));
  const [humanBytes, human] = await phase(() => written((write) => writePlan(plan, 'human', { color: false }, write)));
  const [mdBytes, markdown] = await phase(() => renderPlan(plan, 'markdown', { color: false }).length);
  const total = [join, planned, encoded, human, markdown].reduce((a, f) => ({ wallS: a.wallS + f.wallS, cpuS: a.cpuS + f.cpuS, gcS: a.gcS + f.gcS }));
  console.log(`round ${r}`);
  console.log(`  join       ${fmt(join)}  ${identities} identities (also inside buildPlan)`);
  console.log(`  buildPlan  ${fmt(planned)}  ${plan.steps.length} steps, ${Object.keys(plan.fingerprints).length} fingerprints; cpu per 100,000 identities ${((planned.cpuS * 100_000) / identities).toFixed(2)} s`);
  console.log(`  json       ${fmt(encoded)}  ${(docBytes / 1e6).toFixed(1)} M chars`);
  console.log(`  human      ${fmt(human)}  ${(humanBytes / 1e6).toFixed(1)} M chars`);
  console.log(`  markdown   ${fmt(markdown)}  ${mdBytes} chars`);
  console.log(`  total      ${fmt(total)}  gc share ${((100 * total.gcS) / total.wallS).toFixed(0)} %`);
}
console.log(`memory   peak RSS ${peakRssMb()} MB`);
