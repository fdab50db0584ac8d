/**
 * `entra-soa lab up|sync|clock|state|reset`: run the lab (a stand-in tenant with a Graph emulator,
 * an AD and a simulated Entra Connect on 127.0.0.1) and drive it.
 *
 * `lab up` runs until SIGINT/SIGTERM, saves its state in the state folder, and writes the
 * endpoint and token to `<state>/endpoint.json` (0600) so that the other subcommands find it.
 * The others call the admin endpoints over HTTP.
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { DirectoryAccess } from '../model/directory.js';
import { DirectoryError } from '../model/directory.js';
import { redactUrl } from '../model/ldap-url.js';
import { startLab } from '../lab/in-process-lab.js';
import type { Lab } from '../lab/in-process-lab.js';
import { parseDuration } from '../lab/admin-routes.js';
import type { LabClockAdvance } from '../lab/admin-routes.js';
import { summarizeSyncReport } from '../lab/sync-report.js';
import type { SyncCycleReport } from '../lab/sync-report.js';
import { loadSeed } from '../lab/seed.js';
import { DEFAULT_LAB_IDENTITY } from '../lab/identities.js';
import { connectDirectory } from '../ad/index.js';
import { LAB_STATE_DIR } from './access-options.js';
import { EXIT, type CliIo } from './io.js';

/** The file `lab up` writes so that `lab sync` etc. find the running lab. */
export const LAB_ENDPOINT_FILE = 'endpoint.json';

export type LabAction = 'up' | 'sync' | 'clock' | 'state' | 'reset';

export interface LabArgs {
  action: LabAction;
  port?: number;
  seed?: string;
  state?: string;
  ad?: string;
  adBaseDn?: string;
  adBindDn?: string;
  adPasswordEnv?: string;
  adCaFile?: string;
  syncEvery?: string;
  endpoint?: string;
  tokenEnv?: string;
  advance?: string;
  json?: boolean;
}

/** Test hooks: how `lab up` waits to be stopped (default: SIGINT or SIGTERM). */
export interface LabCommandOptions {
  waitForStop?: (lab: Lab) => Promise<string>;
}

