/**
 * Building the credential Graph calls are made with. Secrets are never passed on the command line:
 * the options name an environment variable (client secret, static token) or a file (certificate,
 * federated token), and every error names the option or variable, never its value.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

export const AUTH_METHODS = ['default', 'secret', 'certificate', 'workload-identity', 'device-code', 'interactive', 'static-token'] as const;
/**
 * Application sign-ins (the app registration's own application permissions):
 * - `default`: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI...).
 * - `secret`: an app registration's client secret, read from the environment variable `clientSecretEnv`.
 * - `certificate`: an app registration's certificate (PEM file with the private key).
 * - `workload-identity`: a federated token file (Kubernetes workload identity, CI OIDC).
 *
 * Delegated sign-ins (an admin at a terminal; the app's delegated permissions and the admin's roles):
 * - `device-code`: DeviceCodeCredential: the admin opens https://microsoft.com/devicelogin anywhere and
 *   enters the code shown (`onDeviceCode`), e.g. over SSH.
 * - `interactive`: InteractiveBrowserCredential: a browser on this machine opens the sign-in page and
 *   redirects back to http://localhost.
 *
 * - `static-token`: a pre-issued bearer token read from the environment variable `tokenEnv` (the lab).
 */
export type AuthMethod = (typeof AUTH_METHODS)[number];

export interface CredentialOptions {
  method: AuthMethod;
  tenantId?: string;
  clientId?: string;
  /** Name of the environment variable holding the client secret (`secret`). */
  clientSecretEnv?: string;
  /** PEM file with certificate and private key (`certificate`). */
  certificateFile?: string;
  /** File holding the federated (OIDC) token (`workload-identity`). */
  federatedTokenFile?: string;
  /** Name of the environment variable holding a bearer token (`static-token`). */
  tokenEnv?: string;
  /** Microsoft Entra authority host, e.g. https://login.microsoftonline.us (national clouds). Default: derived from the Graph endpoint. */
  authorityHost?: string;
  /** Graph endpoint the token is for (its origin makes the scope). Default https://graph.microsoft.com. */
  endpoint?: string;
  /** The environment to read named variables from (the CLI passes `io.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** `device-code`: shows the sign-in instructions (URL and code). Default: a line on stderr (never stdout, which may be a plan). */
  onDeviceCode?: (message: string) => void;
  /** `interactive`: whether a web browser can be opened here (see `browserAvailable`). Default true. */
  browserAvailable?: boolean;
}

/** A credential option is missing or invalid. The message names the flag or variable, never a secret. */
export class CredentialConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialConfigError';
  }
}

export const DEFAULT_GRAPH_ENDPOINT = 'https://graph.microsoft.com';

/** Graph endpoints of the national clouds and the Entra authority host that issues their tokens. */
const AUTHORITY_BY_GRAPH_HOST: Record<string, string> = {
  'graph.microsoft.com': 'https://login.microsoftonline.com',
  'graph.microsoft.us': 'https://login.microsoftonline.us',
  'dod-graph.microsoft.us': 'https://login.microsoftonline.us',
  'microsoftgraph.chinacloudapi.cn': 'https://login.chinacloudapi.cn',
};

/** The authority hosts of Microsoft's clouds (instance discovery knows them). */
const KNOWN_AUTHORITY_HOSTS: ReadonlySet<string> = new Set(Object.values(AUTHORITY_BY_GRAPH_HOST));

function authorityOrigin(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new CredentialConfigError(`--authority-host must be an https:// URL such as https://login.microsoftonline.com`);
  }
  if (url.protocol !== 'https:') throw new CredentialConfigError(`--authority-host must be an https:// URL such as https://login.microsoftonline.com (sign-in never goes over plain http)`);
  return url.origin;
}

/** The authority host for a Graph endpoint (global service when unknown). */
export function defaultAuthorityHost(endpoint: string = DEFAULT_GRAPH_ENDPOINT): string {
  const host = new URL(endpoint).hostname.toLowerCase();
  return AUTHORITY_BY_GRAPH_HOST[host] ?? 'https://login.microsoftonline.com';
}

