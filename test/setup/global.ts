/**
 * vitest globalSetup: starts a throw-away Samba AD DC on 127.0.0.1 (scripts/samba.sh) for the
 * whole run and exports its coordinates as ENTRA_SOA_TEST_* variables (docs/contracts.md,
 * "Test environment").
 *
 * How the variables reach the test files: globalSetup runs in vitest's main process before any
 * worker exists, and vitest 4 builds each worker's environment from `{...process.env, ...}` when
 * it starts the workers (cli-api: `env = {...process.env, ...options.env, ...config.env}`), so
 * setting `process.env` here is enough for `process.env.ENTRA_SOA_TEST_*` in tests. The same
 * values are also `provide`d under the key `sambaEnv` for `inject('sambaEnv')`.
 * test/integration/ad/environment.test.ts checks that both paths really arrive.
 *
 * Samba's ports are fixed (one DC per machine), so concurrent runs on one machine take turns:
 * a lock folder in the OS temp dir names the run that owns the DC; later runs wait for it
 * (ENTRA_SOA_TEST_SAMBA_WAIT_S, default 900). A lock whose owner died is taken over, and that
 * owner's DC, started by this file, is stopped by its recorded pid. A DC that this file did not
 * start (port 389 busy, no lock) is never touched: setup fails and says so.
 *
 * An already running DC can be used instead: export the variables yourself
 * (`eval "$(scripts/samba.sh env DIR)"`) and setup leaves the DC alone.
 *
 * ENTRA_SOA_TEST_SAMBA=off runs without a DC (as if Samba were missing), e.g. for a quick unit
 * run while another run holds the DC.
 *
 * Without Samba: CI=true → setup fails (CI must have it; .ci/run installs it); otherwise a
 * warning is printed and the variables stay unset (tests that need the DC skip visibly).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface SambaTestEnv {
  ENTRA_SOA_TEST_LDAP_URL: string;
  ENTRA_SOA_TEST_LDAPS_URL: string;
  ENTRA_SOA_TEST_BASE_DN: string;
  ENTRA_SOA_TEST_BIND_DN: string;
  ENTRA_SOA_TEST_BIND_PASSWORD: string;
  ENTRA_SOA_TEST_CA_FILE: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Samba DC's coordinates, or null when no DC is available (see test/setup/global.ts). */
    sambaEnv: SambaTestEnv | null;
  }
}

export const SAMBA_ENV_KEYS = [
  'ENTRA_SOA_TEST_LDAP_URL',
  'ENTRA_SOA_TEST_LDAPS_URL',
  'ENTRA_SOA_TEST_BASE_DN',
  'ENTRA_SOA_TEST_BIND_DN',
  'ENTRA_SOA_TEST_BIND_PASSWORD',
  'ENTRA_SOA_TEST_CA_FILE',
] as const;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(REPO, 'scripts/samba.sh');
const LOCK_DIR = path.join(os.tmpdir(), 'entra-soa-samba-dc.lock');
const BASE_DN = 'DC=lab,DC=example,DC=test';

function log(msg: string): void {
  process.stderr.write(`[samba] ${msg}\n`);
}

function sambaInstalled(): boolean {
  const r = spawnSync('sh', ['-c', 'command -v samba && command -v samba-tool && command -v ldbsearch'], {
    stdio: 'ignore',
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
  });
  return r.status === 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function samba(args: string[]): string {
  return execFileSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
  });
}

interface LockOwner {
  pid: number;
  runDir: string;
}

function readLock(): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path.join(LOCK_DIR, 'owner.json'), 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.runDir === 'string') return { pid: o.pid, runDir: o.runDir };
  } catch {
    // a lock being written right now, or a broken one: handled by the caller
  }
  return null;
}

/** A DC left behind by a run that died: it was started by this file, stop it by its recorded pid. */
function cleanUpAfterDeadOwner(owner: LockOwner): void {
  if (existsSync(path.join(owner.runDir, 'samba.pid'))) {
    log(`stopping the DC left behind by dead test run ${owner.pid} (${owner.runDir})`);
    samba(['stop', owner.runDir]);
  }
  rmSync(owner.runDir, { recursive: true, force: true });
}

