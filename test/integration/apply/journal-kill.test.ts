/**
 * The journal's guarantee under group commit (issue 11 B), with kills at random points: a child
 * process applies a plan of Graph writes (every synced Staff user switched to cloud authority by the
 * per-object switch, the immutable id cleared: 2 steps per user; the two role holders left out) with its file journal, through the
 * Graph SDK client against the lab's Graph emulator in this process, and is SIGKILLed after a random
 * number of writes reached the emulator (at once, inside the write, or a random moment later); then it
 * runs again, until a run is let finish. Witnesses, independent of the child:
 * - each write the emulator receives finds its step's `started` in the journal file at that instant
 *   (the journal never lacks the `started` of a step whose action has begun);
 * - a step the journal recorded done before a run is not written again by that run;
 * - after each kill, the journal folds (a torn last line tolerated) to every step the child reported
 *   finished with the outcome it reported (outcomes durable before they count), an outcome only for
 *   steps that started, each step's records in order, and every written step touched;
 * - the last run finishes with every step done or already done.
 * Seeded like the soak files (ENTRA_SOA_SOAK_SEED); ENTRA_SOA_JOURNAL_KILLS sets the kills (default 5).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readJournal, type Journal, type JournalRecord } from '../../../src/apply/journal.js';
import type { Plan, PlannedStep } from '../../../src/model/plan.js';
import { ROOT } from '../../helpers/cli-process.js';
import { LAB_TENANT_ID, labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { pick, printFigures, roundRandom, soakCount } from '../../soak/soak-options.js';
import { labHarnessPerTest } from './lab-harness.js';

vi.setConfig({ testTimeout: 240_000 });

const h = labHarnessPerTest();
const KILLS = soakCount('ENTRA_SOA_JOURNAL_KILLS', 5);

const MANIFEST = labManifest(`users:
  - name: staff-to-cloud
    select: { ou: "OU=Staff,DC=lab,DC=example,DC=test", exclude: [ { upn: umar.santos@lab.example.test }, { upn: will.costa@lab.example.test } ] }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }`);

const dist = (path: string) => JSON.stringify(join(ROOT, 'dist', 'src', path));
/** The child: the real executor with a file journal, its AD a copy of the lab's (the plan writes only to Graph). */
const CHILD = `
import { appendFileSync, readFileSync } from 'node:fs';
const { applyPlan } = await import(${dist('apply/executor.js')});
const { openJournal } = await import(${dist('apply/journal.js')});
const { planDigest } = await import(${dist('apply/plan-digest.js')});
const { fileSecretSink } = await import(${dist('apply/secrets.js')});
const { createGraphClient } = await import(${dist('graph/client.js')});
const { StaticTokenCredential, authProviderFor } = await import(${dist('graph/credentials.js')});
const { GraphEntraAccess } = await import(${dist('graph/entra-access.js')});
const { WritePacer } = await import(${dist('graph/pacer.js')});
const { MemoryDirectory, SeededRandom } = await import(${dist('lab/memory-directory.js')});
const { loadManifestText } = await import(${dist('manifest/load.js')});
const { observeLive } = await import(${dist('observe/live.js')});
const [dir, graphUrl, token, tenantId, concurrency] = process.argv.slice(1);
const desired = loadManifestText(readFileSync(dir + '/m.yaml', 'utf8'), 'm.yaml').desired;
const plan = JSON.parse(readFileSync(dir + '/plan.json', 'utf8'));
const ad = new MemoryDirectory({ baseDn: desired.activeDirectory.connection.baseDn, random: new SeededRandom(1) });
ad.resetFrom(JSON.parse(readFileSync(dir + '/ad.json', 'utf8')));
const client = createGraphClient({ endpoint: graphUrl, authProvider: authProviderFor(new StaticTokenCredential(token), graphUrl), retry: { maxRetries: 0 } });
const entra = new GraphEntraAccess({ client, tenantId, pacer: new WritePacer({ writes: 1000000, windowSeconds: 1, burst: 1000 }) });
const journal = openJournal(dir + '/plan.json.journal', planDigest(plan));
const say = (line) => appendFileSync(dir + '/reported.txt', line + '\\n');
const report = await applyPlan({
  plan, desired, entra, directory: ad, journal, allow: desired.allow, concurrency: Number(concurrency),
  observe: () => observeLive({ entra, directory: ad }),
  tool: { name: 'entra-soa', version: 'test' },
  secrets: fileSecretSink(dir + '/secrets', () => new Date()),
  generatePassword: () => 'unused-' + Math.random(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => new Date(),
  onEvent: (e) => { if (e.type === 'step-finished') say('finished ' + e.result.id + ' ' + e.result.status); },
});
await journal.close();
say('end ' + JSON.stringify({ refusal: report.refusal, counts: report.counts }));
`;

