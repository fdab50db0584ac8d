/**
 * Benchmark: how fast `entra-soa lab up` (the lab's Graph emulator in its own process) serves the
 * user pages a `plan` reads, for a tenant of N users, and what the lab process costs in memory.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/lab-serve.js [--users 100000] [--rounds 2]
 *
 * Builds a lab state folder holding N users (70 % synced, 10 % converted by the SOA switch, the
 * rest cloud-only, each with two proxy addresses) with a plain loop, starts `lab up` on it as a
 * child process, then reads, round after round, every page of the two user lists a plan reads
 * (`GET /v1.0/users?$select=<the plan's properties>&$top=999` and
 * `GET /beta/users?$select=id,onPremisesObjectIdentifier&$top=999`), following `@odata.nextLink`
 * one page at a time as the SDK does. Prints the lab's start time (loading the state), each round's
 * time and pages, the CPU the lab process spent serving them (less sensitive to the machine's load
 * than the wall-clock time, which includes this process parsing the pages), the lab's resident
 * memory (current and peak, from /proc), its stop time, and whether stopping rewrote the state file
 * (it must not: nothing changed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OBJECT_IDENTIFIER_SELECT } from '../src/graph/sync-behavior-reads.js';
import { USER_SELECT } from '../src/graph/user-reads.js';
import { DEFAULT_SEED_PATH, loadSeed } from '../src/lab/seed.js';
import { labStatePath, saveLabState, type LabStateDocument } from '../src/lab/lab-state-store.js';
import { emptyLabTenantData } from '../src/lab/tenant/empty-tenant.js';
import { labUserRecord } from '../src/lab/tenant/user-record.js';
import type { LabUser } from '../src/lab/tenant/records.js';
import { intArg, seconds } from './args.js';

const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000002';
const DOMAIN = 'bench.example.test';
const NOW = '2026-11-01T00:00:00.000Z';
const MAIN = resolve(import.meta.dirname, '../src/cli/main.js');

/** N users as the lab stores them (a plain loop: no seed generator, no sync cycle). */
function benchUsers(n: number): LabUser[] {
  const synced = Math.floor(n * 0.7);
  const converted = Math.floor(n * 0.1);
  const users: LabUser[] = [];
  for (let i = 0; i < n; i++) {
    const name = `u${i}`;
    const onPrem = i < synced + converted;
    const u = labUserRecord(
      {
        userPrincipalName: `${name}@${DOMAIN}`,
        displayName: `Bench User ${i}`,
        givenName: 'Bench',
        surname: `User ${i}`,
        mail: `${name}@${DOMAIN}`,
        mailNickname: name,
        proxyAddresses: [`SMTP:${name}@${DOMAIN}`, `smtp:${name}@alt.${DOMAIN}`],
        ...(onPrem
          ? {
              onPremisesSyncEnabled: i < synced ? true : null,
              isCloudManaged: i >= synced,
              onPremisesImmutableId: Buffer.from(`bench-anchor-${String(i).padStart(7, '0')}`).toString('base64'),
              onPremisesDistinguishedName: `CN=Bench User ${i},OU=Staff,DC=bench,DC=example,DC=test`,
              onPremisesDomainName: DOMAIN,
              onPremisesSamAccountName: name,
              onPremisesUserPrincipalName: `${name}@${DOMAIN}`,
              onPremisesLastSyncDateTime: '2026-10-31T23:30:00.000Z',
            }
          : {}),
      },
      `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      NOW,
    );
    u.changeSeq = i + 1;
    users.push(u);
  }
  return users;
}

async function writeState(dir: string, n: number): Promise<void> {
  const seed = await loadSeed(DEFAULT_SEED_PATH, { now: new Date(NOW) });
  const tenant = emptyLabTenantData({ tenantId: TENANT_ID, now: NOW, domains: [DOMAIN] });
  tenant.users = benchUsers(n);
  tenant.changeSequence = n;
  const doc: LabStateDocument = {
    kind: 'entra-soa/lab-state',
    formatVersion: 1,
    savedAt: new Date().toISOString(),
    seedPath: DEFAULT_SEED_PATH,
    randomState: 1,
    // no scheduled cycles: the seed's AD is not this tenant's
    syncConfig: { ...seed.syncConfig, syncIntervalMinutes: 0 },
    lastSyncCycleAt: NOW,
    syncCycleCount: 0,
    tenant,
    directory: null,
  };
  await saveLabState(dir, doc);
}

/** Start `lab up` on `dir`; resolves when it prints its endpoint. */
function startLabUp(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...(process.env.LAB_SERVE_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LAB_SERVE_PROFILE}`] : []), MAIN, 'lab', 'up', '--state', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolveUp, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Graph endpoint: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolveUp({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`lab up exited (${code}) before it was ready: ${err}`)));
  });
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks of 1/100 s). */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Current and peak resident memory of a process, MB (Linux /proc). */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** Every page of a list, one request at a time; returns items and pages. */
async function readAll(url: string, token: string): Promise<{ items: number; pages: number; bytes: number }> {
  let next: string | undefined = url;
  let items = 0;
  let pages = 0;
  let bytes = 0;
  while (next) {
    const res: Response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${next}: HTTP ${res.status} ${text.slice(0, 200)}`);
    bytes += text.length;
    const body = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    items += body.value.length;
    pages++;
    next = body['@odata.nextLink'];
  }
  return { items, pages, bytes };
}

async function main(): Promise<void> {
  const users = intArg('users', 100_000, 'positive');
  const rounds = intArg('rounds', 2, 'positive');
  const dir = await mkdtemp(join(tmpdir(), 'entra-soa-lab-serve-'));
  try {
    let t = performance.now();
    await writeState(dir, users);
    const before = await stat(labStatePath(dir));
    console.log(`state    ${users.toLocaleString('en-US')} users, ${(before.size / 1e6).toFixed(0)} MB written in ${seconds(t)} s`);

    t = performance.now();
    const { child, url } = await startLabUp(dir);
    const pid = child.pid ?? 0;
    console.log(`lab up   ready in ${seconds(t)} s (loads the state), ${(await cpuOf(pid)).toFixed(2)} s CPU; rss ${(await memoryOf(pid)).rss} MB`);
    const endpoint = JSON.parse(await readFile(join(dir, 'endpoint.json'), 'utf8')) as { token: string };

    for (let r = 1; r <= rounds; r++) {
      const cpu = await cpuOf(pid);
      t = performance.now();
      const v1 = await readAll(`${url}/v1.0/users?$select=${USER_SELECT.join(',')}&$top=999`, endpoint.token);
      const v1s = seconds(t);
      const t2 = performance.now();
      const beta = await readAll(`${url}/beta/users?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}&$top=999`, endpoint.token);
      const mem = await memoryOf(pid);
      console.log(
        `round ${r}  v1.0 users: ${v1.items.toLocaleString('en-US')} in ${v1.pages} pages, ${v1s} s (${(v1.bytes / 1e6).toFixed(0)} MB);` +
          ` beta id,onPremisesObjectIdentifier: ${beta.pages} pages, ${seconds(t2)} s;` +
          ` lab CPU for both ${((await cpuOf(pid)) - cpu).toFixed(2)} s; lab rss ${mem.rss} MB, peak ${mem.peak} MB`,
      );
    }

    t = performance.now();
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGINT');
    await exited;
    const after = await stat(labStatePath(dir));
    const rewritten = after.mtimeMs !== before.mtimeMs || after.ino !== before.ino;
    console.log(`stop     in ${seconds(t)} s; state file ${rewritten ? 'REWRITTEN although nothing changed' : 'untouched (nothing changed)'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
