/** Kinds of file (src/cli/document-kind.ts), --out checks and atomic writes (write-document.ts), tenant match. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentKindOf, documentKindOfFile } from '../../../src/cli/document-kind.js';
import { tenantMismatch } from '../../../src/cli/tenant-match.js';
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
