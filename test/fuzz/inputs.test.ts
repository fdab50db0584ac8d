/**
 * Fuzz test (issue 12 §8): generated, seeded manifests, snapshots and plan files, a few hundred of
 * each per run. Every input either loads (and then plans and renders) or gives diagnostics: no
 * exception escapes, every location is 1-based, no message carries a raw control character. A
 * sample of them goes through the built CLI (`validate`, `show`, `plan --snapshot`) as a child
 * process: exit 0, 1, 2 or 4 (plan --detailed-exitcode: changes that cannot be applied), never a stack trace.
 *
 * Seed and size: ENTRA_SOA_FUZZ_SEED (default fixed, so CI is reproducible; a failure prints the
 * seed and the shrunk input), ENTRA_SOA_FUZZ_RUNS (in-process cases per kind, default 300),
 * ENTRA_SOA_FUZZ_CLI (CLI cases per kind, default 8). Each property stops after 25 s.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifestText } from '../../src/manifest/load.js';
import { formatDiagnostic, type Diagnostic } from '../../src/model/diagnostic.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { ObservedState } from '../../src/model/observed.js';
import { parseSnapshot } from '../../src/observe/snapshot.js';
import { buildPlan } from '../../src/plan/index.js';
import { decodePlan, encodePlan, renderPlan } from '../../src/render/index.js';
import { cliEnv, MAIN } from '../helpers/cli-process.js';
import { recordCliOutput } from '../helpers/test-artifacts.js';
import { BASE_MANIFEST, BASE_SNAPSHOT, manifestText, planText, snapshotText } from './generators.js';

const SEED = Number(process.env.ENTRA_SOA_FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.ENTRA_SOA_FUZZ_RUNS ?? 300);
const CLI_RUNS = Number(process.env.ENTRA_SOA_FUZZ_CLI ?? 8);
const TIME_LIMIT_MS = 25_000;
/** At least this share of the runs must happen within the time limit, or the test says so. */
const MIN_RUNS = Math.min(RUNS, 100);

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const STACK_TRACE = /^\s+at .+[:(]\d+:\d+\)?$|unexpected error/m;

const TOOL = { name: 'entra-soa', version: '0.0.0-fuzz' };
const baseDesired = loadManifestText(BASE_MANIFEST, 'manifest.yaml').desired as DesiredState;
const baseObserved = (parseSnapshot(BASE_SNAPSHOT, 'snapshot.json').snapshot as { state: ObservedState }).state;

const figures = { manifests: { tried: 0, loaded: 0 }, snapshots: { tried: 0, loaded: 0 }, plans: { tried: 0, loaded: 0 }, cli: { runs: 0, byExit: {} as Record<string, number> } };

function checkDiagnostics(ds: readonly Diagnostic[], mustBeLocated: boolean): void {
  for (const d of ds) {
    if (mustBeLocated) expect(d.location, `${d.code}: ${d.message}`).toBeDefined();
    for (const l of [...(d.location ? [d.location] : []), ...(d.related ?? [])]) {
      expect(Number.isInteger(l.line) && l.line >= 1, `line of ${d.code}`).toBe(true);
      expect(Number.isInteger(l.col) && l.col >= 1, `col of ${d.code}`).toBe(true);
    }
    expect(d.message.length).toBeGreaterThan(0);
    const text = formatDiagnostic(d);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).not.toMatch(STACK_TRACE);
  }
}

function renderAll(plan: Parameters<typeof renderPlan>[0]): void {
  for (const format of ['human', 'markdown', 'json'] as const) {
    const out = renderPlan(plan, format, { color: false });
    if (format !== 'json') expect(out).not.toMatch(RAW_CONTROL);
  }
  expect(decodePlan(encodePlan(plan), 'p.json').plan).toEqual(plan);
}

