/**
 * Benchmark: `entra-soa drift` on a large tenant, as a user runs it (the built CLI on a snapshot),
 * then report.html in Chromium. Prints the run time, the size of each format, and the browser's load
 * time and the time to filter and to page through all drifted objects.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/drift-report.js [--users 100000] [--drifted-percent 100]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotFromObserved } from '../src/observe/live.js';
import { writeSnapshotFile } from '../src/observe/snapshot-file.js';
import { intArg, seconds } from './args.js';
import { openInChromium } from './chromium.js';
import { driftTenant } from './drift-tenant.js';

const users = intArg('users', 100_000, 'positive');
const driftedPercent = intArg('drifted-percent', 100);
const MAIN = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'entra-soa-bench-drift-'));
try {
  const t0 = performance.now();
  const { manifest, observed } = driftTenant(users, driftedPercent);
  writeFileSync(join(dir, 'manifest.yaml'), manifest);
  await writeSnapshotFile(join(dir, 'snapshot.json'), snapshotFromObserved(observed, '2026-11-21T12:00:00.000Z', 'bench'));
  const mb = (f: string) => `${(statSync(join(dir, f)).size / 1e6).toFixed(1)} MB`;
  console.log(`tenant   ${users.toLocaleString('en-US')} users, ${driftedPercent}% drifted; snapshot ${mb('snapshot.json')}, written in ${seconds(t0)} s`);

  const t1 = performance.now();
  const run = spawnSync(process.execPath, [MAIN, 'drift', '-f', 'manifest.yaml', '--snapshot', 'snapshot.json', '--report-dir', 'report'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0 && run.status !== 2) throw new Error(`drift exited ${String(run.status)}: ${run.stderr}`);
  console.log(`drift    exit ${String(run.status)} in ${seconds(t1)} s: ${run.stdout.trim()}`);
  for (const f of ['report.json', 'report.md', 'report.html', 'junit.xml']) {
    const size = statSync(join(dir, 'report', f)).size;
    console.log(`format   ${f.padEnd(12)} ${(size / 1e6).toFixed(2).padStart(8)} MB (${size.toLocaleString('en-US')} bytes)`);
  }

  const opened = await openInChromium(join(dir, 'report', 'report.html'), { timeoutMs: 120_000 });
  try {
    const { page } = opened;
    let t = performance.now();
    await page.locator('#filter').fill(`user${users - 1}@`);
    await page.waitForFunction(() => document.getElementById('page-info')?.textContent?.includes('filtered from'));
    const filterMs = performance.now() - t;
    await page.locator('#filter').fill('');
    t = performance.now();
    await page.locator('#next').click();
    await page.waitForFunction(() => document.getElementById('page-info')?.textContent?.startsWith('Showing 101'));
    const pageMs = performance.now() - t;
    console.log(
      `browser  report.html load ${(opened.loadMs / 1000).toFixed(2)} s, filter ${Math.round(filterMs)} ms, next page ${Math.round(pageMs)} ms, ` +
        `requests blocked ${opened.blocked.length}`,
    );
  } finally {
    await opened.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
