/**
 * Benchmark: the offline path of `entra-soa plan` for a tenant of N people, in this process — join,
 * buildPlan (wall and CPU time), the plan document, and the human and Markdown renderings — with
 * peak memory. The tenant and the manifest come from bench/tenant-generator.ts.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/plan.js [--users 10000] [--rounds 3] [--seed 1]
 */
import { cpuUsage } from 'node:process';
import { loadManifestText } from '../src/manifest/load.js';
import { joinIdentities } from '../src/identity/join.js';
import { buildPlan } from '../src/plan/index.js';
import { encodePlan, renderHuman, renderMarkdown } from '../src/render/index.js';
import { intArg, peakRssMb, seconds } from './args.js';
import { tenantManifest, tenantState } from './tenant-generator.js';

const users = intArg('users', 10_000);
const rounds = intArg('rounds', 3);
const seed = intArg('seed', 1);
const manifest = tenantManifest();

const loaded = loadManifestText(manifest, 'bench.yaml');
if (!loaded.desired) throw new Error(`bench manifest invalid: ${JSON.stringify(loaded.diagnostics)}`);
const desired = loaded.desired;

const t0 = performance.now();
const observed = tenantState(users, seed);
console.log(`state    ${users} people: ${observed.ad.users.length} AD users, ${observed.entra.users.length} Entra users, ${observed.entra.groups.length} groups, built in ${seconds(t0)} s`);

const cpuFigures: number[] = [];
for (let r = 1; r <= rounds; r++) {
  const a = performance.now();
  const joined = joinIdentities(observed, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false });
  const b = performance.now();
  const cpu = cpuUsage();
  const plan = buildPlan({ desired, observed, createdAt: '2026-11-21T00:00:00.000Z', tool: { name: 'entra-soa', version: 'bench' }, source: 'bench' });
  const c = performance.now();
  const used = cpuUsage(cpu);
  const cpuPer100k = ((used.user + used.system) / 1e6) * (100_000 / Math.max(1, joined.identities.length));
  cpuFigures.push(cpuPer100k);
  const doc = encodePlan(plan);
  const d = performance.now();
  const human = renderHuman(plan, { color: false });
  const e = performance.now();
  const md = renderMarkdown(plan);
  const f = performance.now();
  console.log(
    `round ${r}  join ${((b - a) / 1000).toFixed(2)} s (${joined.identities.length} identities) | ` +
      `buildPlan ${((c - b) / 1000).toFixed(2)} s, ${cpuPer100k.toFixed(2)} s CPU per 100,000 identities (${plan.steps.length} steps) | ` +
      `json ${((d - c) / 1000).toFixed(2)} s (${(doc.length / 1e6).toFixed(1)} MB) | human ${((e - d) / 1000).toFixed(2)} s (${(human.length / 1e6).toFixed(1)} MB) | ` +
      `markdown ${((f - e) / 1000).toFixed(2)} s (${md.length} chars)`,
  );
}
console.log(`memory   peak RSS ${peakRssMb()} MB`);
// For bench/goals.ts: issue 11's goal is at most 1 s of CPU per 100,000 identities (the median round).
const median = [...cpuFigures].sort((a, b) => a - b)[Math.floor(cpuFigures.length / 2)];
if (median !== undefined) console.log(JSON.stringify({ goal: 'buildPlan-cpu', measured: Number(median.toFixed(3)), limit: 1, unit: 's CPU per 100,000 identities' }));
