import { describe, expect, it } from 'vitest';
import { runSyncCycle, inSyncScope, tenantDeletionThreshold, dnsDomainOf } from '../../../src/lab/sync-cycle.js';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { SALES, STAFF, UNSYNCED, BASE, cloudOnly, person, world } from './fixtures.js';

describe('inSyncScope', () => {
  it('include subtree, exclude wins, case-insensitive on RDN boundaries', () => {
    const scope = { include: [STAFF], exclude: [`OU=Disabled,${STAFF}`] };
    expect(inSyncScope(`CN=A,${SALES}`, scope, BASE)).toBe(true);
    expect(inSyncScope(`cn=a,ou=sales,ou=staff,dc=lab,dc=example,dc=test`, scope, BASE)).toBe(true);
    expect(inSyncScope(`CN=A,OU=Disabled,${STAFF}`, scope, BASE)).toBe(false);
    expect(inSyncScope(`CN=A,OU=XStaff,${BASE}`, scope, BASE)).toBe(false);
    expect(inSyncScope(`CN=A,${UNSYNCED}`, { include: [], exclude: [] }, BASE)).toBe(true);
  });
});

describe('dnsDomainOf', () => {
  it('joins the DC= components, lower case, with the shared DN parser (escaped commas stay inside an RDN)', () => {
    expect(dnsDomainOf(BASE)).toBe('lab.example.test');
    expect(dnsDomainOf('OU=Staff, DC=Lab ,dc = Example,DC=test')).toBe('lab.example.test');
    expect(dnsDomainOf('CN=Smith\\,DC=fake,DC=lab,DC=test')).toBe('lab.test');
    expect(dnsDomainOf('OU=Staff')).toBeNull();
  });
});

describe('runSyncCycle: new objects and attribute flow', () => {
  it('creates a synced cloud user for a new in-scope AD user and writes the consistency guid', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('ava.adams'));
    const r = await runSyncCycle(w);
    expect(r.counts).toMatchObject({ adUsers: 1, inScope: 1, created: 1, errors: 0 });
    const anchor = guidToImmutableId(ad.objectGuid);
    const u = w.tenant.getUserByUpn('ava.adams@lab.example.test');
    expect(u).toMatchObject({
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: anchor,
      onPremisesDistinguishedName: ad.dn,
      onPremisesSamAccountName: 'ava.adams',
      onPremisesDomainName: 'lab.example.test',
      onPremisesUserPrincipalName: 'ava.adams@lab.example.test',
      onPremisesLastSyncDateTime: '2026-06-15T09:00:00.000Z',
      proxyAddresses: ['SMTP:ava.adams@lab.example.test'],
      displayName: 'ava adams',
    });
    expect((await w.directory.getUserByDn(ad.dn))?.consistencyGuid).toBe(ad.objectGuid);
    expect(r.consistencyGuidsWritten).toEqual([ad.dn]);
    expect(w.tenant.getOrganization().onPremisesLastSyncDateTime).toBe('2026-06-15T09:00:00.000Z');
  });

  it('flows AD edits to the joined cloud user, and a second cycle changes nothing', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('ben.baker'));
    await runSyncCycle(w);
    await w.directory.modifyUser(ad.dn, [{ attribute: 'displayName', to: ['Benjamin Baker'] }]);
    w.tenant.advanceClock(1800);
    const r = await runSyncCycle(w);
    expect(r.updated.map((o) => [o.upn, o.changed])).toEqual([['ben.baker@lab.example.test', ['displayName']]]);
    expect(w.tenant.getUserByUpn('ben.baker@lab.example.test')?.displayName).toBe('Benjamin Baker');
    const again = await runSyncCycle(w);
    expect(again.counts).toMatchObject({ updated: 0, unchanged: 1, created: 0 });
  });

  it('uses objectGUID as the anchor when that is the install setting (and writes nothing to AD)', async () => {
    const w = world({ sourceAnchor: 'objectGUID' });
    const ad = w.directory.addUser(SALES, person('chloe.clark'));
    const r = await runSyncCycle(w);
    expect(r.created[0]?.immutableId).toBe(guidToImmutableId(ad.objectGuid));
    expect((await w.directory.getUserByDn(ad.dn))?.consistencyGuid).toBeNull();
  });
});

