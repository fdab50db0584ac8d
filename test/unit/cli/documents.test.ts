/** Kinds of file (src/cli/document-kind.ts), the document reader (read-document.ts), --out checks and atomic writes (write-document.ts), tenant match. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentKindOf, documentKindOfFile } from '../../../src/cli/document-kind.js';
import { readDocument, readManifest } from '../../../src/cli/read-document.js';
import { runPlan } from '../../../src/cli/plan.js';
import { tenantMismatch } from '../../../src/identity/tenant-match.js';
import { captureIo } from '../../helpers/cli-io.js';
import { checkOutTarget, writeDocumentChunks, writeDocumentFile } from '../../../src/cli/write-document.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('documentKindOf', () => {
  it('tells manifests, plans, snapshots and journals from anything else', async () => {
    expect(await documentKindOfFile(join(ROOT, 'examples/sync-switch/manifest.yaml'))).toBe('manifest');
    expect(await documentKindOfFile(join(ROOT, 'examples/sync-switch/snapshot.json'))).toBe('snapshot');
    expect(await documentKindOfFile(join(ROOT, 'test/golden/sync-switch.json'))).toBe('plan');
    expect(await documentKindOfFile(join(ROOT, 'README.md'))).toBe('other');
    expect(await documentKindOfFile(join(ROOT, 'examples/lab/sample-company.json'))).toBe('other');
    expect(await documentKindOfFile(join(ROOT, 'no-such-file'))).toBeNull();
    expect(documentKindOf(`${JSON.stringify({ type: 'plan', digest: 'ab12', time: 't', steps: 2 })}\n{"type":"step"}\n`)).toBe('journal');
    expect(documentKindOf('{ "formatVersion": 1, "kind": "entra-soa/plan" }')).toBe('plan');
    expect(documentKindOf('# a comment\napiVersion: "entra-soa/v1"\ntenant: {}\n')).toBe('manifest');
    expect(documentKindOf('apiVersion: v1\nkind: Pod\n')).toBe('other');
    expect(documentKindOf('')).toBe('other');
  });
});

describe('readDocument and readManifest: one read, and a document of another kind named the same way everywhere', () => {
  const io = captureIo(ROOT).io;

  it('returns the bytes of the kind asked for, names any other kind, and says why a file cannot be read', async () => {
    const plan = await readDocument(io, 'test/golden/sync-switch.json', 'plan');
    expect(plan.ok && plan.bytes.toString('utf8')).toBe(readFileSync(join(ROOT, 'test/golden/sync-switch.json'), 'utf8'));
    expect(await readDocument(io, 'examples/sync-switch/snapshot.json', 'drift-report')).toEqual({
      ok: false,
      found: 'snapshot',
      message:
        'examples/sync-switch/snapshot.json is an entra-soa snapshot, not an entra-soa drift report (the state of both directories, saved by entra-soa snapshot): ' +
        'plan from it with `entra-soa plan <manifest> --snapshot examples/sync-switch/snapshot.json --out plan.json`',
    });
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-kind-'));
    writeFileSync(join(dir, 'report.json'), `${JSON.stringify({ kind: 'entra-soa/drift-report', formatVersion: 1 })}\n`);
    expect(documentKindOf(readFileSync(join(dir, 'report.json'), 'utf8'))).toBe('drift-report');
    expect(await readDocument(captureIo(dir).io, 'report.json', 'plan')).toMatchObject({ ok: false, found: 'drift-report', message: expect.stringMatching(/^report\.json is an entra-soa drift report, not an entra-soa plan/) });
    expect(await readDocument(io, 'no-such.json', 'plan')).toMatchObject({ ok: false, found: null, message: expect.stringMatching(/^cannot read the plan no-such\.json: no such file/) });
    expect(await readManifest(io, 'test/golden/sync-switch.json')).toEqual({
      wrongKind:
        'test/golden/sync-switch.json is an entra-soa plan, not an entra-soa manifest: `entra-soa show test/golden/sync-switch.json` prints it and `entra-soa apply test/golden/sync-switch.json` applies it',
    });
    expect(await readManifest(io, 'examples/sync-switch/manifest.yaml')).toMatchObject({ desired: { file: 'examples/sync-switch/manifest.yaml' } });
  });

  it('plan given a plan as its manifest says what it is, as validate does', async () => {
    const t = captureIo(ROOT);
    const code = await runPlan(t.io, { file: 'test/golden/sync-switch.json', snapshot: 'examples/sync-switch/snapshot.json', format: 'human', detailedExitcode: false });
    expect(code).toBe(1);
    expect(t.errors()).toBe(
      'entra-soa plan: test/golden/sync-switch.json is an entra-soa plan, not an entra-soa manifest: `entra-soa show test/golden/sync-switch.json` prints it and `entra-soa apply test/golden/sync-switch.json` applies it.\n',
    );
    expect(t.text()).toBe('');
  });
});

describe('checkOutTarget and writeDocumentFile', () => {
  it('a new file or one of the same kind may be written; --force allows the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-out-'));
    const target = { path: join(dir, 'plan.json'), shown: 'plan.json' };
    expect(await checkOutTarget(target, 'plan', { force: false, inputs: [] })).toBeNull();
    await writeDocumentFile(target.path, '{\n  "kind": "entra-soa/plan"\n}\n');
    expect(readFileSync(target.path, 'utf8')).toBe('{\n  "kind": "entra-soa/plan"\n}\n');
    expect(await checkOutTarget(target, 'plan', { force: false, inputs: [] })).toBeNull();
    expect(await checkOutTarget(target, 'snapshot', { force: false, inputs: [] })).toMatch(/is an entra-soa plan, not an entra-soa snapshot/);
    expect(await checkOutTarget(target, 'snapshot', { force: true, inputs: [] })).toBeNull();
    expect(await checkOutTarget(target, 'plan', { force: false, inputs: [{ path: target.path, role: 'the manifest' }] })).toMatch(/is the manifest, which this command reads/);
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('a write that fails leaves the old file and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-out-'));
    // renaming a file over a non-empty folder fails after the temporary file was written and synced
    mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
    writeFileSync(join(dir, 'keep.json'), 'old');
    await expect(writeDocumentFile(join(dir, 'taken'), 'new')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['keep.json', 'taken']);
    expect(readFileSync(join(dir, 'keep.json'), 'utf8')).toBe('old');
  });
});

describe('writeDocumentChunks (a plan too large to be one string)', () => {
  it('writes the pieces as one file, replacing the old one and keeping its mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-out-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    const pieces = Array.from({ length: 3000 }, (_, i) => `"piece ${i}: ${'é'.repeat(500)}",\n`);
    await writeDocumentChunks(path, pieces);
    expect(readFileSync(path, 'utf8')).toBe(pieces.join(''));
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('a failure while the pieces are made leaves the old file and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-out-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, 'old');
    function* failing(): Generator<string> {
      yield 'x'.repeat(2 << 20);
      throw new Error('encoder failed');
    }
    await expect(writeDocumentChunks(path, failing())).rejects.toThrow('encoder failed');
    expect(readdirSync(dir)).toEqual(['plan.json']);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});

describe('tenantMismatch', () => {
  const base = { manifestFile: 'm.yaml', manifestTenantId: '6F1C2D9E-0000-4000-8000-000000000001', source: 'snapshot s.json' };
  it('is null for the same tenant (any case) and names both ids otherwise', () => {
    expect(tenantMismatch({ ...base, observedTenantId: '6f1c2d9e-0000-4000-8000-000000000001' })).toBeNull();
    expect(tenantMismatch({ ...base, observedTenantId: 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01' })).toBe(
      'the manifest m.yaml is for tenant 6F1C2D9E-0000-4000-8000-000000000001 (tenant.id), but snapshot s.json is tenant a1b2c3d4-0000-4000-8000-1abe7a3b1e01: ' +
        'nothing was planned or changed. Use the manifest of that tenant, or read the tenant the manifest names (another snapshot, --tenant-id, or credentials for that tenant)',
    );
  });
});
