import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../../src/render/index.js';
import { renderHuman } from '../../../src/render/human.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../../../src/render/markdown.js';
import { encodePlan } from '../../../src/document/plan-document.js';
import { bigPlan, emptyPlan, samplePlan } from '../render/sample-plan.js';

const ANSI = new RegExp(String.raw`\u001b\[`);

describe('human renderer', () => {
  const text = renderHuman(samplePlan(), { color: false });
  const lines = text.split('\n');

  it('starts with the header: manifest, source, created', () => {
    expect(lines.slice(0, 4)).toEqual([
      'entra-soa plan',
      '  manifest: manifest.yaml (sha256 abababababab)',
      '  source:   snapshot state.json (captured 2026-03-01T08:55:00.000Z from lab)',
      '  created:  2026-03-01T09:00:00.000Z by entra-soa 0.1.0',
    ]);
  });

  it('groups steps by object with terraform symbols', () => {
    expect(lines).toContain('  ~ user/alice@contoso.com');
    expect(lines).toContain('  + user/dan@contractors.contoso.com');
    expect(lines).toContain('      + s010 create the AD user in OU=Contractors,OU=Staff,DC=contoso,DC=com (so that the next sync cycle soft-matches it)');
    expect(lines.some((l) => l.startsWith('      ⏳ s006 wait for Entra Connect'))).toBe(true);
    // the object's steps stay together even though tenant steps s001/s002/s014 are not adjacent
    const tenantBlock = text.slice(text.indexOf('  ~ tenant'), text.indexOf('  ~ user/alice'));
    expect(tenantBlock).toContain('s014');
    expect(tenantBlock).toContain('s015');
  });

  it('shows before -> after and multi-valued attributes as a line diff', () => {
    expect(lines).toContain('           isCloudManaged: false -> true');
    expect(lines).toContain(
      '           onPremisesImmutableId: "yYuRNW0Z6kCXeYidebdT8A==" -> null  (anchor GUID 35918bc9-196d-40ea-9779-889d79b753f0)',
    );
    expect(lines).toContain(
      '           onPremisesImmutableId: null -> "yYuRNW0Z6kCXeYidebdT8A=="  (anchor GUID 35918bc9-196d-40ea-9779-889d79b753f0)',
    );
    const i = lines.indexOf('           proxyAddresses:');
    expect(lines.slice(i, i + 4)).toEqual([
      '           proxyAddresses:',
      '             - SMTP:carol.d@contoso.com',
      '             + SMTP:carol@contoso.com',
      '               smtp:cd@contoso.com',
    ]);
  });

  it('names dependencies, and each rule\'s reason once per object (not once per step)', () => {
    expect(text).toContain('~ s004 clear the on-premises leftovers (the user is cloud-owned now) (depends on s003)');
    const i = lines.indexOf('  ~ user/alice@contoso.com');
    expect(lines.slice(i, i + 3)).toEqual([
      '  ~ user/alice@contoso.com',
      '      reason: rule sales-to-cloud (manifest.yaml:14:5): synced user → cloud',
      '      ~ s003 switch the source of authority to the cloud (Entra ID owns the user; AD edits stop flowing)',
    ]);
    expect(lines.filter((l) => l.includes('rule sales-to-cloud (manifest.yaml:14:5)'))).toHaveLength(1);
  });

  it('leads with the summary (and ends with it)', () => {
    expect(lines.slice(5, 8)).toEqual([
      'Plan: 2 to add, 10 to change, 0 to remove, 3 waits.',
      'Apply will refuse this plan without consent: set allow.disruptive (or --allow-disruptive).',
      'This plan cannot be applied: 1 blocking hazard (hard-match-blocked). Fix the cause in the manifest or in the directories, then plan again.',
    ]);
  });

  it('lists hazards with blocking and consent marks, then diagnostics and the summary', () => {
    expect(lines).toContain('  danger  user-disruption  [needs allow.disruptive or --allow-disruptive]');
    expect(lines).toContain('  danger  hard-match-blocked  [BLOCKING: the plan cannot be applied]');
    expect(lines).toContain('          affects: user/bob@contoso.com, user/erin@contoso.com');
    expect(lines).toContain(
      '  manifest.yaml:14:5: warning rule-overlap: rules a and b both select alice@contoso.com with the same intent; rule a wins',
    );
    expect(lines.slice(-4)).toEqual([
      'Plan: 2 to add, 10 to change, 0 to remove, 3 waits.',
      'Apply will refuse this plan without consent: set allow.disruptive (or --allow-disruptive).',
      'This plan cannot be applied: 1 blocking hazard (hard-match-blocked). Fix the cause in the manifest or in the directories, then plan again.',
      '',
    ]);
  });

  it('says so when there is nothing to do', () => {
    const empty = renderHuman(emptyPlan(), { color: false });
    expect(empty.trimEnd().split('\n').at(-1)).toBe('No changes. The directories match the manifest.');
    const blocked = renderHuman({ ...emptyPlan(), applyable: false, hazards: samplePlan().hazards.slice(1, 2) }, { color: false });
    expect(blocked).toContain('\nNo steps planned: the problems listed above must be resolved first.\n');
    expect(empty).not.toContain('will perform');
  });

  it('colours only when asked', () => {
    expect(text).not.toMatch(ANSI);
    const coloured = renderHuman(samplePlan(), { color: true });
    // picocolors closes each colour with its own reset (39 = default foreground)
    expect(coloured).toContain('\u001b[32m+ user/dan@contractors.contoso.com\u001b[39m');
    expect(coloured).toContain('\u001b[33m~ user/alice@contoso.com\u001b[39m');
    expect(coloured).toContain('\u001b[36m⏳\u001b[39m');
    expect(coloured).toContain('\u001b[31mdanger \u001b[39m');
    // stripping the colour gives the plain text
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(text);
  });

  it('never prints a password', () => {
    expect(text).not.toMatch(/password\s*[:=]\s*"/i);
    expect(text).toContain('(new password generated at apply time; never shown in a plan or log)');
  });
});

describe('markdown renderer', () => {
  const md = renderMarkdown(samplePlan());

  it('titles with the summary and puts hazards before the changes', () => {
    expect(md.split('\n')[0]).toBe('## entra-soa plan: 2 to add, 10 to change, 0 to remove, 3 waits.');
    expect(md.indexOf('### Hazards')).toBeGreaterThan(0);
    expect(md.indexOf('### Hazards')).toBeLessThan(md.indexOf('### Changes (7 objects)'));
    expect(md).toContain(
      '| ⛔ | danger | `hard-match-blocked` | blockCloudObjectTakeoverThroughHardMatch is on: the hard match of erin@contoso.com fails with InvalidHardMatch. | `user/erin@contoso.com` | **blocking**: cannot be applied |',
    );
  });

  it('shows each object in a details block with a diff fence', () => {
    expect(md).toContain('<details><summary><code>~ user/alice@contoso.com</code> — 2 steps</summary>');
    expect(md).toContain('```diff\n  reason: rule sales-to-cloud (manifest.yaml:14:5): synced user → cloud\n  ~ s003 switch the source of authority to the cloud');
    expect(md).toContain('-     isCloudManaged: false\n+     isCloudManaged: true');
    expect(md).toContain('-       SMTP:carol.d@contoso.com\n+       SMTP:carol@contoso.com\n        smtp:cd@contoso.com');
  });

  it('escapes table cells', () => {
    const big = renderMarkdown(bigPlan(3));
    expect(big).toContain('A \\| pipe and \\*stars\\* in a hazard message.');
    expect(big).toContain('`user/user00000@contoso.com`, `user/user00001@contoso.com`, `user/user00002@contoso.com` | — |');
  });

  it('stays under the limit, keeps hazards and summary, and says exactly what was cut', () => {
    const plan = bigPlan(2000);
    const out = renderMarkdown(plan, { planFile: 'out/plan.json' });
    expect(out.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(out.split('\n')[0]).toBe('## entra-soa plan: 0 to add, 2000 to change, 0 to remove, 0 waits.');
    expect(out).toContain('| 🟡 | warning | `tenant-wide-setting` |');
    expect(out).toContain('and 1990 more');
    const shown = out.match(/<details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(2000);
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      `… ${2000 - shown} more objects not shown; run \`entra-soa show out/plan.json\` for the full plan.`,
    );
  });

  it('tells how to see the rest when the plan was not saved', () => {
    const out = renderMarkdown(bigPlan(2000));
    expect(out.trimEnd().split('\n').at(-1)).toMatch(
      /^… \d+ more objects not shown; save the plan with `entra-soa plan … --out plan\.json` and run `entra-soa show plan\.json` for the full plan\.$/,
    );
  });

  it('cuts nothing when the plan fits', () => {
    expect(renderMarkdown(bigPlan(10))).not.toContain('not shown');
    expect(renderMarkdown(bigPlan(10)).match(/<details>/g)).toHaveLength(10);
  });
});

describe('renderPlan', () => {
  it('json is the plan document; human and markdown come from the same document', () => {
    const plan = samplePlan();
    expect(renderPlan(plan, 'json', { color: false })).toBe(encodePlan(plan));
    expect(renderPlan(plan, 'human', { color: false })).toBe(renderHuman(plan, { color: false }));
    expect(renderPlan(plan, 'markdown', { color: false, planFile: 'p.json' })).toBe(renderMarkdown(plan, { planFile: 'p.json' }));
  });

  it('does not show fields the document does not carry', () => {
    const plan = samplePlan();
    const extra = { ...plan, steps: plan.steps.map((s) => ({ ...s, secret: 'hunter2' })) };
    expect(renderPlan(extra, 'human', { color: false })).not.toContain('hunter2');
    expect(renderPlan(extra, 'json', { color: false })).not.toContain('hunter2');
  });
});

describe('hazards of one kind', () => {
  function manyAdmins(n: number) {
    const plan = bigPlan(n);
    plan.applyable = false;
    plan.hazards = plan.steps.map((s) => ({
      code: 'privileged-role' as const,
      severity: 'danger' as const,
      message: `${s.objectKey.slice(5)} holds Global Administrator: remove the role first.`,
      stepIds: [s.id],
      objectKeys: [s.objectKey],
      blocking: true,
    }));
    return plan;
  }

  it('are one group in the human view, each message listed', () => {
    const lines = renderHuman(manyAdmins(12), { color: false }).split('\n');
    const head = lines.indexOf('  danger  privileged-role ×12  [BLOCKING: the plan cannot be applied]');
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toBe('          - user00000@contoso.com holds Global Administrator: remove the role first.');
    expect(lines[head + 13]).toBe(
      '          affects: user/user00000@contoso.com, user/user00001@contoso.com, user/user00002@contoso.com, user/user00003@contoso.com, user/user00004@contoso.com, user/user00005@contoso.com, user/user00006@contoso.com, user/user00007@contoso.com, user/user00008@contoso.com, user/user00009@contoso.com, and 2 more',
    );
  });

  it('are one row in the markdown table', () => {
    const out = renderMarkdown(manyAdmins(50));
    const rows = out.split('\n').filter((l) => l.startsWith('| ⛔ |'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('| `privileged-role` ×50 | user00000@contoso.com holds Global Administrator: remove the role first. (and 49 more like it) |');
    expect(rows[0]).toContain('and 40 more');
    expect(out).toContain('This plan cannot be applied: 50 blocking hazards (privileged-role)');
  });

  it('a table too long for the comment is cut with a count', () => {
    const plan = samplePlan();
    const out = renderMarkdown(plan, { limit: 2000, planFile: 'plan.json' });
    expect(out.length).toBeLessThanOrEqual(2000);
    const rows = out.split('\n').filter((l) => /^\| (⛔|🔴|🟡|ℹ️) \|/.test(l)).length;
    expect(rows).toBeLessThan(3);
    expect(out).toContain(`… ${3 - rows} more kinds of hazard not shown; run \`entra-soa show plan.json\` for all of them.`);
  });
});
