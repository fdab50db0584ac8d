/**
 * Group commit (src/apply/group-commit.ts) on real files: many steps recording at once lose nothing and
 * keep each step's order, share syncs, and a record counts as durable only after an fdatasync that
 * started once it was written (watched by wrapping the real file's calls, which still run); a failed
 * write fails every later flush, and the journal says which file and what to do.
 */
import { existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroupCommit, appendFileOf, type AppendFile } from '../../../src/apply/group-commit.js';
import { JournalWriteError, openJournal, readJournal } from '../../../src/apply/journal.js';
import { SeededRandom } from '../../../src/lab/memory-directory.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'entra-soa-group-commit-'));

/** The real file, with what happened in order: appends counted, each sync's coverage (appends before it started). */
function watched(path: string): { file: AppendFile; appends: () => number; syncs: { covers: number; done: boolean }[] } {
  const real = appendFileOf(openSync(path, 'a', 0o600));
  let appends = 0;
  const syncs: { covers: number; done: boolean }[] = [];
  return {
    appends: () => appends,
    syncs,
    file: {
      append(text) {
        real.append(text);
        appends++;
      },
      async datasync() {
        const s = { covers: appends, done: false };
        syncs.push(s);
        await real.datasync();
        s.done = true;
      },
      close: () => real.close(),
    },
  };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('group commit', () => {
  it('200 steps recording at once: every record once, each step in order, a record durable only after a sync that started after it, syncs shared', async () => {
    const path = join(tmp(), 'j.jsonl');
    const w = watched(path);
    const commit = new GroupCommit(w.file);
    const random = new SeededRandom(11);
    const early: string[] = [];
    const step = async (i: number) => {
      for (const state of ['started', 'done']) {
        commit.append(`${JSON.stringify({ stepId: `s${i}`, state })}\n`);
        const mine = w.appends();
        await commit.durable();
        // Durable = a completed sync that started after this record was written.
        if (!w.syncs.some((s) => s.done && s.covers >= mine)) early.push(`s${i} ${state}`);
        await turns(random.int(4));
      }
    };
    await Promise.all(Array.from({ length: 200 }, (_, i) => step(i)));
    await commit.close();

    expect(early).toEqual([]);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { stepId: string; state: string });
    expect(lines).toHaveLength(400);
    for (let i = 0; i < 200; i++) expect(lines.filter((l) => l.stepId === `s${i}`).map((l) => l.state)).toEqual(['started', 'done']);
    // One sync per record would be 400; steps that resume together share one.
    expect(w.syncs.length).toBeLessThan(100);
    expect(w.syncs.every((s) => s.done)).toBe(true);
  });

  it('records made while a sync is in flight wait for the next one', async () => {
    const w = watched(join(tmp(), 'j.jsonl'));
    const commit = new GroupCommit(w.file);
    commit.append('a\n');
    const first = commit.durable();
    await turns(1); // the sync of "a" has started
    expect(w.syncs).toHaveLength(1);
    commit.append('b\n');
    const second = commit.durable();
    await first;
    expect(w.syncs[0]?.covers).toBe(1);
    await second;
    expect(w.syncs.map((s) => s.covers)).toEqual([1, 2]);
    await commit.close();
  });

  it('a failed write fails that flush and every later one; the journal names its file', async () => {
    if (!existsSync('/dev/full')) return; // Linux: writes there fail with ENOSPC
    const commit = new GroupCommit(appendFileOf(openSync('/dev/full', 'a')));
    commit.append('x\n');
    await expect(commit.durable()).rejects.toThrow(/ENOSPC/);
    commit.append('y\n');
    await expect(commit.durable()).rejects.toThrow(/ENOSPC/);
    await expect(commit.close()).rejects.toThrow(/ENOSPC/);

    const error = new JournalWriteError('/srv/plan.json.journal', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    expect(error.message).toBe(
      'could not write the journal /srv/plan.json.journal (ENOSPC: no space left on device, write): apply stopped; ' +
        'fix the disk (space, permissions) and run apply again: steps the journal recorded are not run again, the others are checked first',
    );
  });

  it('openJournal: records reach the file by flush and close, and read back as before', async () => {
    const path = join(tmp(), 'sub', 'j.jsonl');
    const j = openJournal(path, 'abc');
    j.record({ type: 'plan', digest: 'abc', time: 't', steps: 2 });
    j.record({ type: 'step', stepId: 's001', state: 'started', time: 't' });
    await j.flush();
    expect(readJournal(path)?.states.get('s001')).toBe('started');
    j.record({ type: 'step', stepId: 's001', state: 'done', time: 't', message: 'ok' });
    await j.close();
    j.record({ type: 'step', stepId: 's002', state: 'started', time: 't' }); // after close: ignored
    await j.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readJournal(path)?.states).toEqual(new Map([['s001', 'done']]));
  });
});
