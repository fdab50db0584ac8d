/**
 * The live-access options shared by `plan`, `snapshot` and `apply` (docs/contracts.md), and opening
 * Graph + AD from them. Flags override manifest values. Secrets come only from environment variables
 * the options name (or files they point at) and never appear in any message.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { connectDirectory } from '../ad/index.js';
import { createGraphClient, newGraphTraffic, normaliseEndpoint, type GraphTraffic } from '../graph/client.js';
import {
  AUTH_METHODS,
  DEFAULT_GRAPH_ENDPOINT,
  authProviderFor,
  buildCredential,
  staticTokenAuthProvider,
  type AuthMethod,
} from '../graph/credentials.js';
import { GraphEntraAccess } from '../graph/entra-access.js';
import { startLab } from '../lab/in-process-lab.js';
import type { DesiredState } from '../model/desired.js';
import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { CliIo } from './io.js';

export interface AccessArgs {
  graphEndpoint?: string;
  graphTokenEnv?: string;
  auth?: Exclude<AuthMethod, 'static-token'>;
  tenantId?: string;
  clientId?: string;
  clientSecretEnv?: string;
  certificateFile?: string;
  federatedTokenFile?: string;
  adUrl?: string;
  adBindDn?: string;
  adPasswordEnv?: string;
  adCaFile?: string;
  adInsecureSkipTlsVerify?: boolean;
}

/** Adds the live-access options to a command. */
export function accessOptions<T>(y: Argv<T>): Argv<T & AccessArgs> {
  return y
    .option('graph-endpoint', { type: 'string', group: 'Live access:', describe: 'Graph endpoint (national clouds; default: manifest tenant.graphEndpoint, else https://graph.microsoft.com)' })
    .option('graph-token-env', { type: 'string', group: 'Live access:', describe: 'Name of an environment variable holding a bearer token (the lab, or a pre-issued token)' })
    .option('auth', {
      choices: AUTH_METHODS.filter((m) => m !== 'static-token'),
      group: 'Live access:',
      describe: 'How to sign in to Graph (default: default = DefaultAzureCredential)',
    })
    .option('tenant-id', { type: 'string', group: 'Live access:', describe: 'Entra tenant id (default: the manifest tenant.id)' })
    .option('client-id', { type: 'string', group: 'Live access:', describe: 'App registration (client) id' })
    .option('client-secret-env', { type: 'string', group: 'Live access:', describe: 'Name of the environment variable holding the client secret (--auth secret)' })
    .option('certificate-file', { type: 'string', group: 'Live access:', describe: 'PEM file with certificate and private key (--auth certificate)' })
    .option('federated-token-file', { type: 'string', group: 'Live access:', describe: 'Federated (OIDC) token file (--auth workload-identity)' })
    .option('ad-url', { type: 'string', group: 'Live access:', describe: 'LDAP URL of a domain controller (default: the manifest)' })
    .option('ad-bind-dn', { type: 'string', group: 'Live access:', describe: 'Bind DN (default: the manifest)' })
    .option('ad-password-env', { type: 'string', group: 'Live access:', describe: 'Name of the environment variable holding the bind password (default: the manifest bindPasswordEnv)' })
    .option('ad-ca-file', { type: 'string', group: 'Live access:', describe: "PEM file with the CA of the DC's certificate" })
    .option('ad-insecure-skip-tls-verify', {
      type: 'boolean',
      group: 'Live access:',
      describe: "DANGEROUS: do not verify the DC's certificate (labs only)",
    }) as unknown as Argv<T & AccessArgs>;
}

/** What a command reads from and writes to. */
export interface LiveAccess {
  entra: EntraAccess;
  directory: DirectoryAccess;
  /** For people and plans: "graph.microsoft.com + ldaps://dc1.contoso.com". */
  source: string;
  close(): Promise<void>;
  /** The Graph side, for read statistics. */
  graph: GraphEntraAccess;
  /** Requests made so far. */
  traffic: GraphTraffic;
}

export interface OpenLiveOptions {
  /** Progress lines (default: stderr). */
  onProgress?: (message: string) => void;
}

/** The Graph side only (used by openLiveAccess; the lab opens it against its emulator). */
export function openGraphAccess(
  args: AccessArgs,
  desired: Pick<DesiredState, 'tenant'>,
  io: CliIo,
  opts: OpenLiveOptions = {},
): { graph: GraphEntraAccess; traffic: GraphTraffic; endpoint: string } {
  const endpoint = normaliseEndpoint(args.graphEndpoint ?? desired.tenant.graphEndpoint ?? DEFAULT_GRAPH_ENDPOINT);
  const tenantId = args.tenantId ?? desired.tenant.id;
  const method: AuthMethod = args.graphTokenEnv !== undefined ? 'static-token' : (args.auth ?? 'default');
  const credential = buildCredential({
    method,
    tenantId,
    ...(args.clientId !== undefined ? { clientId: args.clientId } : {}),
    ...(args.clientSecretEnv !== undefined ? { clientSecretEnv: args.clientSecretEnv } : {}),
    ...(args.certificateFile !== undefined ? { certificateFile: resolve(io.cwd, args.certificateFile) } : {}),
    ...(args.federatedTokenFile !== undefined ? { federatedTokenFile: resolve(io.cwd, args.federatedTokenFile) } : {}),
    ...(args.graphTokenEnv !== undefined ? { tokenEnv: args.graphTokenEnv } : {}),
    endpoint,
    env: io.env,
  });
  const progress = opts.onProgress ?? ((m: string) => io.stderr(`${m}\n`));
  const traffic = newGraphTraffic();
  const client = createGraphClient({
    endpoint,
    authProvider: authProviderFor(credential, endpoint),
    traffic,
    onRetry: ({ status, retryAfterSeconds, route }) =>
      progress(`Graph answered ${status} to ${route}; retrying${retryAfterSeconds !== null ? ` after ${retryAfterSeconds}s` : ''}`),
  });
  const graph = new GraphEntraAccess({ client, tenantId, onProgress: progress });
  return { graph, traffic, endpoint };
}

