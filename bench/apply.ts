/**
 * Benchmark: `applyPlan` against the lab (Graph emulator over HTTP through the SDK client, in-memory
 * AD) for the sample company: every synced user of Engineering, Sales and Finance to cloud by the per-object switch, with the
 * immutable id cleared (2 steps per user), at several concurrencies; then the same plan again with its
 * journal (every step skipped), and the stale check alone.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/apply.js [--rounds 1]
 */
import { applyPlan } from '../src/apply/executor.js';
import { memoryJournal } from '../src/apply/journal.js';
import { generatePassword } from '../src/ad/password.js';
import { createGraphClient } from '../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../src/graph/credentials.js';
import { GraphEntraAccess } from '../src/graph/entra-access.js';
import { WritePacer } from '../src/graph/pacer.js';
import { startLab } from '../src/lab/in-process-lab.js';
import { loadManifestText } from '../src/manifest/load.js';
import { observeLive } from '../src/observe/live.js';
import { buildPlan } from '../src/plan/index.js';
import type { SecretSink } from '../src/apply/secrets.js';
import { intArg, peakRssMb, seconds } from './args.js';

const rounds = intArg('rounds', 1);
const TENANT = 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01';
const manifest = `apiVersion: entra-soa/v1
tenant:
  id: ${TENANT}
activeDirectory:
  connection:
    url: ldaps://dc1.lab.example.test
    baseDn: DC=lab,DC=example,DC=test
    bindDn: CN=svc-entra-soa,OU=ServiceAccounts,DC=lab,DC=example,DC=test
    bindPasswordEnv: LAB_AD_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope:
    include:
      - OU=Staff,DC=lab,DC=example,DC=test
users:
  - name: engineering
    select: { ou: "OU=Engineering,OU=Staff,DC=lab,DC=example,DC=test" }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }
  - name: sales
    select: { ou: "OU=Sales,OU=Staff,DC=lab,DC=example,DC=test" }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }
  - name: finance
    select: { ou: "OU=Finance,OU=Staff,DC=lab,DC=example,DC=test" }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }
`;
const loaded = loadManifestText(manifest, 'bench.yaml');
if (!loaded.desired) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
const desired = loaded.desired;
const noSecrets: SecretSink = {
  path: null,
  write: () => {
    throw new Error('no secrets expected');
  },
  close: () => undefined,
};

const lab = await startLab();
try {
  const client = createGraphClient({ endpoint: lab.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(lab.token), lab.graphUrl) });
  // Graph's real write budget (20 writes/s sustained), and an unpaced one that shows the executor's own cost.
  const paced = new GraphEntraAccess({ client, tenantId: TENANT });
  const unpaced = new GraphEntraAccess({ client, tenantId: TENANT, pacer: new WritePacer({ writes: 1_000_000, windowSeconds: 1, burst: 1000 }) });
  const observe = () => observeLive({ entra: paced, directory: lab.directory });
  console.log('apply benchmark: sample company, per-object switch + clear immutable id for Engineering, Sales, Finance');
  for (let r = 0; r < rounds; r++) {
    for (const [pacing, entra, concurrency] of [
      ['Graph write budget', paced, 4],
      ['unpaced', unpaced, 1],
      ['unpaced', unpaced, 4],
      ['unpaced', unpaced, 16],
    ] as const) {
      await lab.reset();
      const plan = buildPlan({ desired, observed: await observe(), createdAt: new Date().toISOString(), tool: { name: 'entra-soa', version: 'bench' }, source: 'lab' });
      const journal = memoryJournal();
      const base = {
        plan,
        entra,
        directory: lab.directory,
        observe,
        desired,
        tool: { name: 'entra-soa', version: 'bench' },
        allow: desired.allow,
        concurrency,
        secrets: noSecrets,
        generatePassword: () => generatePassword(),
        sleep: (ms: number) => new Promise<void>((res) => setTimeout(res, ms)),
        now: () => new Date(),
      };
      const t0 = performance.now();
      const report = await applyPlan({ ...base, journal });
      const s = seconds(t0);
      if (report.refusal) throw new Error(`refused: ${report.refusal.messages.join("; ")}`);
      const rate = (plan.steps.length / Number(s)).toFixed(0);
      const t1 = performance.now();
      const again = await applyPlan({ ...base, journal: memoryJournal(journal.records) });
      console.log(
        `  ${pacing}, concurrency ${String(concurrency).padStart(2)}: ${plan.steps.length} steps in ${s} s (${rate} steps/s; done ${report.counts.done}, failed ${report.counts.failed}); ` +
          `rerun with journal ${seconds(t1)} s (skipped ${again.counts.skipped})`,
      );
    }
  }
  const t2 = performance.now();
  await observe();
  console.log(`  one re-observe for the stale check: ${seconds(t2)} s; peak RSS ${peakRssMb()} MB`);
} finally {
  await lab.close();
}
