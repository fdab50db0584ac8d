/**
 * authorizePlan (pure): which saved steps may run, from a saved plan, the plan made again, and the
 * journal's folded history. From → to → expected, with plans built by hand.
 */
import { describe, expect, it } from 'vitest';
import { authorizePlan, finishedSteps } from '../../../src/apply/authorize.js';
import { foldJournal, type JournaledState, type JournalRecord } from '../../../src/apply/journal.js';
import { stepSignature } from '../../../src/apply/step-effect.js';
import type { Hazard, Plan, PlannedStep } from '../../../src/model/plan.js';
import type { Step } from '../../../src/model/step.js';

const TENANT = 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01';
const ALICE = { userId: 'u-alice', upn: 'alice@contoso.com' };
const KEY = 'user/alice@contoso.com';

function step(id: string, s: Step, dependsOn: string[] = [], objectKey = KEY): PlannedStep {
  return { id, objectKey, step: s, dependsOn, hazardCodes: [], reason: 'r', action: 'change' };
}
function plan(steps: PlannedStep[], hazards: Hazard[] = [], fingerprints: Record<string, string> = { [KEY]: 'f', tenant: 't' }): Plan {
  return {
    kind: 'entra-soa/plan',
    formatVersion: 1,
    tool: { name: 'entra-soa', version: 't' },
    createdAt: '2026-11-01T00:00:00.000Z',
    manifest: { file: 'm.yaml', digest: 'd' },
    join: { sourceAnchor: 'objectGUID', softMatchOnUpn: false },
    source: 'test',
    fingerprints,
    steps,
    hazards,
    diagnostics: [],
    applyable: true,
    consentGiven: { disruptive: false, irreversible: false, exceedDeletionThreshold: false },
    summary: { add: 0, change: steps.length, remove: 0, wait: 0 },
  };
}
const allow = { disruptive: false, irreversible: false, exceedDeletionThreshold: false };
const history = (records: JournalRecord[]) => {
  const f = foldJournal(records);
  return { steps: f.steps, authorized: f.authorized };
};
const rec = (stepId: string, state: JournaledState): JournalRecord => ({ type: 'step', stepId, state, time: 't' });

const restore: Step = { kind: 'entra.restoreDeleted', deletedId: 'u-alice', upn: ALICE.upn };
const reset: Step = { kind: 'entra.resetPassword', ...ALICE, forceChangeAtNextSignIn: true };
const clear: Step = { kind: 'entra.setImmutableId', ...ALICE, from: 'abc=', to: null };

describe('foldJournal', () => {
  it('never forgets that a step started: started, then not-run, is still touched', () => {
    const f = foldJournal([
      { type: 'plan', digest: 'x', time: 't', steps: 2 },
      { type: 'authorized', time: 't', stepIds: ['s001', 's002'] },
      rec('s001', 'started'),
      { type: 'step', stepId: 's002', state: 'started', time: 't', evidence: { lastPasswordChangeDateTime: '2026-01-01T00:00:00Z' } },
      { type: 'step', stepId: 's002', state: 'started', time: 't', evidence: { lastPasswordChangeDateTime: '2026-02-02T00:00:00Z' } },
      rec('s001', 'not-run'),
      rec('s003', 'refused'),
    ]);
    expect(f.digest).toBe('x');
    expect(f.steps.get('s001')).toEqual({ last: 'not-run', touched: true, evidence: null });
    expect(f.steps.get('s002')).toEqual({ last: 'started', touched: true, evidence: { lastPasswordChangeDateTime: '2026-01-01T00:00:00Z' } });
    expect(f.steps.get('s003')).toEqual({ last: 'refused', touched: false, evidence: null });
    expect([...f.authorized]).toEqual(['s001', 's002']);
  });
});

describe('finishedSteps: the one definition of finished', () => {
  it('a step recorded done or already done, and every step it depended on; failed, started and not-run ones are not', () => {
    const steps = [
      step('s001', { kind: 'entra.setCloudManaged', ...ALICE, to: true }),
      step('s002', { kind: 'entra.setCloudManaged', ...ALICE, to: true }, ['s001']),
      step('s003', { kind: 'entra.setCloudManaged', ...ALICE, to: true }, ['s002']),
      step('s004', { kind: 'entra.setCloudManaged', ...ALICE, to: true }),
      step('s005', { kind: 'entra.setCloudManaged', ...ALICE, to: true }),
    ];
    const h = history([rec('s001', 'failed'), rec('s002', 'skipped'), rec('s003', 'started'), rec('s004', 'not-run'), rec('s005', 'done')]);
    expect([...finishedSteps(steps, h)].sort()).toEqual(['s001', 's002', 's005']);
    expect([...authorizePlan({ plan: plan(steps), recomputed: plan(steps), current: plan(steps), history: h, staleOf: () => new Map(), allow }).verdicts]
      .filter(([, v]) => v.kind === 'finished')
      .map(([id]) => id)
      .sort()).toEqual(['s001', 's002', 's005']);
  });
});

