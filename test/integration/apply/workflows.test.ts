/**
 * Each workflow, from the sample company: plan with the real planner → applyPlan against the lab (Graph
 * emulator over HTTP + in-memory AD + simulated Entra Connect) → the end state on both sides.
 */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { BASE_DN, LAB_TENANT_ID, UNSYNCED_OU, labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { labHarnessPerTest, readText } from './lab-harness.js';

const h = labHarnessPerTest();

const SALES_USER = 'ella.young@lab.example.test';

describe('user to cloud by the per-object SOA switch', () => {
  it('converts a synced user and clears its immutable id; AD is untouched', async () => {
    const desired = loadDesired(
      labManifest(`users:
  - name: ella-to-cloud
    select: { upn: ${SALES_USER} }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }`),
    );
    const plan = await h.plan(desired);
    expect(plan.applyable).toBe(true);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setCloudManaged', 'entra.setImmutableId']);

    const adBefore = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === SALES_USER);
    const { report } = await h.apply(plan, desired);

    expect(report.refusal).toBeNull();
    expect(report.counts).toEqual({ done: 2, skipped: 0, refused: 0, failed: 0, 'not-run': 0 });
    expect(report.results[0]?.message).toBe(`${SALES_USER} was converted to cloud authority`);
    const user = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === SALES_USER);
    expect(user?.isCloudManaged).toBe(true);
    expect(user?.onPremisesImmutableId).toBeNull();
    const adAfter = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === SALES_USER);
    expect(adAfter).toEqual(adBefore);

    // A sync cycle no longer touches the converted user.
    await h.lab.runSyncCycle();
    const after = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === SALES_USER);
    expect(after?.isCloudManaged).toBe(true);
    expect(after?.onPremisesSyncEnabled).not.toBe(true);
  });
});

describe('user to cloud by scope removal', () => {
  it('moves the AD user out of scope, waits for the soft delete, restores, resets the password into a 0600 file', async () => {
    const desired = loadDesired(
      labManifest(`users:
  - name: ella-scope-removal
    select: { upn: ${SALES_USER} }
    authority: cloud
    method: scopeRemoval
    clear: { immutableId: true }
allow:
  disruptive: true`),
    );
    const plan = await h.plan(desired);
    expect(plan.applyable).toBe(true);
    expect(plan.steps.map((s) => s.step.kind)).toEqual([
      'ad.move',
      'sync.await',
      'entra.restoreDeleted',
      'entra.resetPassword',
      'entra.setImmutableId',
    ]);
    const userId = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === SALES_USER)?.id;

    const { report, events } = await h.apply(plan, desired);

    expect(report.counts).toEqual({ done: 5, skipped: 0, refused: 0, failed: 0, 'not-run': 0 });
    const ad = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === SALES_USER);
    expect(ad?.dn).toBe(`CN=Ella Young,${UNSYNCED_OU}`);
    const t = h.lab.tenant.toJSON();
    const user = t.users.find((u) => u.id === userId);
    expect(user?.userPrincipalName).toBe(SALES_USER);
    expect(user?.onPremisesSyncEnabled).toBe(false);
    expect(user?.onPremisesImmutableId).toBeNull();
    expect(user?.passwordLastResetAt).not.toBeNull();
    expect(t.deletedUsers.some((d) => d.id === userId)).toBe(false);

    // The password went to the secrets file only (0600), never into messages or events.
    expect(report.secretsFile).not.toBeNull();
    const file = report.secretsFile as string;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [line] = readText(file).trim().split('\n');
    const [upn, password] = (line ?? '').split('\t');
    expect(upn).toBe(SALES_USER);
    expect(password?.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(report)).not.toContain(password as string);
    expect(JSON.stringify(events)).not.toContain(password as string);
    expect(report.results[3]?.message).toBe(`the password of ${SALES_USER} was reset; the new password is in ${file}`);
  });
});

describe('all users to cloud by the tenant-wide disable', () => {
  it('turns sync off, waits out the pending period on the lab clock, and every synced user is then cloud-owned', async () => {
    const desired = loadDesired(
      labManifest(`users:
  - name: everyone
    select: { all: true }
    authority: cloud
    method: tenantDisable
allow:
  irreversible: true`, { tenantExtra: '  directorySync: disabled', sync: 'sync:\n  timeout: 96h\n  pollInterval: 30m' }),
    );
    const plan = await h.plan(desired);
    expect(plan.applyable).toBe(true);
    const kinds = plan.steps.map((s) => s.step.kind);
    expect(kinds).toContain('entra.setTenantSync');
    expect(kinds).toContain('sync.await');
    const startedAt = Date.parse(h.lab.tenant.nowIso());

    const { report, events } = await h.apply(plan, desired);

    expect(report.counts.failed).toBe(0);
    expect(report.counts['not-run']).toBe(0);
    expect(report.counts.done).toBe(plan.steps.length);
    const t = h.lab.tenant.toJSON();
    expect(t.organization.onPremisesSyncEnabled).toBe(false);
    expect(t.organization.pendingDisable).toBeNull();
    expect(t.users.filter((u) => u.onPremisesSyncEnabled === true)).toEqual([]);
    // The wait polled with the doubling interval on the lab clock, not the wall clock.
    const waits = events.filter((e) => e.type === 'waiting');
    expect(waits.length).toBeGreaterThan(2);
    expect(Date.parse(h.lab.tenant.nowIso()) - startedAt).toBeGreaterThanOrEqual(72 * 3600 * 1000);
    expect(LAB_TENANT_ID).toBe(t.organization.id);
  });
});

