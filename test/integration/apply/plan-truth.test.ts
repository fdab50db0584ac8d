/**
 * Issue 7 on the lab: plans made by the real planner, applied by the executor through the real Graph
 * SDK client against the lab's emulator and in-memory AD, with the lab's sync-cycle simulator. Every
 * test checks the end state of both directories, not the tool's report.
 */
import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import type { AdUser } from '../../../src/model/observed.js';
import { BASE_DN, UNSYNCED_OU, labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { labHarnessPerTest, type LabHarness } from './lab-harness.js';

const h = labHarnessPerTest();
const STAFF = `OU=Staff,${BASE_DN}`;
/** A cloud-only user of the sample company, no AD account. */
const CLOUD = 'ben.tanaka@lab.example.test';
/** The AD account prepared for ben outside the sync scope: another UPN, no mail (only the anchor can match). */
const AD_UPN = 'ben.tanaka.ad@lab.example.test';

async function prepareBensAdAccount(lab: LabHarness['lab']): Promise<AdUser> {
  return lab.directory.createUser(
    `CN=Ben Tanaka,${UNSYNCED_OU}`,
    { cn: 'Ben Tanaka', samAccountName: 'ben.tanaka', userPrincipalName: AD_UPN, mail: null, proxyAddresses: [], givenName: 'Ben', surname: 'Tanaka', displayName: 'Ben Tanaka (AD)' },
    'Initial-Passw0rd!',
  );
}

const hardLinkBen = () =>
  loadDesired(
    labManifest(
      `users:
  - name: link-ben
    select: { upn: ${CLOUD} }
    authority: onPremises
    link: hard
    counterpart: { by: samAccountName }`,
      { tenantExtra: '  features:\n    blockCloudObjectTakeoverThroughHardMatch: false' },
    ),
  );

const cloudUsers = (lab: LabHarness['lab']) => lab.tenant.toJSON().users;
const adUserByGuid = async (lab: LabHarness['lab'], guid: string) => lab.directory.getUserByObjectGuid(guid);

describe('a failed write cannot leave a duplicate (issue 7 §2)', () => {
  it('hard link, the immutable-id write fails → the AD user is not moved into scope; after the next cycle: no new cloud user, ben still cloud-only', async () => {
    const ad = await prepareBensAdAccount(h.lab);
    const desired = hardLinkBen();
    const plan = await h.plan(desired);
    expect(plan.applyable).toBe(true);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setSyncFeature', 'entra.setImmutableId', 'ad.move', 'sync.await']);
    const ben = cloudUsers(h.lab).find((u) => u.userPrincipalName === CLOUD);
    const before = cloudUsers(h.lab).length;
    // the first PATCH of ben's user object fails
    await h.setFaults({ rules: [{ action: { kind: 'error', status: 400, code: 'Request_BadRequest' }, method: 'PATCH', pathPattern: `/users/${ben?.id ?? ''}$` }] });

    const { report } = await h.apply(plan, desired);
    expect(report.results.map((r) => r.status)).toEqual(['done', 'failed', 'not-run', 'not-run']);
    await h.lab.runSyncCycle();

    // AD: the account is where it was, out of scope
    expect((await adUserByGuid(h.lab, ad.objectGuid))?.dn).toBe(`CN=Ben Tanaka,${UNSYNCED_OU}`);
    // Entra: nothing provisioned from it, and ben untouched
    const after = cloudUsers(h.lab);
    expect(after).toHaveLength(before);
    expect(after.some((u) => u.userPrincipalName === AD_UPN || u.onPremisesImmutableId === guidToImmutableId(ad.objectGuid))).toBe(false);
    const benAfter = after.find((u) => u.id === ben?.id);
    expect(benAfter?.onPremisesSyncEnabled).not.toBe(true);
    expect(benAfter?.onPremisesImmutableId).toBeNull();
  });

  it('hard link, ben changed after the plan (stale) → the write is refused, the move does not run; no duplicate after the cycle', async () => {
    const ad = await prepareBensAdAccount(h.lab);
    const desired = hardLinkBen();
    const plan = await h.plan(desired);
    const ben = cloudUsers(h.lab).find((u) => u.userPrincipalName === CLOUD);
    h.lab.tenant.updateUser(ben?.id ?? '', { displayName: 'Ben Tanaka (renamed meanwhile)' });
    const before = cloudUsers(h.lab).length;

    const { report } = await h.apply(plan, desired);
    expect(report.results.slice(1).map((r) => r.status)).toEqual(['refused', 'refused', 'refused']);
    await h.lab.runSyncCycle();

    expect((await adUserByGuid(h.lab, ad.objectGuid))?.dn).toBe(`CN=Ben Tanaka,${UNSYNCED_OU}`);
    expect(cloudUsers(h.lab)).toHaveLength(before);
    expect(cloudUsers(h.lab).some((u) => u.userPrincipalName === AD_UPN)).toBe(false);
  });

  it('no fault → ben is hard-linked, the AD account moved into scope, still one cloud user; the sync engine did what the plan said', async () => {
    const ad = await prepareBensAdAccount(h.lab);
    const desired = hardLinkBen();
    const plan = await h.plan(desired);
    const effects = plan.steps.find((s) => s.step.kind === 'sync.await')?.syncEffects;
    // the plan says: the sign-in name and the display name become the AD ones, the password the AD one
    expect(effects).toMatchObject({ match: 'hard', source: `CN=Ben Tanaka,${STAFF}`, password: 'replaced' });
    expect(effects?.changes.filter((c) => c.attribute === 'userPrincipalName' || c.attribute === 'displayName')).toEqual([
      { attribute: 'userPrincipalName', from: [CLOUD], to: [AD_UPN] },
      { attribute: 'displayName', from: ['Ben Tanaka'], to: ['Ben Tanaka (AD)'] },
    ]);
    expect(plan.hazards.map((x) => x.code)).toContain('sign-in-name-change');
    const ben = cloudUsers(h.lab).find((u) => u.userPrincipalName === CLOUD);
    const before = cloudUsers(h.lab).length;

    const { report } = await h.apply(plan, desired);
    expect(report.counts.failed + report.counts['not-run'] + report.counts.refused).toBe(0);

    expect((await adUserByGuid(h.lab, ad.objectGuid))?.dn).toBe(`CN=Ben Tanaka,${STAFF}`);
    const after = cloudUsers(h.lab);
    expect(after).toHaveLength(before);
    const linked = after.find((u) => u.id === ben?.id);
    expect(linked?.onPremisesSyncEnabled).toBe(true);
    expect(linked?.onPremisesImmutableId).toBe(guidToImmutableId(ad.objectGuid));
    // every change the plan predicted is what the cloud user now holds
    for (const c of effects?.changes ?? []) {
      const now = (linked as unknown as Record<string, unknown>)[c.attribute];
      expect(Array.isArray(now) ? [...(now as string[])].sort() : [String(now)], c.attribute).toEqual(c.attribute === 'proxyAddresses' ? [...c.to].sort() : c.to);
    }
  });
});

describe('scope removal in waves of at most the deletion threshold (issue 7 §6)', () => {
  const five = ['ivan.diaz', 'chloe.kowalski', 'dana.walsh', 'paula.fong', 'will.zimmer'].map((n) => `${n}@lab.example.test`);
  const manifest = (waves: boolean) =>
    loadDesired(
      labManifest(
        `users:
  - name: five-to-cloud
    select: { upns: [${five.join(', ')}] }
    authority: cloud
    method: scopeRemoval
allow:
  disruptive: true
  exceedDeletionThreshold: true`,
        { tenantExtra: '  accidentalDeletionThreshold: 2', sync: `sync:\n  timeout: 2h\n  pollInterval: 30s\n  deletionWaves: ${String(waves)}` },
      ),
    );

  it('5 removals, threshold 2, sync.deletionWaves → 3 waves; every user restored cloud-only, every AD account in the unsynced OU', async () => {
    const desired = manifest(true);
    const plan = await h.plan(desired);
    expect(plan.hazards.find((x) => x.code === 'deletion-waves')?.message).toContain('in 3 waves of at most 2');
    const ids = new Map(cloudUsers(h.lab).filter((u) => five.includes(u.userPrincipalName)).map((u) => [u.userPrincipalName, u.id]));

    const { report } = await h.apply(plan, desired);
    expect(report.counts.failed + report.counts['not-run']).toBe(0);

    const t = h.lab.tenant.toJSON();
    for (const upn of five) {
      const u = t.users.find((x) => x.id === ids.get(upn));
      expect(u?.userPrincipalName, upn).toBe(upn);
      expect(u?.onPremisesSyncEnabled, upn).not.toBe(true);
      const a = (await h.lab.directory.listUsers()).find((x) => x.userPrincipalName === upn);
      expect(a?.dn.endsWith(UNSYNCED_OU), upn).toBe(true);
    }
    expect(t.deletedUsers.some((d) => [...ids.values()].includes(d.id))).toBe(false);
  });

  it('the same removals at once (consent, no waves) → the cycle stops at the threshold and nobody is deleted (the contrast)', async () => {
    const desired = manifest(false);
    const plan = await h.plan(desired);
    expect(plan.hazards.map((x) => x.code)).toContain('deletion-threshold');
    const short = { ...desired, sync: { ...desired.sync, timeoutS: 1800 } };
    const { report } = await h.apply({ ...plan, steps: plan.steps.map((s) => (s.step.kind === 'sync.await' ? { ...s, step: { ...s.step, timeoutS: 1800 } } : s)) }, short);
    expect(report.counts.failed).toBeGreaterThan(0);
    // Entra Connect stopped the export: every user still synced, in no deleted list
    const t = h.lab.tenant.toJSON();
    for (const upn of five) expect(t.users.find((x) => x.userPrincipalName === upn)?.onPremisesSyncEnabled, upn).toBe(true);
  });
});

describe('restore windows (issue 7 §3)', () => {
  const FORMER = 'former.employee@lab.example.test';
  const bringBack = () =>
    loadDesired(
      labManifest(`users:
  - name: bring-back
    select: { upn: ${FORMER} }
    authority: cloud
    method: scopeRemoval
allow:
  disruptive: true`),
    );
  /** The end of the former employee's window (deleted in the seed), and the lab clock moved to `before` ms ahead of it. */
  async function clockTo(before: number): Promise<number> {
    const gone = h.lab.tenant.toJSON().deletedUsers.find((d) => d.userPrincipalName.endsWith(FORMER));
    expect(gone).toBeDefined();
    const ends = Date.parse(gone?.deletedDateTime ?? '') + 30 * 24 * 3600 * 1000;
    const now = Date.parse(h.lab.tenant.nowIso());
    if (ends - before > now) await h.lab.advanceClock((ends - before - now) / 1000);
    return ends;
  }

  it('the window ends within a day → the plan warns and names the date; applied in time → restored, cloud-only; AD untouched', async () => {
    const ends = await clockTo(6 * 3600);
    const adBefore = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === FORMER);
    const desired = bringBack();
    const plan = await h.plan(desired);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.restoreDeleted', 'entra.resetPassword']);
    const warning = plan.hazards.find((x) => x.code === 'restore-window');
    expect(warning).toMatchObject({ severity: 'warning', blocking: false });
    expect(warning?.message).toContain(`until ${new Date(ends).toISOString()}`);

    const { report } = await h.apply(plan, desired);
    expect(report.counts.done).toBe(2);
    const u = h.lab.tenant.toJSON().users.find((x) => x.userPrincipalName === FORMER);
    expect(u?.onPremisesSyncEnabled).not.toBe(true);
    expect((await h.lab.directory.listUsers()).find((x) => x.userPrincipalName === FORMER)).toEqual(adBefore);
  });

  it('planned from a state read before the window ended, after it → blocking restore-window instead of a restore that would fail; apply refuses, nothing changes', async () => {
    const ends = await clockTo(3600);
    const { observeLive } = await import('../../../src/observe/live.js');
    const { buildPlan } = await import('../../../src/plan/index.js');
    // a snapshot taken an hour before the end, planned two hours later
    const snapshot = await observeLive({ entra: h.entra, directory: h.lab.directory });
    await h.lab.advanceClock(2 * 3600);
    const adBefore = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === FORMER);
    const desired = bringBack();
    const plan = buildPlan({ desired, observed: snapshot, createdAt: h.lab.tenant.nowIso(), tool: { name: 'entra-soa', version: 'test' }, source: 'snapshot' });
    expect(plan.steps).toEqual([]);
    expect(plan.hazards.map((x) => [x.code, x.blocking])).toEqual([['restore-window', true]]);
    expect(plan.hazards[0]?.message).toContain(`could be restored until ${new Date(ends).toISOString()}`);

    const { report } = await h.apply(plan, desired);
    expect(report.refusal).not.toBeNull();
    expect(h.lab.tenant.toJSON().users.some((u) => u.userPrincipalName === FORMER)).toBe(false);
    expect((await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === FORMER)).toEqual(adBefore);
  });
});

