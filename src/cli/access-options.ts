/**
 * The live-access options shared by `plan`, `snapshot`, `drift`, `export` and `apply` (docs/contracts.md),
 * and opening the directories from them — the lab (`--lab`) or Graph + AD — in one function, `openAccess`.
 * Flags override manifest values. Secrets come only from environment variables the options name (or
 * files they point at) and never appear in any message.
 */
import type { TokenCredential } from '@azure/identity';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { connectDirectory } from '../ad/index.js';
import { createGraphClient, newGraphTraffic, normaliseEndpoint, type GraphTraffic } from '../graph/client.js';
import {
  AUTH_METHODS,
  DEFAULT_GRAPH_ENDPOINT,
  ENV_NAME,
  authProviderFor,
  browserAvailable,
  buildCredential,
  staticTokenAuthProvider,
  type AuthMethod,
} from '../graph/credentials.js';
import { GraphEntraAccess } from '../graph/entra-access.js';
import { describeGraphError } from '../graph/errors.js';
import { signInOf } from '../graph/sign-in.js';
import { commandTrigger } from '../apply/trigger-command.js';
import type { ApplyAccess } from '../apply/session.js';
import { startLab } from '../lab/in-process-lab.js';
import { DEFAULT_LAB_IDENTITY } from '../lab/identities.js';
import type { DesiredState } from '../model/desired.js';
import { DirectoryError } from '../model/directory.js';
import { GraphError } from '../model/entra.js';
import type { SignIn } from '../model/sign-in.js';
import { withoutFullStop, type CliIo } from './io.js';
import { OWN_OPTIONS } from './options.js';

/** The lab's state folder shared by `plan --lab`, `snapshot --lab`, `apply --lab` and `lab` (relative to the working folder). */
export const LAB_STATE_DIR = join('.entra-soa', 'lab');

