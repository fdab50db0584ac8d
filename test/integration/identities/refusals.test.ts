/**
 * What an identity may not do is refused before anything changes (docs/apply.md, Sign-in and delegated-only steps), through the CLI as the
 * lab's identities:
 * - `application` (app-only): the steps Graph accepts only from a signed-in user
 *   (DELEGATED_ONLY_STEP_KINDS: the tenant's sync features and deletion threshold, PATCH
 *   /directory/onPremisesSynchronization, https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update)
 *   are marked in the plan, and apply refuses the plan up front, naming them and how to sign in;
 * - `global-reader` (signed in, only the read-only Global Reader role): plans like anyone, and apply is
 *   refused before any write, AD included (Global Reader "can't take management actions":
 *   https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference).
 * Nothing changed is read from both directories through the lab, sync cycles included.
 */
import { describe, expect, it, vi } from 'vitest';
import { DELEGATED_ONLY_STEP_KINDS } from '../../../src/steps/index.js';
import { BASE_DN, labManifest } from '../../helpers/lab-manifest.js';
import { LabWorkspace } from './cli-lab.js';

vi.setConfig({ testTimeout: 120_000 });

const ELLA = 'ella.young@lab.example.test';
const ELLA_DN = `CN=Ella Young,OU=Sales,OU=Staff,${BASE_DN}`;
const IVAN = 'ivan.jensen@contractors.lab.example.test';
const IVAN_DN = `CN=Ivan Jensen,OU=Onboarding,${BASE_DN}`;
const SYNC = 'sync:\n  timeout: 10m\n  pollInterval: 1s';
const DELEGATED_NOTE = "needs a Global Administrator's delegated sign-in";

const hardLinkIvan = labManifest(`users:\n  - name: ivan\n    select: { upn: ${IVAN} }\n    authority: onPremises\n    link: hard`, {
  tenantExtra: '  features:\n    blockCloudObjectTakeoverThroughHardMatch: false',
  sync: SYNC,
});
const scopeRemoveElla = (tenantExtra = '') =>
  labManifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: scopeRemoval\nallow:\n  disruptive: true`, { tenantExtra, sync: SYNC });
const switchElla = labManifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: sourceOfAuthority`, { sync: SYNC });

/** What the lab holds that these plans would change: Ella, Ivan, the tenant settings, the cycles run. */
async function labFacts(w: LabWorkspace) {
  return w.atLab(async (lab) => {
    const ad = await lab.directory.listUsers();
    const t = lab.tenant.toJSON();
    const ella = lab.tenant.getUserByUpn(ELLA);
    const ivan = lab.tenant.getUserByUpn(IVAN);
    return {
      ellaDn: ad.find((u) => u.userPrincipalName === ELLA)?.dn,
      ella: { id: ella?.id, synced: ella?.onPremisesSyncEnabled, cloudManaged: ella?.isCloudManaged },
      deleted: t.deletedUsers.map((d) => d.id).sort(),
      ivanDn: ad.find((u) => u.userPrincipalName === IVAN)?.dn,
      ivan: { immutableId: ivan?.onPremisesImmutableId, synced: ivan?.onPremisesSyncEnabled },
      sync: t.onPremisesSynchronization,
      cycles: lab.syncCycleCount,
    };
  });
}

