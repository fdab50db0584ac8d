import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterEach, describe, expect, it } from 'vitest';
import { openGraphAccess, openLiveAccess } from '../../../src/cli/access-options.js';
import type { CliIo } from '../../../src/cli/io.js';
import { snapshotCommand } from '../../../src/cli/snapshot.js';
import { parseSnapshot } from '../../../src/observe/snapshot.js';
import { captureIo } from '../../helpers/cli-io.js';
import { LAB_TENANT_ID, loadDesired } from '../../helpers/lab-manifest.js';
import { cloudUser, newTenant, startLab, type Lab } from './lab-graph.js';

function manifest(extraTenant = ''): string {
  return `apiVersion: entra-soa/v1
tenant:
  id: ${LAB_TENANT_ID}
${extraTenant}
activeDirectory:
  connection:
    url: ldaps://dc1.lab.example.test
    baseDn: DC=lab,DC=example,DC=test
    bindDn: CN=svc-entra-soa,OU=ServiceAccounts,DC=lab,DC=example,DC=test
    bindPasswordEnv: LAB_AD_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
users:
  - name: all-to-cloud
    select: { all: true }
    authority: cloud
    method: sourceOfAuthority
`;
}

const testIo = (cwd: string, env: Record<string, string> = {}) => captureIo(cwd, { env });

async function run(io: CliIo, argv: string[]): Promise<number> {
  let code = -1;
  await yargs(argv)
    .command(snapshotCommand(io, (c) => (code = c)))
    .strict()
    .exitProcess(false)
    .fail((msg, e) => {
      throw e ?? new Error(msg);
    })
    .parseAsync();
  return code;
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('entra-soa snapshot', () => {
  it('--lab reads the lab through Graph and writes a snapshot file that parses back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-snap-'));
    writeFileSync(join(dir, 'manifest.yaml'), manifest());
    const { io, err } = testIo(dir);

    const code = await run(io, ['snapshot', '-f', 'manifest.yaml', '--out', 'state.json', '--lab']);

    expect(code).toBe(0);
    const text = readFileSync(join(dir, 'state.json'), 'utf8');
    const parsed = parseSnapshot(text, 'state.json');
    expect(parsed.diagnostics).toEqual([]);
    const snap = parsed.snapshot!;
    expect(snap.capturedAt).toBe('2026-11-21T12:00:00.000Z');
    // the one label every command gives the lab (plan, drift and apply record the same)
    expect(snap.source).toMatch(/^lab \(Graph emulator 127\.0\.0\.1:\d+ \+ in-memory AD \(fresh from the seed\)\)$/);
    expect(snap.state.tenant.tenantId).toBe(LAB_TENANT_ID);
    expect(snap.state.entra.users.length).toBeGreaterThan(10);
    expect(snap.state.ad.users.length).toBeGreaterThan(10);
    const stderr = err.join('');
    expect(stderr).toMatch(/read \d+ Entra users \(1 page\)/);
    expect(stderr).toContain(
      `wrote state.json: ${snap.state.entra.users.length} Entra users, ${snap.state.entra.deletedUsers.length} deleted, ${snap.state.entra.groups.length} groups; ${snap.state.ad.users.length} AD users, ${snap.state.ad.organizationalUnits.length} OUs; read in 0.0s (Graph: `,
    );
    // the same state twice gives the same bytes
    const again = testIo(dir);
    expect(await run(again.io, ['snapshot', '-f', 'manifest.yaml', '--out=-', '--lab'])).toBe(0);
    expect(again.out.join('').replace(/127\.0\.0\.1:\d+/, 'X')).toBe(text.replace(/127\.0\.0\.1:\d+/, 'X').replace('(fresh from the seed)', `(state in ${join(dir, '.entra-soa', 'lab')})`));
  });

  it('a manifest with errors stops before any access', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-snap-'));
    writeFileSync(join(dir, 'manifest.yaml'), 'apiVersion: entra-soa/v1\ntenant: {}\n');
    const { io, err } = testIo(dir);
    expect(await run(io, ['snapshot', '-f', 'manifest.yaml', '--out', 'state.json'])).toBe(1);
    expect(err.join('')).toContain('entra-soa snapshot: the manifest manifest.yaml has errors (above): fix them first.');
  });

  it('live access without the AD password variable names the variable (and the snapshot is not written)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entra-soa-snap-'));
    writeFileSync(join(dir, 'manifest.yaml'), manifest());
    const { io, err } = testIo(dir, { LAB_TOKEN: 'x' });
    const code = await run(io, ['snapshot', '-f', 'manifest.yaml', '--out', 'state.json', '--graph-endpoint', 'http://127.0.0.1:9', '--graph-token-env', 'LAB_TOKEN']);
    expect(code).toBe(1);
    expect(err.join('')).toBe(
      'entra-soa snapshot: cannot connect: the AD bind password is read from the environment variable LAB_AD_PASSWORD, which is not set: ' +
        'export LAB_AD_PASSWORD=<password of CN=svc-entra-soa,OU=ServiceAccounts,DC=lab,DC=example,DC=test> (activeDirectory.connection.bindPasswordEnv names it).\n',
    );
  });
});

describe('live access options', () => {
  it('--graph-endpoint and --graph-token-env override the manifest and reach the emulator', async () => {
    const tenant = newTenant();
    tenant.createUser(cloudUser(1));
    lab = await startLab(tenant);
    const d = loadDesired(manifest('  graphEndpoint: https://graph.microsoft.us'));
    const { io } = testIo('/', { LAB_TOKEN: lab.emulator.token });

    const { graph, endpoint, traffic } = openGraphAccess({ graphEndpoint: lab.emulator.url, graphTokenEnv: 'LAB_TOKEN' }, d, io, { onProgress: () => undefined });

    expect(endpoint).toBe(lab.emulator.url);
    expect((await graph.listUsers()).map((u) => u.userPrincipalName)).toEqual(['cloud1@lab.example.test']);
    // users, then directoryRoles and PIM eligibilities together in one $batch: exactly two requests (a
    // cloud-only user needs no beta read)
    expect(traffic.requests).toBe(2);
    expect(traffic.byRoute['POST /v1.0/$batch']).toBe(1);
    // no flag: the manifest's national-cloud endpoint
    expect(openGraphAccess({ graphTokenEnv: 'LAB_TOKEN' }, d, io).endpoint).toBe('https://graph.microsoft.us');
  });

  it('refuses to send a token over plain http to anything but loopback, and names a missing token variable', async () => {
    const d = loadDesired(manifest());
    const { io } = testIo('/', {});
    expect(() => openGraphAccess({ graphEndpoint: 'http://graph.example.com', graphTokenEnv: 'T' }, d, io)).toThrow(
      'the Graph endpoint http://graph.example.com must use https:// (plain http is allowed only for the lab on 127.0.0.1)',
    );
    expect(() => openGraphAccess({ graphTokenEnv: 'T' }, d, io)).toThrow('the environment variable T (named by --graph-token-env) is not set or empty');
    await expect(openLiveAccess({ auth: 'secret', clientId: 'c' }, d, io)).rejects.toThrow(
      '--auth secret needs --client-secret-env NAME (the variable holding the secret)',
    );
  });
});
