/**
 * The executor's scheduling on plans far larger than a workflow test makes: dependency chains tens of
 * thousands of steps long. Lab Graph over HTTP through the real SDK client.
 */
import { describe, expect, it } from 'vitest';
import type { Plan, PlannedStep } from '../../../src/model/plan.js';
import { labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { labHarnessPerTest } from './lab-harness.js';

const h = labHarnessPerTest();

/** The one real step of `plan`, repeated `length` times, each depending on the one before. */
function chainOf(plan: Plan, length: number): Plan {
  const [only] = plan.steps;
  if (!only) throw new Error('expected one planned step');
  const id = (n: number) => `s${String(n).padStart(6, '0')}`;
  const steps: PlannedStep[] = Array.from({ length }, (_, i) => ({ ...only, id: id(i + 1), dependsOn: i === 0 ? [] : [id(i)] }));
  return { ...plan, steps, summary: { ...plan.summary, change: length } };
}

describe('scheduling long dependency chains', () => {
  it('from a 50,000-step chain whose first step fails → 1 failed, 49,999 not run, each naming its dependency (no stack overflow)', async () => {
    const desired = loadDesired(labManifest('users: []', { tenantExtra: '  accidentalDeletionThreshold: 600' }));
    const plan = chainOf(await h.plan(desired), 50_000);
    expect(plan.steps[0]?.step.kind).toBe('entra.setDeletionThreshold');
    await h.setFaults({
      rules: [{ action: { kind: 'error', status: 400, code: 'Request_BadRequest' }, method: 'PATCH', pathPattern: 'directory/onPremisesSynchronization' }],
    });

    const { report } = await h.apply(plan, desired);

    expect(report.counts).toMatchObject({ done: 0, failed: 1, 'not-run': 49_999 });
    expect(report.results[0]?.status).toBe('failed');
    expect(report.results[49_999]?.message).toContain('depends on s049999, which did not run');
    expect(report.results[1]?.message).toContain('depends on s000001, which failed');
  });
});