describe('rule options on the lab (issue 7 §7)', () => {
  it('a created AD user takes its CN from the display name, at the DN the plan stored', async () => {
    const desired = loadDesired(
      labManifest(
        `users:
  - name: soft-ben
    select: { upn: ${CLOUD} }
    authority: onPremises
    link: soft
    createIn: OU=Sales,${STAFF}
    requirePasswordChange: true`,
        { tenantExtra: '  features:\n    blockSoftMatch: false' },
      ),
    );
    const plan = await h.plan(desired);
    const create = plan.steps.find((s) => s.step.kind === 'ad.createUser')?.step;
    expect(create).toMatchObject({ dn: `CN=Ben Tanaka,OU=Sales,${STAFF}`, user: { cn: 'Ben Tanaka', mustChangePassword: true } });
    // the generated password replaces the cloud one: that needs consent
    expect(plan.hazards.find((x) => x.code === 'password-replaced')?.consent).toBe('disruptive');

    const { report } = await h.apply(plan, { ...desired, allow: { ...desired.allow, disruptive: true } });
    expect(report.counts.done).toBe(plan.steps.length);
    const ad = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === CLOUD);
    expect(ad?.dn).toBe(`CN=Ben Tanaka,OU=Sales,${STAFF}`);
    expect(cloudUsers(h.lab).find((u) => u.userPrincipalName === CLOUD)?.onPremisesSyncEnabled).toBe(true);
  });

  it('exclude: and --target → only the selected, targeted user changes; the others stay synced', async () => {
    const sales = ['ivan.diaz', 'chloe.kowalski', 'dana.walsh'].map((n) => `${n}@lab.example.test`);
    const desired = loadDesired(
      labManifest(`users:
  - name: sales-but-dana
    select: { upns: [${sales.join(', ')}], exclude: [ { upn: dana.walsh@lab.example.test } ] }
    authority: cloud
    method: sourceOfAuthority`),
    );
    const full = await h.plan(desired);
    expect(full.steps.map((s) => s.objectKey)).toEqual(['user/chloe.kowalski@lab.example.test', 'user/ivan.diaz@lab.example.test']);
    const observedPlan = await h.plan(desired);
    const narrowed = await (async () => {
      const { buildPlan } = await import('../../../src/plan/index.js');
      const { observeLive } = await import('../../../src/observe/live.js');
      const observed = await observeLive({ entra: h.entra, directory: h.lab.directory });
      return buildPlan({ desired, observed, createdAt: observedPlan.createdAt, tool: { name: 'entra-soa', version: 'test' }, source: 'lab', targets: ['ivan.diaz@lab.example.test'] });
    })();
    expect(narrowed.steps.map((s) => s.objectKey)).toEqual(['user/ivan.diaz@lab.example.test']);

    const { report } = await h.apply(narrowed, desired);
    expect(report.counts.done).toBe(1);
    const t = h.lab.tenant.toJSON();
    expect(t.users.find((u) => u.userPrincipalName === 'ivan.diaz@lab.example.test')?.isCloudManaged).toBe(true);
    for (const upn of ['chloe.kowalski@lab.example.test', 'dana.walsh@lab.example.test']) {
      expect(t.users.find((u) => u.userPrincipalName === upn)?.isCloudManaged, upn).not.toBe(true);
      expect(t.users.find((u) => u.userPrincipalName === upn)?.onPremisesSyncEnabled, upn).toBe(true);
    }
  });
});

