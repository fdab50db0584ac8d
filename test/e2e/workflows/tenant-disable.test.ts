/**
 * Scenario 2: all users to cloud by the tenant-wide disable, with the pending period on the lab clock
 * (`lab clock --advance 72h`), the refusal of a second disable while pending, and (scenario 5) the
 * apply process killed during that long wait and resumed from its journal. CLI + lab Graph + Samba.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readJournal } from '../../../src/apply/journal.js';
import { createTestUser } from '../../helpers/samba.js';
import { LAB_TOKEN_ENV, SAMBA, startWorkflowEnv, type WorkflowEnv } from './harness.js';

// CLI child processes (node start-up, plan, apply) take seconds each, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });


describe.runIf(SAMBA !== null)('every user to cloud by the tenant-wide disable', () => {
  let w: WorkflowEnv;
  const upns: string[] = [];
  beforeAll(async () => {
    w = await startWorkflowEnv({
      prefix: 'e2e-tenant',
      seedAd: async (admin, sub) => {
        const tag = Math.random().toString(36).slice(2, 8);
        for (const n of ['ann', 'ben', 'cat']) {
          const upn = `${n}-${tag}@lab.example.test`;
          upns.push(upn);
          await createTestUser(admin, sub.Synced as string, { name: `${n}-${tag}`, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${upn}`] });
        }
      },
    });
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const manifestBody = `users:
  - name: everyone
    select: { all: true }
    authority: cloud
    method: tenantDisable`;

  it('disables, refuses a second disable while pending, survives a kill during the 72 h wait, and resumes to the end state', async () => {
    expect(upns.map((u) => w.entraUser(u)?.onPremisesSyncEnabled)).toEqual([true, true, true]);
    const m = w.manifest('disable.yaml', manifestBody, { tenantExtra: '  directorySync: disabled' });
    const plan = await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'disable.plan.json']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('irreversible-tenant-disable');

    // No consent → refused.
    const refused = await w.cli(['apply', 'disable.plan.json', '--auto-approve', ...w.graphFlags]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('hazard irreversible-tenant-disable on the tenant needs consent');
    expect(refused.stderr).toContain('pass --allow-irreversible');
    expect(w.lab.tenant.toJSON().organization.onPremisesSyncEnabled).toBe(true);

    // Apply: the disable is requested, then the wait polls Graph (the lab clock does not move by itself).
    const first = w.start(['apply', 'disable.plan.json', '--auto-approve', '--allow-irreversible', ...w.graphFlags]);
    await first.waitFor(/waiting for directory synchronization of tenant .* to finish turning off/);
    expect(first.stdout()).toContain('✓ s001 directory synchronization was turned off for tenant');
    expect(w.lab.tenant.toJSON().organization.pendingDisable).not.toBeNull();

    // A second disable while the first is pending is refused.
    const second = await w.cli(['apply', '-f', m, '--auto-approve', '--allow-irreversible', ...w.graphFlags]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('blocking hazard tenant-disable-pending on the tenant');

    // The apply process dies during the long wait (kill -9: no chance to clean up).
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const journalPath = join(w.cwd, 'disable.plan.json.journal');
    expect(readJournal(journalPath)?.states.get('s001')).toBe('done');
    expect(readJournal(journalPath)?.states.get('s002')).toBe('started');

    // 72 lab hours later the disable has completed.
    const clock = await w.cli(['lab', 'clock', '--endpoint', w.lab.graphUrl, '--token-env', LAB_TOKEN_ENV, '--advance', '72h']);
    expect(clock.code).toBe(0);
    expect(clock.stdout).toContain('the pending tenant-wide sync disable completed');

    // Resume: the disable is not requested again; the wait is re-checked and holds.
    const resumed = await w.cli(['apply', 'disable.plan.json', '--auto-approve', '--allow-irreversible', ...w.graphFlags]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('Resuming from the journal disable.plan.json.journal');
    expect(resumed.stdout).toContain('= s001 already done by an earlier apply of this plan: turn off directory synchronization');
    expect(resumed.stdout).toMatch(/[✓=] s002 /);
    expect(resumed.stdout).toContain('0 failed, 0 refused (stale), 0 not run.');

    // End state: Entra — sync off, nothing pending, every former synced user cloud-owned; AD — untouched.
    const t = w.lab.tenant.toJSON();
    expect(t.organization.onPremisesSyncEnabled).toBe(false);
    expect(t.organization.pendingDisable).toBeNull();
    expect(upns.map((u) => w.entraUser(u)?.onPremisesSyncEnabled)).toEqual([false, false, false]);
    for (const u of upns) expect((await w.adUser(u))?.dn.endsWith(w.ou.sub.Synced as string)).toBe(true);
    expect(readFileSync(journalPath, 'utf8').split('\n').filter((l) => l.includes('"state":"started"') && l.includes('"s001"'))).toHaveLength(1);
  });
});