function run<T>(arb: fc.Arbitrary<T>, check: (input: T) => void): void {
  const details = fc.check(
    fc.property(arb, (input) => {
      check(input);
    }),
    { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
  );
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
  expect(details.numRuns, `only ${details.numRuns} runs within ${TIME_LIMIT_MS} ms`).toBeGreaterThanOrEqual(MIN_RUNS);
}

describe(`fuzz: generated inputs (seed ${SEED})`, () => {
  afterAll(() => {
    const m = figures.manifests;
    const s = figures.snapshots;
    const p = figures.plans;
    console.log(
      `fuzz (seed ${SEED}): manifests ${m.tried} tried, ${m.loaded} loaded; snapshots ${s.tried} tried, ${s.loaded} loaded; ` +
        `plans ${p.tried} tried, ${p.loaded} loaded; CLI ${figures.cli.runs} runs, exits ${JSON.stringify(figures.cli.byExit)}; crashes 0`,
    );
  });

  it('manifests: load or diagnostics at line:col; a manifest that loads plans and renders', { timeout: 90_000 }, () => {
    run(manifestText, (text) => {
      figures.manifests.tried++;
      const r = loadManifestText(text, 'fuzz.yaml');
      expect(r.desired === null).toBe(r.diagnostics.some((d) => d.severity === 'error'));
      checkDiagnostics(r.diagnostics, true);
      if (r.desired) {
        figures.manifests.loaded++;
        renderAll(buildPlan({ desired: r.desired, observed: baseObserved, createdAt: '2026-11-29T00:00:00Z', tool: TOOL, source: 'fuzz' }));
      }
    });
  });

  it('snapshots: load or diagnostics at line:col; a snapshot that loads plans and renders', { timeout: 90_000 }, () => {
    run(snapshotText, (text) => {
      figures.snapshots.tried++;
      const r = parseSnapshot(text, 'fuzz.json');
      expect(r.snapshot === null).toBe(r.diagnostics.some((d) => d.severity === 'error'));
      checkDiagnostics(r.diagnostics, true);
      if (r.snapshot) {
        figures.snapshots.loaded++;
        renderAll(buildPlan({ desired: baseDesired, observed: r.snapshot.state, createdAt: '2026-11-29T00:00:00Z', tool: TOOL, source: 'fuzz' }));
      }
    });
  });

  it('plan files: decode or diagnostics at line:col; a plan that decodes renders in every format', { timeout: 90_000 }, () => {
    run(planText, (text) => {
      figures.plans.tried++;
      const r = decodePlan(text, 'fuzz-plan.json');
      expect(r.plan === null).toBe(r.diagnostics.length > 0);
      checkDiagnostics(r.diagnostics, true);
      if (r.plan) {
        figures.plans.loaded++;
        renderAll(r.plan);
      }
    });
  });

  it('the built CLI on a sample: exit 0, 1, 2 or 4, no stack trace, no raw control character', { timeout: 180_000 }, async () => {
    // Inputs go to test-inputs/ (they may hold planted secrets: the secrets scan reads outputs only).
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-fuzz-'));
    mkdirSync(join(dir, 'test-inputs'));
    writeFileSync(join(dir, 'base.yaml'), BASE_MANIFEST);
    const jobs: { args: string[]; input: string }[] = [];
    const sample = <T extends string>(arb: fc.Arbitrary<T>, name: string, args: (file: string) => string[]): void => {
      fc.sample(arb, { seed: SEED, numRuns: CLI_RUNS }).forEach((text, i) => {
        const file = join('test-inputs', `${name}-${i}`);
        writeFileSync(join(dir, file), text);
        jobs.push({ args: args(file), input: file });
      });
    };
    sample(manifestText, 'manifest.yaml', (f) => ['validate', f]);
    sample(planText, 'plan.json', (f) => ['show', f]);
    sample(snapshotText, 'snapshot.json', (f) => ['plan', '-f', 'base.yaml', '--snapshot', f, '--detailed-exitcode']);
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let j = next++; j < jobs.length; j = next++) {
        const job = jobs[j] as { args: string[]; input: string };
        const r = await runCli(job.args, dir);
        figures.cli.runs++;
        figures.cli.byExit[String(r.code)] = (figures.cli.byExit[String(r.code)] ?? 0) + 1;
        const problems = [
          ...([0, 1, 2, 4].includes(r.code ?? -1) ? [] : [`exit ${r.code} (signal ${r.signal})`]),
          ...(STACK_TRACE.test(r.stderr) || STACK_TRACE.test(r.stdout) ? ['a stack trace'] : []),
          ...(RAW_CONTROL.test(r.stderr) ? ['a raw control character on stderr'] : []),
        ];
        if (problems.length > 0) failures.push(`${job.args.join(' ')} (${join(dir, job.input)}): ${problems.join(', ')}\n${r.stderr.slice(0, 2000)}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    expect(figures.cli.runs).toBe(3 * CLI_RUNS);
  });
});

function runCli(args: string[], cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      recordCliOutput(`entra-soa ${args[0] ?? ''} (exit ${code ?? signal})`, stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