describe('runSyncCycle: leaving scope', () => {
  it('soft-deletes the cloud user of an AD user moved to an unsynced OU, keeping the immutable id', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('dana.diaz'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('dana.diaz@lab.example.test')?.id;
    await w.directory.moveUser(ad.dn, UNSYNCED);
    const r = await runSyncCycle(w);
    expect(r.deleted.map((d) => d.upn)).toEqual(['dana.diaz@lab.example.test']);
    expect(w.tenant.getUserByUpn('dana.diaz@lab.example.test')).toBeUndefined();
    const del = w.tenant.listDeletedUsers().find((d) => d.id === id);
    expect(del?.onPremisesImmutableId).toBe(guidToImmutableId(ad.objectGuid));
  });

  it('restores the soft-deleted user when its AD object comes back into scope', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('elias.evans'));
    await runSyncCycle(w);
    const moved = await w.directory.moveUser(ad.dn, UNSYNCED);
    await runSyncCycle(w);
    await w.directory.moveUser(moved, SALES);
    const r = await runSyncCycle(w);
    expect(r.restored.map((o) => o.upn)).toEqual(['elias.evans@lab.example.test']);
    expect(w.tenant.getUserByUpn('elias.evans@lab.example.test')?.onPremisesSyncEnabled).toBe(true);
  });

  it('stops the whole export when deletions exceed the threshold', async () => {
    const w = world();
    for (const n of ['f.a', 'f.b', 'f.c', 'f.d']) w.directory.addUser(SALES, person(n));
    await runSyncCycle(w);
    w.tenant.setAccidentalDeletionPrevention({ synchronizationPreventionType: 'enabledForCount', alertThreshold: 2 });
    for (const u of await w.directory.listUsers()) await w.directory.moveUser(u.dn, UNSYNCED);
    w.directory.addUser(SALES, person('g.new'));
    const r = await runSyncCycle(w);
    expect(r.stopped).toBe('stopped-deletion-threshold-exceeded');
    expect(r.counts.pendingDeletions).toBe(4);
    expect(r.deleted).toEqual([]);
    expect(r.created).toEqual([]);
    expect(w.tenant.listUsers().filter((u) => u.onPremisesSyncEnabled === true)).toHaveLength(4);
    expect(w.tenant.getUserByUpn('g.new@lab.example.test')).toBeUndefined();
    expect(w.tenant.listProvisioningErrors().map((e) => e.code)).toEqual(['stopped-deletion-threshold-exceeded']);
    // at the threshold exactly, it goes through
    const r2 = await runSyncCycle({ ...w, config: { ...w.config, deletionThreshold: 4 } });
    expect(r2.stopped).toBeUndefined();
    expect(r2.counts).toMatchObject({ deleted: 4, created: 1 });
  });

  it('reads the threshold from the tenant: count, percentage, disabled', () => {
    const w = world();
    expect(tenantDeletionThreshold(w.tenant)).toBe(500);
    w.tenant.setAccidentalDeletionPrevention({ synchronizationPreventionType: 'disabled' });
    expect(tenantDeletionThreshold(w.tenant)).toBeNull();
  });

  it('a percentage threshold counts against the synced users', async () => {
    const w = world();
    for (const n of ['p.a', 'p.b', 'p.c', 'p.d']) w.directory.addUser(SALES, person(n));
    await runSyncCycle(w);
    w.tenant.setAccidentalDeletionPrevention({ synchronizationPreventionType: 'enabledForPercentage', alertThreshold: 50 });
    expect(tenantDeletionThreshold(w.tenant)).toBe(2);
    const users = await w.directory.listUsers();
    for (const u of users.slice(0, 3)) await w.directory.moveUser(u.dn, UNSYNCED);
    expect((await runSyncCycle(w)).stopped).toBe('stopped-deletion-threshold-exceeded');
  });
});

