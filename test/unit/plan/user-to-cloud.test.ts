import { describe, expect, it } from 'vitest';
import { codes, adUser, cloudRule, deletedFrom, desired, observed, outline, plan, syncedFrom, UNSYNCED_OU } from './builders.js';

const alice = adUser('alice', 1);
const aliceE = syncedFrom(alice, 'e1');
const soa = cloudRule('sales-to-cloud', { kind: 'upn', upn: 'alice@contoso.com' }, 'sourceOfAuthority', { location: { file: 'manifest.yaml', line: 14, col: 5 } });

describe('synced user → cloud by the SOA switch', () => {
  it('from synced alice → to one setCloudManaged{to:true} with the rule and location in the reason', () => {
    const p = plan(desired({ users: [soa] }), observed({ ad: [alice], entra: [aliceE] }));
    expect(p.steps).toEqual([
      {
        id: 's001',
        objectKey: 'user/alice@contoso.com',
        step: { kind: 'entra.setCloudManaged', userId: 'e1', upn: 'alice@contoso.com', to: true },
        dependsOn: [],
        hazardCodes: [],
        reason: 'rule sales-to-cloud (manifest.yaml:14:5): synced user alice@contoso.com → cloud via the per-object switch (isCloudManaged: true)',
        action: 'change',
      },
    ]);
    expect(p.summary).toEqual({ add: 0, change: 1, remove: 0, wait: 0 });
    expect(p.applyable).toBe(true);
    expect(Object.keys(p.fingerprints)).toEqual(['user/alice@contoso.com']);
  });

  it('from an already cloud-managed user → no step', () => {
    const p = plan(desired({ users: [soa] }), observed({ ad: [alice], entra: [{ ...aliceE, isCloudManaged: true, onPremisesSyncEnabled: null }] }));
    expect(p.steps).toEqual([]);
    expect(p.applyable).toBe(true);
  });

  it('from a synced Global Administrator → blocking privileged-role, no step', () => {
    const admin = { ...aliceE, roles: [{ role: 'Global Administrator', state: 'active' as const, privileged: true }] };
    const p = plan(desired({ users: [soa] }), observed({ ad: [alice], entra: [admin] }));
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.hazards[0]?.blocking).toBe(true);
    expect(p.applyable).toBe(false);
  });

  // The attributes Microsoft documents as clearable; onPremisesLastSyncDateTime is not one of them
  // (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes).
  it('with clear options → clears after the switch, depending on it; never onPremisesLastSyncDateTime', () => {
    const rule = { ...soa, clear: { immutableId: true, otherOnPremisesAttributes: true } };
    const p = plan(desired({ users: [rule] }), observed({ ad: [alice], entra: [aliceE] }));
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged', 's002 entra.setImmutableId <- s001', 's003 entra.clearOnPremisesAttributes <- s001']);
    expect(p.steps[1]?.step).toEqual({ kind: 'entra.setImmutableId', userId: 'e1', upn: 'alice@contoso.com', from: aliceE.onPremisesImmutableId, to: null });
    expect(p.steps[2]?.step).toEqual({
      kind: 'entra.clearOnPremisesAttributes',
      userId: 'e1',
      upn: 'alice@contoso.com',
      attributes: {
        onPremisesDistinguishedName: alice.dn,
        onPremisesDomainName: 'contoso.com',
        onPremisesSamAccountName: 'alice',
        onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1001',
        onPremisesUserPrincipalName: 'alice@contoso.com',
      },
    });
    // onPremisesLastSyncDateTime is not among the attributes Microsoft lets an admin clear
    expect(Object.keys((p.steps[2]?.step as { attributes: object }).attributes)).not.toContain('onPremisesLastSyncDateTime');
  });

  it('clear.objectIdentifier → onPremisesObjectIdentifier joins the clear; without it, otherOnPremisesAttributes leaves it alone', () => {
    const mapped = { ...aliceE, onPremisesObjectIdentifier: alice.objectGuid };
    const attributesOf = (clear: { immutableId: boolean; otherOnPremisesAttributes: boolean; objectIdentifier?: boolean }) => {
      const p = plan(desired({ users: [{ ...soa, clear }] }), observed({ ad: [alice], entra: [mapped] }));
      const s = p.steps.find((x) => x.step.kind === 'entra.clearOnPremisesAttributes')?.step;
      return s?.kind === 'entra.clearOnPremisesAttributes' ? Object.keys(s.attributes) : [];
    };
    expect(attributesOf({ immutableId: false, otherOnPremisesAttributes: true })).not.toContain('onPremisesObjectIdentifier');
    expect(attributesOf({ immutableId: false, otherOnPremisesAttributes: false, objectIdentifier: true })).toEqual(['onPremisesObjectIdentifier']);
    expect(attributesOf({ immutableId: false, otherOnPremisesAttributes: true, objectIdentifier: true })).toEqual([
      'onPremisesDistinguishedName',
      'onPremisesDomainName',
      'onPremisesSamAccountName',
      'onPremisesSecurityIdentifier',
      'onPremisesUserPrincipalName',
      'onPremisesObjectIdentifier',
    ]);
  });
});