interface Run {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

const parseRecords = (text: string): JournalRecord[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalRecord];
      } catch {
        return []; // a torn last line
      }
    });

/** Calls `witness` with the plan's step at each write the emulator receives (before it applies it). */
function onPlanWrite(plan: Plan, witness: (s: PlannedStep) => void): void {
  const stepOf = (userId: string, kind: PlannedStep['step']['kind']): PlannedStep => {
    const s = plan.steps.find((p) => p.step.kind === kind && 'userId' in p.step && p.step.userId === userId);
    if (!s) throw new Error(`a write no step of the plan makes: ${kind} of ${userId}`);
    return s;
  };
  const tenant = h.lab.tenant;
  const setCloudManaged = tenant.setUserCloudManaged.bind(tenant);
  tenant.setUserCloudManaged = (id, v) => {
    witness(stepOf(id, 'entra.setCloudManaged'));
    return setCloudManaged(id, v);
  };
  const updateUser = tenant.updateUser.bind(tenant);
  tenant.updateUser = (id, patch) => {
    // The switch goes through updateUser too (isCloudManaged); the clear writes the immutable id.
    if ('onPremisesImmutableId' in patch) witness(stepOf(id, 'entra.setImmutableId'));
    return updateUser(id, patch);
  };
}

describe('group commit keeps the journal true across kills', () => {
  it('SIGKILL at random points, then resume: started before every write, outcomes as reported, nothing run twice', async () => {
    const desired = loadDesired(MANIFEST);
    const plan = await h.plan(desired);
    const kinds = new Set(plan.steps.map((s) => s.step.kind));
    expect([...kinds].sort()).toEqual(['entra.setCloudManaged', 'entra.setImmutableId']);
    expect(plan.steps.length).toBeGreaterThanOrEqual(20);
    const dir = h.dir;
    const journalPath = join(dir, 'plan.json.journal');
    writeFileSync(join(dir, 'm.yaml'), MANIFEST);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    writeFileSync(join(dir, 'ad.json'), JSON.stringify(h.lab.memoryDirectory?.toJSON()));

    const violations: string[] = [];
    const written = new Map<string, number>();
    let doneBefore = new Set<string>();
    let onWrite: (() => void) | null = null;
    onPlanWrite(plan, (s) => {
      const started = parseRecords(readFileSync(journalPath, 'utf8')).some((r) => r.type === 'step' && r.stepId === s.id && r.state === 'started');
      if (!started) violations.push(`${s.id} written without its started record in the journal`);
      if (doneBefore.has(s.id)) violations.push(`${s.id} written again although the journal recorded it done`);
      written.set(s.id, (written.get(s.id) ?? 0) + 1);
      onWrite?.();
    });

    const random = roundRandom('journal-kill', 1);
    // What the child reported (written synchronously to a file: a line there was said before any kill).
    const reported = join(dir, 'reported.txt');
    const run = (kill: { afterWrites: number; delayMs: number } | null, concurrency: number): Promise<Run> => {
      writeFileSync(reported, '');
      const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir, h.lab.graphUrl, h.lab.token, LAB_TENANT_ID, String(concurrency)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      let writes = 0;
      onWrite = kill
        ? () => {
            if (++writes !== kill.afterWrites) return;
            // Inside the write (the emulator applies it, the child never hears back), or a moment later.
            if (kill.delayMs === 0) child.kill('SIGKILL');
            else setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
          }
        : null;
      return new Promise((resolve) =>
        child.on('exit', (code, signal) => {
          onWrite = null;
          if (signal === null && code !== 0) violations.push(`a run exited ${code}: ${err.slice(0, 500)}`);
          resolve({ lines: readFileSync(reported, 'utf8').split('\n').filter((l) => l !== ''), code, signal });
        }),
      );
    };

    const figures = { kills: 0, landed: 0, leftStarted: 0 };
    for (let k = 0; k <= KILLS; k++) {
      const last = k === KILLS;
      const before = readJournal(journalPath);
      doneBefore = new Set([...(before?.states ?? [])].filter(([, st]) => st === 'done').map(([id]) => id));
      // Within the first 60 % of the writes left (a step whose write landed is found done, not written
      // again), so that the kill comes while the run has more to do, and the next kills do too.
      const unwritten = plan.steps.filter((s) => !written.has(s.id)).length;
      const kill = last ? null : { afterWrites: 1 + random.int(Math.max(1, Math.floor(unwritten * 0.6))), delayMs: pick(random, [0, 0, 1, 3, 10]) };
      const r = await run(kill, pick(random, [1, 4, 16]));
      if (!last) figures.kills++;
      if (r.signal === 'SIGKILL') figures.landed++;
      if (r.signal === 'SIGKILL') figures.leftStarted += [...(readJournal(journalPath)?.states.values() ?? [])].filter((st) => st === 'started').length;

      // What the child reported finished is in the journal with that outcome; the journal's records are in order.
      const text = readFileSync(journalPath, 'utf8');
      const folded = readJournal(journalPath);
      const records = parseRecords(text);
      for (const line of r.lines.filter((l) => l.startsWith('finished '))) {
        const [, id, status] = line.split(' ') as [string, string, string];
        // A step an earlier run finished is reported skipped without a new record.
        const earlier = before?.states.get(id);
        const recorded = status === 'skipped' && (earlier === 'done' || earlier === 'skipped') ? earlier : status;
        expect(folded?.states.get(id), `${id} reported ${status}`).toBe(recorded);
      }
      const startedSoFar = new Set<string>();
      for (const rec of records) {
        if (rec.type !== 'step') continue;
        if (rec.state === 'started') startedSoFar.add(rec.stepId);
        else if (rec.state === 'done' || rec.state === 'failed') expect(startedSoFar.has(rec.stepId), `${rec.stepId} ${rec.state} before started`).toBe(true);
      }
      for (const id of written.keys()) expect(folded?.history.steps.get(id)?.touched, `${id} written, not touched`).toBe(true);
      // Done in the journal only where the write reached the emulator (no step of this plan is done beforehand).
      for (const [id, st] of folded?.states ?? []) if (st === 'done') expect(written.has(id), `${id} recorded done, never written`).toBe(true);
      if (last) {
        expect(r.code).toBe(0);
        expect(r.lines.at(-1)).toMatch(/^end \{"refusal":null,/);
      }
    }
    expect(violations).toEqual([]);
    const end = readJournal(journalPath);
    const unfinished = plan.steps.filter((s) => end?.states.get(s.id) !== 'done' && end?.states.get(s.id) !== 'skipped');
    expect(unfinished.map((s) => `${s.id} ${end?.states.get(s.id)}`), readFileSync(journalPath, 'utf8').split('\n').filter((l) => /refused|failed|not-run/.test(l)).slice(0, 3).join('\n')).toEqual([]);
    expect(plan.steps.every((s) => (written.get(s.id) ?? 0) >= 1)).toBe(true);
    // A kill a moment after the write can come after the run ended (its last few steps): most land.
    expect(figures.landed).toBeGreaterThanOrEqual(Math.ceil(KILLS / 2));
    printFigures('journal kills', [
      `${plan.steps.length} steps, ${figures.kills} kills (${figures.landed} landed before the run ended), ${figures.leftStarted} steps left started without an outcome, ` +
        `writes per step: max ${Math.max(...written.values())}`,
    ]);
  });

  it('in process, 16 at once: each write, report and dependent start finds what it relies on already synced', async () => {
    // Sales only: Graph's write budget paces this client (20 writes/s once the burst is spent).
    const desired = loadDesired(MANIFEST.replace('ou: "OU=Staff,', 'ou: "OU=Sales,OU=Staff,'));
    const plan = await h.plan(desired);
    const real = h.journalAt(join(h.dir, 'plan.json.journal'), plan);
    // The real journal, watched: the index of each record, and how many records a resolved flush covers.
    let recorded = 0;
    let durable = 0;
    const at = new Map<string, number>();
    const journal: Journal = {
      path: real.path,
      history: real.history,
      record(r) {
        recorded++;
        if (r.type === 'step') at.set(`${r.stepId} ${r.state}`, recorded);
        real.record(r);
      },
      async flush() {
        const covers = recorded;
        await real.flush();
        durable = Math.max(durable, covers);
      },
      close: () => real.close(),
    };
    const late: string[] = [];
    const isDurable = (key: string) => (at.get(key) ?? Infinity) <= durable;
    onPlanWrite(plan, (s) => {
      if (!isDurable(`${s.id} started`)) late.push(`${s.id} written before its started record was synced`);
    });
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    const { report } = await h.apply(plan, desired, {
      journal,
      concurrency: 16,
      onEvent: (e) => {
        if (e.type === 'step-finished' && !isDurable(`${e.result.id} ${e.result.status}`)) late.push(`${e.result.id} reported before its outcome was synced`);
        if (e.type === 'step-started') {
          for (const d of byId.get(e.stepId)?.dependsOn ?? []) if (!isDurable(`${d} done`)) late.push(`${e.stepId} started before the outcome of ${d} was synced`);
        }
      },
    });
    await journal.close();
    expect(report.counts.done).toBe(plan.steps.length);
    expect(plan.steps.length).toBeGreaterThan(16);
    expect(plan.steps.some((s) => s.dependsOn.length > 0)).toBe(true);
    expect(late).toEqual([]);
    expect(durable).toBe(recorded);
  });
});
