/**
 * One source for what a step says: the plan (its view and the rendered text) and apply (title,
 * outcome sentence) take a step's facts from its registry entry (src/steps), so they name the same
 * values, the DN of a user to create above all (derived and escaped once by the planner).
 */
import { describe, expect, it } from 'vitest';
import type { Expectation } from '../../../src/model/step.js';
import { renderPlan } from '../../../src/render/index.js';
import { viewStep } from '../../../src/render/step-view.js';
import { describeExpectation, expectationWords } from '../../../src/steps/expectation.js';
import { stepOutcome, stepTitle } from '../../../src/steps/index.js';
import { cloudUser, desired, observed, onPremRule, plan, STAFF_OU } from '../plan/builders.js';

describe('the DN of a user the plan creates', () => {
  // Every character RFC 4514 escapes inside a value, and a leading '#' (the CN is trimmed, so no edge spaces).
  const name = '#1 Wu, Dan "Q" + back\\slash <a>; b=c';
  const escaped = '\\#1 Wu\\, Dan \\"Q\\" \\+ back\\\\slash \\<a\\>\\; b\\=c';
  const ou = `OU=Contractors,${STAFF_OU}`;
  const p = plan(
    desired({ users: [onPremRule('create', { kind: 'upn', upn: 'dan@contoso.com' }, 'soft', { createIn: ou })] }),
    observed({ entra: [cloudUser('dan', 'e4', { displayName: name })] }),
  );
  const created = p.steps[0];

  it('is stored in the step, escaped once: CN=<escaped CN>,<createIn>', () => {
    expect(created?.step).toMatchObject({ kind: 'ad.createUser', dn: `CN=${escaped},${ou}`, user: { cn: name } });
  });

  it('the plan (its view, the reason and the human text) and apply (title, outcome) name that same DN', () => {
    if (created?.step.kind !== 'ad.createUser') throw new Error('expected ad.createUser first');
    const dn = created.step.dn;
    expect(viewStep(created).details[0]).toEqual({ kind: 'set', name: 'distinguishedName', value: JSON.stringify(dn) });
    expect(created.reason).toContain(`create AD user ${dn} (`);
    expect(renderPlan(p, 'human', { color: false })).toContain(JSON.stringify(dn));
    expect(stepTitle(created.step)).toBe(`create dan@contoso.com in ${ou}`);
    expect(stepOutcome(created.step, { secretsFile: '/tmp/secrets.tsv' })).toBe(
      `dan@contoso.com was created as ${dn}; its password is the newest line for it in /tmp/secrets.tsv`,
    );
  });
});

describe('the words of a wait', () => {
  const expectations: Expectation[] = [
    { kind: 'userSoftDeleted', userId: 'e1', upn: 'ella@contoso.com' },
    { kind: 'userSynced', userId: 'e2', upn: 'bob@contoso.com', immutableId: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    { kind: 'userSynced', userId: 'e3', upn: 'dan@contoso.com', immutableId: '' },
    { kind: 'tenantSyncDisabled', tenantId: 't1' },
  ];
  it('apply waits for what the step title says, with what identifies it added', () => {
    for (const until of expectations) {
      const title = stepTitle({ kind: 'sync.await', until, timeoutS: 60 });
      expect(title).toBe(`wait for ${expectationWords(until).awaited(until)}`);
      expect(describeExpectation(until).startsWith(title.slice('wait for '.length)), until.kind).toBe(true);
    }
  });
  it('a wait for a user the plan creates names no immutable id before apply knows it', () => {
    const until = expectations[2] as Expectation;
    expect(describeExpectation(until)).toBe('dan@contoso.com to be synced from AD');
    expect(stepOutcome({ kind: 'sync.await', until, timeoutS: 60 }, { secretsFile: null })).toBe('dan@contoso.com is synced from AD with immutable id (set by the sync engine)');
  });
});
