import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/plan.js';
import { restoreWindow } from '../../../src/plan/restore-window.js';
import { adUser, cloudRule, cloudUser, codes, deletedFrom, desired, group, observed, onPremRule, outline, plan, syncedFrom, UNSYNCED_OU } from './builders.js';

/** The longest chain of sync waits in a plan: the sync cycles it needs, at least. */
function cyclesNeeded(p: Plan): number {
  const depth = new Map<string, number>();
  for (const s of p.steps) {
    const before = Math.max(0, ...s.dependsOn.map((d) => depth.get(d) ?? 0));
    depth.set(s.id, before + (s.step.kind === 'sync.await' ? 1 : 0));
  }
  return Math.max(0, ...depth.values());
}

describe('restore window (30 days after deletedDateTime)', () => {
  const alice = adUser('alice', 1, { dn: `CN=alice,${UNSYNCED_OU}` });
  const aliceE = syncedFrom(adUser('alice', 1), 'e1');
  const rule = cloudRule('retire', { kind: 'upn', upn: 'alice@contoso.com' }, 'scopeRemoval');

  it('restoreWindow: deleted 2026-10-01 → ends 2026-10-31; open before, closed at and after', () => {
    expect(restoreWindow('2026-10-01T10:00:00Z', '2026-10-31T09:59:59Z')).toEqual({ endsAt: '2026-10-31T10:00:00.000Z', open: true, remainingS: 1 });
    expect(restoreWindow('2026-10-01T10:00:00Z', '2026-10-31T10:00:00Z')).toMatchObject({ open: false, remainingS: 0 });
    expect(restoreWindow('2026-10-01T10:00:00Z', '2026-11-21T12:00:00Z')?.open).toBe(false);
    expect(restoreWindow('not a date', '2026-11-21T12:00:00Z')).toBeNull();
  });

  it('deleted more than 30 days before the plan → blocking restore-window naming the date; no restore step', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [alice], deleted: [deletedFrom(aliceE, '2026-10-01T10:00:00Z')] }));
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(['restore-window']);
    expect(p.hazards[0]).toMatchObject({ severity: 'danger', blocking: true, objectKeys: ['user/alice@contoso.com'] });
    expect(p.hazards[0]?.message).toContain('could be restored until 2026-10-31T10:00:00.000Z');
    expect(p.applyable).toBe(false);
  });

  it('window ends less than a day after the plan → restore planned, with a restore-window warning on it', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [alice], deleted: [deletedFrom(aliceE, '2026-10-23T00:00:00Z')] }));
    expect(outline(p)).toEqual(['s001 entra.restoreDeleted', 's002 entra.resetPassword <- s001']);
    const h = p.hazards.find((x) => x.code === 'restore-window');
    expect(h).toMatchObject({ severity: 'warning', blocking: false, stepIds: ['s001'] });
    expect(h?.message).toContain('until 2026-11-22T00:00:00.000Z');
  });

  it('a restore inside the window, a month ahead → no warning', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [alice], deleted: [deletedFrom(aliceE, '2026-11-20T10:00:00Z')] }));
    expect(codes(p)).toEqual(['password-reset']);
  });
});

