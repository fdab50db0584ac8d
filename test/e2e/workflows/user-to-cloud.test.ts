/**
 * Scenario 1: one synced user → cloud, by scope removal (move to the unsynced OU, cycle, restore,
 * reset password, clear immutable id) and by the per-object SOA switch. CLI + lab Graph + Samba.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestUser } from '../../helpers/samba.js';
import { SAMBA, startWorkflowEnv, type WorkflowEnv } from './harness.js';

// CLI child processes (node start-up, plan, apply) take seconds each, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });


describe.runIf(SAMBA !== null)('one synced user to cloud authority', () => {
  let w: WorkflowEnv;
  let alice = '';
  let bob = '';
  beforeAll(async () => {
    w = await startWorkflowEnv({
      prefix: 'e2e-to-cloud',
      seedAd: async (admin, sub) => {
        const tag = sub.Synced?.slice(3, 22).replace(/[^a-z0-9]/gi, '').toLowerCase() ?? 'x';
        alice = `alice-${tag.slice(-8)}@lab.example.test`;
        bob = `bob-${tag.slice(-8)}@lab.example.test`;
        for (const upn of [alice, bob]) {
          const name = upn.split('@')[0] as string;
          await createTestUser(admin, sub.Synced as string, { name, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${upn}`], givenName: name, displayName: name });
        }
      },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('starts with both users synced from AD', () => {
    expect(w.entraUser(alice)?.onPremisesSyncEnabled).toBe(true);
    expect(w.entraUser(bob)?.onPremisesSyncEnabled).toBe(true);
  });

  it('scope removal: plan, apply with consent; AD user in the unsynced OU, Entra user restored cloud-only with a new password', async () => {
    const m = w.manifest(
      'scope-removal.yaml',
      `users:
  - name: alice-out
    select: { upn: ${alice} }
    authority: cloud
    method: scopeRemoval
    clear: { immutableId: true }`,
    );
    const plan = await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'scope-removal.plan.json']);
    expect(plan.stderr).toContain('Saved the plan to scope-removal.plan.json');
    expect(plan.code).toBe(0);
    const aliceId = w.entraUser(alice)?.id;

    // Without consent: refused, exit 1, nothing changes.
    const refused = await w.cli(['apply', 'scope-removal.plan.json', '--auto-approve', ...w.graphFlags]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`hazard user-disruption on user/${alice} needs consent`);
    expect(refused.stderr).toContain('pass --allow-disruptive');
    expect((await w.adUser(alice))?.dn.endsWith(w.ou.sub.Synced as string)).toBe(true);

    const r = await w.cli(['apply', 'scope-removal.plan.json', '--auto-approve', '--allow-disruptive', ...w.graphFlags]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ s001 ${alice} was moved to ${w.ou.sub.Unsynced}`);
    expect(r.stdout).toContain(`✓ s002 ${alice} was soft-deleted by the sync engine`);
    expect(r.stdout).toContain(`✓ s003 ${alice} was restored from deleted users`);
    expect(r.stdout).toContain('Apply complete: 5 done, 0 already done, 0 failed, 0 refused (stale), 0 not run.');

    // AD (Samba): the user is in the unsynced OU.
    expect((await w.adUser(alice))?.dn.toLowerCase()).toBe(`cn=${alice.split('@')[0]},${w.ou.sub.Unsynced}`.toLowerCase());
    // Entra (lab): the same object, restored, no longer synced, immutable id cleared, password reset.
    const e = w.entraUser(alice);
    expect(e?.id).toBe(aliceId);
    expect(e?.onPremisesSyncEnabled).toBe(false);
    expect(e?.onPremisesImmutableId).toBeNull();
    expect(e?.passwordLastResetAt).not.toBeNull();
    expect(w.lab.tenant.toJSON().deletedUsers.map((d) => d.id)).not.toContain(aliceId);

    // The password: in a 0600 file only.
    const secretsDir = join(w.cwd, '.entra-soa', 'secrets');
    const [file] = readdirSync(secretsDir);
    const path = join(secretsDir, file as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const [upn, password] = readFileSync(path, 'utf8').trim().split('\t');
    expect(upn).toBe(alice);
    expect(r.stdout + r.stderr).not.toContain(password as string);
    expect(readFileSync(join(w.cwd, 'scope-removal.plan.json.journal'), 'utf8')).not.toContain(password as string);
    expect(r.stdout).toContain(`the new password is in ${path}`);

    // A later cycle leaves the cloud user alone (its AD object is out of scope).
    await w.cli(w.triggerArgv.slice(2));
    expect(w.entraUser(alice)?.onPremisesSyncEnabled).toBe(false);
  });

  it('SOA switch with apply -f: bob becomes cloud-managed; AD is untouched; cycles no longer flow to him', async () => {
    const adBefore = await w.adUser(bob);
    const m = w.manifest(
      'switch.yaml',
      `users:
  - name: bob-switch
    select: { upn: ${bob} }
    authority: cloud
    method: sourceOfAuthority`,
    );
    const r = await w.cli(['apply', '-f', m, '--auto-approve', ...w.graphFlags]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ s001 ${bob} was converted to cloud authority`);
    expect(w.entraUser(bob)?.isCloudManaged).toBe(true);
    expect(await w.adUser(bob)).toEqual(adBefore);

    // An AD edit no longer reaches the converted user.
    await w.admin.modifyUser(adBefore?.dn as string, [{ attribute: 'displayName', to: ['Changed In AD'] }]);
    await w.cli(w.triggerArgv.slice(2));
    expect(w.entraUser(bob)?.displayName).toBe(bob.split('@')[0]);
    expect(w.entraUser(bob)?.isCloudManaged).toBe(true);

    // Applying the manifest again: nothing to do.
    const again = await w.cli(['apply', '-f', m, '--auto-approve', ...w.graphFlags]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: nothing to apply.');
  });
});
