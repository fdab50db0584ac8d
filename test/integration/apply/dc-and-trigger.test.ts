/**
 * The built CLI against the lab's Graph and the real Samba DC:
 * - a DC outage (a TCP forwarder between the CLI and Samba cut, then restored): AD steps wait for the
 *   DC within --ad-outage-wait and the apply completes, nothing done twice (issue 12 §4);
 * - the sync trigger command runs in its own process group: Ctrl-C and --sync-trigger-timeout end it and
 *   everything it started, and the wait step is recorded (issue 12 §5).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readJournal } from '../../../src/apply/journal.js';
import { alive, hangingTrigger } from '../../helpers/processes.js';
import { syncedUsersSeed } from '../../helpers/workflow-seed.js';
import { SAMBA, startForwarder, startWorkflowEnv, type Forwarder, type WorkflowEnv } from '../../e2e/workflows/harness.js';

vi.setConfig({ testTimeout: 180_000 });

describe.runIf(SAMBA !== null)('DC outage and the sync trigger process', () => {
  let w: WorkflowEnv;
  let fwd: Forwarder;
  const tag = Math.random().toString(36).slice(2, 8);
  const created = ['amy', 'ben', 'cat', 'dan', 'ida', 'jon', 'kai', 'lea', 'max', 'ned', 'ola', 'pia'].map((n) => `${n}-${tag}@lab.example.test`);
  const synced = ['eve', 'fox'].map((n) => `${n}-${tag}@lab.example.test`);
  beforeAll(async () => {
    w = await startWorkflowEnv({
      prefix: 'dc-trigger',
      features: { blockSoftMatchEnabled: false },
      cloudOnly: created.map((upn) => ({ upn, displayName: upn.split('@')[0] as string })),
      seedAd: syncedUsersSeed(synced),
    });
    const ldaps = new URL((SAMBA as NonNullable<typeof SAMBA>).ldapsUrl);
    fwd = await startForwarder('127.0.0.1', Number(ldaps.port || 636));
  }, 120_000);
  afterAll(async () => {
    await fwd?.close();
    await w?.close();
  });

  it('the DC goes away after the first AD write and comes back 3 s later: the AD steps wait for it; exit 0, the process ends, every user once', async () => {
    const m = w.manifest(
      'create.yaml',
      `users:
  - name: create-missing
    select: { upns: [${created.join(', ')}] }
    authority: onPremises
    link: soft
    createIn: ${JSON.stringify(w.ou.sub.Synced)}`,
      { adUrl: `ldaps://localhost:${fwd.port}` },
    );
    expect((await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'create.plan.json'])).code).toBe(0);
    // with password hash sync on, each created user's generated password replaces the cloud one: consent (issue 7 §1)
    const run = w.start(['apply', 'create.plan.json', '--auto-approve', '--allow-disruptive', '--concurrency', '1', '--ad-outage-wait', '60', ...w.graphFlags]);
    await run.waitFor(/✓ s\d+ \S+ was created as/);
    fwd.cut();
    const cutAt = Date.now();
    const createdBeforeCut = (run.stdout().match(/ was created as /g) ?? []).length;
    await new Promise((r) => setTimeout(r, 3000));
    fwd.restore();
    // The process must end by itself (an AD connection left open would keep it running).
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    const r = await run.done;
    clearTimeout(killer);
    expect(r.signal).toBeNull();
    expect(createdBeforeCut).toBeLessThan(created.length);
    expect((r.stdout.match(/ was created as /g) ?? []).length).toBe(created.length);

    expect(r.stdout).not.toMatch(/^✗ /m);
    expect(r.code).toBe(0);
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(3000);
    const all = await w.admin.listUsers();
    for (const upn of created) {
      expect(all.filter((u) => u.userPrincipalName?.toLowerCase() === upn)).toHaveLength(1);
      expect(w.entraUser(upn)?.onPremisesSyncEnabled).toBe(true);
    }
    // One password per created user: no creation was repeated.
    const secretsDir = join(w.cwd, '.entra-soa', 'secrets');
    const files = readdirSync(secretsDir);
    expect(files).toHaveLength(1);
    const lines = readFileSync(join(secretsDir, files[0] as string), 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('\t')[0]).sort()).toEqual([...created].sort());
  });

  const scopeRemoval = (name: string, upn: string, pidFile: string) =>
    w.manifest(
      name,
      `users:
  - name: out
    select: { upn: ${upn} }
    authority: cloud
    method: scopeRemoval
allow:
  disruptive: true`,
      { sync: `sync:\n  timeout: 10m\n  pollInterval: 1s\n  triggerCommand: ${JSON.stringify(hangingTrigger(pidFile, 'connected to the Connect server'))}` },
    );

  it('Ctrl-C while the trigger runs: the trigger and its child end, the wait is recorded interrupted, exit 3', async () => {
    const [eve] = synced as [string];
    const pidFile = join(w.cwd, 'trigger-a.pid');
    const m = scopeRemoval('ctrlc-trigger.yaml', eve, pidFile);
    expect((await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'ctrlc.plan.json'])).code).toBe(0);
    const run = w.start(['apply', 'ctrlc.plan.json', '--auto-approve', ...w.graphFlags]);
    await run.waitFor(/sync trigger: connected to the Connect server/);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(child)).toBe(true);
    run.child.kill('SIGINT');
    const r = await run.done;

    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`- s002 interrupted: wait for ${eve} to be soft-deleted by the sync engine (run apply again to resume)`);
    await new Promise((res) => setTimeout(res, 300));
    expect(alive(child)).toBe(false);
    const history = readJournal(join(w.cwd, 'ctrlc.plan.json.journal'))?.history.steps;
    expect(history?.get('s002')).toMatchObject({ last: 'not-run', touched: true });
  });

  it('a trigger that outlives --sync-trigger-timeout is stopped with its child; the wait fails saying so', async () => {
    const [, fox] = synced as [string, string];
    const pidFile = join(w.cwd, 'trigger-b.pid');
    const m = scopeRemoval('slow-trigger.yaml', fox, pidFile);
    expect((await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'slow.plan.json'])).code).toBe(0);
    const started = Date.now();
    const r = await w.cli(['apply', 'slow.plan.json', '--auto-approve', '--sync-trigger-timeout', '2', ...w.graphFlags]);

    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ s002 the sync trigger command failed while waiting for \S+ to be soft-deleted .* did not finish within 2 s and was stopped \(with everything it started\)/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});
