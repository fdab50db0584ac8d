/**
 * Outcomes that are unknown are treated as unknown (issue 12 §4): a write whose answer was lost after
 * it happened (the lab's fault injection `errorAfterApply` / `dropAfterApply`: a 504 or a dropped connection instead of the
 * answer) is read back and recorded done, not failed and not repeated; a lost write that did not happen
 * is retried; a restore the SDK retried after a lost answer, which then gets 404, is found restored; a
 * password reset whose outcome was lost is judged by lastPasswordChangeDateTime. Lab Graph over HTTP
 * through the real SDK client.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { planDigest } from '../../../src/apply/plan-digest.js';
import type { StepResult } from '../../../src/model/apply-report.js';
import { createGraphClient, newGraphTraffic } from '../../../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../../../src/graph/credentials.js';
import { GraphEntraAccess } from '../../../src/graph/entra-access.js';
import { LAB_TENANT_ID, UNSYNCED_OU, labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { ellaScopeRemoval, labHarnessPerTest } from './lab-harness.js';

vi.setConfig({ testTimeout: 120_000 });

const h = labHarnessPerTest();

const ELLA = 'ella.young@lab.example.test';
const SALES_OU = 'OU=Sales,OU=Staff,DC=lab,DC=example,DC=test';
const labUser = (upn: string) => h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === upn);
const statuses = (rs: StepResult[]) => rs.map((r) => `${r.id} ${r.status}`);

const soaSwitch = loadDesired(
  labManifest(`users:
  - name: ella
    select: { upn: ${ELLA} }
    authority: cloud
    method: sourceOfAuthority`),
);
const scopeRemoval = ellaScopeRemoval(true);

/** A GraphEntraAccess counting what goes on the wire, with the SDK's own retries as configured. */
function countingEntra(retries = 0) {
  const traffic = newGraphTraffic({ log: true });
  const client = createGraphClient({
    endpoint: h.lab.graphUrl,
    authProvider: authProviderFor(new StaticTokenCredential(h.lab.token), h.lab.graphUrl),
    traffic,
    retry: { maxRetries: retries, delaySeconds: 0 },
    sleep: async () => undefined,
  });
  return { traffic, entra: new GraphEntraAccess({ client, tenantId: LAB_TENANT_ID, sleep: async () => undefined }) };
}
const patches = (traffic: ReturnType<typeof newGraphTraffic>, re: RegExp) => (traffic.log ?? []).filter((l) => l.startsWith('PATCH') && re.test(l)).length;

describe('a write whose answer was lost', () => {
  for (const [what, action] of [
    ['a 504 after the write happened', { kind: 'errorAfterApply', status: 504, code: 'GatewayTimeout' }],
    ['a dropped connection after the write happened', { kind: 'dropAfterApply' }],
  ] as const) {
    it(`${what}: read back, recorded done, not repeated`, async () => {
      const plan = await h.plan(soaSwitch);
      const { traffic, entra } = countingEntra();
      await h.setFaults({ rules: [{ action, method: 'PATCH', pathPattern: '/onPremisesSyncBehavior$' }] });

      const { report } = await h.apply(plan, soaSwitch, { entra });

      expect(statuses(report.results)).toEqual(['s001 done']);
      expect(report.results[0]?.message).toBe(`${ELLA} was converted to cloud authority (the answer to the write was lost, but the change is in effect)`);
      expect(patches(traffic, /onPremisesSyncBehavior$/)).toBe(1);
      expect(labUser(ELLA)?.isCloudManaged).toBe(true);
    });
  }

  it('a dropped connection before the write happened: read back (not in effect), retried once, done', async () => {
    const plan = await h.plan(soaSwitch);
    const { traffic, entra } = countingEntra();
    await h.setFaults({ rules: [{ action: { kind: 'drop' }, method: 'PATCH', pathPattern: '/onPremisesSyncBehavior$' }] });

    const { report } = await h.apply(plan, soaSwitch, { entra });

    expect(statuses(report.results)).toEqual(['s001 done']);
    expect(report.results[0]?.message).toBe(`${ELLA} was converted to cloud authority`);
    expect(patches(traffic, /onPremisesSyncBehavior$/)).toBe(2);
    expect(labUser(ELLA)?.isCloudManaged).toBe(true);
  });
});

