/**
 * Benchmark: the Entra side of observeLive (listUsers + deleted users + groups + tenant state)
 * through the real SDK client and GraphEntraAccess, over HTTP to the lab's Graph emulator on
 * 127.0.0.1, for a tenant of N users.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/graph-read.js [--users 10000] [--converted-percent 10] [--rounds 3] [--throttle]
 *
 * The tenant: N users, 70 % synced, `converted-percent` % converted by the SOA switch (their
 * isCloudManaged needs the beta read, batched by 20), the rest cloud-only; two role holders.
 * `--throttle` turns on the emulator's identity throttling at Graph's documented large-tenant
 * figures (8,000 resource units / 10 s) to show the reads stay under it.
 * Prints users/s, requests made (by route), $batch counts, the request goal of issue 11
 * (⌈N / 999⌉ + 2: user pages, and the fixed reads in one $batch) and peak RSS.
 */
import { createGraphClient, newGraphTraffic } from '../src/graph/client.js';
import { staticTokenAuthProvider } from '../src/graph/credentials.js';
import { GraphEntraAccess } from '../src/graph/entra-access.js';
import { startGraphEmulator } from '../src/lab/graph/index.js';
import { LabTenant } from '../src/lab/tenant/lab-tenant.js';
import { emptyLabTenantData } from '../src/lab/tenant/empty-tenant.js';
import { intArg } from './args.js';

const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000001';
const DOMAIN = 'bench.example.test';

function seedTenant(users: number, convertedPercent: number): LabTenant {
  let n = 0;
  const tenant = new LabTenant(emptyLabTenantData({ tenantId: TENANT_ID, now: '2026-11-01T00:00:00Z', domains: [DOMAIN] }), {
    newId: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
  });
  const converted = Math.floor((users * convertedPercent) / 100);
  const synced = Math.floor(users * 0.7);
  for (let i = 0; i < users; i++) {
    const name = `u${i}`;
    const onPrem = i < synced + converted;
    const u = tenant.createUser({
      userPrincipalName: `${name}@${DOMAIN}`,
      displayName: `Bench User ${i}`,
      givenName: 'Bench',
      surname: `User ${i}`,
      mail: `${name}@${DOMAIN}`,
      proxyAddresses: [`SMTP:${name}@${DOMAIN}`, `smtp:${name}@alt.${DOMAIN}`],
      ...(onPrem
        ? {
            onPremisesSyncEnabled: true,
            onPremisesImmutableId: Buffer.from(`bench-anchor-${String(i).padStart(7, '0')}`).toString('base64'),
            onPremisesDistinguishedName: `CN=Bench User ${i},OU=Staff,DC=bench,DC=example,DC=test`,
            onPremisesDomainName: DOMAIN,
            onPremisesSamAccountName: name,
            onPremisesUserPrincipalName: `${name}@${DOMAIN}`,
            onPremisesLastSyncDateTime: '2026-10-31T23:30:00Z',
          }
        : {}),
    });
    if (i >= synced && i < synced + converted) tenant.setUserCloudManaged(u.id, true);
    if (i === users - 1 || i === users - 2) tenant.addRoleMember('Global Administrator', u.id);
  }
  return tenant;
}

async function main(): Promise<void> {
  const users = intArg('users', 10_000);
  const convertedPercent = intArg('converted-percent', 10);
  const rounds = Math.max(1, intArg('rounds', 3));
  const throttle = process.argv.includes('--throttle');

  const s0 = performance.now();
  const tenant = seedTenant(users, convertedPercent);
  console.log(`seed     ${users} users (${convertedPercent} % converted) in ${Math.round(performance.now() - s0)} ms`);
  const emulator = await startGraphEmulator({ tenant, port: 0, ...(throttle ? { throttling: {} } : {}) });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  try {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const traffic = newGraphTraffic();
      const client = createGraphClient({ endpoint: emulator.url, authProvider: staticTokenAuthProvider(emulator.token), traffic });
      const entra = new GraphEntraAccess({ client, tenantId: TENANT_ID });
      const t = performance.now();
      const [list, deleted, groups, state] = await Promise.all([
        entra.listUsers(),
        entra.listDeletedUsers(),
        entra.listGroups(),
        entra.getTenantSyncState(),
      ]);
      const ms = performance.now() - t;
      times.push(ms);
      if (list.length !== users) throw new Error(`read ${list.length} users, expected ${users}`);
      const managed = list.filter((u) => u.isCloudManaged === true).length;
      const routes = Object.entries(traffic.byRoute)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ');
      console.log(
        `read #${r + 1}  ${list.length} users (${managed} cloud-managed), ${deleted.length} deleted, ${groups.length} groups, ` +
          `sync ${state.onPremisesSyncEnabled ? 'on' : 'off'}: ${Math.round(ms)} ms = ${Math.round(list.length / (ms / 1000))} users/s`,
      );
      console.log(
        `         requests ${traffic.requests} (${routes}); user pages ${entra.stats.userPages}; ` +
          `$batch ${entra.stats.batch.batches} carrying ${entra.stats.batch.innerRequests} sync-behaviour reads; ` +
          `fixed reads: ${entra.stats.together.batches} $batch carrying ${entra.stats.together.innerRequests}; ` +
          `throttled ${traffic.throttled + entra.stats.batch.innerThrottled + entra.stats.together.innerThrottled}`,
      );
      // Issue 11's goal for a plan's Graph reads: at most ⌈N / 999⌉ + 2 requests.
      const bound = Math.ceil(users / 999) + 2;
      console.log(
        `         goal     requests ≤ ⌈N/999⌉ + 2 = ${bound}: ${traffic.requests} (${traffic.requests <= bound ? 'met' : 'NOT met'}` +
          `${convertedPercent > 0 ? '; converted users add their beta $batches' : ''})`,
      );
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(
      `summary  median ${Math.round(median)} ms for ${users} users = ${Math.round(users / (median / 1000))} users/s; ` +
        `peak RSS ${(Math.max(peakRss, process.memoryUsage().rss) / 1e6).toFixed(0)} MB (emulator in the same process)`,
    );
  } finally {
    clearInterval(sampler);
    await emulator.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`graph-read: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
