/**
 * report.html in a real browser (Debian's Chromium through playwright-core, headless, no network):
 * the visible counts and tables of a drift report written by the CLI, a screenshot under
 * .test-results/, and a 100,000-user report that must open and stay responsive.
 *
 * Chromium is installed by .ci/run (apt-get install chromium). Without it these tests fail under CI
 * and are skipped, visibly, elsewhere.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, openInChromium } from '../../bench/chromium.js';
import { driftTenant } from '../../bench/drift-tenant.js';
import { buildDriftReport } from '../../src/drift/build-report.js';
import { loadManifestText } from '../../src/manifest/load.js';
import { buildPlan } from '../../src/plan/index.js';
import { renderDriftHtml } from '../../src/render/drift-html.js';
import { MAIN, ROOT, runCliSync } from '../helpers/cli-process.js';

const RESULTS = join(ROOT, '.test-results');
const haveChromium = existsSync(CHROMIUM_PATH);
if (!haveChromium && process.env['CI'] === 'true') throw new Error(`${CHROMIUM_PATH} is missing: CI must install it (.ci/run: apt-get install chromium)`);
if (!haveChromium) console.warn(`[browser] ${CHROMIUM_PATH} is missing: the browser tests are SKIPPED (apt-get install chromium)`);

let tmp = '';
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  tmp = mkdtempSync(join(tmpdir(), 'entra-soa-browser-'));
  mkdirSync(RESULTS, { recursive: true });
});
afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)('report.html in Chromium', () => {
  it('shows the verdict, the counts, the rule table, hazards, charts and the drifted objects', async () => {
    const example = join(ROOT, 'examples', 'sync-switch');
    const r = runCliSync(['drift', '-f', join(example, 'manifest.yaml'), '--snapshot', join(example, 'snapshot.json'), '--report-dir', 'report'], { cwd: tmp });
    expect(r.code, r.stderr).toBe(2);
    const opened = await openInChromium(join(tmp, 'report', 'report.html'));
    try {
      const { page } = opened;
      expect(opened.blocked).toEqual([]);
      expect(await page.locator('#status').innerText()).toBe('DRIFTED');
      expect(await page.locator('#headline').innerText()).toBe('Drifted: 10 objects drifted in 2 of 2 rules.');
      const count = (id: string) => page.locator(`[data-count="${id}"] dd`).innerText();
      expect([await count('rules'), await count('checked'), await count('in-sync'), await count('drifted'), await count('unread'), await count('hazards')]).toEqual(['2', '10', '0', '10', '0', '2']);
      const rules = await page.locator('#rules-table tbody tr').evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.split('\n')[0])));
      expect(rules).toEqual([
        ['sales-to-cloud', 'users', 'cloud via sourceOfAuthority', '8', '0', '8', '0', 'drifted'],
        ['it-staff-to-cloud', 'users', 'cloud via sourceOfAuthority', '2', '0', '2', '0', 'drifted'],
      ]);
      expect(await page.locator('#hazards-table tbody tr').count()).toBe(2);
      expect(await page.locator('#chart-by-rule g.bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('aria-label')))).toEqual([
        'sales-to-cloud: 8 drifted',
        'it-staff-to-cloud: 2 drifted',
      ]);
      expect(await page.locator('#chart-by-kind g.bar').count()).toBe(3);
      expect(await page.locator('#objects-table tbody tr').count()).toBe(10);
      const alice = page.locator('#objects-table tbody tr', { hasText: 'user/alice.ng@contoso.com' });
      expect(await alice.locator('li li').first().innerText()).toBe('isCloudManaged: false → true');
      expect(await page.locator('#page-info').innerText()).toBe('Showing 1–10 of 10 drifted objects');
      // the filter works in the page (the inline script ran)
      await page.locator('#filter').fill('quinn');
      expect(await page.locator('#page-info').innerText()).toBe('Showing 1–1 of 1 drifted objects (filtered from 10)');
      await page.locator('#filter').fill('');
      await page.screenshot({ path: join(RESULTS, 'drift-report.png'), fullPage: true });
      expect(statSync(join(RESULTS, 'drift-report.png')).size).toBeGreaterThan(10_000);
      // readable without colour: the status is a word, before/after are struck through / underlined
      const decorations = await page.locator('#objects-table del').first().evaluate((e) => getComputedStyle(e).textDecorationLine);
      expect(decorations).toBe('line-through');
    } finally {
      await opened.close();
    }
  }, 60_000);

  it('opens a 100,000-user drift report and stays responsive', async () => {
    const { manifest, observed } = driftTenant(100_000, 100);
    const desired = loadManifestText(manifest, 'large.yaml').desired;
    if (desired === null) throw new Error('the large manifest does not load');
    const createdAt = '2026-11-21T12:00:00.000Z';
    const plan = buildPlan({ desired, observed, createdAt, tool: { name: 'entra-soa', version: 'test' }, source: 'generated' });
    const report = buildDriftReport({ desired, outcome: { read: true, observed, plan, source: 'generated' }, createdAt, tool: { name: 'entra-soa', version: 'test' } });
    expect(report.summary.drifted).toBe(100_000);
    const file = join(tmp, 'large.html');
    writeFileSync(file, renderDriftHtml(report));
    const opened = await openInChromium(file, { timeoutMs: 90_000 });
    try {
      const { page } = opened;
      expect(opened.blocked).toEqual([]);
      expect(await page.locator('[data-count="drifted"] dd').innerText()).toBe('100,000');
      expect(await page.locator('#rules-table tbody tr').count()).toBe(21);
      expect(await page.locator('#objects-table tbody tr').count()).toBe(100);
      // responsive: filtering all 100,000 objects and paging answer within a second each
      let t = performance.now();
      await page.locator('#filter').fill('user99999@');
      await expect.poll(() => page.locator('#page-info').innerText(), { timeout: 5_000 }).toBe('Showing 1–1 of 1 drifted objects (filtered from 100,000)');
      const filterMs = performance.now() - t;
      await page.locator('#filter').fill('');
      t = performance.now();
      await page.locator('#next').click();
      await expect.poll(() => page.locator('#page-info').innerText(), { timeout: 5_000 }).toBe('Showing 101–200 of 100,000 drifted objects');
      const pageMs = performance.now() - t;
      console.log(`[browser] 100,000-user report: ${(statSync(file).size / 1e6).toFixed(1)} MB, load ${Math.round(opened.loadMs)} ms, filter ${Math.round(filterMs)} ms, next page ${Math.round(pageMs)} ms`);
      expect(filterMs).toBeLessThan(2_000);
      expect(pageMs).toBeLessThan(2_000);
      await page.screenshot({ path: join(RESULTS, 'drift-report-100k.png') });
    } finally {
      await opened.close();
    }
  }, 240_000);
});