describe('stepSignature', () => {
  it('ignores the old values a step shows the reviewer, not what it does', () => {
    const a = step('s001', { kind: 'entra.clearOnPremisesAttributes', ...ALICE, attributes: { onPremisesDomainName: 'contoso.com', onPremisesSamAccountName: 'alice' } });
    const b = step('s009', { kind: 'entra.clearOnPremisesAttributes', ...ALICE, attributes: { onPremisesSamAccountName: 'alice', onPremisesDomainName: 'corp.contoso.com' } });
    const c = step('s001', { kind: 'entra.clearOnPremisesAttributes', ...ALICE, attributes: { onPremisesSamAccountName: 'alice' } });
    expect(stepSignature(a)).toBe(stepSignature(b));
    expect(stepSignature(a)).not.toBe(stepSignature(c));
    expect(stepSignature(step('s1', clear))).toBe(stepSignature(step('s2', { ...clear, from: 'other=' })));
    expect(stepSignature(step('s1', clear))).not.toBe(stepSignature(step('s1', { ...clear, userId: 'u-bob' })));
  });
});

describe('authorizePlan on a resume', () => {
  // The saved scope-removal tail: restore, then the password reset. Alice was restored by a run that was
  // then killed; planning again from her state now gives nothing for her (a restored user looks cloud-owned).
  const saved = plan([step('s001', restore), step('s002', reset, ['s001'])]);
  const now = plan([]);

  it('a remaining step the first run authorized runs, though planning again no longer gives it', () => {
    const a = authorizePlan({
      plan: saved,
      recomputed: now,
      current: now,
      history: history([{ type: 'authorized', time: 't', stepIds: ['s001', 's002'] }, rec('s001', 'started'), rec('s001', 'done')]),
      staleOf: () => new Map(),
      allow,
    });
    expect(Object.fromEntries(a.verdicts)).toEqual({ s001: { kind: 'finished' }, s002: { kind: 'run', via: 'journal' } });
    expect([...a.touched]).toEqual([KEY]);
    expect(a.refusal).toBeNull();
  });

  it('without that authorization (an older journal) it runs only if already in effect', () => {
    const a = authorizePlan({ plan: saved, recomputed: now, current: now, history: history([rec('s001', 'done')]), staleOf: () => new Map(), allow });
    expect(a.verdicts.get('s002')).toMatchObject({ kind: 'if-in-effect' });
  });

  it('an object nobody touched is checked as on a first run: stale and fingerprint-less steps are refused', () => {
    const bob = { userId: 'u-bob', upn: 'bob@contoso.com' };
    const s = plan([step('s001', { kind: 'entra.setCloudManaged', ...bob, to: true }, [], 'user/bob@contoso.com')], [], {});
    const a = authorizePlan({ plan: s, recomputed: s, current: s, history: history([]), staleOf: () => new Map(), allow });
    expect(a.verdicts.get('s001')).toMatchObject({ kind: 'refused' });
    expect((a.verdicts.get('s001') as { reason: string }).reason).toMatch(/^user\/bob@contoso\.com: the plan holds no fingerprint for it/);
  });
});

describe('the gate comes from the plan as of now', () => {
  const disable: Step = { kind: 'entra.setTenantSync', tenantId: TENANT, enabled: false };
  const wait: Step = { kind: 'sync.await', until: { kind: 'tenantSyncDisabled', tenantId: TENANT }, timeoutS: 259200 };
  const pending: Hazard = { code: 'tenant-disable-pending', severity: 'danger', message: 'pending', stepIds: [], objectKeys: ['tenant'], blocking: true };

  it('a blocking hazard on an object whose only remaining step is a wait does not stop the resume (a wait changes nothing)', () => {
    const saved = plan([step('s001', disable, [], 'tenant'), step('s002', wait, ['s001'], 'tenant')]);
    const now = plan([], [pending]);
    const a = authorizePlan({
      plan: saved,
      recomputed: now,
      current: now,
      history: history([{ type: 'authorized', time: 't', stepIds: ['s001', 's002'] }, rec('s001', 'done'), rec('s002', 'started')]),
      staleOf: () => new Map(),
      allow,
    });
    expect(a.refusal).toBeNull();
    expect(a.verdicts.get('s002')).toEqual({ kind: 'run', via: 'journal' });
  });

  it('the same hazard stops a plan that would still write to that object', () => {
    const feature: Step = { kind: 'entra.setSyncFeature', feature: 'blockSoftMatch', from: true, to: false };
    const saved = plan([step('s001', feature, [], 'tenant')]);
    const now = plan([step('s001', feature, [], 'tenant')], [pending]);
    const a = authorizePlan({ plan: saved, recomputed: now, current: now, history: history([]), staleOf: () => new Map(), allow });
    expect(a.refusal?.code).toBe('not-applyable');
    expect(a.refusal?.messages[0]).toBe('blocking hazard tenant-disable-pending on the tenant: pending');
  });

  it('consent is asked for the hazards of the plan as of now, matched to the saved steps by content', () => {
    const saved = plan([step('s001', disable, [], 'tenant')], []);
    const irreversible: Hazard = { code: 'irreversible-tenant-disable', severity: 'danger', message: 'takes 72 h', stepIds: ['s007'], objectKeys: ['tenant'], blocking: false, consent: 'irreversible' };
    const now = plan([step('s007', disable, [], 'tenant')], [irreversible]);
    const a = authorizePlan({ plan: saved, recomputed: now, current: now, history: history([]), staleOf: () => new Map(), allow });
    expect(a.refusal?.code).toBe('consent-required');
    const given = authorizePlan({ plan: saved, recomputed: now, current: now, history: history([]), staleOf: () => new Map(), allow: { ...allow, irreversible: true } });
    expect(given.refusal).toBeNull();
  });
});
