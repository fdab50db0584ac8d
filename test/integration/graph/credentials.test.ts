import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { authMethodOf, credentialFor } from '../../../src/cli/access-options.js';
import { runPlan } from '../../../src/cli/plan.js';
import {
  CredentialConfigError,
  OneSignIn,
  StaticTokenCredential,
  authProviderFor,
  browserAvailable,
  buildCredential,
  defaultAuthorityHost,
  graphScopes,
} from '../../../src/graph/credentials.js';
import { captureIo } from '../../helpers/cli-io.js';
import { cliEnv, ROOT } from '../../helpers/cli-process.js';
import { startFakeAuthority } from './fake-authority.js';
import { newTenant, startLab as startGraphLab, TENANT_ID as GRAPH_LAB_TENANT } from './lab-graph.js';

// Constructing credentials only: none of these tests asks Azure for a token.
const TENANT = '6f1c2d9e-0000-4000-8000-000000000001';
const CLIENT = '11111111-2222-4333-8444-555555555555';

describe('buildCredential', () => {
  it('default → DefaultAzureCredential (with or without a client id and tenant)', () => {
    expect(buildCredential({ method: 'default', env: {} })).toBeInstanceOf(DefaultAzureCredential);
    expect(buildCredential({ method: 'default', tenantId: TENANT, clientId: CLIENT, endpoint: 'https://graph.microsoft.us', env: {} })).toBeInstanceOf(
      DefaultAzureCredential,
    );
  });

  it('secret → ClientSecretCredential with the secret read from the named variable', () => {
    const c = buildCredential({ method: 'secret', tenantId: TENANT, clientId: CLIENT, clientSecretEnv: 'MY_SECRET', env: { MY_SECRET: 's3cr3t-value' } });
    expect(c).toBeInstanceOf(ClientSecretCredential);
  });

  it('secret with the variable unset names the variable, never a value', () => {
    const build = () => buildCredential({ method: 'secret', tenantId: TENANT, clientId: CLIENT, clientSecretEnv: 'MY_SECRET', env: {} });
    expect(build).toThrow(CredentialConfigError);
    expect(build).toThrow('the environment variable MY_SECRET (named by --client-secret-env) is not set or empty');
  });

  it('secret without --client-id says which option is missing', () => {
    expect(() => buildCredential({ method: 'secret', tenantId: TENANT, clientSecretEnv: 'X', env: { X: 'y' } })).toThrow('--auth secret needs --client-id');
  });

  it('certificate → ClientCertificateCredential from a PEM path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-cert-'));
    const pem = join(dir, 'app.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(buildCredential({ method: 'certificate', tenantId: TENANT, clientId: CLIENT, certificateFile: pem, env: {} })).toBeInstanceOf(
      ClientCertificateCredential,
    );
  });

  it('workload-identity → WorkloadIdentityCredential with the federated token file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-oidc-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'eyJhbGciOi.fake.jwt');
    expect(
      buildCredential({ method: 'workload-identity', tenantId: TENANT, clientId: CLIENT, federatedTokenFile: file, env: {} }),
    ).toBeInstanceOf(WorkloadIdentityCredential);
    expect(() => buildCredential({ method: 'workload-identity', tenantId: TENANT, clientId: CLIENT, env: {} })).toThrow(
      '--auth workload-identity needs --federated-token-file',
    );
  });

  it('static-token → the token from the named variable, and it never shows when serialised', async () => {
    const c = buildCredential({ method: 'static-token', tokenEnv: 'LAB_TOKEN', env: { LAB_TOKEN: 'tok-123' } });
    expect(c).toBeInstanceOf(StaticTokenCredential);
    const t = await c.getToken('https://graph.microsoft.com/.default');
    expect(t?.token).toBe('tok-123');
    expect(JSON.stringify({ c })).not.toContain('tok-123');
    const provider = authProviderFor(c, 'http://127.0.0.1:1234');
    expect(await provider.getAccessToken()).toBe('tok-123');
  });
});

describe('scopes and authority hosts', () => {
  it('scope is the endpoint origin + /.default', () => {
    expect(graphScopes()).toEqual(['https://graph.microsoft.com/.default']);
    expect(graphScopes('https://graph.microsoft.us/')).toEqual(['https://graph.microsoft.us/.default']);
    expect(graphScopes('https://microsoftgraph.chinacloudapi.cn')).toEqual(['https://microsoftgraph.chinacloudapi.cn/.default']);
  });

  it('national clouds get their own authority host', () => {
    expect(defaultAuthorityHost('https://graph.microsoft.com')).toBe('https://login.microsoftonline.com');
    expect(defaultAuthorityHost('https://graph.microsoft.us')).toBe('https://login.microsoftonline.us');
    expect(defaultAuthorityHost('https://dod-graph.microsoft.us')).toBe('https://login.microsoftonline.us');
    expect(defaultAuthorityHost('https://microsoftgraph.chinacloudapi.cn')).toBe('https://login.chinacloudapi.cn');
  });
});

