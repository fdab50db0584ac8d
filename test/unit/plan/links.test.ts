import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { adUser, cloudRule, cloudUser, codes, deletedFrom, desired, DISABLED_OU, guid, observed, onPremRule, outline, plan, STAFF_OU, syncedFrom } from './builders.js';

const anchor = (n: number) => guidToImmutableId(guid(n));

describe('hard link (cloud-only → AD)', () => {
  const rule = onPremRule('link-contractors', { kind: 'upnGlob', glob: '*@contoso.com' }, 'hard');
  it('from cloud-only bob + AD bob in scope → setImmutableId{from:null,to:anchor} → await userSynced', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [adUser('bob', 2)], entra: [cloudUser('bob', 'e2')] }));
    expect(p.steps.map((s) => s.step)).toEqual([
      { kind: 'entra.setImmutableId', userId: 'e2', upn: 'bob@contoso.com', from: null, to: anchor(2) },
      { kind: 'sync.await', until: { kind: 'userSynced', userId: 'e2', upn: 'bob@contoso.com', immutableId: anchor(2) }, timeoutS: 7200 },
    ]);
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
    expect(codes(p)).toEqual(['waits-for-sync']);
    expect(p.applyable).toBe(true);
  });

  it('AD user out of scope → ad.move to the first include OU, only after the immutable id is set (a failed write must not leave a duplicate)', () => {
    const bob = adUser('bob', 2, { dn: `CN=bob,${DISABLED_OU}` });
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2', { proxyAddresses: [], mail: null })] }));
    expect(p.steps[1]?.step).toEqual({ kind: 'ad.move', dn: bob.dn, toOu: STAFF_OU, upn: 'bob@contoso.com' });
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 ad.move <- s001', 's003 sync.await <- s001,s002']);
  });

  it('out of scope with no include OU → blocking missing-object', () => {
    const bob = adUser('bob', 2, { dn: `CN=bob,${DISABLED_OU}` });
    const p = plan(desired({ users: [rule], include: [] }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2', { proxyAddresses: [], mail: null })] }));
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(['missing-object']);
    expect(p.applyable).toBe(false);
  });

  it('takeover block on → blocking hard-match-blocked; turned off by the manifest → feature step first, link depends on it', () => {
    const o = observed({ ad: [adUser('bob', 2)], entra: [cloudUser('bob', 'e2')], tenant: { features: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: true, softMatchOnUpnEnabled: false, passwordSyncEnabled: false } } });
    const blocked = plan(desired({ users: [rule] }), o);
    expect(codes(blocked)).toEqual(['hard-match-blocked']);
    expect(blocked.applyable).toBe(false);
    const lifted = plan(desired({ users: [rule], features: { blockCloudObjectTakeoverThroughHardMatch: false } }), o);
    expect(outline(lifted)).toEqual(['s001 entra.setSyncFeature', 's002 entra.setImmutableId <- s001', 's003 sync.await <- s001,s002']);
    expect(codes(lifted)).toEqual(['tenant-wide-setting', 'waits-for-sync']);
  });

  it('privileged (eligible) target → blocking privileged-role', () => {
    const admin = cloudUser('bob', 'e2', { roles: [{ role: 'Privileged Role Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [adUser('bob', 2)], entra: [admin] }));
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.steps).toEqual([]);
  });

  it('a non-privileged active role does not block a hard match', () => {
    const helpdesk = cloudUser('bob', 'e2', { roles: [{ role: 'Helpdesk Administrator', state: 'active', privileged: false }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [adUser('bob', 2)], entra: [helpdesk] }));
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
  });

  it('anchor already used by another cloud user → blocking collision', () => {
    const other = cloudUser('zed', 'e9', { onPremisesImmutableId: anchor(2), proxyAddresses: [], mail: null });
    const p = plan(desired({ users: [onPremRule('one', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard')] }), observed({ ad: [adUser('bob', 2)], entra: [cloudUser('bob', 'e2', { proxyAddresses: [], mail: null }), other] }));
    expect(codes(p)).toContain('collision');
    expect(p.steps).toEqual([]);
  });

  it('from an already synced user → nothing (never a cloud write to an AD-owned attribute)', () => {
    const a = adUser('bob', 2);
    const p = plan(desired({ users: [rule] }), observed({ ad: [a], entra: [syncedFrom(a, 'e2')] }));
    expect(p.steps).toEqual([]);
    expect(p.hazards).toEqual([]);
  });

  it('synced to a different AD user than the counterpart → blocking synced-user-write, no step', () => {
    const a = adUser('bob', 2);
    const old = adUser('bob-old', 3, { userPrincipalName: 'bob-old@contoso.com', mail: null, proxyAddresses: [] });
    const e = syncedFrom(old, 'e2', { userPrincipalName: 'bob@contoso.com' });
    const p = plan(desired({ users: [rule] }), observed({ ad: [a, old], entra: [e] }));
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(['synced-user-write']);
  });

  it('a soft-deleted user still carrying the AD anchor → blocking collision (the cycle would restore it instead)', () => {
    const a = adUser('bob', 2, { dn: `CN=bob,${DISABLED_OU}` });
    const ghost = deletedFrom(syncedFrom(a, 'old-e2'));
    const p = plan(desired({ users: [rule] }), observed({ ad: [a], entra: [cloudUser('bob', 'e2', { proxyAddresses: [], mail: null })], deleted: [ghost] }));
    expect(codes(p)).toEqual(['collision']);
    expect(p.hazards[0]?.message).toContain('remove it permanently from deleted users first');
    expect(p.steps).toEqual([]);
  });

  it('directory sync off for the tenant → blocking unsupported, no steps', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [adUser('bob', 2)], entra: [cloudUser('bob', 'e2')], tenant: { onPremisesSyncEnabled: false } }));
    expect(codes(p)).toEqual(['unsupported']);
    expect(p.steps).toEqual([]);
  });

  it('no counterpart → blocking missing-object naming the lookup', () => {
    const p = plan(desired({ users: [rule] }), observed({ entra: [cloudUser('nobody', 'e7')] }));
    expect(p.hazards.map((h) => [h.code, h.message])).toEqual([
      ['missing-object', 'no AD counterpart for nobody@contoso.com: found no an AD user with userPrincipalName nobody@contoso.com; create it, or change counterpart.by in rule link-contractors'],
    ]);
  });
});

describe('soft link (cloud-only → AD)', () => {
  const rule = onPremRule('soft', { kind: 'upn', upn: 'carol@contoso.com' }, 'soft');
  it('from differing AD attributes → ad.modify with only changed attributes (full lists) → await', () => {
    const ad = adUser('carol', 3, { mail: 'c.old@contoso.com', proxyAddresses: ['SMTP:c.old@contoso.com', 'X500:/o=x'], displayName: 'carol Cloud', givenName: 'carol', surname: 'Cloud' });
    const e = cloudUser('carol', 'e3', { proxyAddresses: ['SMTP:carol@contoso.com', 'smtp:carol@contoso.onmicrosoft.com'] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e] }));
    expect(p.steps[0]?.step).toEqual({
      kind: 'ad.modify',
      dn: ad.dn,
      upn: 'carol@contoso.com',
      changes: [
        { attribute: 'mail', from: ['c.old@contoso.com'], to: ['carol@contoso.com'] },
        { attribute: 'proxyAddresses', from: ['SMTP:c.old@contoso.com', 'X500:/o=x'], to: ['SMTP:carol@contoso.com', 'smtp:c.old@contoso.com', 'smtp:carol@contoso.onmicrosoft.com', 'X500:/o=x'] },
      ],
    });
    expect(p.steps[1]?.step).toEqual({ kind: 'sync.await', until: { kind: 'userSynced', userId: 'e3', upn: 'carol@contoso.com', immutableId: anchor(3) }, timeoutS: 7200 });
    expect(outline(p)).toEqual(['s001 ad.modify', 's002 sync.await <- s001']);
    // The AD user was its own identity: both keys are fingerprinted.
    expect(Object.keys(p.fingerprints)).toEqual(['user/carol@contoso.com', `user/carol@contoso.com#ad:${guid(3)}`]);
  });

  it('no counterpart with createIn → ad.createUser (cn from the display name, sam from the UPN local part ≤ 20, DN stored) → await with immutableId ""', () => {
    const r = onPremRule('create', { kind: 'upn', upn: 'averyveryverylongname.person@contoso.com' }, 'soft', { createIn: `OU=Contractors,${STAFF_OU}` });
    const e = cloudUser('averyveryverylongname.person', 'e4');
    const p = plan(desired({ users: [r] }), observed({ entra: [e] }));
    expect(p.steps[0]?.step).toEqual({
      kind: 'ad.createUser',
      ou: `OU=Contractors,${STAFF_OU}`,
      dn: `CN=averyveryverylongname.person Cloud,OU=Contractors,${STAFF_OU}`,
      user: {
        cn: 'averyveryverylongname.person Cloud',
        samAccountName: 'averyveryverylongnam',
        userPrincipalName: 'averyveryverylongname.person@contoso.com',
        mail: 'averyveryverylongname.person@contoso.com',
        proxyAddresses: ['SMTP:averyveryverylongname.person@contoso.com'],
        givenName: 'averyveryverylongname.person',
        surname: 'Cloud',
        displayName: 'averyveryverylongname.person Cloud',
        mustChangePassword: false,
      },
    });
    expect(p.steps[0]?.action).toBe('add');
    expect(p.steps[1]?.step).toMatchObject({ kind: 'sync.await', until: { kind: 'userSynced', immutableId: '' } });
  });

  it('blockSoftMatch on → blocking soft-match-blocked; the manifest turning it off → feature step first', () => {
    const o = observed({ ad: [adUser('carol', 3)], entra: [cloudUser('carol', 'e3')], tenant: { features: { blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false, passwordSyncEnabled: false } } });
    expect(codes(plan(desired({ users: [rule] }), o))).toEqual(['soft-match-blocked']);
    const p = plan(desired({ users: [rule], features: { blockSoftMatch: false } }), o);
    expect(p.steps[0]?.step).toEqual({ kind: 'entra.setSyncFeature', feature: 'blockSoftMatch', from: true, to: false });
    expect(p.steps.slice(1).every((s) => s.dependsOn.includes('s001'))).toBe(true);
  });

  it('cloud user with an immutable id → soft-match-has-immutable-id; admin → privileged-role; no SMTP and UPN match off → soft-match-upn-disabled', () => {
    const ad = adUser('carol', 3);
    expect(codes(plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { onPremisesImmutableId: 'c29tZXRoaW5nZWxzZTEyMw==' })] })))).toEqual(['soft-match-has-immutable-id']);
    expect(codes(plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { roles: [{ role: 'User Administrator', state: 'active', privileged: false }] })] })))).toEqual(['privileged-role']);
    expect(codes(plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { mail: null, proxyAddresses: [] })] })))).toEqual(['soft-match-upn-disabled']);
  });

  it('primary SMTP but no Exchange Online mailbox: UPN match off → blocking soft-match-no-mailbox; unknown mailbox → warning; UPN match on → no hazard, the wait depends on turning it on', () => {
    const ad = adUser('carol', 3);
    const off = { features: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false, passwordSyncEnabled: false } };
    const none = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { exchangeMailbox: false })], tenant: off }));
    expect(none.hazards.map((h) => [h.code, h.blocking])).toEqual([['soft-match-no-mailbox', true]]);
    expect(none.hazards[0]?.message).toContain('carol@contoso.com has no Exchange Online mailbox');
    expect(none.steps).toEqual([]);

    const unknown = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { exchangeMailbox: null })], tenant: off }));
    expect(unknown.applyable).toBe(true);
    const warning = unknown.hazards.find((h) => h.code === 'soft-match-no-mailbox');
    expect(warning).toMatchObject({ severity: 'warning', blocking: false });
    expect(unknown.steps.find((s) => s.step.kind === 'sync.await')?.hazardCodes).toContain('soft-match-no-mailbox');

    const upnOn = plan(desired({ users: [rule], features: { softMatchOnUpn: true } }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { exchangeMailbox: false })], tenant: off }));
    expect(upnOn.hazards.map((h) => h.code)).not.toContain('soft-match-no-mailbox');
    expect(upnOn.steps[0]?.step).toEqual({ kind: 'entra.setSyncFeature', feature: 'softMatchOnUpn', from: false, to: true });
    expect(upnOn.steps.find((s) => s.step.kind === 'sync.await')?.dependsOn).toContain('s001');

    // with a mailbox nothing changes
    expect(codes(plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3', { exchangeMailbox: true })], tenant: off })))).not.toContain('soft-match-no-mailbox');
  });

  it('the Entra address already used by another AD user → blocking collision', () => {
    const ad = adUser('carol', 3, { mail: null, proxyAddresses: [] });
    const other = adUser('dup', 4, { proxyAddresses: ['smtp:carol@contoso.com'], mail: null, userPrincipalName: 'dup@contoso.com' });
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad, other], entra: [cloudUser('carol', 'e3')] }));
    expect(codes(p)).toEqual(['collision']);
    expect(p.steps).toEqual([]);
  });
});

