/**
 * One apply at a time (issue 12 §3): the journal is locked (proper-lockfile) before anything is read or
 * changed; a second apply of the same plan says who holds it (pid, host, since) and changes nothing; the
 * lock of a process that died is taken over. The built CLI as child processes on the lab.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import lockfile from 'proper-lockfile';
import { lockJournal, ownerFile, JournalLockedError, STALE_MS } from '../../../src/apply/journal-lock.js';
import { readJournal } from '../../../src/apply/journal.js';
import { ROOT, startCli } from '../../helpers/cli-process.js';
import { labManifest } from '../../helpers/lab-manifest.js';

vi.setConfig({ testTimeout: 180_000 });

let cwd = '';
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'entra-soa-concurrency-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const SALES_OU = 'OU=Sales,OU=Staff,DC=lab,DC=example,DC=test';
const cli = (args: string[]) => startCli(args, { cwd });

async function salesPlan(): Promise<void> {
  writeFileSync(
    join(cwd, 'm.yaml'),
    labManifest(`users:
  - name: sales
    select: { ou: "${SALES_OU}" }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }`),
  );
  expect((await cli(['plan', '-f', 'm.yaml', '--lab', '--out', 'plan.json']).done).code).toBe(0);
}

describe('the journal lock', () => {
  it('a second apply of the plan while one holds the journal says who holds it and changes nothing', async () => {
    await salesPlan();
    const journal = join(cwd, 'plan.json.journal');
    const labState = () => readFileSync(join(cwd, '.entra-soa', 'lab', 'lab-state.json'), 'utf8');
    const before = labState();
    const held = await lockJournal(journal, { onCompromised: () => undefined });
    try {
      const r = await cli(['apply', 'plan.json', '--lab', '--auto-approve']).done;
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `entra-soa apply: another apply is using the journal ${journal} (pid ${process.pid} on ${hostname()}, since ${held.owner.since}): wait for it to finish. ` +
          'Two applies of one plan would run every step twice. If that process is gone, its lock expires 10 s after it stopped: run apply again then.\n',
      );
      expect(existsSync(journal)).toBe(false);
      expect(labState()).toBe(before);
    } finally {
      await held.release();
    }
    expect(existsSync(ownerFile(journal))).toBe(false);
  });

  it('two applies of one plan started together: one applies every step once, the other is refused', async () => {
    await salesPlan();
    const [a, b] = await Promise.all([cli(['apply', 'plan.json', '--lab', '--auto-approve']).done, cli(['apply', 'plan.json', '--lab', '--auto-approve']).done]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(loser.stderr).toMatch(/^entra-soa apply: another apply is using the journal .*plan\.json\.journal \(pid \d+ on .+, since \d{4}-\d\d-\d\dT[\d:.]+Z\): wait for it to finish/);
    // Every step started once and finished once.
    const lines = readFileSync(join(cwd, 'plan.json.journal'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; stepId?: string; state?: string });
    const started = lines.filter((l) => l.type === 'step' && l.state === 'started').map((l) => l.stepId);
    expect(new Set(started).size).toBe(started.length);
    const states = [...(readJournal(join(cwd, 'plan.json.journal'))?.states.values() ?? [])];
    expect(states.length).toBe(96);
    expect(states.every((s) => s === 'done')).toBe(true);
  });

  it('the lock of an apply that was killed (kill -9) is taken over once it goes stale', async () => {
    const journal = join(cwd, 'j.jsonl');
    const lockModule = join(ROOT, 'dist', 'src', 'apply', 'journal-lock.js');
    const holder = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { lockJournal } = await import(${JSON.stringify(lockModule)}); await lockJournal(${JSON.stringify(journal)}, { onCompromised: () => {} }); console.log('locked'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.on('data', (c: Buffer) => c.toString().includes('locked') && resolve()));
    const refused = await lockJournal(journal, { onCompromised: () => undefined }).catch((e: unknown) => e);
    expect((refused as JournalLockedError).owner?.pid).toBe(holder.pid);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));

    const t0 = Date.now();
    const taken = await lockJournal(journal, { onCompromised: () => undefined });
    expect(taken.owner.pid).toBe(process.pid);
    expect(Date.now() - t0).toBeLessThan(STALE_MS + 3000);
    await taken.release();
  });

  it('a live holder on this host is refused at once, naming it', async () => {
    const journal = join(cwd, 'j.jsonl');
    const held = await lockJournal(journal, { onCompromised: () => undefined });
    const t0 = Date.now();
    const err = await lockJournal(journal, { onCompromised: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalLockedError);
    expect((err as JournalLockedError).owner).toEqual(held.owner);
    expect(Date.now() - t0).toBeLessThan(2000);
    await held.release();
  });

  it('a lock held without a holder record (a holder between taking and recording it, or releasing it) is waited for, not refused', async () => {
    const journal = join(cwd, 'j.jsonl');
    // the lock as lockJournal takes it, but with no record written yet
    const bare = await lockfile.lock(journal, { realpath: false, stale: STALE_MS, update: STALE_MS / 4 });
    const released = new Promise<void>((resolve) => setTimeout(() => void bare().then(resolve), 2500));
    const t0 = Date.now();
    const taken = await lockJournal(journal, { onCompromised: () => undefined });
    await released;
    expect(taken.owner.pid).toBe(process.pid);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2400);
    expect(Date.now() - t0).toBeLessThan(STALE_MS);
    await taken.release();
  });
});
