import { describe, expect, it } from 'vitest';
import { MARKDOWN_LIMIT } from '../../../src/render/markdown.js';
import { decodePlan, encodePlan } from '../../../src/document/plan-document.js';
import { renderPlan } from '../../../src/render/index.js';
import { bigPlan } from '../render/sample-plan.js';

describe('rendering a 50,000-user plan', () => {
  const plan = bigPlan(50_000);
  plan.hazards = plan.steps.map((s) => ({
    code: 'waits-for-sync' as const,
    severity: 'info' as const,
    message: `waits for the next sync cycle for ${s.objectKey}`,
    stepIds: [s.id],
    objectKeys: [s.objectKey],
    blocking: false,
  }));

  it('encodes, decodes and renders every format in seconds', () => {
    const started = Date.now();
    const text = encodePlan(plan);
    expect(decodePlan(text, 'plan.json').plan?.steps).toHaveLength(50_000);
    const human = renderPlan(plan, 'human', { color: false });
    const md = renderPlan(plan, 'markdown', { color: false });
    const seconds = (Date.now() - started) / 1000;
    expect(human).toContain('  info    waits-for-sync ×50000\n');
    expect(human.trimEnd().split('\n').at(-1)).toBe('Plan: 0 to add, 50000 to change, 0 to remove, 0 waits.');
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toContain('| ℹ️ | info | `waits-for-sync` ×50000 |');
    expect(seconds).toBeLessThan(15);
  });
});