/** `${origin}/.default`: the app's configured Graph permissions, for the cloud the endpoint belongs to. */
export function graphScopes(endpoint: string = DEFAULT_GRAPH_ENDPOINT): string[] {
  return [`${new URL(endpoint).origin}/.default`];
}

/** A bearer token given as is (the lab, or a token issued elsewhere). */
export class StaticTokenCredential implements TokenCredential {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async getToken(): Promise<AccessToken> {
    // The expiry is unknown; Graph answers 401 when it has passed.
    return { token: this.#token, expiresOnTimestamp: Number.MAX_SAFE_INTEGER };
  }
  /** Keeps the token out of JSON/inspection output. */
  toJSON(): string {
    return 'StaticTokenCredential(<redacted>)';
  }
}

function need(value: string | undefined, what: string, method: AuthMethod): string {
  if (value === undefined || value === '') {
    throw new CredentialConfigError(`--auth ${method} needs ${what}`);
  }
  return value;
}

/** What an environment variable's name may look like (letters, digits and _, no leading digit). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envValue(env: CredentialOptions['env'], name: string, flag: string): string {
  if (!ENV_NAME.test(name)) {
    // It may be the secret itself, given in place of its variable's name: never repeat it.
    throw new CredentialConfigError(`${flag} must name an environment variable (letters, digits and _); the value given is not a variable name and is not repeated here`);
  }
  const v = env[name];
  if (v === undefined || v === '') {
    throw new CredentialConfigError(`the environment variable ${name} (named by ${flag}) is not set or empty`);
  }
  return v;
}

const PUBLIC_CLIENT_HINT = '--client-id (an app registration with "Allow public client flows" on and the delegated Graph permissions; docs/graph-access.md)';

/**
 * Whether a web browser can be opened for `--auth interactive`: on Windows and macOS there is one;
 * elsewhere only with a display (DISPLAY, WAYLAND_DISPLAY) or a BROWSER command.
 */
export function browserAvailable(env: Readonly<Record<string, string | undefined>>, platform: string): boolean {
  if (platform === 'win32' || platform === 'darwin') return true;
  return ['DISPLAY', 'WAYLAND_DISPLAY', 'BROWSER'].some((name) => (env[name] ?? '') !== '');
}

/** Builds the TokenCredential for the options. Constructs only: no network call happens here. */
export function buildCredential(opts: CredentialOptions): TokenCredential {
  const authorityHost = opts.authorityHost ?? defaultAuthorityHost(opts.endpoint);
  // An authority host Microsoft does not list (Azure Stack Hub, a test stand-in) cannot be validated
  // through Microsoft's instance discovery (which would also contact login.microsoftonline.com):
  // MSAL then reads its OpenID configuration directly.
  // https://learn.microsoft.com/javascript/api/@azure/identity/authorityvalidationoptions
  const custom = !KNOWN_AUTHORITY_HOSTS.has(authorityOrigin(authorityHost)) ? { disableInstanceDiscovery: true } : {};
  switch (opts.method) {
    case 'default':
      return new DefaultAzureCredential({
        authorityHost,
        ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
        ...(opts.clientId ? { managedIdentityClientId: opts.clientId, workloadIdentityClientId: opts.clientId } : {}),
      });
    case 'secret': {
      const tenantId = need(opts.tenantId, '--tenant-id (or the manifest tenant.id)', 'secret');
      const clientId = need(opts.clientId, '--client-id', 'secret');
      const envName = need(opts.clientSecretEnv, '--client-secret-env NAME (the variable holding the secret)', 'secret');
      return new ClientSecretCredential(tenantId, clientId, envValue(opts.env, envName, '--client-secret-env'), { authorityHost });
    }
    case 'certificate': {
      const tenantId = need(opts.tenantId, '--tenant-id (or the manifest tenant.id)', 'certificate');
      const clientId = need(opts.clientId, '--client-id', 'certificate');
      const certificatePath = need(opts.certificateFile, '--certificate-file (PEM with the private key)', 'certificate');
      return new ClientCertificateCredential(tenantId, clientId, { certificatePath }, { authorityHost });
    }
    case 'workload-identity': {
      const tenantId = need(opts.tenantId, '--tenant-id (or the manifest tenant.id)', 'workload-identity');
      const clientId = need(opts.clientId, '--client-id', 'workload-identity');
      const tokenFilePath = need(opts.federatedTokenFile, '--federated-token-file', 'workload-identity');
      return new WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath, authorityHost });
    }
    case 'device-code': {
      const tenantId = need(opts.tenantId, '--tenant-id (or the manifest tenant.id)', 'device-code');
      const clientId = need(opts.clientId, PUBLIC_CLIENT_HINT, 'device-code');
      // https://learn.microsoft.com/javascript/api/@azure/identity/devicecodecredential: the default
      // prompt callback logs to stdout; ours goes to stderr so that stdout stays the plan.
      const show = opts.onDeviceCode ?? ((message: string) => void process.stderr.write(`${message}\n`));
      return new OneSignIn(new DeviceCodeCredential({ tenantId, clientId, authorityHost, ...custom, userPromptCallback: (info) => show(info.message) }));
    }
    case 'interactive': {
      const tenantId = need(opts.tenantId, '--tenant-id (or the manifest tenant.id)', 'interactive');
      const clientId = need(opts.clientId, PUBLIC_CLIENT_HINT, 'interactive');
      if (opts.browserAvailable === false) {
        throw new CredentialConfigError(
          '--auth interactive needs a web browser on this machine, and none was found (no DISPLAY, WAYLAND_DISPLAY or BROWSER): ' +
            'over SSH or in a container, sign in with --auth device-code instead',
        );
      }
      // https://learn.microsoft.com/javascript/api/@azure/identity/interactivebrowsercredential: on Node.js
      // the app registration needs a "Mobile and desktop applications" redirect URI http://localhost
      // (MSAL listens on a free loopback port for the answer and opens the system browser).
      return new OneSignIn(new InteractiveBrowserCredential({ tenantId, clientId, authorityHost, ...custom }));
    }
    case 'static-token': {
      const envName = need(opts.tokenEnv, '--graph-token-env NAME (the variable holding the token)', 'static-token');
      return new StaticTokenCredential(envValue(opts.env, envName, '--graph-token-env'));
    }
  }
}