describe('delegated sign-in: an admin at a terminal', () => {
  it('device-code → DeviceCodeCredential; interactive → InteractiveBrowserCredential where a browser exists', () => {
    const signIn = (c: unknown) => (c as OneSignIn).signIn;
    const deviceCode = buildCredential({ method: 'device-code', tenantId: TENANT, clientId: CLIENT, env: {} });
    expect(deviceCode).toBeInstanceOf(OneSignIn);
    expect(signIn(deviceCode)).toBeInstanceOf(DeviceCodeCredential);
    const interactive = buildCredential({ method: 'interactive', tenantId: TENANT, clientId: CLIENT, env: {}, browserAvailable: true });
    expect(signIn(interactive)).toBeInstanceOf(InteractiveBrowserCredential);
  });

  it('both need the client id of a public client registration', () => {
    for (const method of ['device-code', 'interactive'] as const) {
      expect(() => buildCredential({ method, tenantId: TENANT, env: {} })).toThrow(
        new CredentialConfigError(
          `--auth ${method} needs --client-id (an app registration with "Allow public client flows" on and the delegated Graph permissions; docs/graph-access.md)`,
        ),
      );
    }
  });

  it('interactive without a browser says to use device-code', () => {
    expect(() => buildCredential({ method: 'interactive', tenantId: TENANT, clientId: CLIENT, env: {}, browserAvailable: false })).toThrow(
      '--auth interactive needs a web browser on this machine, and none was found (no DISPLAY, WAYLAND_DISPLAY or BROWSER): over SSH or in a container, sign in with --auth device-code instead',
    );
  });

  it('a browser exists on Windows and macOS, elsewhere with a display or a BROWSER command', () => {
    expect(browserAvailable({}, 'win32')).toBe(true);
    expect(browserAvailable({}, 'darwin')).toBe(true);
    expect(browserAvailable({}, 'linux')).toBe(false);
    expect(browserAvailable({ DISPLAY: '' }, 'linux')).toBe(false);
    expect(browserAvailable({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(browserAvailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(browserAvailable({ BROWSER: 'w3m' }, 'freebsd')).toBe(true);
  });

  it('the authority host must be https', () => {
    expect(() => buildCredential({ method: 'device-code', tenantId: TENANT, clientId: CLIENT, env: {}, authorityHost: 'http://127.0.0.1:1' })).toThrow(
      '--authority-host must be an https:// URL such as https://login.microsoftonline.com (sign-in never goes over plain http)',
    );
  });
});

describe('the command line chooses the credential', () => {
  const desired = { tenant: { id: TENANT } } as Parameters<typeof credentialFor>[1];
  const io = captureIo('/').io;

  it('--graph-token-env wins over --auth; --auth defaults to default', () => {
    expect(authMethodOf({})).toBe('default');
    expect(authMethodOf({ auth: 'device-code' })).toBe('device-code');
    expect(authMethodOf({ auth: 'device-code', graphTokenEnv: 'T' })).toBe('static-token');
    expect((credentialFor({ auth: 'device-code', clientId: CLIENT }, desired, io, 'https://graph.microsoft.com') as OneSignIn).signIn).toBeInstanceOf(
      DeviceCodeCredential,
    );
    expect(credentialFor({ graphTokenEnv: 'T', auth: 'device-code' }, desired, captureIo('/', { env: { T: 'x' } }).io, 'https://graph.microsoft.com')).toBeInstanceOf(
      StaticTokenCredential,
    );
  });

  it('plan --auth interactive on a machine without a browser stops with one clear line (nothing contacted)', async () => {
    const t = captureIo(ROOT, { env: {} });
    const code = await runPlan(t.io, {
      file: 'examples/sync-switch/manifest.yaml',
      auth: 'interactive',
      clientId: CLIENT,
      format: 'human',
      detailedExitcode: false,
    });
    expect(code).toBe(1);
    expect(t.text()).toBe('');
    if (process.platform === 'linux') {
      expect(t.errors()).toBe(
        'entra-soa plan: cannot connect: --auth interactive needs a web browser on this machine, and none was found (no DISPLAY, WAYLAND_DISPLAY or BROWSER): ' +
          'over SSH or in a container, sign in with --auth device-code instead. To plan without directory access, pass --snapshot <file> (from entra-soa snapshot --out).\n',
      );
    }
  });

  it('a secret given in place of a variable name is refused and not repeated', () => {
    const secret = 'Xy9~pL.q-Secret';
    let message = '';
    try {
      buildCredential({ method: 'secret', tenantId: TENANT, clientId: CLIENT, clientSecretEnv: secret, env: {} });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('--client-secret-env must name an environment variable (letters, digits and _); the value given is not a variable name and is not repeated here');
    expect(message).not.toContain(secret);
  });
});

describe('device-code sign-in end to end, on loopback only', () => {
  it('the prompt goes to stderr, the token from the sign-in reaches Graph', async () => {
    // Graph: the emulator on 127.0.0.1; sign-in: a stand-in Entra authority on https://127.0.0.1 (its
    // own certificate, trusted by the child process through NODE_EXTRA_CA_CERTS).
    const graph = await startGraphLab(newTenant());
    const authority = await startFakeAuthority({ accessToken: graph.emulator.token, tenantId: GRAPH_LAB_TENANT, clientId: CLIENT });
    try {
      const script = join(authority.dir, 'sign-in.mjs');
      writeFileSync(
        script,
        `import { openGraphAccess } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'access-options.js'))};
const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env, stdoutIsTTY: false,
  stdinIsTTY: false, prompt: async () => '', cwd: process.cwd(), now: () => new Date() };
const args = JSON.parse(process.argv[2]);
const { graph } = openGraphAccess(args, { tenant: { id: args.tenantId } }, io, { onProgress: () => undefined });
const state = await graph.getTenantSyncState();
process.stdout.write(JSON.stringify({ tenantId: state.tenantId }) + '\\n');
`,
      );
      const args = { auth: 'device-code', clientId: CLIENT, tenantId: GRAPH_LAB_TENANT, graphEndpoint: graph.emulator.url, authorityHost: authority.url };
      const child = spawn(process.execPath, [script, JSON.stringify(args)], {
        env: cliEnv({ NODE_EXTRA_CA_CERTS: authority.certFile }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(err).toBe('To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FAKE-CODE to authenticate.\n');
      expect(out).toBe(`${JSON.stringify({ tenantId: GRAPH_LAB_TENANT })}\n`);
      expect(code).toBe(0);
      // the flow as Microsoft documents it: device code, then polling the token endpoint until the admin signed in
      expect(authority.requests.map((r) => r.path)).toEqual([
        `/${GRAPH_LAB_TENANT}/v2.0/.well-known/openid-configuration`,
        `/${GRAPH_LAB_TENANT}/oauth2/v2.0/devicecode`,
        `/${GRAPH_LAB_TENANT}/oauth2/v2.0/token`,
        `/${GRAPH_LAB_TENANT}/oauth2/v2.0/token`,
      ]);
      const deviceCode = new URLSearchParams(authority.requests[1]?.body ?? '');
      expect(deviceCode.get('client_id')).toBe(CLIENT);
      expect(deviceCode.get('scope')?.split(' ')).toContain(`${graph.emulator.url}/.default`);
      // MSAL sends the short form of urn:ietf:params:oauth:grant-type:device_code, which the endpoint accepts
      expect(new URLSearchParams(authority.requests[3]?.body ?? '').get('grant_type')).toBe('device_code');
    } finally {
      await authority.close();
      await graph.close();
    }
  }, 60_000);
});

describe('OneSignIn', () => {
  it('concurrent requests share one sign-in, and its token is reused until shortly before it expires', async () => {
    let signIns = 0;
    let expires = Date.now() + 3_600_000;
    const counting = { getToken: async () => ({ token: `t${++signIns}`, expiresOnTimestamp: expires }) };
    const once = new OneSignIn(counting);
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => once.getToken('https://graph.microsoft.com/.default')));
    expect(tokens.map((t) => t.token)).toEqual(['t1', 't1', 't1', 't1', 't1']);
    expect((await once.getToken('https://graph.microsoft.com/.default')).token).toBe('t1');
    expires = Date.now() + 60_000;
    const near = new OneSignIn(counting);
    expect((await near.getToken('s')).token).toBe('t2');
    expect((await near.getToken('s')).token).toBe('t3');
  });

  it('a failed sign-in fails every request waiting for it, and the next request signs in again', async () => {
    let calls = 0;
    const flaky = {
      getToken: async () => {
        calls++;
        if (calls === 1) throw new Error('the admin declined');
        return { token: 'ok', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const once = new OneSignIn(flaky);
    const results = await Promise.allSettled([once.getToken('s'), once.getToken('s')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await once.getToken('s')).token).toBe('ok');
    expect(calls).toBe(2);
  });
});