export function labCommand(io: CliIo, done: (exitCode: number) => void, options: LabCommandOptions = {}): CommandModule<object, LabArgs> {
  return {
    command: 'lab <action>',
    describe: 'Run the local lab (up) or drive a running one (sync, clock, state, reset)',
    builder: (y: Argv) =>
      y
        .positional('action', { choices: ['up', 'sync', 'clock', 'state', 'reset'] as const, demandOption: true, describe: 'What to do' })
        .option('port', { type: 'number', group: 'lab up:', describe: 'Port of the Graph emulator on 127.0.0.1 (default: any free port)' })
        .option('seed', { type: 'string', group: 'lab up:', describe: 'Seed file (default: the sample company examples/lab/sample-company.json)' })
        .option('state', { type: 'string', describe: `State folder (default ${LAB_STATE_DIR}, shared with plan/apply --lab)` })
        .option('ad', { type: 'string', group: 'lab up:', describe: 'Use this AD (ldap:// or ldaps://) instead of the in-memory one' })
        .option('ad-base-dn', { type: 'string', group: 'lab up:', describe: "Naming context of --ad (default: the seed's base DN)" })
        .option('ad-bind-dn', { type: 'string', group: 'lab up:', describe: 'Bind DN for --ad' })
        .option('ad-password-env', { type: 'string', group: 'lab up:', describe: 'Name of the environment variable holding the bind password' })
        .option('ad-ca-file', { type: 'string', group: 'lab up:', describe: "PEM file with the CA of the DC's certificate" })
        .option('sync-every', { type: 'string', group: 'lab up:', describe: 'Also run a sync cycle on this real-time interval (e.g. 30s, 5m)' })
        .option('endpoint', { type: 'string', describe: 'URL of a running lab (default: the one lab up wrote to the state folder)' })
        .option('token-env', { type: 'string', describe: 'Name of an environment variable holding the lab token (default: ask the lab)' })
        .option('advance', { type: 'string', group: 'lab clock:', describe: 'Move the lab clock forward, e.g. 30m, 72h, 1h30m' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the JSON answer instead of a summary' }) as unknown as Argv<LabArgs>,
    handler: async (args) => {
      done(await runLab(io, args, options));
    },
  };
}

export async function runLab(io: CliIo, args: LabArgs, options: LabCommandOptions = {}): Promise<number> {
  try {
    switch (args.action) {
      case 'up':
        return await labUp(io, args, options);
      case 'sync':
      case 'clock':
      case 'state':
      case 'reset':
        return await labClient(io, args);
    }
  } catch (e) {
    io.stderr(`entra-soa lab ${args.action}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.error;
  }
}

function stateDirOf(io: CliIo, args: LabArgs): string {
  return resolve(io.cwd, args.state ?? LAB_STATE_DIR);
}

async function labUp(io: CliIo, args: LabArgs, options: LabCommandOptions): Promise<number> {
  const stateDir = stateDirOf(io, args);
  const seedPath = args.seed !== undefined ? resolve(io.cwd, args.seed) : undefined;
  let syncEverySeconds: number | undefined;
  if (args.syncEvery !== undefined) {
    const s = parseDuration(args.syncEvery);
    if (s === null || s <= 0) {
      io.stderr(`entra-soa lab up: --sync-every needs a duration like 30s or 5m; got ${JSON.stringify(args.syncEvery)}\n`);
      return EXIT.error;
    }
    syncEverySeconds = s;
  }

  let ad: DirectoryAccess | undefined;
  if (args.ad !== undefined) {
    const opened = await openAd(io, args, seedPath);
    if (typeof opened === 'number') return opened;
    ad = opened;
  }

  let lastCycleKey = '';
  let lab: Lab;
  try {
    lab = await startLab({
      now: io.now(),
      ...(seedPath ? { seedPath } : {}),
      stateDir,
      ...(args.port !== undefined ? { port: args.port } : {}),
      ...(ad ? { ad } : {}),
      ...(syncEverySeconds ? { syncEverySeconds } : {}),
      onSyncCycle: (r) => {
        // only cycles that differ from the previous one: a steady lab does not flood the terminal
        const key = cycleKey(r);
        if (key !== lastCycleKey) io.stderr(`${summarizeSyncReport(r)}\n`);
        lastCycleKey = key;
      },
      onError: (e) => io.stderr(`entra-soa lab: a scheduled sync cycle failed: ${e instanceof Error ? e.message : String(e)}\n`),
    });
  } catch (e) {
    if (ad) await ad.close();
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`entra-soa lab up: cannot start the lab: ${msg}${/EADDRINUSE/.test(msg) ? ' (the port is taken: choose another with --port)' : ''}\n`);
    return EXIT.error;
  }

  const endpointFile = join(stateDir, LAB_ENDPOINT_FILE);
  await mkdir(stateDir, { recursive: true });
  await writeFile(endpointFile, JSON.stringify({ url: lab.graphUrl, token: lab.token, tokens: lab.tokens }) + '\n', { mode: 0o600 });

  const org = lab.tenant.getOrganization();
  const sched = lab.syncConfig.syncIntervalMinutes > 0 ? `every ${lab.syncConfig.syncIntervalMinutes} lab minutes as the lab clock advances` : 'only when asked';
  io.stdout(
    [
      `entra-soa lab: "${org.displayName}" (tenant ${org.id}) from ${lab.seedPath}`,
      `  Graph endpoint: ${lab.graphUrl}`,
      `  lab time:       ${lab.tenant.nowIso()}`,
      `  AD:             ${ad ? args.ad : `in memory (${lab.directory.baseDn})`}`,
      `  state:          ${stateDir} (${lab.resumed ? 'resumed' : 'new, from the seed'})`,
      `  sync cycles:    ${sched}${syncEverySeconds ? `, and every ${syncEverySeconds}s of real time` : ''}`,
      '',
      '  Tokens, one per identity (header "Authorization: Bearer <token>"; plan/apply --lab pick one with --lab-identity):',
      ...identityLines(lab),
      '',
      `  Graph clients: baseUrl ${lab.graphUrl}; the default token is ${DEFAULT_LAB_IDENTITY}'s`,
      `  Drive it:      entra-soa lab sync | lab clock --advance 30m | lab state | lab reset`,
      `  plan/apply --lab start their own lab on this state folder: stop this one first.`,
      '',
      'Press Ctrl-C to stop; the state is saved.',
      '',
    ].join('\n'),
  );

  // Graph writes do not go through the admin routes: save every few seconds (save() writes only
  // when something changed, groups and settings included).
  const saver = setInterval(() => {
    lab.save().catch((e: unknown) => io.stderr(`entra-soa lab: cannot save the state: ${e instanceof Error ? e.message : String(e)}\n`));
  }, 5000);
  saver.unref();

  const reason = await (options.waitForStop ?? waitForSignal)(lab);
  clearInterval(saver);
  await lab.close();
  await rm(endpointFile, { force: true });
  io.stdout(`entra-soa lab: stopped (${reason}); state saved in ${stateDir}\n`);
  return EXIT.ok;
}

/** One line per lab identity: name, who it is, token. */
function identityLines(lab: Lab): string[] {
  const width = Math.max(...lab.identities.map((i) => i.name.length));
  return lab.identities.map((i) => `    ${i.name.padEnd(width)}  ${i.description}: ${lab.tokens[i.name] ?? ''}`);
}

function waitForSignal(): Promise<string> {
  return new Promise((resolveStop) => {
    const stop = (sig: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop(sig);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function openAd(io: CliIo, args: LabArgs, seedPath: string | undefined): Promise<DirectoryAccess | number> {
  const url = args.ad ?? '';
  if (!/^ldaps?:\/\//i.test(url)) {
    io.stderr(`entra-soa lab up: --ad must be an ldap:// or ldaps:// URL; got ${JSON.stringify(redactUrl(url))}\n`);
    return EXIT.error;
  }
  if (!args.adBindDn || !args.adPasswordEnv) {
    io.stderr('entra-soa lab up: --ad needs --ad-bind-dn and --ad-password-env (the NAME of the variable holding the password)\n');
    return EXIT.error;
  }
  const password = io.env[args.adPasswordEnv];
  if (password === undefined || password === '') {
    io.stderr(`entra-soa lab up: the environment variable ${args.adPasswordEnv} is not set: export ${args.adPasswordEnv}=<password of ${args.adBindDn}>\n`);
    return EXIT.error;
  }
  const baseDn = args.adBaseDn ?? (await loadSeed(seedPath)).directory.baseDn;
  try {
    return await connectDirectory({
      url,
      baseDn,
      bindDn: args.adBindDn,
      password,
      passwordSource: `$${args.adPasswordEnv}`,
      ...(args.adCaFile ? { caFile: resolve(io.cwd, args.adCaFile) } : {}),
      onWarning: (m) => io.stderr(`WARNING: ${m}\n`),
    });
  } catch (e) {
    const msg = e instanceof DirectoryError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    io.stderr(`entra-soa lab up: cannot connect to ${redactUrl(url)}: ${msg}\n`);
    return EXIT.error;
  }
}

interface Endpoint {
  url: string;
  token: string;
}

async function findEndpoint(io: CliIo, args: LabArgs): Promise<Endpoint> {
  if (args.endpoint !== undefined) {
    const url = args.endpoint.replace(/\/+$/, '');
    const host = new URL(url).hostname;
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
      throw new Error(`--endpoint must be a lab on this machine (127.0.0.1); got ${url}`);
    }
    if (args.tokenEnv !== undefined) {
      const token = io.env[args.tokenEnv];
      if (!token) throw new Error(`the environment variable ${args.tokenEnv} is not set`);
      return { url, token };
    }
    const res = await fetch(`${url}/_lab/token`, { method: 'POST' });
    if (!res.ok) throw new Error(`${url} did not hand out a token (HTTP ${res.status}): is it an entra-soa lab?`);
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`${url} did not hand out a token: is it an entra-soa lab?`);
    return { url, token: body.access_token };
  }
  const file = join(stateDirOf(io, args), LAB_ENDPOINT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`no running lab found (${file} does not exist): start one with "entra-soa lab up", or give --endpoint`);
  }
  const ep = JSON.parse(text) as Partial<Endpoint>;
  if (typeof ep.url !== 'string' || typeof ep.token !== 'string') throw new Error(`${file} is damaged: restart "entra-soa lab up"`);
  return { url: ep.url, token: args.tokenEnv !== undefined ? (io.env[args.tokenEnv] ?? ep.token) : ep.token };
}

async function callLab(ep: Endpoint, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${ep.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ep.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new Error(`cannot reach the lab at ${ep.url} (${e instanceof Error ? e.message : String(e)}): is "entra-soa lab up" running?`, { cause: e });
  }
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) {
    throw new Error(`the lab answered ${res.status}${json?.error ? ` ${json.error.code ?? ''}: ${json.error.message ?? ''}` : ''}`);
  }
  return json;
}

async function labClient(io: CliIo, args: LabArgs): Promise<number> {
  if (args.action === 'clock' && args.advance === undefined) {
    io.stderr('entra-soa lab clock: say how far, e.g. --advance 30m or --advance 72h\n');
    return EXIT.error;
  }
  if (args.action === 'clock' && parseDuration(args.advance ?? '') === null) {
    io.stderr(`entra-soa lab clock: --advance needs a duration like 30m, 72h or 1h30m; got ${JSON.stringify(args.advance)}\n`);
    return EXIT.error;
  }
  const ep = await findEndpoint(io, args);
  const out = (v: unknown) => io.stdout(`${JSON.stringify(v, null, 2)}\n`);
  switch (args.action) {
    case 'sync': {
      const r = (await callLab(ep, 'POST', '/_lab/sync-cycle')) as SyncCycleReport;
      if (args.json) out(r);
      else io.stdout(describeCycle(r));
      return EXIT.ok;
    }
    case 'clock': {
      const r = (await callLab(ep, 'POST', '/_lab/clock', { advance: args.advance })) as LabClockAdvance;
      if (args.json) out(r);
      else {
        io.stdout(`lab time is now ${r.now} (advanced ${args.advance ?? ''})\n`);
        if (r.disableCompleted) io.stdout('  the pending tenant-wide sync disable completed\n');
        if (r.purgedUserIds.length) io.stdout(`  ${r.purgedUserIds.length} deleted users purged (30 days over)\n`);
        let previous = '';
        let same = 0;
        for (const c of r.syncCycles) {
          const key = cycleKey(c);
          if (key === previous) {
            same++;
            continue;
          }
          if (same) io.stdout(`  ... ${same} more cycle(s) with the same result\n`);
          same = 0;
          previous = key;
          io.stdout(`  ${summarizeSyncReport(c)}\n`);
        }
        if (same) io.stdout(`  ... ${same} more cycle(s) with the same result\n`);
      }
      return EXIT.ok;
    }
    case 'state': {
      const s = (await callLab(ep, 'GET', '/_lab/state')) as Record<string, unknown>;
      if (args.json) out(s);
      else io.stdout(describeState(s));
      return EXIT.ok;
    }
    case 'reset': {
      const r = (await callLab(ep, 'POST', '/_lab/reset')) as { now: string };
      if (args.json) out(r);
      else io.stdout(`lab reset to the seed; lab time ${r.now}\n`);
      return EXIT.ok;
    }
    case 'up':
      return EXIT.error;
  }
}

/** What a cycle did, without its time (to spot repeats). */
function cycleKey(r: SyncCycleReport): string {
  return JSON.stringify([r.ran, r.skipped, r.stopped, r.counts.created, r.counts.updated, r.counts.hardMatched, r.counts.softMatched, r.counts.restored, r.counts.deleted, r.counts.skippedCloudManaged, r.counts.quarantined, r.counts.released, r.errors.map((e) => `${e.code}:${e.dn}`)]);
}

function describeCycle(r: SyncCycleReport): string {
  const lines = [summarizeSyncReport(r)];
  const list = (word: string, items: { upn: string }[]) => {
    for (const i of items.slice(0, 20)) lines.push(`  ${word} ${i.upn}`);
    if (items.length > 20) lines.push(`  ... and ${items.length - 20} more ${word}`);
  };
  list('created', r.created);
  list('updated', r.updated);
  list('hard-matched', r.hardMatched);
  list('soft-matched', r.softMatched);
  list('restored', r.restored);
  list('deleted', r.deleted);
  list('skipped (cloud-managed)', r.skippedCloudManaged);
  for (const q of r.quarantined) lines.push(`  quarantined ${q.code} ${q.upn}: ${q.property} ${q.value} is held by ${q.heldBy.upn}`);
  for (const q of r.released) lines.push(`  released ${q.upn}: ${q.property} ${q.value}`);
  for (const e of r.errors) lines.push(`  error ${e.code} ${e.upn}: ${e.message}`);
  return `${lines.join('\n')}\n`;
}

function describeState(s: Record<string, unknown>): string {
  const tenant = s['tenant'] as { id: string; displayName: string; onPremisesSyncEnabled: boolean | null; pendingDisable: unknown; features: Record<string, boolean> };
  const users = (s['users'] as { onPremisesSyncEnabled: boolean | null; isCloudManaged: boolean }[]) ?? [];
  const ad = s['ad'] as { kind: string; baseDn: string; users: unknown[] };
  const sync = s['sync'] as { lastCycleAt: string; nextScheduledCycleAt: string | null; cycles?: number };
  const errors = (s['provisioningErrors'] as unknown[]) ?? [];
  const f = tenant.features;
  return [
    `lab time ${String(s['now'])}; tenant "${tenant.displayName}" (${tenant.id})`,
    `  directory sync: ${tenant.onPremisesSyncEnabled === true ? 'on' : 'off'}${tenant.pendingDisable ? ' (disable pending)' : ''}`,
    `  features: blockSoftMatch=${String(f['blockSoftMatchEnabled'])} blockCloudObjectTakeoverThroughHardMatch=${String(f['blockCloudObjectTakeoverThroughHardMatchEnabled'])} softMatchOnUpn=${String(f['softMatchOnUpnEnabled'])}`,
    `  Entra users: ${users.length} (${users.filter((u) => u.onPremisesSyncEnabled === true).length} synced, ${users.filter((u) => u.isCloudManaged).length} cloud-managed), ${(s['deletedUsers'] as unknown[]).length} deleted, ${(s['groups'] as unknown[]).length} groups`,
    `  AD (${ad.kind}, ${ad.baseDn}): ${ad.users.length} users`,
    `  provisioning errors: ${errors.length}`,
    `  sync cycles run: ${sync.cycles ?? 0}; last ${sync.lastCycleAt}${sync.nextScheduledCycleAt ? `, next ${sync.nextScheduledCycleAt}` : ''}`,
    '',
  ].join('\n');
}