describe('runSyncCycle: hard match', () => {
  it('hard-matches a cloud-only user pre-set with the consistency-guid anchor (written when empty)', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('hana.haas', { mail: null, proxyAddresses: [] }));
    const cloud = cloudOnly(w.tenant, 'hana.haas', { displayName: 'Cloud Hana', onPremisesImmutableId: guidToImmutableId(ad.objectGuid) });
    const r = await runSyncCycle(w);
    expect(r.hardMatched.map((o) => o.userId)).toEqual([cloud.id]);
    const u = w.tenant.getUser(cloud.id);
    expect(u).toMatchObject({ onPremisesSyncEnabled: true, displayName: 'hana haas', onPremisesDistinguishedName: ad.dn });
    // the AD side had no mail: the cloud value stays (only attributes with an on-prem value overwrite)
    expect(u?.mail).toBe('hana.haas@lab.example.test');
    expect((await w.directory.getUserByDn(ad.dn))?.consistencyGuid).toBe(ad.objectGuid);
  });

  it('hard-matches on an existing consistency guid that differs from objectGUID', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('ivan.ito'), { consistencyGuid: '35918bc9-196d-40ea-9779-889d79b753f0' });
    const cloud = cloudOnly(w.tenant, 'ivan.ito', { onPremisesImmutableId: 'yYuRNW0Z6kCXeYidebdT8A==' });
    const r = await runSyncCycle(w);
    expect(r.hardMatched.map((o) => [o.userId, o.immutableId])).toEqual([[cloud.id, 'yYuRNW0Z6kCXeYidebdT8A==']]);
    expect(r.consistencyGuidsWritten).toEqual([]);
    expect(ad.objectGuid).not.toBe('35918bc9-196d-40ea-9779-889d79b753f0');
  });

  it('refuses with InvalidHardMatch when blockCloudObjectTakeoverThroughHardMatch is on', async () => {
    const w = world();
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    const ad = w.directory.addUser(SALES, person('julia.jensen'));
    const cloud = cloudOnly(w.tenant, 'julia.jensen', { onPremisesImmutableId: guidToImmutableId(ad.objectGuid) });
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['InvalidHardMatch', 'hard-match-takeover-blocked', cloud.id]]);
    expect(w.tenant.getUser(cloud.id)?.onPremisesSyncEnabled).toBeNull();
    expect(w.tenant.listProvisioningErrors().map((e) => [e.code, e.objectId, e.adDn])).toEqual([['InvalidHardMatch', cloud.id, ad.dn]]);
  });

  it('refuses with AttributeUpdateNotAllowed from 2026-07-01 when onPremisesObjectIdentifier is set, not before', async () => {
    const before = world({ now: '2026-06-30T23:00:00Z' });
    const ad1 = before.directory.addUser(SALES, person('kenji.khan'));
    cloudOnly(before.tenant, 'kenji.khan', { onPremisesImmutableId: guidToImmutableId(ad1.objectGuid), onPremisesObjectIdentifier: 'x' });
    expect((await runSyncCycle(before)).counts.hardMatched).toBe(1);

    const after = world({ now: '2026-07-01T00:00:00Z' });
    const ad2 = after.directory.addUser(SALES, person('kenji.khan'));
    cloudOnly(after.tenant, 'kenji.khan', { onPremisesImmutableId: guidToImmutableId(ad2.objectGuid), onPremisesObjectIdentifier: 'x' });
    const r = await runSyncCycle(after);
    expect(r.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-object-identifier']]);
  });

  it('refuses with AttributeUpdateNotAllowed from 2026-07-01 when the cloud user holds a privileged role', async () => {
    const w = world({ now: '2026-08-01T00:00:00Z' });
    const ad = w.directory.addUser(SALES, person('lena.lopez'));
    const cloud = cloudOnly(w.tenant, 'lena.lopez', { onPremisesImmutableId: guidToImmutableId(ad.objectGuid) });
    w.tenant.addRoleMember('Global Administrator', cloud.id);
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-privileged-role']]);
  });
});

