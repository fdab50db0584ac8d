/**
 * End-to-end workflow scenarios: the built CLI (dist/, `npm test` builds first) as a child process,
 * the lab's Graph emulator (started in the test process with the real Samba DC as its AD, so the
 * simulated Entra Connect reads and the CLI writes the same DC), and the real Samba AD DC from
 * test/setup/global.ts. Each test file works in its own OU.
 *
 * The sync cycle the CLI waits for is triggered through the manifest's `sync.triggerCommand`, which
 * runs `entra-soa lab sync --endpoint … --token-env …`: the real CLI path.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LdapDirectory } from '../../../src/ad/index.js';
import { startLab, type Lab } from '../../../src/lab/in-process-lab.js';
import { labUserRecord } from '../../../src/lab/tenant/user-record.js';
import type { LabUser } from '../../../src/lab/tenant/records.js';
import type { AdUser, SourceAnchorAttribute } from '../../../src/model/observed.js';
import { MAIN, ROOT, startCli, type CliRun, type RunningCli } from '../../helpers/cli-process.js';
import { sequentialGuid } from '../../helpers/ids.js';
import { LAB_TENANT_ID } from '../../helpers/lab-manifest.js';
import { connectTestDirectory, createTestOu, deleteTree, sambaEnv, type SambaEnv } from '../../helpers/samba.js';
import { removeTestDir } from '../../helpers/test-artifacts.js';

export const SAMPLE_SEED = join(ROOT, 'examples', 'lab', 'sample-company.json');
export { LAB_TENANT_ID };
export const BIND_PASSWORD_ENV = 'E2E_AD_PASSWORD';
export const LAB_TOKEN_ENV = 'E2E_LAB_TOKEN';

/** The Samba coordinates, or null outside CI without Samba (sambaEnv throws under CI=true). */
export const SAMBA: SambaEnv | null = sambaEnv();

export interface CloudOnlyUser {
  upn: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  mail?: string | null;
  proxyAddresses?: string[];
}

export interface WorkflowEnv {
  env: SambaEnv;
  admin: LdapDirectory;
  ou: { dn: string; sub: Record<string, string> };
  lab: Lab;
  cwd: string;
  /** Extra environment for the CLI (bind password, lab token). */
  cliEnv: Record<string, string>;
  /** The argv that triggers a sync cycle through the real CLI. */
  triggerArgv: string[];
  /** Live-access flags pointing the CLI at the lab's Graph. */
  graphFlags: string[];
  manifest(name: string, body: string, opts?: { tenantExtra?: string; sync?: string; adUrl?: string; sourceAnchor?: SourceAnchorAttribute }): string;
  cli(args: string[], opts?: { env?: Record<string, string> }): Promise<CliRun>;
  start(args: string[], opts?: { env?: Record<string, string> }): RunningCli;
  entraUser(upn: string): LabUser | undefined;
  adUser(upn: string): Promise<AdUser | undefined>;
  close(): Promise<void>;
}

function lower(s: string | null | undefined): string {
  return (s ?? '').toLowerCase();
}

/**
 * Seed OU `<prefix>-<random>` with sub-OUs Synced (the sync scope), Unsynced, Created; start the lab on
 * an empty tenant (plus `cloudOnly` users) with the DC as AD and the OU `Synced` as scope; run one
 * cycle so that the AD users created by `seedAd` are synced.
 */
