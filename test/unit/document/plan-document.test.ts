import { describe, expect, it } from 'vitest';
import { decodePlan, encodePlan } from '../../../src/document/plan-document.js';
import { bigPlan, emptyPlan, samplePlan } from '../render/sample-plan.js';

describe('plan document', () => {
  it('round-trips a plan with every step kind: decode(encode(p)) equals p', () => {
    const plan = samplePlan();
    const decoded = decodePlan(encodePlan(plan), 'plan.json');
    expect(decoded.diagnostics).toEqual([]);
    expect(decoded.plan).toEqual(plan);
  });

  it('round-trips an empty plan and a large one', () => {
    for (const plan of [emptyPlan(), bigPlan(300)]) {
      expect(decodePlan(encodePlan(plan), 'plan.json').plan).toEqual(plan);
    }
  });

  it('writes fixed key order, 2-space indent and a trailing newline', () => {
    const text = encodePlan(samplePlan());
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'kind',
      'formatVersion',
      'tool',
      'createdAt',
      'manifest',
      'source',
      'join',
      'applyable',
      'consentGiven',
      'summary',
      'steps',
      'hazards',
      'diagnostics',
      'fingerprints',
    ]);
    expect(text.split('\n')[1]).toBe('  "kind": "entra-soa/plan",');
    // fingerprints sorted by object key
    expect(Object.keys(JSON.parse(text).fingerprints)).toEqual(['tenant', 'user/alice@contoso.com', 'user/bob@contoso.com']);
  });

  it('is byte-identical for equal plans built in a different key order', () => {
    const a = samplePlan();
    const b = samplePlan();
    const reordered = Object.fromEntries(Object.entries(b).reverse()) as unknown as typeof b;
    reordered.steps = b.steps.map((s) => Object.fromEntries(Object.entries(s).reverse()) as unknown as typeof s);
    reordered.fingerprints = Object.fromEntries(Object.entries(b.fingerprints).reverse());
    expect(encodePlan(reordered)).toBe(encodePlan(a));
  });

  it('reports invalid JSON with its line and column', () => {
    const result = decodePlan('{\n  "kind": "entra-soa/plan",\n  oops\n}', 'plan.json');
    expect(result.plan).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]?.code).toBe('plan-syntax');
    expect(result.diagnostics[0]?.location).toEqual({ file: 'plan.json', line: 3, col: 3 });
  });

  it('refuses a document that is not a plan, naming its kind', () => {
    const result = decodePlan(JSON.stringify({ kind: 'entra-soa/snapshot', formatVersion: 1 }), 'state.json');
    expect(result.plan).toBeNull();
    expect(result.diagnostics[0]?.code).toBe('plan-kind');
    expect(result.diagnostics[0]?.message).toContain('its kind is "entra-soa/snapshot"');
  });

  it('refuses a newer format version and says which entra-soa is needed', () => {
    const doc = JSON.parse(encodePlan(samplePlan()));
    doc.formatVersion = 2;
    doc.tool.version = '1.4.0';
    const result = decodePlan(JSON.stringify(doc), 'plan.json');
    expect(result.plan).toBeNull();
    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'plan-format-version',
        message:
          'plan.json has plan format version 2, written by entra-soa 1.4.0; this entra-soa reads format version 1 only. Use entra-soa 1.4.0 or later to show or apply it, or plan again with this version.',
        location: { file: 'plan.json', line: 1, col: 42 },
      },
    ]);
  });

  it('names the path of each structural problem', () => {
    const doc = JSON.parse(encodePlan(samplePlan()));
    doc.steps[2].step.upn = 42;
    doc.steps[4].step.kind = 'ad.delete';
    delete doc.summary.wait;
    doc.hazards[0].code = 'made-up';
    const result = decodePlan(JSON.stringify(doc), 'plan.json');
    expect(result.plan).toBeNull();
    const messages = result.diagnostics.map((d) => d.message);
    expect(result.diagnostics.every((d) => d.code === 'plan-structure')).toBe(true);
    expect(messages.some((m) => m.includes('steps[2].step.upn must be a string (got 42)'))).toBe(true);
    expect(messages.some((m) => m.includes('steps[4].step.kind must be one of'))).toBe(true);
    expect(messages.some((m) => m.includes('summary.wait must be a whole number >= 0 (it is missing)'))).toBe(true);
    expect(messages.some((m) => m.includes('hazards[0].code must be one of'))).toBe(true);
  });

  it('keeps an object key named __proto__ as a key', () => {
    const plan = { ...emptyPlan(), fingerprints: JSON.parse('{"__proto__": "abc", "user/a": "def"}') as Record<string, string> };
    const text = encodePlan(plan);
    expect(text).toContain('"__proto__": "abc"');
    const decoded = decodePlan(text, 'plan.json').plan;
    expect(Object.keys(decoded?.fingerprints ?? {})).toEqual(['__proto__', 'user/a']);
    expect(Object.getPrototypeOf(decoded?.fingerprints)).toBe(Object.prototype);
  });

  it('refuses duplicate step ids and dependencies on steps that do not exist', () => {
    const doc = JSON.parse(encodePlan(samplePlan()));
    doc.steps[1].id = 's001';
    doc.steps[3].dependsOn = ['s003', 's999'];
    const result = decodePlan(JSON.stringify(doc), 'plan.json');
    expect(result.plan).toBeNull();
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'plan.json is not a valid plan document: steps[1].id "s001" is used by an earlier step too; step ids must be unique. Was it edited by hand? Plan again to get a fresh one.',
      'plan.json is not a valid plan document: steps[3].dependsOn[1] names "s999", which is not a step of this plan. Was it edited by hand? Plan again to get a fresh one.',
    ]);
  });
});