async function acquireLock(runDir: string): Promise<void> {
  const waitS = Number(process.env.ENTRA_SOA_TEST_SAMBA_WAIT_S ?? '900');
  const deadline = Date.now() + waitS * 1000;
  let told = false;
  let brokenSince: number | null = null;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, 'owner.json'), JSON.stringify({ pid: process.pid, runDir }));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readLock();
    if (owner && !alive(owner.pid)) {
      cleanUpAfterDeadOwner(owner);
      rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (!owner) {
      // mkdir done, owner.json not yet written; treat as broken only if it stays so.
      brokenSince ??= Date.now();
      if (Date.now() - brokenSince > 5000) rmSync(LOCK_DIR, { recursive: true, force: true });
    } else {
      brokenSince = null;
      if (!told) {
        log(
          `another test run (pid ${owner.pid}) is using the Samba DC; waiting up to ${waitS} s for it to finish ` +
            '(ENTRA_SOA_TEST_SAMBA=off runs without it: the AD tests then skip)',
        );
        told = true;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the Samba DC is still held by test run ${owner?.pid ?? '?'} after ${waitS} s (lock ${LOCK_DIR}). ` +
          'Wait for that run, or set ENTRA_SOA_TEST_SAMBA_WAIT_S to wait longer.',
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function releaseLock(): void {
  const owner = readLock();
  if (owner?.pid === process.pid) rmSync(LOCK_DIR, { recursive: true, force: true });
}

function externalEnv(): SambaTestEnv | null {
  const values = SAMBA_ENV_KEYS.map((k) => process.env[k]);
  if (values.every((v) => v !== undefined && v !== '')) {
    return Object.fromEntries(SAMBA_ENV_KEYS.map((k) => [k, process.env[k] as string])) as unknown as SambaTestEnv;
  }
  return null;
}

/** Remove run folders of dead runs (crashed before teardown) so .samba/ does not grow. */
function sweepOldRunDirs(): void {
  const root = path.join(REPO, '.samba');
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const m = /^run-(\d+)$/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = path.join(root, name);
    if (existsSync(path.join(dir, 'samba.pid'))) samba(['stop', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<void | (() => Promise<void>)> {
  const external = externalEnv();
  if (external) {
    log(`using the DC already described by ENTRA_SOA_TEST_* (${external.ENTRA_SOA_TEST_LDAP_URL}); not starting one`);
    project.provide('sambaEnv', external);
    return undefined;
  }
  if (process.env.ENTRA_SOA_TEST_SAMBA === 'off') {
    if (process.env.CI === 'true') throw new Error('ENTRA_SOA_TEST_SAMBA=off is not allowed in CI: CI must run the AD tests');
    log('ENTRA_SOA_TEST_SAMBA=off: no DC; the tests that need one are SKIPPED');
    project.provide('sambaEnv', null);
    return undefined;
  }
  if (!sambaInstalled()) {
    if (process.env.CI === 'true') {
      throw new Error('Samba is not installed, and CI must run the AD tests: .ci/run installs samba samba-ad-dc ldb-tools');
    }
    log('WARNING: samba is not installed: the tests that need an AD DC will be SKIPPED. Install samba samba-ad-dc ldb-tools (see .ci/run).');
    project.provide('sambaEnv', null);
    return undefined;
  }

  const runDir = path.join(REPO, '.samba', `run-${process.pid}`);
  await acquireLock(runDir);
  try {
    sweepOldRunDirs();
    if ((await portOpen(389)) || (await portOpen(636))) {
      throw new Error(
        'something already listens on 127.0.0.1:389/636, and it was not started by a test run (no lock holder). ' +
          "Samba's ports are fixed, so only one DC fits on a machine: stop it (scripts/samba.sh stop <its dir>), " +
          'or point the tests at it with eval "$(scripts/samba.sh env <its dir>)". It was left running.',
      );
    }
    const t0 = Date.now();
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
    samba(['provision', runDir]);
    samba(['start', runDir]);
    log(`DC up in ${Date.now() - t0} ms (${runDir})`);
  } catch (e) {
    try {
      if (existsSync(path.join(runDir, 'samba.pid'))) samba(['stop', runDir]);
      rmSync(runDir, { recursive: true, force: true });
    } finally {
      releaseLock();
    }
    throw e;
  }

  const env: SambaTestEnv = {
    ENTRA_SOA_TEST_LDAP_URL: 'ldap://127.0.0.1:389',
    // "localhost" is in the server certificate's SAN (so is 127.0.0.1); Node checks the name.
    ENTRA_SOA_TEST_LDAPS_URL: 'ldaps://localhost:636',
    ENTRA_SOA_TEST_BASE_DN: BASE_DN,
    ENTRA_SOA_TEST_BIND_DN: `CN=Administrator,CN=Users,${BASE_DN}`,
    ENTRA_SOA_TEST_BIND_PASSWORD: readFileSync(path.join(runDir, 'admin-password'), 'utf8').trim(),
    ENTRA_SOA_TEST_CA_FILE: path.join(runDir, 'tls', 'ca.crt'),
  };
  Object.assign(process.env, env);
  project.provide('sambaEnv', env);

  return async () => {
    try {
      samba(['stop', runDir]);
      rmSync(runDir, { recursive: true, force: true });
    } finally {
      releaseLock();
      for (const k of SAMBA_ENV_KEYS) delete process.env[k];
    }
  };
}
