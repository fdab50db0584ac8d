import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { adUser, cloudRule, cloudUser, codes, desired, group, guid, observed, onPremRule, outline, plan, STAFF_OU, syncedFrom } from './builders.js';

const CONTRACTORS = `OU=Contractors,${STAFF_OU}`;

describe('soft link that also sets the anchor (setImmutableId, the seeds\' -UpdateImmutableID)', () => {
  const carolAd = adUser('carol', 3, { mail: 'c.old@contoso.com', proxyAddresses: ['SMTP:c.old@contoso.com'], displayName: 'carol Cloud', givenName: 'carol', surname: 'Cloud' });
  const rule = onPremRule('prepare-and-anchor', { kind: 'upn', upn: 'carol@contoso.com' }, 'soft', { setImmutableId: true });

  it('one rule → ad.modify (prepare AD) and setImmutableId, then a hard-match wait; no conflict', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [carolAd], entra: [cloudUser('carol', 'e3')] }));
    expect(outline(p)).toEqual(['s001 ad.modify', 's002 entra.setImmutableId <- s001', 's003 sync.await <- s001,s002']);
    expect(p.steps[1]?.step).toEqual({ kind: 'entra.setImmutableId', userId: 'e3', upn: 'carol@contoso.com', from: null, to: guidToImmutableId(guid(3)) });
    expect(p.steps[2]?.syncEffects?.match).toBe('hard');
    expect(p.diagnostics).toEqual([]);
    expect(p.applyable).toBe(true);
  });

  it('a match by anchor follows the hard-match rules: blockSoftMatch does not matter, the takeover block does', () => {
    const blocked = (f: { soft: boolean; takeover: boolean }) =>
      plan(desired({ users: [rule] }), observed({ ad: [carolAd], entra: [cloudUser('carol', 'e3')], tenant: { features: { blockSoftMatchEnabled: f.soft, blockCloudObjectTakeoverThroughHardMatchEnabled: f.takeover, softMatchOnUpnEnabled: false, passwordSyncEnabled: false } } }));
    expect(codes(blocked({ soft: true, takeover: false }))).toEqual(['waits-for-sync']);
    expect(codes(blocked({ soft: false, takeover: true }))).toEqual(['hard-match-blocked']);
  });

  it('a cloud user with another immutable id → not a soft-match refusal: the plan overwrites it (the user is cloud-owned)', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [carolAd], entra: [cloudUser('carol', 'e3', { onPremisesImmutableId: 'c29tZXRoaW5nZWxzZTEyMw==' })] }));
    expect(codes(p)).not.toContain('soft-match-has-immutable-id');
    expect(p.steps[1]?.step).toMatchObject({ kind: 'entra.setImmutableId', from: 'c29tZXRoaW5nZWxzZTEyMw==' });
  });

  it('the AD user out of scope → the move waits for both the AD preparation and the immutable id', () => {
    const out = { ...carolAd, dn: `CN=carol,OU=Disabled,${STAFF_OU}` };
    const p = plan(desired({ users: [rule] }), observed({ ad: [out], entra: [cloudUser('carol', 'e3')] }));
    expect(outline(p)).toEqual(['s001 ad.modify', 's002 entra.setImmutableId <- s001', 's003 ad.move <- s001,s002', 's004 sync.await <- s001,s002,s003']);
  });
});

