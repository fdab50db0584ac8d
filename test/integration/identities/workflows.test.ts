/**
 * Every main workflow, planned and applied through the CLI as each of the lab's contract identities
 * (issue 8 §3): `application` (an app-only token with the application permissions entra-soa documents,
 * as a pipeline signs in) and `global-admin` (a signed-in Global Administrator). The end state is read
 * from both directories through the lab, not from the tool's report.
 *
 * An application cannot read or change the tenant's sync settings (GET/PATCH
 * /directory/onPremisesSynchronization are delegated-only, Global Administrator:
 * https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get and
 * https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update). So where a
 * workflow needs a setting changed, the application's scene has it changed already (an admin did it in
 * the Entra admin center) and its manifest leaves it unstated; the Global Administrator's manifest
 * states it and the plan changes it. What happens when an application's plan contains such a change is
 * tested in delegated-only.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { BASE_DN, UNSYNCED_OU, labManifest } from '../../helpers/lab-manifest.js';
import { LabWorkspace, type IdentityName } from './cli-lab.js';

vi.setConfig({ testTimeout: 120_000 });

const ELLA = 'ella.young@lab.example.test';
const ELLA_DN = `CN=Ella Young,OU=Sales,OU=Staff,${BASE_DN}`;
const IVAN = 'ivan.jensen@contractors.lab.example.test';
const BEN = 'ben.tanaka@lab.example.test';
/** Short polls: the lab's cycle runs when apply triggers it, so a wait needs a look or two. */
const SYNC = 'sync:\n  timeout: 10m\n  pollInterval: 1s';

const manifest = (users: string, tenantExtra = '') => labManifest(users, { tenantExtra, sync: SYNC });
/** The tenant setting, stated in the manifest for a signed-in admin (who changes it), unstated for an application. */
const featureFor = (identity: IdentityName, feature: string) => (identity === 'application' ? '' : `  features:\n    ${feature}: false`);
/** For an application: an admin turned the setting off already, in the Entra admin center. */
async function settingOffFor(identity: IdentityName, w: LabWorkspace, property: string): Promise<void> {
  if (identity !== 'application') return;
  await w.atLab((lab) => {
    lab.tenant.updateSyncFeatures({ [property]: false });
  });
}

/** Plans (exit 2: changes), checks the plan's step kinds, applies (exit 0). */
async function planAndApply(w: LabWorkspace, identity: IdentityName, text: string, kinds: string[]): Promise<void> {
  const planned = await w.plan(identity, text);
  expect(planned.code, planned.text).toBe(2);
  expect(planned.plan?.applyable).toBe(true);
  expect(planned.plan?.steps.map((s) => s.step.kind)).toEqual(kinds);
  const applied = await w.apply(identity);
  expect(applied.code, applied.text).toBe(0);
  expect(applied.text).toContain(`Apply complete: ${kinds.length} done, 0 already done, 0 failed, 0 refused (stale), 0 not run.`);
  // converged: the same manifest plans no changes now
  const again = await w.plan(identity, text);
  expect(again.code, again.text).toBe(0);
  expect(again.plan?.steps).toEqual([]);
}

