/**
 * Issue 12 §7: a device, a pipe, a directory or a huge file named as a manifest, snapshot or plan
 * is refused at once (stat first), with a message saying what it is, through the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INPUT_FILE_LIMITS, readInputFile } from '../../src/manifest/input-file.js';
import { runCliSync } from '../helpers/cli-process.js';
import { withHeader } from '../unit/manifest/fixtures.js';

let dir = '';

beforeAll(() => {
  // Under test-inputs/: the secrets scan after the run does not read the 256 MiB (sparse) inputs.
  dir = join(mkdtempSync(join(tmpdir(), 'entra-soa-inputs-')), 'test-inputs');
  mkdirSync(join(dir, 'folder'), { recursive: true });
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  // Sparse: as large as stat says, without writing the bytes.
  for (const [name, size] of [
    ['huge.yaml', INPUT_FILE_LIMITS.manifest + 1],
    ['huge.json', INPUT_FILE_LIMITS.plan + 1],
  ] as const) {
    closeSync(openSync(join(dir, name), 'w'));
    truncateSync(join(dir, name), size);
  }
  writeFileSync(join(dir, 'small.yaml'), 'apiVersion: entra-soa/v1\n');
});

describe('readInputFile', () => {
  it('reads a regular file within the limit', async () => {
    expect(await readInputFile(join(dir, 'small.yaml'), 'small.yaml', 'manifest')).toEqual({ ok: true, bytes: Buffer.from('apiVersion: entra-soa/v1\n') });
  });

  it.each([
    ['/dev/zero', 'manifest', 'cannot read the manifest X: it is a device, not a manifest file. Give the path of the manifest file.'],
    ['/dev/null', 'plan', 'cannot read the plan X: it is a device, not a plan file. Give the path of the plan file.'],
    ['pipe', 'snapshot', 'cannot read the snapshot X: it is a pipe (FIFO), not a snapshot file. Give the path of the snapshot file.'],
    ['folder', 'plan', 'cannot read the plan X: it is a directory, not a plan file. Give the path of the plan file.'],
    ['missing.json', 'plan', 'cannot read the plan X: no such file. Create one with `entra-soa plan -f <manifest> --out X`.'],
    ['huge.yaml', 'manifest', 'cannot read the manifest X: it is 16.0 MiB (16,777,217 bytes), more than the 16.0 MiB entra-soa reads for a manifest. Is it the right file?'],
    ['huge.json', 'snapshot', 'cannot read the snapshot X: it is 256.0 MiB (268,435,457 bytes), more than the 256.0 MiB entra-soa reads for a snapshot. Is it the right file?'],
  ] as const)('%s as a %s → refused: %s', async (name, kind, message) => {
    const path = name.startsWith('/') ? name : join(dir, name);
    expect(await readInputFile(path, 'X', kind)).toEqual({ ok: false, message });
  });
});

describe('the CLI refuses such files at once and exits 1', () => {
  it.each([
    ['validate /dev/zero', ['validate', '/dev/zero'], 'cannot read the manifest /dev/zero: it is a device'],
    ['validate pipe', ['validate', 'pipe'], 'cannot read the manifest pipe: it is a pipe (FIFO)'],
    ['validate huge.yaml', ['validate', 'huge.yaml'], 'more than the 16.0 MiB entra-soa reads for a manifest'],
    ['show /dev/zero', ['show', '/dev/zero'], 'entra-soa show: cannot read the plan /dev/zero: it is a device'],
    ['show pipe', ['show', 'pipe'], 'entra-soa show: cannot read the plan pipe: it is a pipe (FIFO)'],
    ['show huge.json', ['show', 'huge.json'], 'more than the 256.0 MiB entra-soa reads for a plan'],
    ['apply folder', ['apply', 'folder', '--auto-approve'], 'entra-soa apply: cannot read the plan folder: it is a directory'],
    ['plan --snapshot pipe', ['plan', '-f', 'small.yaml', '--snapshot', 'pipe'], ''],
  ])('%s', (_name, args, expected) => {
    const started = Date.now();
    const r = runCliSync(args, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('plan --snapshot <pipe> with a valid manifest → the snapshot is refused', () => {
    writeFileSync(
      join(dir, 'ok.yaml'),
      withHeader(`users:
  - select: { all: true }
    authority: cloud
    method: sourceOfAuthority
`),
    );
    const r = runCliSync(['plan', '-f', 'ok.yaml', '--snapshot', 'pipe'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('entra-soa plan: cannot read the snapshot pipe: it is a pipe (FIFO), not a snapshot file. Give the path of the snapshot file.\n');
  });
});