describe('AD users the plan creates: CN from the display name, unique in its OU, DN stored in the step', () => {
  const rule = onPremRule('create', { kind: 'upnGlob', glob: '*@contoso.com' }, 'soft', { createIn: CONTRACTORS, counterpart: { by: 'samAccountName' } });

  it('display name free in the OU → CN = display name; DN = CN=<escaped CN>,<OU>', () => {
    const p = plan(desired({ users: [rule] }), observed({ entra: [cloudUser('dan', 'e4', { displayName: 'Wu, Dan' })] }));
    expect(p.steps[0]?.step).toMatchObject({ kind: 'ad.createUser', ou: CONTRACTORS, dn: `CN=Wu\\, Dan,${CONTRACTORS}`, user: { cn: 'Wu, Dan', mustChangePassword: false } });
  });

  it('an AD user in the OU already has that CN, and two cloud users share a display name → " (2)", " (3)"', () => {
    const existing = adUser('other', 9, { dn: `CN=Dan Wu,${CONTRACTORS}`, userPrincipalName: 'other@contoso.com', mail: null, proxyAddresses: [] });
    const p = plan(
      desired({ users: [rule] }),
      observed({ ad: [existing], entra: [cloudUser('dan.wu', 'e4', { displayName: 'Dan Wu' }), cloudUser('dwu', 'e5', { displayName: 'Dan Wu' })] }),
    );
    const created = p.steps.filter((s) => s.step.kind === 'ad.createUser').map((s) => (s.step.kind === 'ad.createUser' ? s.step.dn : ''));
    expect(created).toEqual([`CN=Dan Wu (2),${CONTRACTORS}`, `CN=Dan Wu (3),${CONTRACTORS}`]);
  });

  it('no display name → the UPN local part; a display name over 64 characters is cut to AD\'s CN limit', () => {
    const long = 'A'.repeat(70);
    const p = plan(desired({ users: [rule] }), observed({ entra: [cloudUser('eve', 'e6', { displayName: null }), cloudUser('fay', 'e7', { displayName: long })] }));
    const cns = p.steps.flatMap((s) => (s.step.kind === 'ad.createUser' ? [s.step.user.cn] : []));
    expect(cns).toEqual(['eve', 'A'.repeat(64)]);
  });

  it('requirePasswordChange → the created user must change its password at next logon', () => {
    const p = plan(desired({ users: [{ ...rule, requirePasswordChange: true }] }), observed({ entra: [cloudUser('dan', 'e4')] }));
    expect(p.steps[0]?.step).toMatchObject({ kind: 'ad.createUser', user: { mustChangePassword: true } });
  });

  it('the creation waits for the feature step that lifts blockSoftMatch (it brings the user into scope)', () => {
    const p = plan(
      desired({ users: [rule], features: { blockSoftMatch: false } }),
      observed({ entra: [cloudUser('dan', 'e4')], tenant: { features: { blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false, passwordSyncEnabled: false } } }),
    );
    expect(outline(p)).toEqual(['s001 entra.setSyncFeature', 's002 ad.createUser <- s001', 's003 sync.await <- s001,s002']);
  });
});

describe('exclude: selectors', () => {
  const ads = [adUser('alice', 1), adUser('admin1', 2), adUser('bob', 3, { dn: `CN=bob,OU=IT,${STAFF_OU}` })];
  const entra = ads.map((a, i) => syncedFrom(a, `e${i}`));

  it('everyone but the admins → no step for the excluded users', () => {
    const rule = cloudRule('all-but-admins', { kind: 'all', exclude: [{ kind: 'upnGlob', glob: 'admin*@contoso.com' }] }, 'sourceOfAuthority');
    const p = plan(desired({ users: [rule] }), observed({ ad: ads, entra }));
    expect(p.steps.map((s) => s.objectKey)).toEqual(['user/alice@contoso.com', 'user/bob@contoso.com']);
  });

  it('several excludes, and an OU exclude compared by value', () => {
    const rule = cloudRule('x', { kind: 'all', exclude: [{ kind: 'upn', upn: 'alice@contoso.com' }, { kind: 'ou', dn: 'ou=it, OU=staff,DC=Contoso,DC=com' }] }, 'sourceOfAuthority');
    const p = plan(desired({ users: [rule] }), observed({ ad: ads, entra }));
    expect(p.steps.map((s) => s.objectKey)).toEqual(['user/admin1@contoso.com']);
  });

  it('a rule whose excludes leave nobody → warning rule-matches-nothing', () => {
    const rule = cloudRule('nobody', { kind: 'upn', upn: 'bob@contoso.com', exclude: [{ kind: 'all' }] }, 'sourceOfAuthority');
    const p = plan(desired({ users: [rule] }), observed({ ad: ads, entra }));
    expect(p.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'rule-matches-nothing']]);
  });

  it('group selectors take exclude: too', () => {
    const d = desired({});
    d.groups.push({ name: 'groups', selector: { kind: 'all', exclude: [{ kind: 'displayName', name: 'finance' }] }, authority: 'cloud', location: { file: 'manifest.yaml', line: 30, col: 5 } });
    const p = plan(d, observed({ groups: [group('g1', 'Sales', true), group('g2', 'Finance', true)] }));
    expect(p.steps.map((s) => s.objectKey)).toEqual(['group/g1']);
  });
});