/** The message for a failure while connecting or reading (no stack trace, no secret). */
export function readFailureMessage(err: unknown): string {
  if (err instanceof GraphError) return describeGraphError(err, { step: 'read', object: 'Entra ID' });
  if (err instanceof DirectoryError) return `reading AD failed${err.dn ? ` at ${err.dn}` : ''}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Why the directories could not be opened, as every command words it: `cannot connect: <what to fix>`. */
export function connectFailure(err: unknown): string {
  return `cannot connect: ${withoutFullStop(readFailureMessage(err))}`;
}

export interface AccessArgs {
  graphEndpoint?: string;
  graphTokenEnv?: string;
  auth?: Exclude<AuthMethod, 'static-token'>;
  authorityHost?: string;
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
  /** `--lab` runs: which lab identity's token to use (default `global-admin`). */
  labIdentity?: string;
}

/** Adds the live-access options to a command. */
export function accessOptions<T>(y: Argv<T>): Argv<T & AccessArgs> {
  return y
    .option('graph-endpoint', { type: 'string', group: 'Live access:', describe: 'Graph endpoint (national clouds; default: manifest tenant.graphEndpoint, else https://graph.microsoft.com)' })
    .option('graph-token-env', { type: 'string', group: 'Live access:', describe: 'Name of an environment variable holding a bearer token (the lab, or a pre-issued token)' })
    .option('auth', {
      choices: AUTH_METHODS.filter((m) => m !== 'static-token'),
      group: 'Live access:',
      describe:
        'How to sign in to Graph: as an application (default = DefaultAzureCredential, secret, certificate, workload-identity) ' +
        'or as an admin at this terminal (device-code, interactive); see docs/graph-access.md',
    })
    .option('authority-host', {
      type: 'string',
      group: 'Live access:',
      describe: 'Microsoft Entra sign-in host (default: follows --graph-endpoint: login.microsoftonline.com, .us or .cn)',
    })
    .option('tenant-id', { type: 'string', group: 'Live access:', describe: 'Entra tenant id (default: the manifest tenant.id)' })
    .option('client-id', { type: 'string', group: 'Live access:', describe: 'App registration (client) id (for device-code and interactive: a public client registration)' })
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
    })
    .option('lab-identity', {
      type: 'string',
      // beside --lab, which each command lists among its own options
      group: OWN_OPTIONS,
      describe: 'With --lab: who signs in to the lab: application, global-admin (default), hybrid-admin, global-reader',
    }) as unknown as Argv<T & AccessArgs>;
}

/** The directories a command reads (and apply writes), opened by `openAccess`. */
export interface OpenedAccess extends ApplyAccess {
  /** Graph requests made so far. */
  traffic: GraphTraffic;
}

export interface OpenAccessOptions {
  /** Progress lines (default: stderr). */
  onProgress?: (message: string) => void;
  /**
   * Apply only: run the manifest's `sync.triggerCommand` as the sync trigger, stopped (its whole
   * process group) when `signal` aborts or after `timeoutMs`. The lab's trigger is its own sync cycle.
   */
  trigger?: { signal: AbortSignal; timeoutMs: number };
}

/**
 * Opens what a command reads: the lab with `--lab` (state in LAB_STATE_DIR), else Graph and AD from
 * the access options and the manifest. The one place a command decides that, so every command names
 * the source the same way (`source`, recorded in plans and snapshots). Throws an Error whose message
 * says what to fix (readFailureMessage words it).
 */
export async function openAccess(args: AccessArgs & { lab?: boolean }, desired: DesiredState, io: CliIo, opts: OpenAccessOptions = {}): Promise<OpenedAccess> {
  if (args.lab === true) {
    return openLabAccess(desired, io, resolve(io.cwd, LAB_STATE_DIR), { ...opts, ...(args.labIdentity !== undefined ? { identity: args.labIdentity } : {}) });
  }
  const live = await openLiveAccess(args, desired, io, opts);
  const argv = desired.sync.triggerCommand;
  if (opts.trigger === undefined || argv === undefined || argv.length === 0) return live;
  return { ...live, triggerSync: commandTrigger(argv, { cwd: io.cwd, env: io.env, onOutput: (l) => io.stderr(`sync trigger: ${l}\n`), ...opts.trigger }) };
}

/** How the access options sign in: `--graph-token-env` (a token as is) wins over `--auth` (default: default). */
export function authMethodOf(args: AccessArgs): AuthMethod {
  return args.graphTokenEnv !== undefined ? 'static-token' : (args.auth ?? 'default');
}

/**
 * The credential the access options describe (constructed only: nothing is contacted here). The
 * device-code sign-in instructions go to stderr, so that stdout stays the plan.
 */
export function credentialFor(args: AccessArgs, desired: Pick<DesiredState, 'tenant'>, io: CliIo, endpoint: string): TokenCredential {
  return buildCredential({
    method: authMethodOf(args),
    tenantId: args.tenantId ?? desired.tenant.id,
    ...(args.clientId !== undefined ? { clientId: args.clientId } : {}),
    ...(args.clientSecretEnv !== undefined ? { clientSecretEnv: args.clientSecretEnv } : {}),
    ...(args.certificateFile !== undefined ? { certificateFile: resolve(io.cwd, args.certificateFile) } : {}),
    ...(args.federatedTokenFile !== undefined ? { federatedTokenFile: resolve(io.cwd, args.federatedTokenFile) } : {}),
    ...(args.graphTokenEnv !== undefined ? { tokenEnv: args.graphTokenEnv } : {}),
    ...(args.authorityHost !== undefined ? { authorityHost: args.authorityHost } : {}),
    endpoint,
    env: io.env,
    onDeviceCode: (message) => io.stderr(`${message}\n`),
    browserAvailable: browserAvailable(io.env, process.platform),
  });
}

/**
 * The Graph side only (used by openLiveAccess). `signIn` asks the credential it signs in with for a
 * token and reads who it stands for (src/graph/sign-in.ts).
 */
export function openGraphAccess(
  args: AccessArgs,
  desired: Pick<DesiredState, 'tenant'>,
  io: CliIo,
  opts: OpenAccessOptions = {},
): { graph: GraphEntraAccess; traffic: GraphTraffic; endpoint: string; signIn: () => Promise<SignIn> } {
  const endpoint = normaliseEndpoint(args.graphEndpoint ?? desired.tenant.graphEndpoint ?? DEFAULT_GRAPH_ENDPOINT);
  const tenantId = args.tenantId ?? desired.tenant.id;
  const credential = credentialFor(args, desired, io, endpoint);
  const progress = opts.onProgress ?? ((m: string) => io.stderr(`${m}\n`));
  const traffic = newGraphTraffic();
  const authProvider = authProviderFor(credential, endpoint);
  const client = createGraphClient({
    endpoint,
    authProvider,
    traffic,
    onRetry: ({ status, retryAfterSeconds, route }) =>
      progress(`Graph answered ${status} to ${route}; retrying${retryAfterSeconds !== null ? ` after ${retryAfterSeconds}s` : ''}`),
  });
  const graph = new GraphEntraAccess({ client, tenantId, onProgress: progress });
  return { graph, traffic, endpoint, signIn: () => signInOf(authProvider) };
}

/**
 * Opens Graph and AD for a manifest. AD comes from `activeDirectory.connection` (flags override); the
 * bind password from the environment variable it names. Throws an Error whose message says what to fix.
 */
export async function openLiveAccess(args: AccessArgs, desired: DesiredState, io: CliIo, opts: OpenAccessOptions = {}): Promise<OpenedAccess> {
  const { graph, traffic, endpoint, signIn } = openGraphAccess(args, desired, io, opts);
  const conn = desired.activeDirectory.connection;
  const passwordEnv = args.adPasswordEnv ?? conn.bindPasswordEnv;
  if (!ENV_NAME.test(passwordEnv)) {
    // It may be the password itself, given in place of its variable's name: never repeat it.
    throw new Error(`${args.adPasswordEnv !== undefined ? '--ad-password-env' : 'activeDirectory.connection.bindPasswordEnv'} must name an environment variable; the value given is not a variable name and is not repeated here`);
  }
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
    traffic,
    signIn,
    source: `${new URL(endpoint).host} + ${url}`,
    close: () => directory.close(),
  };
}

/**
 * Opens the lab in this process (src/lab/in-process-lab.ts): the lab tenant behind the Graph emulator
 * on 127.0.0.1, read and written through the same SDK client and GraphEntraAccess as a real tenant
 * (static lab token), the lab's AD, and its sync-cycle simulator as the sync trigger. State is loaded
 * from `stateDir` (else the sample company seed) and saved there by `close()`.
 */
async function openLabAccess(desired: DesiredState, io: CliIo, stateDir: string, opts: OpenAccessOptions & { identity?: string }): Promise<OpenedAccess> {
  // the lab starts at the plan's clock (io.now), so the plan and the lab agree on the date
  const lab = await startLab({ stateDir, now: io.now() });
  try {
    const identity = opts.identity ?? DEFAULT_LAB_IDENTITY;
    const token = lab.tokens[identity];
    if (token === undefined) {
      throw new Error(`--lab-identity ${JSON.stringify(identity)} is not a lab identity; use one of ${lab.identities.map((i) => i.name).join(', ')}`);
    }
    // A manifest of another tenant is refused by the command (tenantMismatch), after this read.
    const tenantId = lab.tenant.getOrganization().id;
    const progress = opts.onProgress ?? ((m: string) => io.stderr(`${m}\n`));
    const traffic = newGraphTraffic();
    const authProvider = staticTokenAuthProvider(token);
    const client = createGraphClient({ endpoint: lab.graphUrl, authProvider, traffic });
    const entra = new GraphEntraAccess({ client, tenantId, onProgress: progress });
    const state = lab.resumed ? `state in ${stateDir}` : 'fresh from the seed';
    return {
      entra,
      directory: lab.directory,
      traffic,
      signIn: () => signInOf(authProvider),
      source: `lab (Graph emulator ${new URL(lab.graphUrl).host} + ${lab.memoryDirectory ? 'in-memory AD' : 'AD'} (${state}))`,
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
