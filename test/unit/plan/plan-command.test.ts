/**
 * `plan --detailed-exitcode` and `plan --target`, run in-process on the committed examples
 * (the planner side of issue 7 §3 and §7; the rest of the command is tested in test/e2e).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/io.js';
import { planExitCode, runPlan, type PlanArgs } from '../../../src/cli/plan.js';
import { decodePlan } from '../../../src/document/plan-document.js';
import { captureIo } from '../../helpers/cli-io.js';
import { emptyPlan, samplePlan } from '../render/sample-plan.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const args = (example: string, over: Partial<PlanArgs> = {}): PlanArgs =>
  ({ file: `examples/${example}/manifest.yaml`, snapshot: `examples/${example}/snapshot.json`, format: 'json', detailedExitcode: true, ...over });

describe('planExitCode', () => {
  it('from plan states → 0 nothing, 2 applyable changes, 4 not applyable (with or without steps), 1 error diagnostics', () => {
    const applyable = { ...samplePlan(), applyable: true, hazards: [] };
    expect(planExitCode(emptyPlan(), true)).toBe(EXIT.ok);
    expect(planExitCode(applyable, true)).toBe(EXIT.changes);
    expect(planExitCode(samplePlan(), true)).toBe(EXIT.notApplyable);
    expect(planExitCode({ ...emptyPlan(), applyable: false, hazards: samplePlan().hazards.slice(1, 2) }, true)).toBe(EXIT.notApplyable);
    expect(planExitCode({ ...applyable, diagnostics: [{ severity: 'error', code: 'x', message: 'y' }] }, true)).toBe(EXIT.error);
    // without --detailed-exitcode a plan is a success whatever it holds
    expect(planExitCode(samplePlan(), false)).toBe(EXIT.ok);
    expect(EXIT.notApplyable).toBe(4);
  });
});

describe('plan on the examples', () => {
  it('hard-link (privileged contractors blocked) with --detailed-exitcode → exit 4, not 0 or 2', async () => {
    const c = captureIo(ROOT);
    expect(await runPlan(c.io, args('hard-link'))).toBe(4);
    expect(decodePlan(c.text(), 'plan.json').plan?.applyable).toBe(false);
  });

  it('--target one contractor → a partial plan of that user and the feature step it needs; exit 2; targets recorded', async () => {
    const c = captureIo(ROOT);
    const code = await runPlan(c.io, args('hard-link', { target: ['victor.lang@contractors.contoso.com'] }));
    const plan = decodePlan(c.text(), 'plan.json').plan;
    expect(plan?.targets).toEqual(['victor.lang@contractors.contoso.com']);
    expect(plan?.steps.map((s) => `${s.id} ${s.objectKey} ${s.step.kind}`)).toEqual([
      's001 tenant entra.setSyncFeature',
      's002 user/victor.lang@contractors.contoso.com entra.setImmutableId',
      's003 user/victor.lang@contractors.contoso.com sync.await',
    ]);
    expect(plan?.diagnostics.map((d) => d.code)).toEqual(['partial-plan']);
    expect(code).toBe(2);
  });

  it('--target that names nothing → exit 1 with target-matches-nothing', async () => {
    const c = captureIo(ROOT);
    expect(await runPlan(c.io, args('hard-link', { target: ['link-contractor'] }))).toBe(1);
    expect(decodePlan(c.text(), 'plan.json').plan?.diagnostics.map((d) => d.code)).toEqual(['partial-plan', 'target-matches-nothing']);
  });

  it('the human view says the plan is partial', async () => {
    const c = captureIo(ROOT);
    await runPlan(c.io, args('hard-link', { target: ['link-contractors'], format: 'human' }));
    expect(c.text().split('\n')[4]).toBe('  partial:  only link-contractors (--target); the rest of the manifest is not planned');
  });
});