describe('accidental-deletion prevention', () => {
  const ads = [adUser('u1', 11), adUser('u2', 12), adUser('u3', 13), adUser('u4', 14)];
  const es = ads.map((a, n) => syncedFrom(a, `e${n}`));
  const all = cloudRule('retire-all', { kind: 'all' }, 'scopeRemoval');

  it('enabledForPercentage → the percentage of the synced users is the threshold (50% of 4 = 2 < 4 removals)', () => {
    const p = plan(desired({ users: [all] }), observed({ ad: ads, entra: es, tenant: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForPercentage', alertThreshold: 50 } } }));
    const h = p.hazards.find((x) => x.code === 'deletion-threshold');
    expect(h?.consent).toBe('exceedDeletionThreshold');
    expect(h?.message).toContain('more than the accidental-deletion threshold of 2 (the tenant\'s percentage of its 4 synced users)');
  });

  it('enabledForPercentage that covers the removals (100%) → no hazard; disabled → no hazard', () => {
    for (const prevention of [
      { synchronizationPreventionType: 'enabledForPercentage' as const, alertThreshold: 100 },
      { synchronizationPreventionType: 'disabled' as const, alertThreshold: 500 },
    ]) {
      const p = plan(desired({ users: [all] }), observed({ ad: ads, entra: es, tenant: { accidentalDeletionPrevention: prevention } }));
      expect(codes(p)).not.toContain('deletion-threshold');
    }
  });

  it('the threshold unreadable and unstated → Microsoft\'s default 500 is assumed, said so on the removals', () => {
    const p = plan(desired({ users: [all] }), observed({ ad: ads, entra: es, tenant: { accidentalDeletionPrevention: null } }));
    const h = p.hazards.find((x) => x.code === 'tenant-settings-unknown');
    expect(h?.message).toContain("assumes Microsoft's default of 500");
    expect(h?.stepIds).toEqual(['s001', 's005', 's009', 's013']);
  });

  it('the threshold unreadable, stated in the manifest → the statement is the threshold; no step changes it', () => {
    const p = plan(desired({ users: [all], threshold: 3 }), observed({ ad: ads, entra: es, tenant: { accidentalDeletionPrevention: null } }));
    expect(p.steps.some((s) => s.step.kind === 'entra.setDeletionThreshold')).toBe(false);
    expect(p.hazards.find((x) => x.code === 'deletion-threshold')?.message).toContain('threshold of 3');
  });
});

describe('waits that scale: the cycles a plan needs do not grow with the number of users', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => adUser(`u${i}`, i + 1));

  it('scope removal of 60 users → one cycle of deletions, then the restores (cycles needed: 1)', () => {
    const ads = many(60);
    const p = plan(desired({ users: [cloudRule('all', { kind: 'all' }, 'scopeRemoval')] }), observed({ ad: ads, entra: ads.map((a, i) => syncedFrom(a, `e${i}`)) }));
    expect(p.steps.filter((s) => s.step.kind === 'sync.await')).toHaveLength(60);
    expect(cyclesNeeded(p)).toBe(1);
  });

  it('hard link of 60 users, the AD users out of scope → writes, moves, one cycle (cycles needed: 1)', () => {
    const ads = many(60).map((a) => ({ ...a, dn: a.dn.replace('OU=Staff', 'OU=Disabled,OU=Staff') }));
    const es = ads.map((a, i) => cloudUser(a.samAccountName, `e${i}`, { mail: null, proxyAddresses: [] }));
    const p = plan(desired({ users: [onPremRule('link', { kind: 'all' }, 'hard')] }), observed({ ad: ads, entra: es }));
    expect(p.steps.filter((s) => s.step.kind === 'ad.move')).toHaveLength(60);
    expect(cyclesNeeded(p)).toBe(1);
  });

  it('sync.deletionWaves with 10 removals and a threshold of 4 → waves of 4, 4, 2; wave k moves after wave k-1 waits; no consent needed', () => {
    const ads = many(10);
    const d = desired({ users: [cloudRule('all', { kind: 'all' }, 'scopeRemoval')] });
    d.sync.deletionWaves = true;
    const p = plan(d, observed({ ad: ads, entra: ads.map((a, i) => syncedFrom(a, `e${i}`)), tenant: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 4 } } }));
    expect(codes(p)).not.toContain('deletion-threshold');
    const waves = p.hazards.find((h) => h.code === 'deletion-waves');
    expect(waves?.message).toContain('in 3 waves of at most 4');
    expect(cyclesNeeded(p)).toBe(3);
    const moves = p.steps.filter((s) => s.step.kind === 'ad.move');
    const waits = p.steps.filter((s) => s.step.kind === 'sync.await');
    expect(moves.slice(0, 4).every((m) => m.dependsOn.length === 0)).toBe(true);
    for (const m of moves.slice(4, 8)) expect(m.dependsOn).toEqual(waits.slice(0, 4).map((w) => w.id));
    for (const m of moves.slice(8)) expect(m.dependsOn).toEqual(waits.slice(4, 8).map((w) => w.id));
    expect(p.consentGiven.exceedDeletionThreshold).toBe(false);
    expect(p.hazards.some((h) => h.consent === 'exceedDeletionThreshold')).toBe(false);
  });

  it('deletion waves whose first wave holds a removal planned later (already out of scope) → a dependency on a later step; --target keeps it, renumbered right', () => {
    // u0..u2 are moved out of scope; u3 is out already, so it belongs to the first wave, yet its steps come after u0..u2's
    const ads = [...many(3), { ...adUser('u3', 4), dn: `CN=u3,${UNSYNCED_OU}` }];
    const other = adUser('a-first', 9);
    const d = desired({ users: [cloudRule('a-rule', { kind: 'upn', upn: 'a-first@contoso.com' }, 'scopeRemoval'), cloudRule('all-u', { kind: 'upnGlob', glob: 'u*@contoso.com' }, 'scopeRemoval')] });
    d.sync.deletionWaves = true;
    const o = observed({ ad: [other, ...ads], entra: [syncedFrom(other, 'e9'), ...ads.map((a, i) => syncedFrom({ ...a, dn: a.dn.replace(UNSYNCED_OU, 'OU=Staff,DC=contoso,DC=com') }, `e${i}`))], tenant: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 2 } } });
    const whole = plan(d, o);
    const index = new Map(whole.steps.map((s, i) => [s.id, i]));
    expect(whole.steps.some((s) => s.dependsOn.some((dep) => (index.get(dep) ?? -1) > (index.get(s.id) ?? -1)))).toBe(true);

    // narrowed to the u* rule: the same steps and dependencies as a manifest of that rule alone
    const narrowed = plan(d, o, undefined, ['all-u']);
    const alone = desired({ users: [cloudRule('all-u', { kind: 'upnGlob', glob: 'u*@contoso.com' }, 'scopeRemoval')] });
    alone.sync.deletionWaves = true;
    const shape = (p: Plan) => {
      const byId = new Map(p.steps.map((s) => [s.id, s]));
      const sig = (id: string) => `${byId.get(id)?.objectKey} ${byId.get(id)?.step.kind}`;
      return p.steps.map((s) => `${sig(s.id)} <- ${s.dependsOn.map(sig).sort().join(', ')}`);
    };
    const expected = shape(plan(alone, o));
    expect(expected.some((line) => line.includes('user/u3@contoso.com sync.await') && !line.startsWith('user/u3'))).toBe(true);
    expect(shape(narrowed)).toEqual(expected);
    expect(narrowed.steps.some((s) => s.objectKey === 'user/a-first@contoso.com')).toBe(false);
  });

  it('without sync.deletionWaves the same plan needs the exceedDeletionThreshold consent and names the waves as an alternative', () => {
    const ads = many(10);
    const p = plan(desired({ users: [cloudRule('all', { kind: 'all' }, 'scopeRemoval')] }), observed({ ad: ads, entra: ads.map((a, i) => syncedFrom(a, `e${i}`)), tenant: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 4 } } }));
    expect(p.hazards.find((h) => h.code === 'deletion-threshold')?.message).toContain('set sync.deletionWaves: true');
    expect(cyclesNeeded(p)).toBe(1);
  });
});