describe('rollback of a per-object switch', () => {
  const rule = onPremRule('back', { kind: 'upn', upn: 'dora@contoso.com' }, 'hard');
  it('from cloud-managed dora, takeover block on → lift → setCloudManaged{false} → await → block back on', () => {
    const ad = adUser('dora', 5);
    const e = syncedFrom(ad, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null });
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e], tenant: { features: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: true, softMatchOnUpnEnabled: false, passwordSyncEnabled: false } } }));
    expect(outline(p)).toEqual(['s001 entra.setSyncFeature', 's002 entra.setCloudManaged <- s001', 's003 sync.await <- s002', 's004 entra.setSyncFeature <- s003']);
    expect(p.steps.map((s) => s.step)).toEqual([
      { kind: 'entra.setSyncFeature', feature: 'blockCloudObjectTakeoverThroughHardMatch', from: true, to: false },
      { kind: 'entra.setCloudManaged', userId: 'e5', upn: 'dora@contoso.com', to: false },
      { kind: 'sync.await', until: { kind: 'userSynced', userId: 'e5', upn: 'dora@contoso.com', immutableId: anchor(5) }, timeoutS: 7200 },
      { kind: 'entra.setSyncFeature', feature: 'blockCloudObjectTakeoverThroughHardMatch', from: false, to: true },
    ]);
    const lifted = p.hazards.find((h) => h.code === 'takeover-block-lifted');
    expect(lifted?.stepIds).toEqual(['s001', 's002']);
    expect(p.applyable).toBe(true);
  });

  it('takeover block off → just setCloudManaged{false} → await', () => {
    const ad = adUser('dora', 5);
    const e = syncedFrom(ad, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null });
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e] }));
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged', 's002 sync.await <- s001']);
  });
});

