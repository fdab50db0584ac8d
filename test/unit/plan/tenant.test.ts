import { describe, expect, it } from 'vitest';
import { adUser, cloudRule, codes, desired, group, observed, outline, plan, syncedFrom } from './builders.js';

describe('tenant-wide disable', () => {
  const alice = adUser('alice', 1);
  const aliceE = syncedFrom(alice, 'e1');
  it('from sync on, directorySync: disabled → setTenantSync{false} + await 72 h; irreversible + stop-connect-first', () => {
    const p = plan(desired({ directorySync: 'disabled' }), observed({ ad: [alice], entra: [aliceE] }));
    expect(p.steps.map((s) => s.step)).toEqual([
      { kind: 'entra.setTenantSync', tenantId: '6f1c2d9e-0000-4000-8000-000000000001', enabled: false },
      { kind: 'sync.await', until: { kind: 'tenantSyncDisabled', tenantId: '6f1c2d9e-0000-4000-8000-000000000001' }, timeoutS: 259200 },
    ]);
    expect(outline(p)).toEqual(['s001 entra.setTenantSync', 's002 sync.await <- s001']);
    expect(p.hazards.map((h) => [h.code, h.consent ?? null, h.stepIds])).toEqual([
      ['irreversible-tenant-disable', 'irreversible', ['s001']],
      ['stop-connect-first', null, ['s001']],
      ['waits-for-sync', null, ['s002']],
    ]);
    expect(p.fingerprints).toHaveProperty('tenant');
  });

  it('a tenantDisable rule with clears → disable, then clears for synced users depending on the wait', () => {
    const r = cloudRule('everyone', { kind: 'all' }, 'tenantDisable', { clear: { immutableId: true, otherOnPremisesAttributes: false } });
    const p = plan(desired({ users: [r] }), observed({ ad: [alice], entra: [aliceE] }));
    expect(outline(p)).toEqual(['s001 entra.setTenantSync', 's002 sync.await <- s001', 's003 entra.setImmutableId <- s002']);
  });

  it('from a pending disable → blocking tenant-disable-pending, no steps', () => {
    const p = plan(desired({ directorySync: 'disabled' }), observed({ tenant: { onPremisesSyncEnabled: true, disablePending: true, disableRequestedAt: '2026-11-20T08:00:00Z' } }));
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(['tenant-disable-pending']);
    expect(p.applyable).toBe(false);
  });

  it('from already disabled → no step', () => {
    const p = plan(desired({ directorySync: 'disabled' }), observed({ tenant: { onPremisesSyncEnabled: false } }));
    expect(p.steps).toEqual([]);
    expect(p.hazards).toEqual([]);
  });
});

describe('tenant settings', () => {
  it('feature flags that differ → setSyncFeature{from,to} with tenant-wide-setting; equal ones → nothing', () => {
    const p = plan(desired({ features: { blockSoftMatch: true, softMatchOnUpn: false } }), observed({}));
    expect(p.steps.map((s) => s.step)).toEqual([{ kind: 'entra.setSyncFeature', feature: 'blockSoftMatch', from: false, to: true }]);
    expect(codes(p)).toEqual(['tenant-wide-setting']);
  });
  it('deletion threshold change → setDeletionThreshold{from,to}', () => {
    const p = plan(desired({ threshold: 1000 }), observed({}));
    expect(p.steps.map((s) => s.step)).toEqual([{ kind: 'entra.setDeletionThreshold', from: 500, to: 1000 }]);
  });
});

describe('groups', () => {
  it('synced groups → setGroupCloudManaged{to:true}, cloud groups → nothing, before users', () => {
    const gr = { name: 'convert-groups', selector: { kind: 'displayNames' as const, names: ['Sales Team', 'Cloud Only'] }, authority: 'cloud' as const, location: { file: 'manifest.yaml', line: 40, col: 5 } };
    const alice = adUser('alice', 1);
    const p = plan(
      desired({ groups: [gr], users: [cloudRule('u', { kind: 'all' }, 'sourceOfAuthority')] }),
      observed({ ad: [alice], entra: [syncedFrom(alice, 'e1')], groups: [group('g1', 'Sales Team', true), group('g2', 'Cloud Only', false)] }),
    );
    expect(p.steps.map((s) => [s.objectKey, s.step.kind])).toEqual([
      ['group/g1', 'entra.setGroupCloudManaged'],
      ['user/alice@contoso.com', 'entra.setCloudManaged'],
    ]);
  });
});