/**
 * Opens Graph and AD for a manifest. AD comes from `activeDirectory.connection` (flags override); the
 * bind password from the environment variable it names. Throws an Error whose message says what to fix.
 */
export async function openLiveAccess(args: AccessArgs, desired: DesiredState, io: CliIo, opts: OpenLiveOptions = {}): Promise<LiveAccess> {
  const { graph, traffic, endpoint } = openGraphAccess(args, desired, io, opts);
  const conn = desired.activeDirectory.connection;
  const passwordEnv = args.adPasswordEnv ?? conn.bindPasswordEnv;
  const password = io.env[passwordEnv];
  if (password === undefined || password === '') {
    throw new Error(
      `the AD bind password is read from the environment variable ${passwordEnv}, which is not set: ` +
        `export ${passwordEnv}=<password of ${args.adBindDn ?? conn.bindDn}> ` +
        `(${args.adPasswordEnv ? '--ad-password-env' : 'activeDirectory.connection.bindPasswordEnv'} names it)`,
    );
  }
  const manifestDir = dirname(resolve(io.cwd, desired.file));
  const caFile =
    args.adCaFile !== undefined
      ? resolve(io.cwd, args.adCaFile)
      : conn.caFile !== undefined
        ? isAbsolute(conn.caFile)
          ? conn.caFile
          : resolve(manifestDir, conn.caFile)
        : undefined;
  const url = args.adUrl ?? conn.url;
  const directory = await connectDirectory({
    url,
    baseDn: conn.baseDn,
    bindDn: args.adBindDn ?? conn.bindDn,
    password,
    passwordSource: `$${passwordEnv}`,
    ...(caFile !== undefined ? { caFile } : {}),
    startTls: conn.startTls,
    ...(args.adInsecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
    onWarning: (m) => io.stderr(`WARNING: ${m}\n`),
  });
  return {
    entra: graph,
    directory,
    graph,
    traffic,
    source: `${new URL(endpoint).host} + ${url}`,
    close: () => directory.close(),
  };
}

/** The lab (local stand-in tenant and AD) as live access; state kept in `stateDir`. */
export interface LabAccess {
  entra: EntraAccess;
  directory: DirectoryAccess;
  source: string;
  /** Runs one simulated Entra Connect cycle (what `Start-ADSyncSyncCycle` does for real). */
  triggerSync?: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the lab in this process (src/lab/in-process-lab.ts): the lab tenant behind the Graph emulator
 * on 127.0.0.1, read and written through the same SDK client and GraphEntraAccess as a real tenant
 * (static lab token), the lab's AD, and its sync-cycle simulator as the sync trigger. State is loaded
 * from `stateDir` (else the sample company seed) and saved there by `close()`.
 */
export async function openLabAccess(desired: DesiredState, io: CliIo, stateDir: string, opts: OpenLiveOptions = {}): Promise<LabAccess & { traffic: GraphTraffic }> {
  // the lab starts at the plan's clock (io.now), so the plan and the lab agree on the date
  const lab = await startLab({ stateDir, now: io.now() });
  try {
    const tenantId = lab.tenant.getOrganization().id;
    if (tenantId.toLowerCase() !== desired.tenant.id.toLowerCase()) {
      io.stderr(`note: the manifest's tenant.id ${desired.tenant.id} is not the lab tenant ${tenantId}; using the lab tenant\n`);
    }
    const progress = opts.onProgress ?? ((m: string) => io.stderr(`${m}\n`));
    const traffic = newGraphTraffic();
    const client = createGraphClient({ endpoint: lab.graphUrl, authProvider: staticTokenAuthProvider(lab.token), traffic });
    const entra = new GraphEntraAccess({ client, tenantId, onProgress: progress });
    return {
      entra,
      directory: lab.directory,
      traffic,
      source: `Graph emulator ${new URL(lab.graphUrl).host} + ${lab.memoryDirectory ? 'in-memory AD' : 'AD'}${lab.resumed ? ` (state in ${stateDir})` : ' (fresh from the seed)'}`,
      // triggerSync (not runSyncCycle): it first moves the lab clock past a pending tenant-wide
      // disable, so a tenantSyncDisabled wait completes in lab time instead of real time.
      triggerSync: async () => {
        await lab.triggerSync();
      },
      close: () => lab.close(),
    };
  } catch (err) {
    await lab.close().catch(() => undefined);
    throw err;
  }
}