describe('rule conflicts', () => {
  it('two rules with different intents on one user → error rule-conflict with both locations; no steps for that user', () => {
    const a = cloudRule('a', { kind: 'all' }, 'sourceOfAuthority', { location: { file: 'manifest.yaml', line: 20, col: 5 } });
    const b = onPremRule('b', { kind: 'upn', upn: 'eve@contoso.com' }, 'hard', { location: { file: 'manifest.yaml', line: 30, col: 5 } });
    const ad = adUser('eve', 6);
    const p = plan(desired({ users: [a, b] }), observed({ ad: [ad], entra: [syncedFrom(ad, 'e6')] }));
    expect(p.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'rule-conflict',
        message: 'rules a (cloud via sourceOfAuthority) and b (onPremises via hard link) both select 1 user (user/eve@contoso.com): one user may match one intent only; narrow one of the selectors',
        location: { file: 'manifest.yaml', line: 30, col: 5 },
        related: [{ file: 'manifest.yaml', line: 20, col: 5 }],
        objectKey: 'user/eve@contoso.com',
      },
    ]);
    expect(p.steps).toEqual([]);
    expect(p.applyable).toBe(false);
  });

  it('a selector matching nothing → warning rule-matches-nothing', () => {
    const p = plan(desired({ users: [cloudRule('ghost', { kind: 'upn', upn: 'ghost@contoso.com' }, 'sourceOfAuthority', { location: { file: 'manifest.yaml', line: 9, col: 5 } })] }), observed({}));
    expect(p.diagnostics.map((d) => [d.severity, d.code, d.location?.line])).toEqual([['warning', 'rule-matches-nothing', 9]]);
    expect(p.applyable).toBe(true);
  });

  it('join conflicts on a targeted user → blocking collision hazard on those objects', () => {
    const a = adUser('fay', 7);
    const b = adUser('fay2', 8, { proxyAddresses: ['SMTP:fay@contoso.com'], userPrincipalName: 'fay2@contoso.com' });
    const p = plan(desired({ users: [cloudRule('c', { kind: 'upn', upn: 'fay@contoso.com' }, 'sourceOfAuthority')] }), observed({ ad: [a, b], entra: [syncedFrom(a, 'e7')] }));
    const h = p.hazards.find((x) => x.code === 'collision');
    expect(h?.blocking).toBe(true);
    expect(h?.objectKeys).toEqual(['user/fay2@contoso.com', 'user/fay@contoso.com']);
    expect(h?.stepIds).toEqual(['s001']);
  });
});
