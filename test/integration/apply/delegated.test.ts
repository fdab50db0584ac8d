/**
 * Steps Graph accepts only from a signed-in user (DELEGATED_ONLY_STEP_KINDS: the tenant's sync features and
 * deletion threshold, `PATCH /directory/onPremisesSynchronization`, Global Administrator only) are refused
 * under an application sign-in before anything changes, naming them and how to sign in (issue 8 §3).
 */
import { describe, expect, it } from 'vitest';
import { labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { labHarnessPerTest } from './lab-harness.js';

const h = labHarnessPerTest();

const ELLA = 'ella.young@lab.example.test';
const desired = loadDesired(
  labManifest(
    `users:
  - name: ella
    select: { upn: ${ELLA} }
    authority: cloud
    method: sourceOfAuthority`,
    { tenantExtra: '  features:\n    blockSoftMatch: false\n  accidentalDeletionThreshold: 400' },
  ),
);
const features = () => h.lab.tenant.toJSON().onPremisesSynchronization;
const ella = () => h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === ELLA);

describe('delegated-only steps', () => {
  it('under an application sign-in: refused before anything changes, naming each step and how to sign in', async () => {
    const plan = await h.plan(desired);
    expect(plan.steps.map((s) => s.step.kind)).toEqual(['entra.setSyncFeature', 'entra.setDeletionThreshold', 'entra.setCloudManaged']);
    const before = JSON.stringify(features());

    const { report } = await h.apply(plan, desired, { signIn: 'application' });

    expect(report.refusal).toEqual({
      code: 'delegated-sign-in-required',
      messages: [
        's001 set the sync feature blockSoftMatch to false: Graph accepts this change only from a signed-in Global Administrator, not from an application',
        's002 set the accidental-deletion threshold to 400: Graph accepts this change only from a signed-in Global Administrator, not from an application',
        'Nothing was changed. Run apply again signed in as a Global Administrator (--auth device-code, or --auth interactive where a browser is available), ' +
          'or make these changes in the Entra admin center and plan again. See docs/graph-access.md.',
      ],
    });
    expect(report.results).toEqual([]);
    expect(JSON.stringify(features())).toBe(before);
    expect(ella()?.isCloudManaged).toBe(false);
  });

  it('signed in as a user (delegated): the same plan runs', async () => {
    const plan = await h.plan(desired);
    const { report } = await h.apply(plan, desired, { signIn: 'user' });
    expect(report.refusal).toBeNull();
    expect(report.counts.done).toBe(3);
    expect(features().features.blockSoftMatchEnabled).toBe(false);
  });

  it('an application sign-in with only steps it may do: not refused', async () => {
    const only = loadDesired(labManifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: sourceOfAuthority`));
    const plan = await h.plan(only);
    const { report } = await h.apply(plan, only, { signIn: 'application' });
    expect(report.refusal).toBeNull();
    expect(ella()?.isCloudManaged).toBe(true);
  });
});