describe('runSyncCycle: hard match and PIM-eligible privileged roles', () => {
  it('refuses with AttributeUpdateNotAllowed from 2026-07-01 when the cloud user is only eligible for a privileged role, not before', async () => {
    const before = world({ now: '2026-06-30T23:00:00Z' });
    const ad1 = before.directory.addUser(SALES, person('lena.lopez'));
    const c1 = cloudOnly(before.tenant, 'lena.lopez', { onPremisesImmutableId: guidToImmutableId(ad1.objectGuid) });
    before.tenant.addEligibleRoleMember('Privileged Role Administrator', c1.id);
    const r1 = await runSyncCycle(before);
    expect(r1.counts.hardMatched).toBe(1);
    expect(r1.errors).toEqual([]);
    expect(before.tenant.getUser(c1.id)?.onPremisesSyncEnabled).toBe(true);

    const after = world({ now: '2026-07-01T00:00:00Z' });
    const ad2 = after.directory.addUser(SALES, person('lena.lopez'));
    const c2 = cloudOnly(after.tenant, 'lena.lopez', { onPremisesImmutableId: guidToImmutableId(ad2.objectGuid) });
    after.tenant.addEligibleRoleMember('Privileged Role Administrator', c2.id);
    const r2 = await runSyncCycle(after);
    expect(r2.counts.hardMatched).toBe(0);
    expect(r2.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-privileged-role', c2.id]]);
    expect(r2.errors[0]?.message).toBe('lena.lopez@lab.example.test: the cloud user lena.lopez@lab.example.test holds or is eligible for a privileged role: hard match is refused from 2026-07-01');
    expect(after.tenant.getUser(c2.id)?.onPremisesSyncEnabled).toBeNull();
  });

  it('an eligible non-privileged role does not stop the hard match after the date', async () => {
    const w = world({ now: '2026-08-01T00:00:00Z' });
    const ad = w.directory.addUser(SALES, person('lena.lopez'));
    const cloud = cloudOnly(w.tenant, 'lena.lopez', { onPremisesImmutableId: guidToImmutableId(ad.objectGuid) });
    w.tenant.addEligibleRoleMember('Directory Readers', cloud.id);
    const r = await runSyncCycle(w);
    expect(r.counts.hardMatched).toBe(1);
    expect(r.errors).toEqual([]);
  });
});

describe('runSyncCycle: soft match', () => {
  it('soft-matches by primary SMTP and sets the immutable id', async () => {
    const w = world();
    const cloud = cloudOnly(w.tenant, 'marco.meyer', { userPrincipalName: 'marco@lab.example.test', displayName: 'M' });
    const ad = w.directory.addUser(SALES, person('marco.meyer'));
    const r = await runSyncCycle(w);
    expect(r.softMatched.map((o) => o.userId)).toEqual([cloud.id]);
    expect(w.tenant.getUser(cloud.id)).toMatchObject({
      onPremisesImmutableId: guidToImmutableId(ad.objectGuid),
      onPremisesSyncEnabled: true,
      userPrincipalName: 'marco.meyer@lab.example.test',
      displayName: 'marco meyer',
    });
  });

  it('soft-matches by UPN only with softMatchOnUpnEnabled', async () => {
    const off = world();
    cloudOnly(off.tenant, 'nina.novak', { mail: 'other@lab.example.test', proxyAddresses: ['SMTP:other@lab.example.test'] });
    off.directory.addUser(SALES, person('nina.novak'));
    const r1 = await runSyncCycle(off);
    expect(r1.counts.softMatched).toBe(0);
    expect(r1.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeValueMustBeUnique', 'duplicate-attribute']]);

    const on = world();
    on.tenant.updateSyncFeatures({ softMatchOnUpnEnabled: true });
    const cloud = cloudOnly(on.tenant, 'nina.novak', { mail: 'other@lab.example.test', proxyAddresses: ['SMTP:other@lab.example.test'] });
    on.directory.addUser(SALES, person('nina.novak'));
    const r2 = await runSyncCycle(on);
    expect(r2.softMatched.map((o) => o.userId)).toEqual([cloud.id]);
  });

  it('refuses with InvalidSoftMatch when the candidate already has an immutable id', async () => {
    const w = world();
    const cloud = cloudOnly(w.tenant, 'oscar.olsen', { onPremisesImmutableId: 'yYuRNW0Z6kCXeYidebdT8A==' });
    w.directory.addUser(SALES, person('oscar.olsen'));
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['InvalidSoftMatch', 'soft-match-has-immutable-id', cloud.id]]);
    expect(w.tenant.getUser(cloud.id)?.onPremisesImmutableId).toBe('yYuRNW0Z6kCXeYidebdT8A==');
  });

  it('never soft-matches a user holding an admin role', async () => {
    const w = world();
    const cloud = cloudOnly(w.tenant, 'paula.patel');
    w.tenant.addRoleMember('User Administrator', cloud.id);
    w.directory.addUser(SALES, person('paula.patel'));
    const r = await runSyncCycle(w);
    expect(r.counts.softMatched).toBe(0);
    expect(r.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeValueMustBeUnique', 'soft-match-admin-role']]);
    expect(w.tenant.getUser(cloud.id)?.onPremisesSyncEnabled).toBeNull();
  });

  it('blockSoftMatch turns the match into a collision (AttributeValueMustBeUnique)', async () => {
    const w = world();
    w.tenant.updateSyncFeatures({ blockSoftMatchEnabled: true });
    const cloud = cloudOnly(w.tenant, 'quinn.quintero');
    w.directory.addUser(SALES, person('quinn.quintero'));
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['AttributeValueMustBeUnique', 'soft-match-blocked', cloud.id]]);
    expect(w.tenant.userCount()).toBe(1);
  });

  it('reports a duplicate proxy address between two AD users', async () => {
    const w = world();
    w.directory.addUser(SALES, person('ruby.rossi'));
    w.directory.addUser(SALES, person('ruby.rossi2', { proxyAddresses: ['SMTP:ruby.rossi2@lab.example.test', 'smtp:ruby.rossi@lab.example.test'] }));
    const r = await runSyncCycle(w);
    expect(r.created.map((o) => o.upn)).toEqual(['ruby.rossi@lab.example.test']);
    expect(r.errors.map((e) => [e.upn, e.code, e.reason])).toEqual([['ruby.rossi2@lab.example.test', 'AttributeValueMustBeUnique', 'duplicate-attribute']]);
  });
});

