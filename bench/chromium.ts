/**
 * Debian's Chromium driven by playwright-core, for the HTML report (the browser test and
 * bench/drift-report.ts): headless, no network (every request that is not file: is aborted and
 * recorded), no background services, a new empty profile per launch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's chromium package installs the browser (.ci/run installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface OpenedPage {
  page: Page;
  /** Milliseconds from navigation start until the load event. */
  loadMs: number;
  /** URLs the page tried to fetch that were not file: (aborted). */
  blocked: string[];
  close(): Promise<void>;
}

/** Opens a local HTML file in a fresh headless Chromium. */
export async function openInChromium(file: string, opts: { width?: number; height?: number; timeoutMs?: number } = {}): Promise<OpenedPage> {
  const profile = mkdtempSync(join(tmpdir(), 'entra-soa-chromium-'));
  let context: BrowserContext | undefined;
  let browser: Browser | undefined;
  try {
    // launchPersistentContext: the only way to give Chromium its own (new, empty) user-data-dir
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
      offline: true,
    });
    browser = context.browser() ?? undefined;
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const started = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: opts.timeoutMs ?? 60_000 });
    const loadMs = performance.now() - started;
    const ctx = context;
    return {
      page,
      loadMs,
      blocked,
      close: async () => {
        await ctx.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
