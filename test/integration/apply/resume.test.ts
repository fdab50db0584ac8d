/**
 * Resume: the journal never forgets that a step started (issue 12 §2), waits whose effect is there end
 * at once, and changes the sync engine makes by itself (Connect writing mS-DS-ConsistencyGuid on a
 * cycle) do not make an object stale, on a first run or a resume (issue 7 §4). The lab's Graph over
 * HTTP through the SDK client and its in-memory AD; the sample company's demo through the built CLI.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { planDigest } from '../../../src/apply/plan-digest.js';
import { readJournal } from '../../../src/apply/journal.js';
import { findStaleObjects } from '../../../src/apply/stale.js';
import type { StepResult } from '../../../src/model/apply-report.js';
import { observeLive } from '../../../src/observe/live.js';
import { fingerprintObjects } from '../../../src/plan/index.js';
import { ROOT, startCli } from '../../helpers/cli-process.js';
import { UNSYNCED_OU, labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { ellaScopeRemoval, interruptedInFirstWait, labHarnessPerTest } from './lab-harness.js';

vi.setConfig({ testTimeout: 180_000 });

const h = labHarnessPerTest();

const ELLA = 'ella.young@lab.example.test';
const SALES_OU = 'OU=Sales,OU=Staff,DC=lab,DC=example,DC=test';
const statuses = (rs: StepResult[]) => rs.map((r) => `${r.id} ${r.status}`);
const labUser = (upn: string) => h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === upn);

const scopeRemoval = () => ellaScopeRemoval(true);

describe('the journal never forgets "started"', () => {
  it('kill after the write landed, then Ctrl-C before the step was re-checked, then a rerun: the object is ours, not stale', async () => {
    const desired = scopeRemoval();
    const plan = await h.plan(desired);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['ad.move', 'sync.await', 'entra.restoreDeleted', 'entra.resetPassword']);
    const journalPath = join(h.dir, 'plan.json.journal');

    // 1. An apply is killed right after its move landed: the journal has "started" and nothing after it.
    const killed = h.journalAt(journalPath, plan);
    killed.record({ type: 'plan', digest: planDigest(plan), time: new Date(0).toISOString(), steps: plan.steps.length });
    killed.record({ type: 'authorized', time: new Date(0).toISOString(), stepIds: plan.steps.map((s) => s.id) });
    killed.record({ type: 'step', stepId: 's001', state: 'started', time: new Date(0).toISOString() });
    await killed.close();
    await h.lab.directory.moveUser(`CN=Ella Young,${SALES_OU}`, UNSYNCED_OU);

    // 2. The rerun is interrupted (Ctrl-C) before it got to re-check s001: every step is recorded not-run.
    const controller = new AbortController();
    controller.abort();
    const interrupted = await h.apply(plan, desired, { journal: h.journalAt(journalPath, plan), signal: controller.signal });
    expect(interrupted.report.interrupted).toBe(true);
    expect(statuses(interrupted.report.results)).toEqual(['s001 not-run', 's002 not-run', 's003 not-run', 's004 not-run']);
    const folded = readJournal(journalPath);
    expect(folded?.states.get('s001')).toBe('not-run'); // the last record…
    expect(folded?.history.steps.get('s001')?.touched).toBe(true); // …but the fold still knows our write may have landed

    // The object did change since planning: without the journal's memory it would be refused as stale.
    const observed = await observeLive({ entra: h.entra, directory: h.lab.directory });
    const stale = findStaleObjects(plan, [`user/${ELLA}`], observed, fingerprintObjects, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false });
    expect(stale.get(`user/${ELLA}`)).toBe(`AD dn: "CN=Ella Young,${SALES_OU}" -> "CN=Ella Young,${UNSYNCED_OU}"`);

    // 3. The next rerun completes: the move is found done, the rest runs once.
    const rerun = await h.apply(plan, desired, { journal: h.journalAt(journalPath, plan) });
    expect(statuses(rerun.report.results)).toEqual(['s001 skipped', 's002 done', 's003 done', 's004 done']);
    expect(rerun.report.results[0]?.message).toBe(`already done: move ${ELLA} to ${UNSYNCED_OU}`);
    expect(labUser(ELLA)?.onPremisesSyncEnabled).toBe(false);
    expect(labUser(ELLA)?.passwordLastResetAt).not.toBeNull();
    expect(readFileSync(rerun.report.secretsFile as string, 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await h.lab.directory.listUsers()).filter((u) => u.userPrincipalName === ELLA).map((u) => u.dn)).toEqual([`CN=Ella Young,${UNSYNCED_OU}`]);
  });

  it('a wait whose effect is already there ends at once: no trigger, no sleep', async () => {
    const desired = scopeRemoval();
    const plan = await h.plan(desired);
    const journalPath = join(h.dir, 'plan.json.journal');
    // The first run is interrupted in its wait (the scheduled cycle is 30 lab minutes away: without a trigger the wait sleeps).
    const first = await h.apply(plan, desired, { journal: h.journalAt(journalPath, plan), ...interruptedInFirstWait() });
    expect(statuses(first.report.results)).toEqual(['s001 done', 's002 not-run', 's003 not-run', 's004 not-run']);
    // Connect's scheduled cycle happens meanwhile.
    await h.lab.runSyncCycle();

    let triggers = 0;
    let sleeps = 0;
    const second = await h.apply(plan, desired, {
      journal: h.journalAt(journalPath, plan),
      triggerSync: async () => void triggers++,
      sleep: async () => void sleeps++,
    });
    expect(statuses(second.report.results)).toEqual(['s001 skipped', 's002 skipped', 's003 done', 's004 done']);
    expect(second.report.results[1]?.message).toBe(`already done: wait for ${ELLA} to be soft-deleted by the sync engine`);
    expect([triggers, sleeps]).toEqual([0, 0]);
    expect(second.report.waits?.rounds).toBe(0);
  });
});

describe('changes the sync engine makes by itself do not make an object stale', () => {
  const riley = 'riley.morgan@lab.example.test';
  const linkRiley = () =>
    loadDesired(
      labManifest(
        `users:
  - name: link-riley
    select: { upn: ${riley} }
    authority: onPremises
    link: soft
    counterpart: { by: upn }`,
        { tenantExtra: '  features:\n    blockSoftMatch: false' },
      ),
    );

  it('first run: a cycle after planning writes mS-DS-ConsistencyGuid into the in-scope AD user; her planned steps still run', async () => {
    // Ella was synced when objectGUID was the anchor: her AD mS-DS-ConsistencyGuid is empty (her
    // ImmutableID is her objectGUID either way). With mS-DS-ConsistencyGuid as the source anchor, Connect
    // writes her objectGUID into it on its next cycle (plan-connect-design-concepts).
    const memory = h.lab.memoryDirectory;
    if (memory === null) throw new Error('this test needs the lab\'s in-memory AD');
    const json = memory.toJSON();
    const ella = json.users.find((u) => u.userPrincipalName === ELLA);
    expect(ella?.consistencyGuid).toBe(ella?.objectGuid);
    memory.resetFrom({ ...json, users: json.users.map((u) => (u.userPrincipalName === ELLA ? { ...u, consistencyGuid: null } : u)) });
    const desired = scopeRemoval();
    const plan = await h.plan(desired);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['ad.move', 'sync.await', 'entra.restoreDeleted', 'entra.resetPassword']);

    // Connect's scheduled cycle, between plan and apply.
    await h.lab.runSyncCycle();
    const adAfter = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === ELLA);
    expect(adAfter?.consistencyGuid).toBe(adAfter?.objectGuid);

    const { report } = await h.apply(plan, desired);

    expect(report.refusal).toBeNull();
    expect(statuses(report.results)).toEqual(['s001 done', 's002 done', 's003 done', 's004 done']);
    expect(labUser(ELLA)?.onPremisesSyncEnabled).toBe(false);
    expect((await h.lab.directory.listUsers()).filter((u) => u.userPrincipalName === ELLA).map((u) => u.dn)).toEqual([`CN=Ella Young,${UNSYNCED_OU}`]);
  });

  it('an AD change of another attribute is still stale, and the refusal says before -> after', async () => {
    const desired = linkRiley();
    const plan = await h.plan(desired);
    await h.lab.runSyncCycle();
    const ad = (await h.lab.directory.listUsers()).find((u) => u.userPrincipalName === riley);
    await h.lab.directory.modifyUser(ad?.dn as string, [{ attribute: 'mail', to: ['rylee@lab.example.test'] }]);

    const { report } = await h.apply(plan, desired);

    const modify = report.results.find((r) => r.kind === 'ad.modify');
    expect(modify?.status).toBe('refused');
    expect(modify?.message).toContain('changed since the plan was made (AD mail: null -> "rylee@lab.example.test")');
  });

  it('a change no step shows (the cloud user renamed in Entra): the refusal names the attribute and its value now', async () => {
    const desired = linkRiley();
    const plan = await h.plan(desired);
    expect(plan.fingerprintDetails?.labels.user).toContain('Entra displayName');
    expect(plan.fingerprintDetails?.digests[`user/${riley}`]).toMatch(/^([0-9a-f]{4}|----)+$/);
    const cloud = labUser(riley);
    h.lab.tenant.updateUser(cloud?.id as string, { displayName: 'Riley Morgan-Lee' });

    const { report } = await h.apply(plan, desired);

    // nothing of hers runs: her cloud object's steps are stale, her AD steps are no longer what planning gives
    expect(report.results.filter((r) => r.objectKey !== 'tenant' && r.status !== 'refused')).toEqual([]);
    const own = report.results.filter((r) => r.objectKey === `user/${riley}`);
    expect(own.length).toBeGreaterThan(0);
    for (const r of own) expect(r.message).toContain(`user/${riley} changed since the plan was made (Entra displayName: now "Riley Morgan-Lee")`);
    expect(labUser(riley)?.onPremisesSyncEnabled).not.toBe(true);
  });
});

describe('the sample company, interrupted and resumed (npm run demo)', () => {
  // SIGTERM (a cancelled pipeline, a stopped container) stops an apply as Ctrl-C does (docs/apply.md).
  it.each([
    ['Ctrl-C', 'SIGINT', 'Interrupted: finishing the running steps and recording them (press Ctrl-C again to stop at once).'],
    ['SIGTERM', 'SIGTERM', 'Interrupted (SIGTERM): finishing the running steps and recording them (a second signal stops at once).'],
  ] as const)('%s a few seconds into the apply, run it again: nothing refused, exit 0, and planning again finds nothing to do', async (_, signal, said) => {
    const cwd = mkdtempSync(join(tmpdir(), 'entra-soa-demo-resume-'));
    try {
      const manifest = join(ROOT, 'examples', 'lab', 'manifest.yaml');
      const cli = (args: string[]) => startCli(args, { cwd });
      expect((await cli(['plan', '--lab', '-f', manifest, '--out', 'plan.json']).done).code).toBe(0);
      const first = cli(['apply', 'plan.json', '--lab', '--auto-approve', '--concurrency', '1']);
      // Interrupt once some steps are done (the waits of the contractors' hard links come later).
      await first.waitFor(/✓ s01\d /);
      first.child.kill(signal);
      const r1 = await first.done;
      expect(r1.code).toBe(3);
      expect(r1.stderr).toContain(said);
      expect(r1.stdout).toContain('Apply interrupted:');
      expect(r1.stdout).toContain('To resume, run: entra-soa apply plan.json --lab');

      const r2 = await cli(['apply', 'plan.json', '--lab', '--auto-approve']).done;
      expect(r2.stdout).not.toMatch(/^! /m);
      expect(r2.stdout).toContain('0 failed, 0 refused (stale), 0 not run.');
      expect(r2.code).toBe(0);
      const again = await cli(['plan', '--lab', '-f', manifest, '--detailed-exitcode']).done;
      expect(again.stdout).toContain('No changes.');
      expect(again.code).toBe(0);
      expect(existsSync(join(cwd, 'plan.json.journal'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