describe('as the application (app-only): delegated-only steps', () => {
  // The application cannot read the sync settings, so its own plans take the manifest's values as in force
  // and change none (tenant-settings-unknown). Delegated-only steps reach it in a plan a Global
  // Administrator made and saved: the pipeline that applies it signs in as the application.
  it("a hard link planned by the admin (takeover block off first): the plan marks the feature step, the application's apply refuses it and changes nothing; the admin's runs", async () => {
    const w = new LabWorkspace();
    const planned = await w.plan('global-admin', hardLinkIvan);
    expect(planned.code, planned.text).toBe(2);
    const kinds = planned.plan?.steps.map((s) => s.step.kind) ?? [];
    expect(kinds).toEqual(['entra.setSyncFeature', 'entra.setImmutableId', 'ad.move', 'sync.await']);
    expect((DELEGATED_ONLY_STEP_KINDS as readonly string[]).includes(kinds[0] as string)).toBe(true);
    expect(planned.text).toContain(DELEGATED_NOTE);
    const before = await labFacts(w);
    expect(before.ivanDn).toBe(IVAN_DN);

    const refused = await w.apply('application');

    expect(refused.code, refused.text).toBe(1);
    expect(refused.text).toContain('Apply refused: nothing was changed.');
    expect(refused.text).toContain(
      's001 set the sync feature blockCloudObjectTakeoverThroughHardMatch to false: Graph accepts this change only from a signed-in Global Administrator, not from an application',
    );
    expect(refused.text).toContain('Run apply again signed in as a Global Administrator (--auth device-code, or --auth interactive where a browser is available)');
    expect(refused.text).not.toMatch(/✓|✗/);
    const after = await labFacts(w);
    expect(after).toEqual(before);
    expect(after.sync.features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    expect(after.ivan.immutableId).toBeNull();

    const applied = await w.apply('global-admin');
    expect(applied.code, applied.text).toBe(0);
    const linked = await labFacts(w);
    expect(linked.ivanDn).toBe(`CN=Ivan Jensen,OU=Staff,${BASE_DN}`);
    expect(linked.ivan.synced).toBe(true);
    expect(linked.sync.features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
  });

  it("a scope removal planned by the admin with a new deletion threshold: the application's apply is refused before the AD move", async () => {
    const w = new LabWorkspace();
    const planned = await w.plan('global-admin', scopeRemoveElla('  accidentalDeletionThreshold: 400'));
    expect(planned.code, planned.text).toBe(2);
    expect(planned.plan?.steps.map((s) => s.step.kind)).toEqual(['entra.setDeletionThreshold', 'ad.move', 'sync.await', 'entra.restoreDeleted', 'entra.resetPassword']);
    const before = await labFacts(w);

    const refused = await w.apply('application');

    expect(refused.code, refused.text).toBe(1);
    expect(refused.text).toContain('s001 set the accidental-deletion threshold to 400: Graph accepts this change only from a signed-in Global Administrator, not from an application');
    const after = await labFacts(w);
    expect(after).toEqual(before);
    expect(after.ellaDn).toBe(ELLA_DN);
    expect(after.sync.configuration.accidentalDeletionPrevention.alertThreshold).toBe(500);
  });
});

describe('as a Global Reader (signed in, read-only)', () => {
  it('plans a scope removal, and apply is refused before the AD move: nobody is deleted', async () => {
    const w = new LabWorkspace();
    const planned = await w.plan('global-reader', scopeRemoveElla());
    expect(planned.code, planned.text).toBe(2);
    expect(planned.plan?.applyable).toBe(true);
    expect(planned.plan?.steps.map((s) => s.step.kind)).toEqual(['ad.move', 'sync.await', 'entra.restoreDeleted', 'entra.resetPassword']);
    const before = await labFacts(w);

    const applied = await w.apply('global-reader');

    expect(applied.code, applied.text).toBe(1);
    expect(applied.text).toContain('Apply refused: nothing was changed.');
    expect(applied.text).toContain(`s003 restore ${ELLA} from deleted users: Graph refuses this change from the signed-in user, whose only active roles are read-only (Global Reader)`);
    expect(applied.text).toContain('Run apply again signed in as an administrator who may make these changes');
    expect(applied.text).not.toMatch(/✓|✗/);
    const after = await labFacts(w);
    expect(after).toEqual(before);
    expect(after.ellaDn).toBe(ELLA_DN);
    expect(after.ella.synced).toBe(true);
  });

  it('plans the cloud-managed switch, and apply is refused: the user stays synced', async () => {
    const w = new LabWorkspace();
    const planned = await w.plan('global-reader', switchElla);
    expect(planned.code, planned.text).toBe(2);
    const before = await labFacts(w);
    const applied = await w.apply('global-reader');
    expect(applied.code, applied.text).toBe(1);
    expect(applied.text).toMatch(/s001 .*: Graph refuses this change from the signed-in user, whose only active roles are read-only \(Global Reader\)/);
    const after = await labFacts(w);
    expect(after).toEqual(before);
    expect(after.ella.cloudManaged).toBe(false);
  });
});