describe('synced user → cloud by scope removal', () => {
  const rule = cloudRule('retire', { kind: 'upn', upn: 'alice@contoso.com' }, 'scopeRemoval');
  it('from synced, in scope → move, wait soft-delete, restore, reset password; hazards disruption+password+waits', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [alice], entra: [aliceE] }));
    expect(outline(p)).toEqual(['s001 ad.move', 's002 sync.await <- s001', 's003 entra.restoreDeleted <- s002', 's004 entra.resetPassword <- s003']);
    expect(p.steps.map((s) => s.action)).toEqual(['remove', 'wait', 'add', 'change']);
    expect(p.steps[0]?.step).toEqual({ kind: 'ad.move', dn: alice.dn, toOu: UNSYNCED_OU, upn: 'alice@contoso.com' });
    expect(p.steps[1]?.step).toEqual({ kind: 'sync.await', until: { kind: 'userSoftDeleted', userId: 'e1', upn: 'alice@contoso.com' }, timeoutS: 7200 });
    expect(p.steps[2]?.step).toEqual({ kind: 'entra.restoreDeleted', deletedId: 'e1', upn: 'alice@contoso.com' });
    expect(p.hazards.map((h) => [h.code, h.stepIds, h.consent ?? null])).toEqual([
      ['user-disruption', ['s001'], 'disruptive'],
      ['waits-for-sync', ['s002'], null],
      ['password-reset', ['s004'], 'disruptive'],
    ]);
    expect(p.applyable).toBe(true);
  });

  it('mid-way: AD user already in the unsynced OU, cloud user not yet deleted → wait onwards', () => {
    const moved = { ...alice, dn: `CN=alice,${UNSYNCED_OU}` };
    const p = plan(desired({ users: [rule] }), observed({ ad: [moved], entra: [aliceE] }));
    expect(outline(p)).toEqual(['s001 sync.await', 's002 entra.restoreDeleted <- s001', 's003 entra.resetPassword <- s002']);
    expect(codes(p)).toContain('user-disruption');
  });

  it('mid-way: user already soft-deleted → restore onwards (with clears depending on the restore)', () => {
    const moved = { ...alice, dn: `CN=alice,${UNSYNCED_OU}` };
    const r = { ...rule, clear: { immutableId: true, otherOnPremisesAttributes: false } };
    const p = plan(desired({ users: [r] }), observed({ ad: [moved], deleted: [deletedFrom(aliceE)] }));
    expect(outline(p)).toEqual(['s001 entra.restoreDeleted', 's002 entra.resetPassword <- s001', 's003 entra.setImmutableId <- s001']);
    expect(codes(p)).toEqual(['password-reset']);
  });

  it('mid-way: soft-deleted with the id-prefixed UPN Entra gives deleted users → steps name the original UPN', () => {
    const moved = { ...alice, dn: `CN=alice,${UNSYNCED_OU}` };
    const gone = { ...deletedFrom(aliceE), id: '33e89bc6-7a82-484c-a270-fdf02b1f8384', userPrincipalName: '33e89bc67a82484ca270fdf02b1f8384alice@contoso.com' };
    const p = plan(desired({ users: [rule] }), observed({ ad: [moved], deleted: [gone] }));
    expect(p.steps[0]?.step).toEqual({ kind: 'entra.restoreDeleted', deletedId: '33e89bc6-7a82-484c-a270-fdf02b1f8384', upn: 'alice@contoso.com' });
  });

  it('mid-way: already restored as cloud-only → only the clears', () => {
    const moved = { ...alice, dn: `CN=alice,${UNSYNCED_OU}` };
    const restored = { ...aliceE, onPremisesSyncEnabled: false };
    const r = { ...rule, clear: { immutableId: true, otherOnPremisesAttributes: false } };
    const p = plan(desired({ users: [r] }), observed({ ad: [moved], entra: [restored] }));
    expect(outline(p)).toEqual(['s001 entra.setImmutableId']);
    expect(codes(p)).toEqual([]);
  });

  it('more deletions than the threshold → deletion-threshold hazard (consent exceedDeletionThreshold)', () => {
    const ads = [adUser('u1', 11), adUser('u2', 12), adUser('u3', 13)];
    const es = ads.map((a, n) => syncedFrom(a, `e${n}`));
    const all = cloudRule('retire-all', { kind: 'all' }, 'scopeRemoval');
    const p = plan(desired({ users: [all] }), observed({ ad: ads, entra: es, tenant: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 2 } } }));
    const h = p.hazards.find((x) => x.code === 'deletion-threshold');
    expect(h?.consent).toBe('exceedDeletionThreshold');
    expect(h?.objectKeys).toEqual(['user/u1@contoso.com', 'user/u2@contoso.com', 'user/u3@contoso.com']);
    expect(h?.stepIds).toEqual(['s001', 's005', 's009']);
  });

  it('a raised threshold in the manifest → setDeletionThreshold first, moves depend on it, no threshold hazard', () => {
    const ads = [adUser('u1', 11), adUser('u2', 12), adUser('u3', 13)];
    const es = ads.map((a, n) => syncedFrom(a, `e${n}`));
    const all = cloudRule('retire-all', { kind: 'all' }, 'scopeRemoval');
    const p = plan(desired({ users: [all], threshold: 10 }), observed({ ad: ads, entra: es, tenant: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 2 } } }));
    expect(p.steps[0]?.step).toEqual({ kind: 'entra.setDeletionThreshold', from: 2, to: 10 });
    expect(p.steps[1]?.dependsOn).toEqual(['s001']);
    expect(codes(p)).not.toContain('deletion-threshold');
  });
});
