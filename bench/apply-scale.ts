/**
 * Benchmark (issue 7 §6): sync cycles and wall time of a scope removal of 600 users and a hard link of
 * 1,000, applied by the real executor through the Graph SDK client against the lab's Graph emulator
 * with Graph's write budget on both sides (the client's WritePacer at 3,000 writes / 150 s, and the
 * emulator throttling as Microsoft documents it, so a 429 would show), the lab's Entra Connect cycle as
 * the sync trigger, and real time everywhere (polls sleep for real).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/apply-scale.js [--removals 600] [--links 1000] [--concurrency 4]
 *
 * `--removals 0` or `--links 0` leaves a scenario out. The users are generated here (the lab seed
 * generator's names run out after a few thousand): the sample company plus N synced AD users in
 * OU=Bench,OU=Staff (one cycle creates them in the tenant), or N cloud-only users with an AD
 * counterpart each in OU=Onboarding, outside the sync scope.
 *
 * Printed per run: steps, Graph writes, sync cycles the lab ran (Lab.syncCycleCount), wall time, and the
 * floor: the cycles the plan needs at the least (1, or one per deletion wave) plus its Graph writes at
 * the documented budget's sustained rate (3,000 / 150 s = 20 writes/s), with the lab cycles' own time.
 * Scope removal of more users than the accidental-deletion threshold (500) runs twice: with consent to
 * exceed it (`allow.exceedDeletionThreshold`; the operator lets the export through on the Connect
 * server, Disable-ADSyncExportDeletionThreshold, which the lab models by lifting its Connect threshold:
 * https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-prevent-accidental-deletes),
 * and with `sync.deletionWaves: true` (waves of at most the threshold, one cycle each).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePassword } from '../src/ad/password.js';
import { applyPlan } from '../src/apply/executor.js';
import { memoryJournal } from '../src/apply/journal.js';
import type { ApplyReport } from '../src/model/apply-report.js';
import { fileSecretSink } from '../src/apply/secrets.js';
import { createGraphClient, newGraphTraffic } from '../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../src/graph/credentials.js';
import { GraphEntraAccess } from '../src/graph/entra-access.js';
import { GRAPH_WRITE_BUDGET } from '../src/graph/pacer.js';
import { startLab, type Lab, type StartLabOptions } from '../src/lab/in-process-lab.js';
import { loadManifestText } from '../src/manifest/load.js';
import type { Plan } from '../src/model/plan.js';
import { observeLive } from '../src/observe/live.js';
import { buildPlan } from '../src/plan/index.js';
import { intArg, peakRssMb, seconds } from './args.js';
import { DEFAULT_THRESHOLD, HARD_LINK_MANIFEST, SCOPE_REMOVAL_RULE, TENANT, manifest, withCloudUsersAndAdCounterparts, withSyncedUsers } from './lab-scenarios.js';

const removals = intArg('removals', 600);
const links = intArg('links', 1000);
const concurrency = intArg('concurrency', 4, 'positive');

/** The documented budget's sustained rate (writes per second). */
const WRITES_PER_S = GRAPH_WRITE_BUDGET.writes / GRAPH_WRITE_BUDGET.windowSeconds;
const TOOL = { name: 'entra-soa', version: 'bench' };

/** Graph's identity throttling on the emulator, with Microsoft's documented limits (docs/lab-graph.md "Throttling"). */
async function documentedThrottling(lab: Lab): Promise<void> {
  const res = await fetch(`${lab.graphUrl}/_lab/throttling`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lab.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ resourceUnitsPerWindow: 8000, windowSeconds: 10, writesPerWindow: 3000, writeWindowSeconds: 150, tenantWritesPerWindow: 18_000, tenantWriteWindowSeconds: 300 }),
  });
  if (!res.ok) throw new Error(`POST /_lab/throttling answered ${res.status}`);
}

/** Every `entra.*` step is one Graph write (the pacer's unit). */
const isGraphWrite = (kind: string): boolean => kind.startsWith('entra.');

interface Run {
  label: string;
  lab: StartLabOptions;
  setUp: (lab: Lab) => Promise<void>;
  manifest: string;
  /** Sync cycles the plan needs at the least. */
  floorCycles: (plan: Plan) => number;
}

