/**
 * Benchmark: sync waits of a scope removal of N users of the lab's sample company (Graph emulator over
 * HTTP through the SDK client, in-memory AD, unpaced writes). The lab's sync cycle is the trigger and
 * polls sleep for real (capped at 20 ms, without moving the lab clock, so no scheduled cycle runs): it
 * prints the cycles the apply triggered, the Graph requests the waits made (reads while steps wait) and
 * the wall time, for N = 10, 48 and 181.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/apply-waits.js
 */
import { applyPlan } from '../src/apply/executor.js';
import { memoryJournal } from '../src/apply/journal.js';
import { generatePassword } from '../src/ad/password.js';
import { createGraphClient, newGraphTraffic } from '../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../src/graph/credentials.js';
import { GraphEntraAccess } from '../src/graph/entra-access.js';
import { WritePacer } from '../src/graph/pacer.js';
import { startLab } from '../src/lab/in-process-lab.js';
import { loadManifestText } from '../src/manifest/load.js';
import { observeLive } from '../src/observe/live.js';
import { buildPlan } from '../src/plan/index.js';
import { fileSecretSink } from '../src/apply/secrets.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seconds } from './args.js';

const TENANT = 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01';
const STAFF = /,OU=(Sales|Engineering|Finance),OU=Staff,DC=lab,DC=example,DC=test$/;

const lab = await startLab();
try {
  console.log('sync-wait benchmark: scope removal of N sample-company users (lab, unpaced, concurrency 4)');
  for (const n of [10, 48, 181]) {
    await lab.reset();
    const upns = (await lab.directory.listUsers())
      .filter((u) => STAFF.test(u.dn))
      .map((u) => u.userPrincipalName as string)
      .sort()
      .slice(0, n);
    const loaded = loadManifestText(
      `apiVersion: entra-soa/v1
tenant:
  id: ${TENANT}
  accidentalDeletionThreshold: 500
activeDirectory:
  connection: { url: "ldaps://dc1.lab.example.test", baseDn: "DC=lab,DC=example,DC=test", bindDn: "CN=svc,DC=lab,DC=example,DC=test", bindPasswordEnv: LAB_AD_PASSWORD }
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope: { include: ["OU=Staff,DC=lab,DC=example,DC=test"] }
  unsyncedOu: OU=Unsynced,DC=lab,DC=example,DC=test
users:
  - name: out
    select: { upns: [${upns.join(', ')}] }
    authority: cloud
    method: scopeRemoval
allow: { disruptive: true }
sync: { pollInterval: 30s }
`,
      'bench.yaml',
    );
    if (!loaded.desired) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    const desired = loaded.desired;
    const traffic = newGraphTraffic();
    const client = createGraphClient({ endpoint: lab.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(lab.token), lab.graphUrl), traffic });
    const entra = new GraphEntraAccess({ client, tenantId: TENANT, pacer: new WritePacer({ writes: 1_000_000, windowSeconds: 1, burst: 1000 }) });
    const observe = () => observeLive({ entra, directory: lab.directory });
    const plan = buildPlan({ desired, observed: await observe(), createdAt: lab.tenant.nowIso(), tool: { name: 'entra-soa', version: 'bench' }, source: 'lab' });
    let cycles = 0;
    const before = traffic.requests;
    const t0 = performance.now();
    const report = await applyPlan({
      plan,
      desired,
      tool: { name: 'entra-soa', version: 'bench' },
      entra,
      directory: lab.directory,
      observe,
      journal: memoryJournal(),
      allow: desired.allow,
      concurrency: 4,
      triggerSync: async () => {
        cycles++;
        await lab.runSyncCycle();
      },
      pollIntervalS: desired.sync.pollIntervalS,
      secrets: fileSecretSink(mkdtempSync(join(tmpdir(), 'bench-secrets-')), () => new Date()),
      generatePassword: () => generatePassword(),
      sleep: (ms) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20))),
      now: () => new Date(),
    });
    const s = seconds(t0);
    if (report.refusal) throw new Error(`refused: ${report.refusal.messages.join('; ')}`);
    const w = report.waits;
    console.log(
      `  N=${String(n).padStart(3)}: ${plan.steps.length} steps in ${s} s; done ${report.counts.done}, failed ${report.counts.failed}; ` +
        `sync cycles triggered ${cycles}; wait looks ${w?.rounds ?? 0} (up to ${w?.maxWaiting ?? 0} waiting at once); ` +
        `Graph requests in the apply ${traffic.requests - before} (${traffic.byRoute['POST /v1.0/$batch'] ?? 0} $batch)`,
    );
  }
} finally {
  await lab.close();
}

// Polling cost: the same waits without a trigger, each look 60 s apart on a clock that only the waits move,
// until the 5-minute timeout: what the waits read per look.
const lab2 = await startLab();
try {
  console.log('polling without a trigger (5 looks, then the waits time out): Graph requests per look');
  for (const n of [1, 48, 181]) {
    await lab2.reset();
    const users = (await lab2.directory.listUsers()).filter((u) => STAFF.test(u.dn)).sort((a, b) => a.dn.localeCompare(b.dn)).slice(0, n);
    const traffic = newGraphTraffic();
    const client = createGraphClient({ endpoint: lab2.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(lab2.token), lab2.graphUrl), traffic });
    const entra = new GraphEntraAccess({ client, tenantId: TENANT });
    const ids = new Map(lab2.tenant.toJSON().users.map((u) => [u.userPrincipalName, u.id]));
    for (const u of users) await lab2.directory.moveUser(u.dn, 'OU=Unsynced,DC=lab,DC=example,DC=test');
    let t = Date.parse('2026-06-15T09:00:00Z');
    const { SyncWaitGroup } = await import('../src/apply/sync-wait.js');
    const group = new SyncWaitGroup({
      entra,
      pollIntervalS: 60,
      sleep: async (ms) => {
        t += ms;
      },
      now: () => new Date(t),
      onWait: () => undefined,
    });
    const before = traffic.requests;
    const outcomes = await Promise.allSettled(
      users.map((u, i) => group.wait(`s${i}`, { kind: 'userSoftDeleted', userId: ids.get(u.userPrincipalName as string) as string, upn: u.userPrincipalName as string }, 300)),
    );
    const looks = group.stats.rounds;
    console.log(
      `  ${String(n).padStart(3)} waiting: ${looks} looks, ${traffic.requests - before} requests (${((traffic.requests - before) / looks).toFixed(1)} per look); ` +
        `${outcomes.filter((o) => o.status === 'rejected').length} timed out as expected`,
    );
  }
} finally {
  await lab2.close();
}
