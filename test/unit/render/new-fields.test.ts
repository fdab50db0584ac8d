/** The plan document's fields of issue 7 / 8 in all three views: syncEffects, requiresDelegatedSignIn, targets. */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/plan.js';
import { renderHuman } from '../../../src/render/human.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { decodePlan, encodePlan } from '../../../src/document/plan-document.js';
import { samplePlan } from '../render/sample-plan.js';

/** The sample plan with a delegated-only first step, the effects of erin's hard match, and targets. */
function planWithNewFields(): Plan {
  const p = samplePlan();
  const s001 = p.steps[0];
  const s012 = p.steps.find((s) => s.id === 's012');
  if (!s001 || !s012) throw new Error('sample plan changed');
  s001.requiresDelegatedSignIn = true;
  s012.syncEffects = {
    match: 'hard',
    source: 'CN=Erin Holt,OU=Contractors,OU=Staff,DC=contoso,DC=com',
    changes: [
      { attribute: 'userPrincipalName', from: ['erin@contoso.com'], to: ['erin.holt@contoso.com'] },
      { attribute: 'accountEnabled', from: ['true'], to: ['false'] },
      { attribute: 'proxyAddresses', from: ['SMTP:erin@contoso.com'], to: ['SMTP:erin@contoso.com', 'smtp:eh@contoso.com'] },
    ],
    password: 'replaced',
  };
  p.targets = ['link-contractors'];
  return p;
}

describe('syncEffects, requiresDelegatedSignIn and targets', () => {
  it('JSON: written after the step\'s own fields, decoded back to the same plan', () => {
    const p = planWithNewFields();
    const text = encodePlan(p);
    const json = JSON.parse(text) as { steps: Record<string, unknown>[]; targets: string[] };
    expect(Object.keys(json.steps[0] ?? {}).slice(-1)).toEqual(['requiresDelegatedSignIn']);
    expect(json.steps.find((s) => s['id'] === 's012')?.['syncEffects']).toEqual(p.steps.find((s) => s.id === 's012')?.syncEffects);
    expect(Object.keys(json).at(-1)).toBe('targets');
    expect(decodePlan(text, 'plan.json').plan).toEqual(p);
  });

  it('JSON: requiresDelegatedSignIn false or an unknown sync effect attribute → plan-structure errors with the path', () => {
    const json = JSON.parse(encodePlan(planWithNewFields())) as { steps: Record<string, unknown>[] };
    (json.steps[0] as Record<string, unknown>)['requiresDelegatedSignIn'] = false;
    const effects = json.steps.find((s) => s['id'] === 's012')?.['syncEffects'] as { changes: { attribute: string }[] };
    (effects.changes[0] as { attribute: string }).attribute = 'department';
    const messages = decodePlan(JSON.stringify(json), 'plan.json').diagnostics.map((d) => d.message);
    expect(messages.some((m) => m.includes('steps[0].requiresDelegatedSignIn must be true (or absent)'))).toBe(true);
    expect(messages.some((m) => m.includes('steps[11].syncEffects.changes[0].attribute must be one of'))).toBe(true);
  });

  it('human: the sync engine\'s effects under the wait, marked as not entra-soa\'s writes; the delegated sign-in note; partial', () => {
    const lines = renderHuman(planWithNewFields(), { color: false }).split('\n');
    const i = lines.findIndex((l) => l.includes('then Entra Connect hard-matches the user from CN=Erin Holt'));
    expect(lines.slice(i, i + 8)).toEqual([
      "           then Entra Connect hard-matches the user from CN=Erin Holt,OU=Contractors,OU=Staff,DC=contoso,DC=com and changes (sync engine, not entra-soa's writes):",
      '             userPrincipalName: "erin@contoso.com" -> "erin.holt@contoso.com"',
      '             accountEnabled: true -> false',
      '             proxyAddresses:',
      '                 SMTP:erin@contoso.com',
      '               + smtp:eh@contoso.com',
      '             password: the cloud password -> the AD password (password hash sync)',
      '           hazards: waits-for-sync',
    ]);
    expect(lines).toContain(
      "           needs a Global Administrator's delegated sign-in (--auth device-code or --auth interactive); an application sign-in cannot make this change",
    );
    expect(lines[4]).toBe('  partial:  only link-contractors (--target); the rest of the manifest is not planned');
  });

  it('markdown: the same lines in the diff block, and the partial-plan note', () => {
    const md = renderMarkdown(planWithNewFields());
    expect(md).toContain(
      "      then Entra Connect hard-matches the user from CN=Erin Holt,OU=Contractors,OU=Staff,DC=contoso,DC=com and changes (sync engine, not entra-soa's writes):\n" +
        '-     userPrincipalName: "erin@contoso.com"\n+     userPrincipalName: "erin.holt@contoso.com"\n' +
        '-     accountEnabled: true\n+     accountEnabled: false\n',
    );
    expect(md).toContain("      needs a Global Administrator's delegated sign-in");
    expect(md).toContain('> ⚠️ Partial plan: only `link-contractors` (`--target`); the rest of the manifest is not planned.');
  });

  it('a password that stays and one that is not known are said in words', () => {
    for (const [password, words] of [
      ['unchanged', '(password unchanged: password hash sync is off)'],
      ['unknown', '(password: replaced by the AD password if password hash sync is on (not known))'],
    ] as const) {
      const p = planWithNewFields();
      const s = p.steps.find((x) => x.id === 's012');
      if (s?.syncEffects) s.syncEffects = { ...s.syncEffects, changes: [], password };
      const text = renderHuman(p, { color: false });
      expect(text).toContain(`             ${words}\n`);
      expect(text).toContain('(no attribute changes: the cloud values equal the AD ones)');
    }
  });
});