async function run(r: Run): Promise<void> {
  const lab = await startLab(r.lab);
  try {
    await r.setUp(lab);
    await documentedThrottling(lab);
    const loaded = loadManifestText(r.manifest, 'bench.yaml');
    if (!loaded.desired) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    const desired = loaded.desired;
    const traffic = newGraphTraffic();
    const client = createGraphClient({ endpoint: lab.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(lab.token), lab.graphUrl), traffic });
    // Default pacer: Graph's documented write budget, on real time.
    const entra = new GraphEntraAccess({ client, tenantId: TENANT });
    const observe = () => observeLive({ entra, directory: lab.directory });
    const tPlan = performance.now();
    const plan = buildPlan({ desired, observed: await observe(), createdAt: lab.tenant.nowIso(), tool: TOOL, source: 'lab' });
    const planS = seconds(tPlan);
    const writes = plan.steps.filter((s) => isGraphWrite(s.step.kind)).length;
    let cycleMs = 0;
    const cyclesBefore = lab.syncCycleCount;
    const t0 = performance.now();
    const report: ApplyReport = await applyPlan({
      plan,
      desired,
      tool: TOOL,
      entra,
      directory: lab.directory,
      observe,
      journal: memoryJournal(),
      allow: desired.allow,
      concurrency,
      triggerSync: async () => {
        const c0 = performance.now();
        await lab.triggerSync();
        cycleMs += performance.now() - c0;
      },
      pollIntervalS: desired.sync.pollIntervalS,
      secrets: fileSecretSink(mkdtempSync(join(tmpdir(), 'bench-secrets-')), () => new Date()),
      generatePassword: () => generatePassword(),
      sleep: (ms, cancel) =>
        new Promise<void>((res) => {
          const t = setTimeout(res, ms);
          cancel?.addEventListener('abort', () => {
            clearTimeout(t);
            res();
          });
        }),
      now: () => new Date(),
    });
    const wallS = (performance.now() - t0) / 1000;
    if (report.refusal) throw new Error(`refused: ${report.refusal.messages.join('; ')}`);
    const cycles = lab.syncCycleCount - cyclesBefore;
    const floorCycles = r.floorCycles(plan);
    const floorS = writes / WRITES_PER_S + cycleMs / 1000;
    const c = report.counts;
    console.log(
      `  ${r.label}: ${plan.steps.length} steps (planned in ${planS} s), ${writes} Graph writes; done ${c.done}, failed ${c.failed}, not run ${c['not-run']}\n` +
        `    sync cycles: ${cycles} run (floor ${floorCycles}); wait looks ${report.waits?.rounds ?? 0}, up to ${report.waits?.maxWaiting ?? 0} waiting at once\n` +
        `    wall ${wallS.toFixed(1)} s; floor ${floorS.toFixed(1)} s (${writes} writes at ${WRITES_PER_S} writes/s + ${(cycleMs / 1000).toFixed(1)} s in lab cycles); ratio ${(wallS / floorS).toFixed(2)}\n` +
        `    Graph: ${traffic.requests} requests, ${traffic.throttled} answered 429; pacer waited ${(entra.pacer.waitedMs / 1000).toFixed(1)} s`,
    );
    if (c.failed + c['not-run'] + c.refused > 0) {
      for (const x of report.results.filter((x) => x.status !== 'done' && x.status !== 'skipped').slice(0, 3)) console.log(`    ${x.id} ${x.status}: ${x.message}`);
    }
  } finally {
    await lab.close();
  }
}

console.log(
  `apply at scale (lab: Graph emulator over HTTP with Graph's throttling, in-memory AD, the lab's Connect cycle as the trigger; ` +
    `write budget ${GRAPH_WRITE_BUDGET.writes} / ${GRAPH_WRITE_BUDGET.windowSeconds} s; concurrency ${concurrency}; Node ${process.version})`,
);

if (removals > 0) {
  const rule = SCOPE_REMOVAL_RULE;
  const exceeds = removals > DEFAULT_THRESHOLD;
  await run({
    label: `scope removal of ${removals}${exceeds ? ', consent to exceed the threshold of 500 (the operator lets the export through)' : ''}`,
    // The Connect server's threshold lifted for this export (Disable-ADSyncExportDeletionThreshold); the tenant's stays 500.
    lab: exceeds ? { syncConfig: { deletionThreshold: removals } } : {},
    setUp: (lab) => withSyncedUsers(lab, removals),
    manifest: manifest(rule, exceeds ? { allow: ', exceedDeletionThreshold: true' } : {}),
    floorCycles: () => 1,
  });
  if (exceeds) {
    await run({
      label: `scope removal of ${removals}, sync.deletionWaves: true (waves of at most 500)`,
      lab: {},
      setUp: (lab) => withSyncedUsers(lab, removals),
      manifest: manifest(rule, { sync: ', deletionWaves: true' }),
      floorCycles: () => Math.ceil(removals / DEFAULT_THRESHOLD),
    });
  }
}

if (links > 0) {
  await run({
    label: `hard link of ${links}`,
    lab: {},
    setUp: (lab) => withCloudUsersAndAdCounterparts(lab, links),
    manifest: HARD_LINK_MANIFEST,
    floorCycles: () => 1,
  });
}
console.log(`  peak RSS ${peakRssMb()} MB`);