/**
 * A signed-in admin signs in once: the Graph client asks for a token per request, and the reads run
 * concurrently, so without this every first request would start its own device-code prompt or
 * browser window. Concurrent requests share the sign-in in flight; its token is reused until two
 * minutes before it expires (then the credential renews it silently from its own cache).
 */
export class OneSignIn implements TokenCredential {
  readonly #last = new Map<string, AccessToken>();
  readonly #inFlight = new Map<string, Promise<AccessToken>>();
  /** The credential that signs in (DeviceCodeCredential, InteractiveBrowserCredential). */
  readonly signIn: TokenCredential;
  constructor(signIn: TokenCredential) {
    this.signIn = signIn;
  }
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const key = [scopes].flat().join(' ');
    const token = this.#last.get(key);
    if (token !== undefined && token.expiresOnTimestamp - Date.now() > 120_000) return Promise.resolve(token);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const signIn = this.signIn
      .getToken(scopes, options)
      .then((t) => {
        if (t === null) throw new CredentialConfigError('the sign-in returned no token');
        this.#last.set(key, t);
        return t;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, signIn);
    return signIn;
  }
}

/** The SDK authentication provider for a credential, asking for `${endpoint}/.default`. */
export function authProviderFor(credential: TokenCredential, endpoint: string = DEFAULT_GRAPH_ENDPOINT): AuthenticationProvider {
  return new TokenCredentialAuthenticationProvider(credential, { scopes: graphScopes(endpoint) });
}

/** A provider returning a fixed token (no credential machinery at all). */
export function staticTokenAuthProvider(token: string): AuthenticationProvider {
  return { getAccessToken: async () => token };
}