describe('plan --target: a partial plan', () => {
  const ads = [adUser('alice', 1), adUser('bob', 2), adUser('carol', 3)];
  const entra = ads.map((a, i) => syncedFrom(a, `e${i}`));
  const d = () =>
    desired({
      users: [cloudRule('sales', { kind: 'upns', upns: ['alice@contoso.com', 'bob@contoso.com'] }, 'sourceOfAuthority'), cloudRule('it', { kind: 'upn', upn: 'carol@contoso.com' }, 'sourceOfAuthority')],
      features: { softMatchOnUpn: true },
    });
  const narrowed = (targets: string[]) => plan(d(), observed({ ad: ads, entra }), undefined, targets);

  it('by rule name → only that rule\'s users; the unrelated tenant step is left out; steps renumbered; a partial-plan warning', () => {
    const p = narrowed(['sales']);
    expect(p.steps.map((s) => `${s.id} ${s.objectKey}`)).toEqual(['s001 user/alice@contoso.com', 's002 user/bob@contoso.com']);
    expect(p.targets).toEqual(['sales']);
    expect(p.diagnostics.map((x) => [x.severity, x.code])).toEqual([['warning', 'partial-plan']]);
    expect(p.hazards.filter((h) => h.code === 'tenant-wide-setting')).toEqual([]);
    expect(Object.keys(p.fingerprints)).toEqual(['user/alice@contoso.com', 'user/bob@contoso.com']);
  });

  it('by UPN (any case) or object key → that user only', () => {
    expect(narrowed(['CAROL@contoso.com']).steps.map((s) => s.objectKey)).toEqual(['user/carol@contoso.com']);
    expect(narrowed(['user/bob@contoso.com']).steps.map((s) => s.objectKey)).toEqual(['user/bob@contoso.com']);
  });

  it('tenant → the tenant\'s own steps', () => {
    expect(narrowed(['tenant']).steps.map((s) => s.step.kind)).toEqual(['entra.setSyncFeature']);
  });

  it('a target that matches nothing → error target-matches-nothing, the plan is not applyable', () => {
    const p = narrowed(['sale']);
    expect(p.diagnostics.map((x) => [x.severity, x.code])).toEqual([['warning', 'partial-plan'], ['error', 'target-matches-nothing']]);
    expect(p.applyable).toBe(false);
  });

  it('the tenant steps a targeted step needs come along (feature lift), and the follow-up (block back on) too', () => {
    const dora = adUser('dora', 5);
    const ed = adUser('ed', 6);
    const tenantFeatures = { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: true, softMatchOnUpnEnabled: false, passwordSyncEnabled: false };
    const rules = [onPremRule('back', { kind: 'upns', upns: ['dora@contoso.com', 'ed@contoso.com'] }, 'hard')];
    const o = observed({
      ad: [dora, ed],
      entra: [syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null }), syncedFrom(ed, 'e6', { isCloudManaged: true, onPremisesSyncEnabled: null })],
      tenant: { features: tenantFeatures },
    });
    const p = plan(desired({ users: rules }), o, undefined, ['dora@contoso.com']);
    expect(outline(p)).toEqual(['s001 entra.setSyncFeature', 's002 entra.setCloudManaged <- s001', 's003 sync.await <- s002', 's004 entra.setSyncFeature <- s003']);
    expect(p.hazards.find((h) => h.code === 'takeover-block-lifted')?.stepIds).toEqual(['s001', 's002']);
  });

  it('no targets → the whole plan, no targets field', () => {
    const p = plan(d(), observed({ ad: ads, entra }));
    expect(p.steps).toHaveLength(4);
    expect(p.targets).toBeUndefined();
  });
});