describe.each(['application', 'global-admin'] as const)('every workflow as %s', (identity) => {
  it('cloud-managed switch: the user becomes cloud-managed, AD untouched, a later cycle leaves it so', async () => {
    const w = new LabWorkspace();
    await planAndApply(w, identity, manifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: sourceOfAuthority`), ['entra.setCloudManaged']);
    await w.atLab(async (lab) => {
      expect(lab.tenant.getUserByUpn(ELLA)?.isCloudManaged).toBe(true);
      expect((await lab.directory.listUsers()).find((u) => u.userPrincipalName === ELLA)?.dn).toBe(ELLA_DN);
      const r = await lab.runSyncCycle();
      expect(r.errors).toEqual([]);
      expect(lab.tenant.getUserByUpn(ELLA)?.isCloudManaged).toBe(true);
    });
  });

  it('rollback to on-prem: a cloud-managed user is handed back to AD and synced again', async () => {
    const w = new LabWorkspace();
    await w.atLab((lab) => {
      const ella = lab.tenant.getUserByUpn(ELLA);
      if (!ella) throw new Error('the sample company has no Ella');
      lab.tenant.setUserCloudManaged(ella.id, true);
    });
    await settingOffFor(identity, w, 'blockCloudObjectTakeoverThroughHardMatchEnabled');
    const kinds =
      identity === 'application'
        ? ['entra.setCloudManaged', 'sync.await']
        : ['entra.setSyncFeature', 'entra.setCloudManaged', 'sync.await', 'entra.setSyncFeature'];
    await planAndApply(w, identity, manifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: onPremises\n    link: hard`), kinds);
    await w.atLab((lab) => {
      const ella = lab.tenant.getUserByUpn(ELLA);
      expect(ella?.isCloudManaged).toBe(false);
      expect(ella?.onPremisesSyncEnabled).toBe(true);
      expect(lab.tenant.listUsers().filter((u) => u.userPrincipalName.startsWith('ella.young'))).toHaveLength(1);
      // the admin's plan turned the takeover block back on after the cycle; the application never touched it
      expect(lab.tenant.features().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(identity !== 'application');
    });
  });

  it('hard link: the cloud-only user gets the AD anchor, the AD user moves into scope, the cycle matches them (no duplicate)', async () => {
    const w = new LabWorkspace();
    await settingOffFor(identity, w, 'blockCloudObjectTakeoverThroughHardMatchEnabled');
    const kinds = [...(identity === 'application' ? [] : ['entra.setSyncFeature']), 'entra.setImmutableId', 'ad.move', 'sync.await'];
    await planAndApply(
      w,
      identity,
      manifest(`users:\n  - name: ivan\n    select: { upn: ${IVAN} }\n    authority: onPremises\n    link: hard`, featureFor(identity, 'blockCloudObjectTakeoverThroughHardMatch')),
      kinds,
    );
    await w.atLab(async (lab) => {
      const ad = (await lab.directory.listUsers()).find((u) => u.userPrincipalName === IVAN);
      expect(ad?.dn).toBe(`CN=Ivan Jensen,OU=Staff,${BASE_DN}`);
      const users = lab.tenant.listUsers().filter((u) => u.userPrincipalName.startsWith('ivan.jensen'));
      expect(users).toHaveLength(1);
      expect(users[0]?.onPremisesSyncEnabled).toBe(true);
      expect(users[0]?.onPremisesImmutableId).toBe(guidToImmutableId(ad?.consistencyGuid ?? (ad?.objectGuid as string)));
      expect(lab.tenant.features().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
    });
  });

  it('soft link: the AD counterpart is created in scope and the cycle soft-matches the cloud user', async () => {
    const w = new LabWorkspace();
    await settingOffFor(identity, w, 'blockSoftMatchEnabled');
    const kinds = [...(identity === 'application' ? [] : ['entra.setSyncFeature']), 'ad.createUser', 'sync.await'];
    const cloudId = await w.atLab((lab) => lab.tenant.getUserByUpn(BEN)?.id);
    await planAndApply(
      w,
      identity,
      manifest(
        `users:\n  - name: ben\n    select: { upn: ${BEN} }\n    authority: onPremises\n    link: soft\n    createIn: OU=Sales,OU=Staff,${BASE_DN}\nallow:\n  disruptive: true`,
        featureFor(identity, 'blockSoftMatch'),
      ),
      kinds,
    );
    await w.atLab(async (lab) => {
      const ad = (await lab.directory.listUsers()).find((u) => u.userPrincipalName === BEN);
      expect(ad?.dn).toBe(`CN=Ben Tanaka,OU=Sales,OU=Staff,${BASE_DN}`);
      const ben = lab.tenant.getUserByUpn(BEN);
      expect(ben?.id).toBe(cloudId);
      expect(ben?.onPremisesSyncEnabled).toBe(true);
      expect(ben?.onPremisesImmutableId).toBe(guidToImmutableId(ad?.consistencyGuid ?? (ad?.objectGuid as string)));
      expect(lab.tenant.listUsers().filter((u) => u.userPrincipalName.startsWith('ben.tanaka'))).toHaveLength(1);
    });
  });

  it('scope removal: the AD user leaves the scope, the cycle soft-deletes the cloud user, apply restores it cloud-only with a new password', async () => {
    const w = new LabWorkspace();
    const id = await w.atLab((lab) => lab.tenant.getUserByUpn(ELLA)?.id);
    await planAndApply(
      w,
      identity,
      manifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: scopeRemoval\nallow:\n  disruptive: true`),
      ['ad.move', 'sync.await', 'entra.restoreDeleted', 'entra.resetPassword'],
    );
    await w.atLab(async (lab) => {
      expect((await lab.directory.listUsers()).find((u) => u.userPrincipalName === ELLA)?.dn).toBe(`CN=Ella Young,${UNSYNCED_OU}`);
      const ella = lab.tenant.getUserByUpn(ELLA);
      expect(ella?.id).toBe(id);
      expect(ella?.onPremisesSyncEnabled).toBe(false);
      expect(ella?.passwordLastResetAt).not.toBeNull();
      expect(lab.tenant.listDeletedUsers().some((d) => d.id === id)).toBe(false);
    });
  });

  it('snapshot and drift read the tenant; only the signed-in admin reads the sync settings', async () => {
    const w = new LabWorkspace();
    const text = manifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: sourceOfAuthority`);
    const snap = await w.snapshot(identity, text);
    expect(snap.code, snap.text).toBe(0);
    const counts = await w.atLab(async (lab) => ({ entra: lab.tenant.userCount(), ad: (await lab.directory.listUsers()).length }));
    expect(snap.document?.state.entra.users).toHaveLength(counts.entra);
    expect(snap.document?.state.ad.users).toHaveLength(counts.ad);
    if (identity === 'application') {
      expect(snap.document?.state.tenant.features).toBeNull();
      expect(snap.document?.state.tenant.accidentalDeletionPrevention).toBeNull();
      expect(snap.text).toMatch(/sync features and accidental-deletion threshold were not read \(Graph 403 Authorization_RequestDenied\)/);
    } else {
      expect(snap.document?.state.tenant.features?.blockSoftMatchEnabled).toBe(true);
      expect(snap.document?.state.tenant.accidentalDeletionPrevention).not.toBeNull();
    }
    // Ella is synced, the manifest wants her cloud-managed: drifted (exit 2), report written
    const drift = await w.drift(identity, text);
    expect(drift.code, drift.text).toBe(2);
    expect(drift.report?.status).toBe('drifted');
    expect(drift.report?.summary.drifted).toBe(1);
  });
});