describe('restore and password reset', () => {
  /** Ella out of scope and soft-deleted by a cycle: the plan restores her and resets her password. */
  async function deletedElla() {
    await h.lab.directory.moveUser(`CN=Ella Young,${SALES_OU}`, UNSYNCED_OU);
    await h.lab.runSyncCycle();
    const plan = await h.plan(scopeRemoval);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.restoreDeleted', 'entra.resetPassword']);
    return plan;
  }

  it('a restore whose answer was lost is retried by the SDK and gets 404: apply finds the user restored and records it done', async () => {
    const plan = await deletedElla();
    const { traffic, entra } = countingEntra(2);
    await h.setFaults({ rules: [{ action: { kind: 'errorAfterApply', status: 504, code: 'GatewayTimeout' }, method: 'POST', pathPattern: '/restore$' }] });

    const { report } = await h.apply(plan, scopeRemoval, { entra });

    expect(statuses(report.results)).toEqual(['s001 done', 's002 done']);
    expect(report.results[0]?.message).toBe(`${ELLA} was restored from deleted users (the answer to the write was lost, but the change is in effect)`);
    // The SDK's RetryHandler retried the POST after the 504; the deleted item was gone by then (404).
    expect((traffic.log ?? []).filter((l) => l.startsWith('POST') && l.endsWith('/restore'))).toHaveLength(2);
    expect(labUser(ELLA)?.onPremisesSyncEnabled).toBe(false);
  });

  it('a password reset whose answer was lost is found done by lastPasswordChangeDateTime: one reset, one secret', async () => {
    const plan = await deletedElla();
    const { traffic, entra } = countingEntra();
    await h.setFaults({ rules: [{ action: { kind: 'dropAfterApply' }, method: 'PATCH', pathPattern: `/users/[^/]+$` }] });

    const { report } = await h.apply(plan, scopeRemoval, { entra });

    expect(statuses(report.results)).toEqual(['s001 done', 's002 done']);
    expect(report.results[1]?.message).toBe(
      `the password of ${ELLA} was reset; the new password is the newest line for it in ${report.secretsFile} (the answer to the write was lost, but the change is in effect)`,
    );
    expect(patches(traffic, /\/users\/[^/]+$/)).toBe(1);
    expect(readFileSync(report.secretsFile as string, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('killed after the reset landed: the rerun reads lastPasswordChangeDateTime against the journaled baseline and does not reset again', async () => {
    const plan = await deletedElla();
    await h.lab.advanceClock(60);
    const journalPath = join(h.dir, 'plan.json.journal');
    // The first run: the restore done; the reset started with its baseline journaled, its PATCH landed, then kill -9.
    await h.entra.restoreDeletedUser(labUser(ELLA)?.id ?? (h.lab.tenant.toJSON().deletedUsers.find((u) => u.userPrincipalName.endsWith(ELLA))?.id as string));
    const id = labUser(ELLA)?.id as string;
    const before = (await h.entra.getUser(id))?.lastPasswordChangeDateTime ?? null;
    expect(before).not.toBeNull();
    const j = h.journalAt(journalPath, plan);
    j.record({ type: 'plan', digest: planDigest(plan), time: new Date(0).toISOString(), steps: 2 });
    j.record({ type: 'authorized', time: new Date(0).toISOString(), stepIds: ['s001', 's002'] });
    j.record({ type: 'step', stepId: 's001', state: 'done', time: new Date(0).toISOString() });
    j.record({ type: 'step', stepId: 's002', state: 'started', time: new Date(0).toISOString() });
    j.record({ type: 'step', stepId: 's002', state: 'started', time: new Date(0).toISOString(), evidence: { lastPasswordChangeDateTime: before } });
    await j.close();
    await h.lab.advanceClock(5);
    await h.entra.resetPassword(id, 'Fw9#kq2Lm8!vRt4Zp', true);

    const { report } = await h.apply(plan, scopeRemoval, { journal: h.journalAt(journalPath, plan) });

    expect(statuses(report.results)).toEqual(['s001 skipped', 's002 skipped']);
    expect(report.results[1]?.message).toBe(`already done: reset the password of ${ELLA}`);
    expect(report.secretsFile).toBeNull();
  });

  it('killed before the reset landed: the rerun finds the baseline unchanged and resets once', async () => {
    const plan = await deletedElla();
    const journalPath = join(h.dir, 'plan.json.journal');
    const first = await h.apply(plan, scopeRemoval, {
      journal: h.journalAt(journalPath, plan),
      // The PATCH of the reset never arrives: the process dies while sending it (the step stays "started").
      onEvent: (e) => {
        if (e.type === 'step-started' && e.stepId === 's002') void h.setFaults({ rules: [{ action: { kind: 'drop' }, method: 'PATCH', pathPattern: '/users/[^/]+$', times: 100 }] });
      },
    });
    expect(statuses(first.report.results)).toEqual(['s001 done', 's002 failed']);
    expect(first.report.results[1]?.message).toContain('it is not in effect as far as can be read now, but it may or may not have been applied');
    await h.setFaults({ rules: [] });

    const second = await h.apply(plan, scopeRemoval, { journal: h.journalAt(journalPath, plan) });
    expect(statuses(second.report.results)).toEqual(['s001 skipped', 's002 done']);
    expect(labUser(ELLA)?.passwordLastResetAt).not.toBeNull();
  });
});