describe('a partial plan (--target, issue 7 §7)', () => {
  it('planned for one rule while another rule of the manifest is blocked: apply re-plans with the targets, runs the targeted steps, leaves the rest alone', async () => {
    const desired = loadDesired(
      labManifest(
        `users:
  - name: ella-scope-removal
    select: { upn: ella.young@lab.example.test }
    authority: cloud
    method: scopeRemoval
  - name: link-ben
    select: { upn: ${CLOUD} }
    authority: onPremises
    link: soft
allow:
  disruptive: true`,
      ),
    );
    // the whole manifest: ben has no AD counterpart and no createIn → blocking
    const whole = await h.plan(desired);
    expect(whole.applyable).toBe(false);
    expect(whole.hazards.filter((x) => x.blocking).map((x) => [x.code, x.objectKeys])).toEqual([['missing-object', [`user/${CLOUD}`]]]);

    const partial = await h.plan(desired, ['ella-scope-removal']);
    expect(partial.applyable).toBe(true);
    expect(partial.targets).toEqual(['ella-scope-removal']);
    expect(new Set(partial.steps.map((s) => s.objectKey))).toEqual(new Set(['user/ella.young@lab.example.test']));

    const { report } = await h.apply(partial, desired);
    expect(report.refusal).toBeNull();
    expect(report.counts.done).toBe(partial.steps.length);
    const ella = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === 'ella.young@lab.example.test');
    expect(ella?.onPremisesSyncEnabled).toBe(false);
    // ben: untouched, still cloud-only and no AD account
    expect(h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === CLOUD)?.onPremisesSyncEnabled).not.toBe(true);
    expect((await h.lab.directory.listUsers()).some((u) => u.userPrincipalName === CLOUD)).toBe(false);
  });
});