describe('runSyncCycle: cloud-managed users and tenant sync state', () => {
  it('skips a cloud-managed user (event 6956) and takes it back after rollback', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('sofia.santos'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('sofia.santos@lab.example.test')?.id ?? '';
    w.tenant.setUserCloudManaged(id, true);
    await w.directory.modifyUser(ad.dn, [{ attribute: 'displayName', to: ['Changed in AD'] }]);
    const r = await runSyncCycle(w);
    expect(r.skippedCloudManaged.map((o) => o.userId)).toEqual([id]);
    expect(r.counts.deleted).toBe(0);
    expect(w.tenant.getUser(id)).toMatchObject({ displayName: 'sofia santos', onPremisesSyncEnabled: null, isCloudManaged: true });

    w.tenant.setUserCloudManaged(id, false);
    const back = await runSyncCycle(w);
    expect(back.hardMatched.map((o) => o.userId)).toEqual([id]);
    expect(w.tenant.getUser(id)).toMatchObject({ displayName: 'Changed in AD', onPremisesSyncEnabled: true, isCloudManaged: false });
  });

  it('a rollback after 2026-07-01 is refused: the converted user keeps the onPremisesObjectIdentifier sync wrote', async () => {
    const w = world({ now: '2026-06-30T12:00:00Z' });
    const ad = w.directory.addUser(SALES, person('vera.vogel'));
    await runSyncCycle(w);
    const u = w.tenant.getUserByUpn('vera.vogel@lab.example.test');
    expect(u?.onPremisesObjectIdentifier).toBe(ad.objectGuid);
    w.tenant.setUserCloudManaged(u?.id ?? '', true);
    w.tenant.advanceClock(24 * 3600);
    w.tenant.setUserCloudManaged(u?.id ?? '', false);
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-object-identifier']]);
  });

  it('skips a cloud-managed user whose immutable id was cleared (found by SMTP), without an error', async () => {
    const w = world();
    w.directory.addUser(SALES, person('tomas.torres'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('tomas.torres@lab.example.test')?.id ?? '';
    w.tenant.setUserCloudManaged(id, true);
    w.tenant.updateUser(id, { onPremisesImmutableId: null });
    const r = await runSyncCycle(w);
    expect(r.skippedCloudManaged.map((o) => o.userId)).toEqual([id]);
    expect(r.counts.errors).toBe(0);
  });

  it('does nothing while a tenant-wide disable is pending, or when sync is off', async () => {
    const w = world();
    w.directory.addUser(SALES, person('umar.ueda'));
    w.tenant.setDirectorySyncEnabled(false);
    const pending = await runSyncCycle(w);
    expect([pending.ran, pending.skipped]).toEqual([false, 'tenant-sync-disable-pending']);
    w.tenant.advanceClock(72 * 3600);
    const off = await runSyncCycle(w);
    expect([off.ran, off.skipped]).toEqual([false, 'tenant-sync-disabled']);
    expect(w.tenant.userCount()).toBe(0);
  });
});