describe('cloud-only user hard-linked to an existing AD user', () => {
  it('sets the immutable id from the AD anchor, and the next cycle hard-matches', async () => {
    const upn = 'ivan.jensen@contractors.lab.example.test';
    const desired = loadDesired(
      labManifest(
        `users:
  - name: link-ivan
    select: { upn: ${upn} }
    authority: onPremises
    link: hard`,
        { tenantExtra: '  features:\n    blockCloudObjectTakeoverThroughHardMatch: false' },
      ),
    );
    const plan = await h.plan(desired);
    expect(plan.applyable).toBe(true);
    // the contractor's AD account waits in OU=Onboarding, outside the sync scope: moved in after the write
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setSyncFeature', 'entra.setImmutableId', 'ad.move', 'sync.await']);
    const ad = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === upn);
    const anchor = guidToImmutableId(ad?.consistencyGuid ?? (ad?.objectGuid as string));

    const { report } = await h.apply(plan, desired);

    expect(report.counts).toEqual({ done: 4, skipped: 0, refused: 0, failed: 0, 'not-run': 0 });
    expect(h.lab.tenant.toJSON().users.filter((u) => u.userPrincipalName.startsWith('ivan.jensen'))).toHaveLength(1);
    const user = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === upn);
    expect(user?.onPremisesImmutableId).toBe(anchor);
    expect(user?.onPremisesSyncEnabled).toBe(true);
    expect(h.lab.tenant.toJSON().onPremisesSynchronization.features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
  });
});

describe('cloud-only user soft-linked by creating its AD counterpart', () => {
  it('creates the AD user in scope (password to the 0600 file) and the cycle soft-matches it', async () => {
    const upn = 'ben.tanaka@lab.example.test';
    const desired = loadDesired(
      labManifest(`users:
  - name: soft-ben
    select: { upn: ${upn} }
    authority: onPremises
    link: soft
    createIn: OU=Sales,OU=Staff,${BASE_DN}
# with password hash sync on (the lab's), ben's generated AD password replaces his cloud one: consent (issue 7 §1)
allow:
  disruptive: true`, { tenantExtra: '  features:\n    blockSoftMatch: false' }),
    );
    const plan = await h.plan(desired);
    expect(plan.applyable).toBe(true);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setSyncFeature', 'ad.createUser', 'sync.await']);

    const { report } = await h.apply(plan, desired);

    expect(report.counts).toEqual({ done: 3, skipped: 0, refused: 0, failed: 0, 'not-run': 0 });
    const ad = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === upn);
    expect(ad?.dn.endsWith(`OU=Sales,OU=Staff,${BASE_DN}`)).toBe(true);
    const user = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === upn);
    expect(user?.onPremisesSyncEnabled).toBe(true);
    expect(user?.onPremisesImmutableId).toBe(guidToImmutableId(ad?.consistencyGuid ?? (ad?.objectGuid as string)));
    const file = report.secretsFile as string;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readText(file).startsWith(`${upn}\t`)).toBe(true);
  });
});

describe('group to cloud by the SOA switch', () => {
  it('converts a synced group; a later cycle leaves it cloud-managed', async () => {
    const desired = loadDesired(
      labManifest(`groups:
  - name: sales-group
    select: { displayName: Sales Team }
    authority: cloud`),
    );
    const plan = await h.plan(desired);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setGroupCloudManaged']);
    const { report } = await h.apply(plan, desired);
    expect(report.counts.done).toBe(1);
    expect(report.results[0]?.message).toBe('group Sales Team was converted to cloud authority');
    await h.lab.runSyncCycle();
    expect(h.lab.tenant.toJSON().groups.find((g) => g.displayName === 'Sales Team')?.isCloudManaged).toBe(true);
  });
});

describe('rollback of the SOA switch', () => {
  it('hands a converted user back to AD: takeover block lifted, isCloudManaged false, cycle, block back on', async () => {
    const toCloud = loadDesired(
      labManifest(`users:
  - name: ella-to-cloud
    select: { upn: ${SALES_USER} }
    authority: cloud
    method: sourceOfAuthority`),
    );
    await h.apply(await h.plan(toCloud), toCloud);
    expect(h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === SALES_USER)?.isCloudManaged).toBe(true);

    const back = loadDesired(
      labManifest(`users:
  - name: ella-back
    select: { upn: ${SALES_USER} }
    authority: onPremises
    link: hard`),
    );
    const plan = await h.plan(back);
    expect(plan.applyable).toBe(true);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setSyncFeature', 'entra.setCloudManaged', 'sync.await', 'entra.setSyncFeature']);
    const { report } = await h.apply(plan, back);
    expect(report.counts).toEqual({ done: 4, skipped: 0, refused: 0, failed: 0, 'not-run': 0 });
    const user = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === SALES_USER);
    expect(user?.isCloudManaged).toBe(false);
    expect(user?.onPremisesSyncEnabled).toBe(true);
    expect(h.lab.tenant.toJSON().onPremisesSynchronization.features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    expect((await h.plan(back)).steps).toEqual([]);
  });
});
