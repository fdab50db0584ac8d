/**
 * Issue 12 §7: plan file errors carry file:line:col, a dependency cycle or a dangling dependency is
 * an error, and no malformed value (huge, deeply nested) escapes decodePlan as an exception.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import { decodePlan, encodePlan } from '../../../src/document/plan-document.js';
import { samplePlan } from '../render/sample-plan.js';

type Doc = { steps: { id: string; dependsOn: string[]; step: Record<string, unknown> }[]; createdAt: unknown; [k: string]: unknown };

function doc(): Doc {
  return JSON.parse(encodePlan(samplePlan())) as Doc;
}

/** The 1-based line and column of the first occurrence of `needle` in `text`. */
function position(text: string, needle: string): string {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

describe('plan file errors carry file:line:col', () => {
  it('a wrong type is located at the value', () => {
    const d = doc();
    d.steps[2]!.step['upn'] = 42;
    const text = JSON.stringify(d, null, 2);
    const [first] = decodePlan(text, 'plan.json').diagnostics.map(formatDiagnostic);
    expect(first).toBe(
      `plan.json:${position(text, '"upn": 42').replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + 7}`)}: error plan-structure: plan.json is not a valid plan document: steps[2].step.upn must be a string (got 42). Was it edited by hand? Plan again to get a fresh one.`,
    );
  });

  it('a missing field is located at the object that lacks it', () => {
    const d = doc();
    delete (d as { summary: { wait?: number } } & Doc).summary.wait;
    const text = JSON.stringify(d, null, 2);
    const r = decodePlan(text, 'plan.json');
    expect(r.diagnostics[0]?.location).toEqual({ file: 'plan.json', line: Number(position(text, '"summary": {').split(':')[0]), col: 14 });
  });

  it('invalid JSON whose Node message has no position (and quotes the text) is located by entra-soa, without the excerpt', () => {
    const text = '{\n  "kind": "entra-soa/plan",\n  "secret": "hunter2",\n  "x": }\n';
    const [d] = decodePlan(text, 'plan.json').diagnostics;
    expect(d?.location).toEqual({ file: 'plan.json', line: 4, col: 8 });
    expect(d?.message).toBe(
      "plan.json is not valid JSON (expected a value (a string, number, object, array, true, false or null), found '}'); a plan file is written by `entra-soa plan --out`.",
    );
  });

  it('the wrong kind is located at kind, the wrong format version at formatVersion', () => {
    expect(decodePlan('{\n  "kind": "entra-soa/snapshot"\n}', 'x.json').diagnostics[0]?.location).toEqual({ file: 'x.json', line: 2, col: 11 });
    expect(decodePlan('{"kind": "entra-soa/plan",\n"formatVersion": "one"}', 'x.json').diagnostics[0]?.location).toEqual({ file: 'x.json', line: 2, col: 18 });
  });
});

describe('dependencies in a plan file', () => {
  it('a two-step cycle is an error at the dependency that closes it', () => {
    const d = doc();
    d.steps[2]!.dependsOn = ['s004'];
    const text = JSON.stringify(d, null, 2);
    const r = decodePlan(text, 'plan.json');
    expect(r.plan).toBeNull();
    expect(r.diagnostics.map((x) => x.message)).toEqual([
      'plan.json is not a valid plan document: steps[3].dependsOn[0] closes a dependency cycle ("s003" → "s004" → "s003"): none of these steps could ever start. Was it edited by hand? Plan again to get a fresh one.',
    ]);
    expect(r.diagnostics[0]?.location?.line).toBeGreaterThan(1);
  });

  it('a step that depends on itself, and a longer cycle with a tail, one error each', () => {
    const d = doc();
    d.steps[0]!.dependsOn = ['s001'];
    d.steps[4]!.dependsOn = ['s005'.replace('5', '6')];
    d.steps[5]!.dependsOn = ['s007'];
    d.steps[6]!.dependsOn = ['s005'];
    d.steps[7]!.dependsOn = ['s006'];
    const r = decodePlan(JSON.stringify(d), 'plan.json');
    expect(r.diagnostics.map((x) => x.message.replace(/^plan\.json is not a valid plan document: /, '').replace(/\. Was it edited.*$/, ''))).toEqual([
      'steps[0].dependsOn[0] closes a dependency cycle ("s001" → "s001"): none of these steps could ever start',
      'steps[6].dependsOn[0] closes a dependency cycle ("s005" → "s006" → "s007" → "s005"): none of these steps could ever start',
    ]);
  });

  it('a dependency on a step that is not in the plan is an error located at it', () => {
    const d = doc();
    d.steps[3]!.dependsOn = ['s999'];
    const text = JSON.stringify(d, null, 2);
    const [x] = decodePlan(text, 'plan.json').diagnostics;
    expect(x?.message).toContain('steps[3].dependsOn[0] names "s999", which is not a step of this plan');
    expect(`${x?.location?.line}:${x?.location?.col}`).toBe(position(text, '"s999"'));
  });

  it('an acyclic plan with shared dependencies (a diamond) is fine', () => {
    const d = doc();
    d.steps[1]!.dependsOn = ['s001'];
    d.steps[2]!.dependsOn = ['s001'];
    d.steps[3]!.dependsOn = ['s002', 's003', 's003'];
    expect(decodePlan(JSON.stringify(d), 'plan.json').diagnostics).toEqual([]);
  });
});

describe('malformed values never escape as exceptions', () => {
  it('a 200,000-deep array in place of a string → a plan-structure error describing it', () => {
    const text = encodePlan(samplePlan()).replace(/"createdAt": "[^"]*"/, `"createdAt": ${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    const r = decodePlan(text, 'plan.json');
    expect(r.plan).toBeNull();
    expect(r.diagnostics[0]?.message).toContain('createdAt must be a string (got an array of 1)');
  });

  it('a 1 MB string in place of a number is cut in the message', () => {
    const d = doc();
    (d as { summary: Record<string, unknown> } & Doc).summary['add'] = 'x'.repeat(1_000_000);
    const r = decodePlan(JSON.stringify(d), 'plan.json');
    expect(r.diagnostics[0]?.message.length).toBeLessThan(300);
  });
});
