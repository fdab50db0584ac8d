/**
 * Benchmark: the lab's Entra Connect cycle (src/lab/sync-cycle.ts) on N in-memory AD users.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/lab-sync.js [--users 10000] [--rounds 3]
 *
 * Prints the wall time of the first cycle (every user created, a tenth of them with a proxy address
 * another user holds, so resiliency quarantines it), of cycles that change nothing, and of a cycle
 * after a tenth of the users changed their display name.
 */
import { MemoryDirectory, SeededRandom } from '../src/lab/memory-directory.js';
import { LabTenant } from '../src/lab/tenant/lab-tenant.js';
import { emptyLabTenantData } from '../src/lab/tenant/empty-tenant.js';
import { seededIds } from '../src/lab/seed.js';
import { runSyncCycle } from '../src/lab/sync-cycle.js';
import type { SyncCycleReport } from '../src/lab/sync-report.js';
import { intArg, peakRssMb, seconds } from './args.js';

const users = intArg('users', 10_000, 'positive');
const rounds = intArg('rounds', 3, 'positive');
const BASE = 'DC=lab,DC=example,DC=test';
const OU = `OU=Staff,${BASE}`;

const directory = new MemoryDirectory({ baseDn: BASE, random: new SeededRandom(1) });
directory.addOrganizationalUnit(OU);
for (let i = 0; i < users; i++) {
  const nick = `user${i}`;
  const shared = i % 10 === 9 ? [`smtp:user${i - 1}@lab.example.test`] : [];
  directory.addUser(OU, {
    cn: nick,
    samAccountName: nick,
    userPrincipalName: `${nick}@lab.example.test`,
    mail: `${nick}@lab.example.test`,
    proxyAddresses: [`SMTP:${nick}@lab.example.test`, ...shared],
    givenName: 'User',
    surname: String(i),
    displayName: `User ${i}`,
  });
}
const tenant = new LabTenant(emptyLabTenantData({ tenantId: 'b0000000-0000-4000-8000-000000000001', now: '2026-06-15T09:00:00Z', domains: ['lab.example.test', 'bench.onmicrosoft.com'] }), {
  newId: seededIds(new SeededRandom(2)),
});
const config = { sourceAnchor: 'mS-DS-ConsistencyGuid' as const, syncScope: { include: [OU], exclude: [] } };

async function timed(label: string): Promise<SyncCycleReport> {
  const start = performance.now();
  const r = await runSyncCycle({ directory, tenant, config });
  const c = r.counts;
  console.log(`${label}: ${seconds(start)} s (created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, quarantined ${c.quarantined}, errors ${c.errors})`);
  return r;
}

console.log(`lab sync cycle, ${users} AD users in scope (Node ${process.version})`);
await timed('first cycle');
for (let i = 1; i <= rounds; i++) await timed(`no-change cycle ${i}`);
const all = await directory.listUsers();
for (const u of all.filter((_, i) => i % 10 === 0)) await directory.modifyUser(u.dn, [{ attribute: 'displayName', to: [`${u.displayName ?? ''} (renamed)`] }]);
await timed('cycle after a tenth renamed');
console.log(`peak RSS ${peakRssMb()} MB`);
