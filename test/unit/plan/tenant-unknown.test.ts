import { describe, expect, it } from 'vitest';
import { DELEGATED_ONLY_STEP_KINDS } from '../../../src/steps/index.js';
import { adUser, cloudRule, cloudUser, codes, desired, observed, onPremRule, outline, plan, syncedFrom } from './builders.js';

// GET /directory/onPremisesSynchronization is delegated-only (a signed-in Global Administrator):
// under an application sign-in features and accidentalDeletionPrevention read as null.
const UNREAD = { features: null, accidentalDeletionPrevention: null };
const bob = adUser('bob', 2);
const hard = onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard');
const hazard = (p: ReturnType<typeof plan>, code: string) => p.hazards.filter((h) => h.code === code);

describe('tenant sync settings unknown (application sign-in)', () => {
  it('a plan that relies on no setting (SOA switch) → works as usual, no hazard', () => {
    const a = adUser('alice', 1);
    const p = plan(desired({ users: [cloudRule('soa', { kind: 'all' }, 'sourceOfAuthority')] }), observed({ ad: [a], entra: [syncedFrom(a, 'e1')], tenant: UNREAD }));
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged']);
    expect(codes(p)).toEqual([]);
    expect(p.applyable).toBe(true);
  });

  it('a hard link, the takeover block neither read nor stated → planned, with a hazard naming its wait and how to give the value', () => {
    const p = plan(desired({ users: [hard] }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2')], tenant: UNREAD }));
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
    const [h] = hazard(p, 'tenant-settings-unknown');
    expect(h).toMatchObject({ severity: 'warning', blocking: false, stepIds: ['s002'], objectKeys: ['user/bob@contoso.com'] });
    expect(h?.message).toContain('whether blockCloudObjectTakeoverThroughHardMatch is on could not be read');
    expect(h?.message).toContain('--auth device-code or --auth interactive as a Global Administrator');
    expect(h?.message).toContain('or state tenant.features.blockCloudObjectTakeoverThroughHardMatch in the manifest');
    expect(p.applyable).toBe(true);
  });

  it('a soft link, blockSoftMatch unknown → the hazard names blockSoftMatch', () => {
    const carol = adUser('carol', 3);
    const p = plan(desired({ users: [onPremRule('soft', { kind: 'upn', upn: 'carol@contoso.com' }, 'soft')] }), observed({ ad: [carol], entra: [cloudUser('carol', 'e3')], tenant: UNREAD }));
    expect(hazard(p, 'tenant-settings-unknown')[0]?.message).toContain('whether blockSoftMatch is on could not be read');
  });

  it('the manifest states the setting → taken as the value in force: no step changes it, one hazard lists the assumption', () => {
    const p = plan(desired({ users: [hard], features: { blockCloudObjectTakeoverThroughHardMatch: false } }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2')], tenant: UNREAD }));
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
    const hs = hazard(p, 'tenant-settings-unknown');
    expect(hs).toHaveLength(1);
    expect(hs[0]?.message).toContain('takes what the manifest states as the values in force and changes none of them (blockCloudObjectTakeoverThroughHardMatch: false)');
  });

  it('the manifest states the block is on → the hard link is refused as when read', () => {
    const p = plan(desired({ users: [hard], features: { blockCloudObjectTakeoverThroughHardMatch: true } }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2')], tenant: UNREAD }));
    expect(codes(p)).toContain('hard-match-blocked');
  });

  it('a rollback with the block unknown → no lift can be planned: the switch and wait are named in the hazard', () => {
    const dora = adUser('dora', 5);
    const p = plan(desired({ users: [onPremRule('back', { kind: 'upn', upn: 'dora@contoso.com' }, 'hard')] }), observed({ ad: [dora], entra: [syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null })], tenant: UNREAD }));
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged', 's002 sync.await <- s001']);
    expect(hazard(p, 'tenant-settings-unknown')[0]?.stepIds).toEqual(['s001', 's002']);
  });

  it('a rollback with the block stated on → lift and put back, both marked as needing a delegated sign-in', () => {
    const dora = adUser('dora', 5);
    const p = plan(
      desired({ users: [onPremRule('back', { kind: 'upn', upn: 'dora@contoso.com' }, 'hard')], features: { blockCloudObjectTakeoverThroughHardMatch: true } }),
      observed({ ad: [dora], entra: [syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null })], tenant: UNREAD }),
    );
    expect(outline(p)).toEqual(['s001 entra.setSyncFeature', 's002 entra.setCloudManaged <- s001', 's003 sync.await <- s002', 's004 entra.setSyncFeature <- s003']);
    expect(p.steps.map((s) => s.requiresDelegatedSignIn ?? false)).toEqual([true, false, false, true]);
  });
});

describe('steps Graph accepts only from a signed-in user are marked', () => {
  it('feature and threshold steps → requiresDelegatedSignIn: true; every other step → absent', () => {
    const a = adUser('alice', 1);
    const p = plan(
      desired({ users: [cloudRule('soa', { kind: 'all' }, 'sourceOfAuthority')], features: { blockSoftMatch: true }, threshold: 900 }),
      observed({ ad: [a], entra: [syncedFrom(a, 'e1')] }),
    );
    expect(p.steps.map((s) => [s.step.kind, s.requiresDelegatedSignIn ?? false])).toEqual([
      ['entra.setSyncFeature', true],
      ['entra.setDeletionThreshold', true],
      ['entra.setCloudManaged', false],
    ]);
    for (const s of p.steps) expect(s.requiresDelegatedSignIn === true).toBe((DELEGATED_ONLY_STEP_KINDS as readonly string[]).includes(s.step.kind));
  });
});