export async function startWorkflowEnv(opts: {
  prefix: string;
  sourceAnchor?: SourceAnchorAttribute;
  seedAd?: (admin: LdapDirectory, sub: Record<string, string>) => Promise<void>;
  cloudOnly?: CloudOnlyUser[];
  features?: Partial<Record<'blockSoftMatchEnabled' | 'blockCloudObjectTakeoverThroughHardMatchEnabled' | 'softMatchOnUpnEnabled', boolean>>;
}): Promise<WorkflowEnv> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  const env = SAMBA as SambaEnv;
  const admin = await connectTestDirectory();
  const ou = await createTestOu(admin, opts.prefix, ['Synced', 'Unsynced', 'Created']);
  const sub = ou.sub as Record<'Synced' | 'Unsynced' | 'Created', string>;
  await opts.seedAd?.(admin, sub);
  const cwd = mkdtempSync(join(tmpdir(), `entra-soa-e2e-${opts.prefix}-`));
  const sourceAnchor = opts.sourceAnchor ?? 'mS-DS-ConsistencyGuid';

  const sample = JSON.parse(readFileSync(SAMPLE_SEED, 'utf8')) as {
    tenant: { users: LabUser[]; deletedUsers: unknown[]; groups: unknown[]; directoryRoles: { memberIds: string[] }[]; provisioningErrors: unknown[]; now: string; onPremisesSynchronization: { features: Record<string, boolean> } };
    syncConfig: unknown;
    unsyncedOu: string;
  };
  const now = sample.tenant.now;
  sample.tenant.users = (opts.cloudOnly ?? []).map((c, i) => {
    const fields = {
      userPrincipalName: c.upn,
      displayName: c.displayName,
      givenName: c.givenName ?? null,
      surname: c.surname ?? null,
      mail: c.mail === undefined ? c.upn : c.mail,
      mailNickname: c.upn.split('@')[0] ?? null,
      proxyAddresses: c.proxyAddresses ?? [`SMTP:${c.upn}`],
    };
    return { ...labUserRecord(fields, sequentialGuid('0e2e0000', i + 1), now), changeSeq: 1 };
  });
  sample.tenant.deletedUsers = [];
  sample.tenant.groups = [];
  sample.tenant.provisioningErrors = [];
  for (const r of sample.tenant.directoryRoles) r.memberIds = [];
  Object.assign(sample.tenant.onPremisesSynchronization.features, opts.features ?? {});
  sample.syncConfig = { sourceAnchor, syncScope: { include: [sub.Synced], exclude: [] }, syncIntervalMinutes: 0 };
  sample.unsyncedOu = sub.Unsynced;
  const seedPath = join(cwd, 'seed.json');
  writeFileSync(seedPath, JSON.stringify(sample));

  // The lab's own AD connection (what Entra Connect reads), separate from the CLI's and the test's.
  const labAd = await connectTestDirectory();
  const lab = await startLab({ seedPath, ad: labAd });
  await lab.runSyncCycle();

  const cliEnv = { [BIND_PASSWORD_ENV]: env.bindPassword, [LAB_TOKEN_ENV]: lab.token };
  const triggerArgv = [process.execPath, MAIN, 'lab', 'sync', '--endpoint', lab.graphUrl, '--token-env', LAB_TOKEN_ENV];
  const graphFlags = ['--graph-endpoint', lab.graphUrl, '--graph-token-env', LAB_TOKEN_ENV];

  const start = (args: string[], o: { env?: Record<string, string> } = {}): RunningCli => startCli(args, { cwd, env: { ...cliEnv, ...(o.env ?? {}) } });

  return {
    env,
    admin,
    ou,
    lab,
    cwd,
    cliEnv,
    triggerArgv,
    graphFlags,
    manifest(name, body, o = {}) {
      const path = join(cwd, name);
      writeFileSync(
        path,
        `apiVersion: entra-soa/v1
tenant:
  id: ${LAB_TENANT_ID}
${o.tenantExtra ?? ''}
activeDirectory:
  connection:
    url: ${o.adUrl ?? env.ldapsUrl}
    baseDn: ${env.baseDn}
    bindDn: ${JSON.stringify(env.bindDn)}
    bindPasswordEnv: ${BIND_PASSWORD_ENV}
    caFile: ${JSON.stringify(env.caFile)}
  sourceAnchor: ${o.sourceAnchor ?? sourceAnchor}
  syncScope:
    include:
      - ${JSON.stringify(sub.Synced)}
  unsyncedOu: ${JSON.stringify(sub.Unsynced)}
${body}
${o.sync ?? `sync:\n  timeout: 5m\n  pollInterval: 1s\n  triggerCommand: ${JSON.stringify(triggerArgv)}`}
`,
      );
      return name;
    },
    cli: (args, o = {}) => start(args, o).done,
    start,
    entraUser: (upn) => lab.tenant.toJSON().users.find((u) => lower(u.userPrincipalName) === lower(upn)),
    adUser: async (upn) => (await admin.listUsers()).find((u) => lower(u.userPrincipalName) === lower(upn)),
    async close() {
      await lab.close();
      await deleteTree(admin, ou.dn).catch(() => undefined);
      await admin.close();
      removeTestDir(cwd);
    },
  };
}

/** A TCP forwarder to the DC that a test can cut and restore (a DC going away mid-apply). */
export interface Forwarder {
  port: number;
  /** Refuse new connections and destroy the open ones. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startForwarder(targetHost: string, targetPort: number): Promise<Forwarder> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  return {
    port,
    // Like a DC going down: open connections die and new ones are refused (nothing listens on the port).
    cut() {
      if (listening) server.close();
      listening = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      if (!listening) server.listen(port, '127.0.0.1');
      listening = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (listening) server.close(() => resolve());
        else resolve();
      }),
  };
}