describe('groups before their members, as dependencies', () => {
  it('a group conversion and user conversions in one plan → every user switch depends on every group switch', () => {
    const ads = [adUser('alice', 1), adUser('bob', 2)];
    const d = desired({ users: [cloudRule('all', { kind: 'all' }, 'sourceOfAuthority')] });
    d.groups.push({ name: 'groups', selector: { kind: 'all' }, authority: 'cloud', location: { file: 'manifest.yaml', line: 30, col: 5 } });
    const p = plan(d, observed({ ad: ads, entra: ads.map((a, i) => syncedFrom(a, `e${i}`)), groups: [group('g1', 'Sales', true), group('g2', 'Finance', true)] }));
    expect(outline(p)).toEqual(['s001 entra.setGroupCloudManaged', 's002 entra.setGroupCloudManaged', 's003 entra.setCloudManaged <- s001,s002', 's004 entra.setCloudManaged <- s001,s002']);
  });

  it('scope removals wait for the group conversions too', () => {
    const a = adUser('alice', 1);
    const d = desired({ users: [cloudRule('out', { kind: 'all' }, 'scopeRemoval')] });
    d.groups.push({ name: 'groups', selector: { kind: 'displayName', name: 'Sales' }, authority: 'cloud', location: { file: 'manifest.yaml', line: 30, col: 5 } });
    const p = plan(d, observed({ ad: [a], entra: [syncedFrom(a, 'e1')], groups: [group('g1', 'Sales', true)] }));
    expect(outline(p).slice(0, 2)).toEqual(['s001 entra.setGroupCloudManaged', 's002 ad.move <- s001']);
  });
});
