/**
 * Golden files: every example planned through the real loader, snapshot parser, planner and
 * renderers, compared byte for byte. `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites them;
 * review the diff: these files are what an identity admin reads.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifestFile } from '../../src/manifest/load.js';
import { formatDiagnostic } from '../../src/model/diagnostic.js';
import type { Plan } from '../../src/model/plan.js';
import { parseSnapshot } from '../../src/observe/snapshot.js';
import { buildPlan } from '../../src/plan/index.js';
import { decodePlan, renderPlan } from '../../src/render/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = ['sync-switch', 'scope-removal', 'tenant-disable', 'hard-link', 'soft-link', 'groups-and-features'];
/**
 * Each example is planned an hour after its snapshot was captured (most on 2026-03-02, hard-link on
 * 2026-11-20): createdAt decides whether the hard-match hardening of 2026-07-01 applies.
 */
const createdAtFor = (capturedAt: string): string => new Date(Date.parse(capturedAt) + 3600_000).toISOString();
/** Fixed, so a version bump does not rewrite every golden file. */
const TOOL = { name: 'entra-soa', version: '0.1.0' };
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

async function planExample(name: string): Promise<Plan> {
  const manifestPath = `examples/${name}/manifest.yaml`;
  const snapshotPath = `examples/${name}/snapshot.json`;
  const loaded = await loadManifestFile(join(ROOT, manifestPath), manifestPath);
  if (loaded.desired === null) throw new Error(`${manifestPath}: ${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  const parsed = parseSnapshot(readFileSync(join(ROOT, snapshotPath), 'utf8'), snapshotPath);
  if (parsed.snapshot === null) throw new Error(`${snapshotPath}: ${parsed.diagnostics.map(formatDiagnostic).join('\n')}`);
  const s = parsed.snapshot;
  return buildPlan({
    desired: loaded.desired,
    observed: s.state,
    createdAt: createdAtFor(s.capturedAt),
    tool: TOOL,
    // the same wording `entra-soa plan --snapshot` records
    source: `snapshot ${snapshotPath} (captured ${s.capturedAt} from ${s.source})`,
  });
}

function compare(file: string, actual: string): void {
  const path = join(ROOT, 'test', 'golden', file);
  if (UPDATE || !existsSync(path)) {
    writeFileSync(path, actual);
    if (!UPDATE) throw new Error(`${file} did not exist and was written: review it and run again`);
  }
  expect(actual, `${file} differs; if the change is intended run UPDATE_GOLDEN=1 npx vitest run test/golden`).toBe(readFileSync(path, 'utf8'));
}

describe.each(EXAMPLES)('golden: %s', (name) => {
  it('human, json and markdown renderings match the golden files', async () => {
    const plan = await planExample(name);
    compare(`${name}.json`, renderPlan(plan, 'json', { color: false }));
    compare(`${name}.human.txt`, renderPlan(plan, 'human', { color: false }));
    compare(`${name}.md`, renderPlan(plan, 'markdown', { color: false }));
  });

  it('the saved document decodes to the same plan', async () => {
    const plan = await planExample(name);
    const decoded = decodePlan(renderPlan(plan, 'json', { color: false }), `${name}.json`);
    expect(decoded.diagnostics).toEqual([]);
    expect(decoded.plan).toEqual(plan);
  });

  it('has something to show', async () => {
    const plan = await planExample(name);
    expect(plan.steps.length + plan.hazards.length).toBeGreaterThan(0);
  });
});
