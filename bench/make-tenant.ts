/**
 * Writes a generated tenant (bench/tenant-generator.ts) to a folder: `manifest.yaml`, `snapshot.jsonl`
 * (formatVersion 2, written a line at a time: any size), optionally `snapshot.json` (formatVersion 1,
 * up to a few hundred thousand people) and the lab state `.entra-soa/lab/lab-state.json` for
 * `plan --lab` in that folder.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/make-tenant.js --users 100000 --out DIR [--seed 1] [--format1] [--lab]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSnapshotRecords } from '../src/observe/snapshot-file.js';
import { serializeSnapshot } from '../src/observe/snapshot.js';
import { intArg, seconds } from './args.js';
import { labStateFor } from './lab-tenant.js';
import { tenantHeader, tenantManifest, tenantRecords, tenantState } from './tenant-generator.js';

/** Writes the tenant of `people` into `dir` (see the module comment); returns what was written. */
export async function makeTenant(dir: string, people: number, opts: { seed?: number; format1?: boolean; lab?: boolean; now?: string } = {}): Promise<string[]> {
  const seed = opts.seed ?? 1;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.yaml'), tenantManifest());
  await writeSnapshotRecords(join(dir, 'snapshot.jsonl'), tenantHeader(), tenantRecords(people, seed));
  const written = ['manifest.yaml', 'snapshot.jsonl'];
  if (opts.format1 === true) {
    const h = tenantHeader();
    writeFileSync(join(dir, 'snapshot.json'), serializeSnapshot({ kind: 'entra-soa/snapshot', formatVersion: 1, capturedAt: h.capturedAt, source: h.source, state: tenantState(people, seed) }));
    written.push('snapshot.json');
  }
  if (opts.lab === true) {
    const stateDir = join(dir, '.entra-soa', 'lab');
    mkdirSync(stateDir, { recursive: true });
    const state = await labStateFor(people, seed, opts.now ?? new Date().toISOString());
    writeFileSync(join(stateDir, 'lab-state.json'), JSON.stringify(state));
    written.push('.entra-soa/lab/lab-state.json');
  }
  return written;
}

if (process.argv[1]?.endsWith('make-tenant.js') === true) {
  const i = process.argv.indexOf('--out');
  const dir = i >= 0 ? process.argv[i + 1] : undefined;
  if (dir === undefined) throw new Error('--out DIR is required');
  const t0 = performance.now();
  const people = intArg('users', 10_000, 'positive');
  const files = await makeTenant(dir, people, { seed: intArg('seed', 1), format1: process.argv.includes('--format1'), lab: process.argv.includes('--lab') });
  console.log(`wrote ${files.join(', ')} for ${people.toLocaleString('en-US')} people in ${dir} (${seconds(t0)} s)`);
}
