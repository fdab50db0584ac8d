/**
 * Benchmark (issue 11 B): what the journal's durability costs in unpaced apply time. The real executor
 * applies a plan of a few thousand steps (a hard link of N generated users: their AD counterparts moved
 * into the sync scope, one cycle, the links checked) through the Graph SDK client against the lab's
 * Graph emulator and in-memory AD, in this process, writes unpaced (no write budget, no throttling),
 * waits on the lab clock (a sleep moves the clock instead of waiting), the lab's cycle as the trigger.
 * Each run times `applyPlan` alone, with its journal on disk (os.tmpdir()) kept three ways:
 * - per-record fsync: every record written and fsync'ed synchronously as it is made (the journal of
 *   1da7409, rebuilt here as a Journal so that all three run on the same plan in one process);
 * - group commit: `openJournal` (src/apply/group-commit.ts), what apply uses;
 * - no fsync: every record written, never synced (the floor: durability costs nothing).
 * Runs alternate between the three (order rotated each round); each figure is the median.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/journal.js [--links 1000] [--rounds 3] [--concurrency 4]
 *
 * Ends with one JSON line for `npm run bench`: the goal is an overhead of group commit over the floor
 * of at most 10 % of the floor's apply time.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { generatePassword } from '../src/ad/password.js';
import { applyPlan } from '../src/apply/executor.js';
import { openJournal, type Journal } from '../src/apply/journal.js';
import { planDigest } from '../src/apply/plan-digest.js';
import { fileSecretSink } from '../src/apply/secrets.js';
import { createGraphClient } from '../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../src/graph/credentials.js';
import { GraphEntraAccess } from '../src/graph/entra-access.js';
import { WritePacer } from '../src/graph/pacer.js';
import { startLab } from '../src/lab/in-process-lab.js';
import { loadManifestText } from '../src/manifest/load.js';
import { observeLive } from '../src/observe/live.js';
import { buildPlan } from '../src/plan/index.js';
import { intArg } from './args.js';
import { HARD_LINK_MANIFEST, TENANT, onLabClock, withCloudUsersAndAdCounterparts } from './lab-scenarios.js';

const links = intArg('links', 1000, 'positive');
const rounds = intArg('rounds', 3, 'positive');
const concurrency = intArg('concurrency', 4, 'positive');
const TOOL = { name: 'entra-soa', version: 'bench' };

type Mode = 'per-record fsync' | 'group commit' | 'no fsync';
const MODES: readonly Mode[] = ['per-record fsync', 'group commit', 'no fsync'];

/** A journal file written record by record with writeSync, each fsync'ed at once when `sync`. */
function recordByRecord(path: string, sync: boolean): Journal {
  const fd = openSync(path, 'a', 0o600);
  return {
    path,
    history: { steps: new Map(), authorized: new Set() },
    record(r) {
      writeSync(fd, `${JSON.stringify(r)}\n`);
      if (sync) fsyncSync(fd);
    },
    flush: async () => undefined,
    close: async () => closeSync(fd),
  };
}

const loaded = loadManifestText(HARD_LINK_MANIFEST, 'bench.yaml');
if (!loaded.desired) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
const desired = loaded.desired;
const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));

interface Run {
  seconds: number;
  steps: number;
  records: number;
}

async function run(mode: Mode, n: number): Promise<Run> {
  const lab = await startLab();
  try {
    await withCloudUsersAndAdCounterparts(lab, n);
    const client = createGraphClient({ endpoint: lab.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(lab.token), lab.graphUrl) });
    const entra = new GraphEntraAccess({ client, tenantId: TENANT, pacer: new WritePacer({ writes: 1_000_000, windowSeconds: 1, burst: 1000 }) });
    const observe = () => observeLive({ entra, directory: lab.directory });
    const labNow = () => new Date(lab.tenant.nowIso());
    const plan = buildPlan({ desired, observed: await observe(), createdAt: labNow().toISOString(), tool: TOOL, source: 'lab' });
    const path = join(dir, `${mode.replace(/ /g, '-')}-${Date.now()}.jsonl`);
    const journal = mode === 'group commit' ? openJournal(path, planDigest(plan)) : recordByRecord(path, mode === 'per-record fsync');
    const secrets = fileSecretSink(join(dir, 'secrets'), labNow);
    const t0 = performance.now();
    const report = await applyPlan({
      ...{ plan, desired, tool: TOOL, entra, directory: lab.directory, observe, journal, allow: desired.allow, concurrency, secrets },
      pollIntervalS: desired.sync.pollIntervalS,
      generatePassword: () => generatePassword(),
      ...onLabClock(lab),
    });
    const seconds = (performance.now() - t0) / 1000;
    await journal.close();
    secrets.close();
    if (report.refusal) throw new Error(`refused: ${report.refusal.messages.join('; ')}`);
    const c = report.counts;
    if (c.done + c.skipped !== plan.steps.length) throw new Error(`${mode}: ${c.done + c.skipped} of ${plan.steps.length} steps done (failed ${c.failed}, not run ${c['not-run']}, refused ${c.refused})`);
    const records = readFileSync(path, 'utf8').split('\n').length - 1;
    rmSync(path);
    return { seconds, steps: plan.steps.length, records };
  } finally {
    await lab.close();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const fs = statfsSync(dir);
console.log(
  `journal durability: unpaced apply of a hard link of ${links} users (lab in process, in-memory AD, lab clock), concurrency ${concurrency}, ` +
    `${rounds} round(s); journal in ${dir} (filesystem type 0x${fs.type.toString(16)}); Node ${process.version}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);
// A warm-up run (JIT, lab start-up paths), not counted.
await run('no fsync', Math.min(links, 100));
const times = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
let steps = 0;
let records = 0;
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < MODES.length; i++) {
    const mode = MODES[(i + r) % MODES.length] as Mode;
    const x = await run(mode, links);
    steps = x.steps;
    records = x.records;
    (times.get(mode) as number[]).push(x.seconds);
    console.log(`  round ${r + 1}, ${mode}: ${x.seconds.toFixed(2)} s (${x.steps} steps, ${x.records} records)`);
  }
}
rmSync(dir, { recursive: true, force: true });

const med = (m: Mode) => median(times.get(m) as number[]);
const floor = med('no fsync');
const group = med('group commit');
const perRecord = med('per-record fsync');
const overhead = (group - floor) / floor;
const perRecordOverhead = (perRecord - floor) / floor;
console.log(
  `  medians: per-record fsync ${perRecord.toFixed(2)} s, group commit ${group.toFixed(2)} s, no fsync ${floor.toFixed(2)} s\n` +
    `  durability's cost over the floor: per-record fsync ${(perRecordOverhead * 100).toFixed(1)} %, group commit ${(overhead * 100).toFixed(1)} % (goal at most 10 %); ` +
    `group commit is ${(perRecord / group).toFixed(2)} times as fast as per-record fsync`,
);
console.log(
  JSON.stringify({
    goal: 'journal-durability',
    measured: Number(overhead.toFixed(4)),
    limit: 0.1,
    unit: 'fraction of unpaced apply time',
    ratio: Number((overhead / 0.1).toFixed(3)),
    steps,
    records,
    concurrency,
    rounds,
    seconds: { perRecordFsync: Number(perRecord.toFixed(3)), groupCommit: Number(group.toFixed(3)), noFsync: Number(floor.toFixed(3)) },
    perRecordFsyncOverhead: Number(perRecordOverhead.toFixed(4)),
  }),
);
