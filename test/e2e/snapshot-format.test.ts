/**
 * Issue 11 B: the built CLI reads both snapshot formats — a formatVersion 2 (JSON Lines) copy of a
 * committed formatVersion 1 example plans the same — and refuses a cut format 2 file with its line.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshotFile, writeSnapshotFile } from '../../src/observe/snapshot-file.js';
import { MAIN, ROOT, runCliSync } from '../helpers/cli-process.js';
import { removeTestDir } from '../helpers/test-artifacts.js';

const EXAMPLE = join(ROOT, 'examples', 'sync-switch');
let tmp = '';
beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  tmp = mkdtempSync(join(tmpdir(), 'entra-soa-snapformat-'));
  const v1 = await readSnapshotFile(join(EXAMPLE, 'snapshot.json'));
  await writeSnapshotFile(join(tmp, 'v2.jsonl'), v1.snapshot!);
});
afterAll(() => {
  if (tmp !== '') removeTestDir(tmp);
});

describe('plan --snapshot reads formatVersion 1 and 2', () => {
  it('the same plan from the format 1 example and its format 2 copy', () => {
    const plan = (snapshot: string) => runCliSync(['plan', '-f', join(EXAMPLE, 'manifest.yaml'), '--snapshot', snapshot, '--format', 'json'], { cwd: tmp });
    const v1 = plan(join(EXAMPLE, 'snapshot.json'));
    const v2 = plan('v2.jsonl');
    expect(v2.stderr).toBe('');
    expect(v2.code).toBe(0);
    const strip = (s: string) => JSON.stringify({ ...(JSON.parse(s) as Record<string, unknown>), createdAt: null, source: null });
    expect(strip(v2.stdout)).toBe(strip(v1.stdout));
    expect((JSON.parse(v2.stdout) as { source: string }).source).toMatch(/^snapshot v2\.jsonl \(captured 2026-03-02T08:00:00\.000Z from /);
  });

  it('a format 2 file cut short is refused with its file and line', () => {
    const lines = readFileSync(join(tmp, 'v2.jsonl'), 'utf8').split('\n');
    writeFileSync(join(tmp, 'cut.jsonl'), `${lines.slice(0, 10).join('\n')}\n`);
    const r = runCliSync(['plan', '-f', join(EXAMPLE, 'manifest.yaml'), '--snapshot', 'cut.jsonl'], { cwd: tmp });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'entra-soa plan: the snapshot cut.jsonl cannot be used:\n' +
        'cut.jsonl:11:1: error snapshot-invalid: cut.jsonl ends at line 10 without its end record: the file is incomplete (cut short while written or copied). Take the snapshot again.\n',
    );
  });
});
