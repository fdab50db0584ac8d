/**
 * Scenario 5: the DC goes away in the middle of an apply (a TCP forwarder between the CLI and Samba
 * is cut) and the rerun resumes to the same final state — nothing done twice, nothing skipped; and a
 * plan made stale by a change in AD is refused for that object only. CLI + lab Graph + Samba.
 * Also Ctrl-C during a wait. (The apply process killed during a long sync.await is in tenant-disable.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readJournal } from '../../../src/apply/journal.js';
import { syncedUsersSeed } from '../../helpers/workflow-seed.js';
import { join } from 'node:path';
import { SAMBA, startForwarder, startWorkflowEnv, type Forwarder, type WorkflowEnv } from './harness.js';

// CLI child processes (node start-up, plan, apply) take seconds each, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });


describe.runIf(SAMBA !== null)('interrupted and stale applies', () => {
  let w: WorkflowEnv;
  let fwd: Forwarder;
  const tag = Math.random().toString(36).slice(2, 8);
  const newUsers = ['fay', 'gus', 'hal', 'ida', 'jon'].map((n) => `${n}-${tag}@lab.example.test`);
  const synced = ['kim', 'lou', 'max'].map((n) => `${n}-${tag}@lab.example.test`);
  beforeAll(async () => {
    w = await startWorkflowEnv({
      prefix: 'e2e-resume',
      features: { blockSoftMatchEnabled: false },
      cloudOnly: newUsers.map((upn) => ({ upn, displayName: upn.split('@')[0] as string })),
      seedAd: syncedUsersSeed(synced),
    });
    const ldaps = new URL((SAMBA as NonNullable<typeof SAMBA>).ldapsUrl);
    fwd = await startForwarder('127.0.0.1', Number(ldaps.port || 636));
  }, 120_000);
  afterAll(async () => {
    await fwd?.close();
    await w?.close();
  });

  it('the DC connection is cut after the first AD write: failed steps, exit 3; the rerun completes without repeating anything', async () => {
    const m = w.manifest(
      'create.yaml',
      `users:
  - name: create-missing
    select: { upns: [${newUsers.join(', ')}] }
    authority: onPremises
    link: soft
    createIn: ${JSON.stringify(w.ou.sub.Synced)}`,
      { adUrl: `ldaps://localhost:${fwd.port}` },
    );
    const plan = await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'create.plan.json']);
    expect(plan.code).toBe(0);

    // with password hash sync on, a created user's generated password replaces the cloud one: consent (issue 7 §1).
    // The DC stays away: AD steps wait --ad-outage-wait seconds for it (shared by all of them), then fail.
    const first = w.start(['apply', 'create.plan.json', '--auto-approve', '--allow-disruptive', '--concurrency', '1', '--ad-outage-wait', '2', ...w.graphFlags]);
    await first.waitFor(/✓ s\d+ \S+ was created as/);
    fwd.cut();
    const r1 = await first.done;
    expect(r1.code).toBe(3);
    expect(r1.stdout).toMatch(/✗ s\d+ could not create .* AD answered unavailable: .*when it is back, run apply again to resume\./);
    expect(r1.stdout).toContain('Fix the failures above and run apply again (entra-soa apply create.plan.json)');
    const createdFirst = (await Promise.all(newUsers.map((u) => w.adUser(u)))).filter((u) => u !== undefined).length;
    expect(createdFirst).toBeGreaterThanOrEqual(1);
    expect(createdFirst).toBeLessThan(newUsers.length);

    fwd.restore();
    const r2 = await w.cli(['apply', 'create.plan.json', '--auto-approve', '--allow-disruptive', '--concurrency', '1', ...w.graphFlags]);
    expect(r2.stderr).toContain('Resuming from the journal create.plan.json.journal');
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain('0 failed, 0 refused (stale), 0 not run.');

    // Same final state as one uninterrupted run: each user exists once in AD and is soft-matched in Entra.
    const all = await w.admin.listUsers();
    for (const upn of newUsers) {
      expect(all.filter((u) => u.userPrincipalName?.toLowerCase() === upn)).toHaveLength(1);
      expect(w.entraUser(upn)?.onPremisesSyncEnabled).toBe(true);
    }
    // Every step is recorded done or already done once the rerun finished.
    const states = [...(readJournal(join(w.cwd, 'create.plan.json.journal'))?.states.values() ?? [])];
    expect(states.every((s) => s === 'done' || s === 'skipped')).toBe(true);
  });

  it('refuses the steps of an object changed in AD after planning and applies the others (exit 3)', async () => {
    const [kim, lou] = synced as [string, string];
    const m = w.manifest(
      'switch.yaml',
      `users:
  - name: switch
    select: { upns: [${kim}, ${lou}] }
    authority: cloud
    method: sourceOfAuthority`,
    );
    const plan = await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'switch.plan.json']);
    expect(plan.code).toBe(0);
    const kimAd = await w.adUser(kim);
    await w.admin.modifyUser(kimAd?.dn as string, [{ attribute: 'proxyAddresses', to: [`SMTP:${kim}`, `smtp:k.${tag}@lab.example.test`] }]);

    const r = await w.cli(['apply', 'switch.plan.json', '--auto-approve', ...w.graphFlags]);
    expect(r.code).toBe(3);
    // The refusal names the attribute, before -> after (issue 7 §4).
    expect(r.stdout).toContain(
      `user/${kim} changed since the plan was made (AD proxyAddresses: ["SMTP:${kim}"] -> ["SMTP:${kim}", "smtp:k.${tag}@lab.example.test"] (changed in AD, not synced yet)): re-run plan; nothing was done to it`,
    );
    expect(r.stdout).toContain(`${lou} was converted to cloud authority`);
    expect(r.stdout).toContain('Objects refused as stale changed after planning: run plan again and review the new plan.');
    expect(w.entraUser(kim)?.isCloudManaged).toBe(false);
    expect(w.entraUser(lou)?.isCloudManaged).toBe(true);
  });

  it('Ctrl-C during a sync wait: stops cleanly (exit 3), records, prints how to resume; the resumed apply completes', async () => {
    const max = synced[2] as string;
    // No trigger command: the wait for the soft delete lasts until somebody runs a cycle.
    const m = w.manifest(
      'ctrlc.yaml',
      `users:
  - name: max-out
    select: { upn: ${max} }
    authority: cloud
    method: scopeRemoval
allow:
  disruptive: true`,
      { sync: 'sync:\n  timeout: 1h\n  pollInterval: 1s' },
    );
    expect((await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'ctrlc.plan.json'])).code).toBe(0);
    const run = w.start(['apply', 'ctrlc.plan.json', '--auto-approve', ...w.graphFlags]);
    await run.waitFor(/waiting for \S+ to be soft-deleted by the sync engine/);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Interrupted: finishing the running steps and recording them');
    expect(r.stdout).toContain(`✓ s001 ${max} was moved to ${w.ou.sub.Unsynced}`);
    expect(r.stdout).toContain(`- s002 interrupted: wait for ${max} to be soft-deleted by the sync engine (run apply again to resume)`);
    expect(r.stdout).toContain(`- s003 not run: restore ${max} from deleted users depends on s002, which did not run`);
    expect(r.stdout).toContain('Apply interrupted: 1 done, 0 already done, 0 failed, 0 refused (stale), 3 not run.');
    expect(r.stdout).toContain('To resume, run: entra-soa apply ctrlc.plan.json');
    const states = readJournal(join(w.cwd, 'ctrlc.plan.json.journal'))?.states;
    expect(Object.fromEntries(states ?? [])).toEqual({ s001: 'done', s002: 'not-run', s003: 'not-run', s004: 'not-run' });

    // The cycle runs (Connect's schedule); the resumed apply finds the soft delete and completes.
    expect((await w.cli(w.triggerArgv.slice(2))).code).toBe(0);
    const resumed = await w.cli(['apply', 'ctrlc.plan.json', '--auto-approve', ...w.graphFlags]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('= s001 already done by an earlier apply of this plan');
    expect(resumed.stdout).toContain(`= s002 already done: wait for ${max} to be soft-deleted by the sync engine`);
    expect(resumed.stdout).toContain(`✓ s003 ${max} was restored from deleted users`);
    expect(w.entraUser(max)?.onPremisesSyncEnabled).toBe(false);
    expect((await w.adUser(max))?.dn.toLowerCase().endsWith((w.ou.sub.Unsynced as string).toLowerCase())).toBe(true);
  });
});
