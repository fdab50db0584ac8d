/**
 * Processes that end (issue 12 §5): after a Graph read failure — an unreachable endpoint, a rejected
 * token, a failed sign-in — `plan`, `snapshot` and `apply` print what failed and what to do, and exit 1.
 * (They used to hang: an AD read still in flight re-opened its LDAP connection after the command closed
 * it.) The built CLI as a child process with a hard timeout, live access to the lab's Graph over HTTP and
 * the real Samba DC.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SAMBA, startWorkflowEnv, type WorkflowEnv } from '../../e2e/workflows/harness.js';
import { syncedUsersSeed } from '../../helpers/workflow-seed.js';

vi.setConfig({ testTimeout: 120_000 });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Runs the CLI; kills it (and fails the test) if it is still running after `limitMs`. */
async function ends(w: WorkflowEnv, args: string[], env: Record<string, string> = {}, limitMs = 60_000) {
  const started = Date.now();
  const run = w.start(args, { env });
  const killer = setTimeout(() => run.child.kill('SIGKILL'), limitMs);
  const r = await run.done;
  clearTimeout(killer);
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

describe.runIf(SAMBA !== null)('plan, snapshot and apply end after a Graph read failure', () => {
  let w: WorkflowEnv;
  let m: string;
  const upn = `read-${Math.random().toString(36).slice(2, 8)}@lab.example.test`;
  beforeAll(async () => {
    // One synced user: its switch to the cloud gives `apply plan.json` a step to do.
    w = await startWorkflowEnv({
      prefix: 'read-failures',
      seedAd: syncedUsersSeed([upn]),
    });
    m = w.manifest('m.yaml', `users:\n  - name: all\n    select: { upn: ${upn} }\n    authority: cloud\n    method: sourceOfAuthority`);
    // A plan made with working access, for `apply plan.json`.
    const planned = await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'plan.json']);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('switch the source of authority to the cloud');
    writeFileSync(join(w.cwd, 'not-a-cert.pem'), 'this is not a PEM certificate\n');
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const commands = (): [string, string[]][] => [
    ['plan', ['plan', '-f', m]],
    ['snapshot', ['snapshot', '-f', m, '--out', 'state.json']],
    ['apply', ['apply', 'plan.json', '--auto-approve']],
  ];

  it('an unreachable Graph endpoint: each command says so and exits 1 (after its read retries)', async () => {
    const port = await closedPort();
    for (const [name, args] of commands()) {
      const r = await ends(w, [...args, '--graph-endpoint', `http://127.0.0.1:${port}`, '--graph-token-env', 'E2E_LAB_TOKEN']);
      expect([name, r.signal, r.code]).toEqual([name, null, 1]);
      expect(r.stderr).toMatch(/Microsoft Graph could not be reached: check the network, proxy and --graph-endpoint/);
      expect(r.seconds).toBeLessThan(45);
    }
  });

  it('a rejected token: each command says the token was rejected and exits 1 at once', async () => {
    for (const [name, args] of commands()) {
      const r = await ends(w, [...args, '--graph-endpoint', w.lab.graphUrl, '--graph-token-env', 'WRONG_TOKEN'], { WRONG_TOKEN: 'not-the-lab-token' });
      expect([name, r.signal, r.code]).toEqual([name, null, 1]);
      expect(r.stderr).toMatch(/401 InvalidAuthenticationToken|the access token was rejected|The token was refused/);
      expect(r.stderr).not.toContain('not-the-lab-token');
      expect(r.seconds).toBeLessThan(30);
    }
  });

  it('a failed sign-in (a certificate that is not one): each command says signing in failed and exits 1', async () => {
    for (const [name, args] of commands()) {
      const r = await ends(w, [
        ...args,
        '--graph-endpoint',
        w.lab.graphUrl,
        '--auth',
        'certificate',
        '--tenant-id',
        '11111111-2222-4333-8444-555555555555',
        '--client-id',
        '66666666-7777-4888-8999-000000000000',
        '--certificate-file',
        'not-a-cert.pem',
      ]);
      expect([name, r.signal, r.code]).toEqual([name, null, 1]);
      expect(r.stderr).toMatch(/signing in to Microsoft Entra failed/);
      expect(r.stderr).toContain('--certificate-file');
      expect(r.seconds).toBeLessThan(30);
    }
  });
});
