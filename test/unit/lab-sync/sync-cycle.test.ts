// One Entra Connect cycle on the in-memory AD and the lab tenant: attribute flow, leaving scope,
// restore, accidental deletes, hard match and its hardening, rollback, the tenant-wide switch.
// Soft match: soft-match.test.ts; duplicate-attribute resiliency: resiliency.test.ts.
import { describe, expect, it } from 'vitest';
import { runSyncCycle, tenantDeletionThreshold } from '../../../src/lab/sync-cycle.js';
import { immutableIdOfGuid } from '../../../src/lab/connect/source-anchor.js';
import { SALES, UNSYNCED, cloudOnly, person, world } from './fixtures.js';

const anchor = (guid: string) => immutableIdOfGuid(guid);

describe('runSyncCycle: new objects and attribute flow', () => {
  it('creates a synced cloud user for a new in-scope AD user and writes the consistency guid', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('ava.adams'));
    const r = await runSyncCycle(w);
    expect(r.counts).toMatchObject({ adUsers: 1, inScope: 1, created: 1, errors: 0, quarantined: 0 });
    const u = w.tenant.getUserByUpn('ava.adams@lab.example.test');
    expect(u).toMatchObject({
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: anchor(ad.objectGuid),
      onPremisesDistinguishedName: ad.dn,
      onPremisesSamAccountName: 'ava.adams',
      onPremisesDomainName: 'lab.example.test',
      onPremisesUserPrincipalName: 'ava.adams@lab.example.test',
      onPremisesObjectIdentifier: ad.objectGuid,
      onPremisesLastSyncDateTime: '2026-06-15T09:00:00.000Z',
      proxyAddresses: ['SMTP:ava.adams@lab.example.test'],
      mailNickname: 'ava.adams',
      displayName: 'ava adams',
      exchangeMailbox: false,
      connectorJoin: ad.objectGuid,
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
    expect(r.created[0]?.immutableId).toBe(anchor(ad.objectGuid));
    expect((await w.directory.getUserByDn(ad.dn))?.consistencyGuid).toBeNull();
  });

  it('mailNickname is computed once, from the primary SMTP address first (plan-connect-userprincipalname)', async () => {
    const w = world();
    w.directory.addUser(SALES, person('carl.cole', { samAccountName: 'ccole', mail: 'carl@lab.example.test', proxyAddresses: ['SMTP:c.cole@lab.example.test'] }));
    w.directory.addUser(SALES, person('dora.dale', { samAccountName: 'ddale', mail: null, proxyAddresses: [] }));
    await runSyncCycle(w);
    expect(w.tenant.getUserByUpn('carl.cole@lab.example.test')?.mailNickname).toBe('c.cole');
    expect(w.tenant.getUserByUpn('dora.dale@lab.example.test')?.mailNickname).toBe('dora.dale');
  });

  it('a UPN in a domain the tenant has not verified becomes <mailNickname>@<initial domain>', async () => {
    const w = world({ domains: ['lab.example.test', 'labtenant.onmicrosoft.com'] });
    w.directory.addUser(SALES, person('eve.east', { userPrincipalName: 'eve.east@corp.local', proxyAddresses: ['SMTP:eve@lab.example.test'] }));
    const r = await runSyncCycle(w);
    expect(r.created.map((o) => o.upn)).toEqual(['eve@labtenant.onmicrosoft.com']);
    expect(w.tenant.getUserByUpn('eve@labtenant.onmicrosoft.com')?.onPremisesUserPrincipalName).toBe('eve.east@corp.local');
  });

  it('with password hash sync on, a created or matched user gets the AD password (the change time moves)', async () => {
    const w = world({ now: '2026-06-15T09:00:00Z' });
    w.tenant.updateSyncFeatures({ passwordSyncEnabled: true });
    const ad = w.directory.addUser(SALES, person('finn.ford'));
    const cloud = cloudOnly(w.tenant, 'gina.gray', { onPremisesImmutableId: anchor(w.directory.addUser(SALES, person('gina.gray')).objectGuid) });
    const r = await runSyncCycle(w);
    expect(r.created.map((o) => [o.dn, o.passwordReplaced])).toEqual([[ad.dn, true]]);
    expect(r.hardMatched.map((o) => [o.userId, o.passwordReplaced])).toEqual([[cloud.id, true]]);
    expect(w.tenant.getUser(cloud.id)?.passwordLastResetAt).toBe('2026-06-15T09:00:00.000Z');

    const off = world();
    off.directory.addUser(SALES, person('finn.ford'));
    const r2 = await runSyncCycle(off);
    expect(r2.created[0]?.passwordReplaced).toBeUndefined();
    expect(off.tenant.getUserByUpn('finn.ford@lab.example.test')?.passwordLastResetAt).toBeNull();
  });
});

describe('runSyncCycle: leaving scope', () => {
  it('soft-deletes the cloud user of an AD user moved to an unsynced OU: DirSyncEnabled false, immutable id kept', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('dana.diaz'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('dana.diaz@lab.example.test')?.id;
    await w.directory.moveUser(ad.dn, UNSYNCED);
    const r = await runSyncCycle(w);
    expect(r.deleted.map((d) => d.upn)).toEqual(['dana.diaz@lab.example.test']);
    expect(w.tenant.getUserByUpn('dana.diaz@lab.example.test')).toBeUndefined();
    const del = w.tenant.listDeletedUsers().find((d) => d.id === id);
    // tshoot-connect-sync-errors#invalidhardmatch: "gets soft-deleted and its DirSyncEnabled attribute is switched to False"
    expect(del).toMatchObject({ onPremisesImmutableId: anchor(ad.objectGuid), onPremisesSyncEnabled: false, connectorJoin: null });
    // restored by an admin, it stays "no longer synced"
    expect(w.tenant.restoreUser(id ?? '').onPremisesSyncEnabled).toBe(false);
  });

  it('restores the soft-deleted user when its AD object comes back into scope (AD recycle bin page)', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('elias.evans'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('elias.evans@lab.example.test')?.id;
    const moved = await w.directory.moveUser(ad.dn, UNSYNCED);
    await runSyncCycle(w);
    await w.directory.moveUser(moved, SALES);
    const r = await runSyncCycle(w);
    expect(r.restored.map((o) => [o.upn, o.userId])).toEqual([['elias.evans@lab.example.test', id]]);
    expect(w.tenant.getUserByUpn('elias.evans@lab.example.test')).toMatchObject({ onPremisesSyncEnabled: true, connectorJoin: ad.objectGuid });
  });

  it('an object that left scope and was restored by an admin is not taken back while the takeover block is on', async () => {
    // tshoot-connect-sync-errors#invalidhardmatch, second example scenario
    const w = world();
    const ad = w.directory.addUser(SALES, person('ines.ivy'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('ines.ivy@lab.example.test')?.id ?? '';
    const moved = await w.directory.moveUser(ad.dn, UNSYNCED);
    await runSyncCycle(w);
    w.tenant.restoreUser(id);
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    await w.directory.moveUser(moved, SALES);
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['InvalidHardMatch', 'hard-match-takeover-blocked', id]]);
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    expect((await runSyncCycle(w)).hardMatched.map((o) => o.userId)).toEqual([id]);
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
    expect(w.tenant.listProvisioningErrors().map((e) => [e.code, e.kind])).toEqual([['stopped-deletion-threshold-exceeded', 'export']]);
    // at the threshold exactly, it goes through
    const r2 = await runSyncCycle({ ...w, config: { ...w.config, deletionThreshold: 4 } });
    expect(r2.stopped).toBeUndefined();
    expect(r2.counts).toMatchObject({ deleted: 4, created: 1 });
    expect(w.tenant.listProvisioningErrors()).toEqual([]);
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
    const cloud = cloudOnly(w.tenant, 'hana.haas', { displayName: 'Cloud Hana', onPremisesImmutableId: anchor(ad.objectGuid) });
    const r = await runSyncCycle(w);
    expect(r.hardMatched.map((o) => o.userId)).toEqual([cloud.id]);
    const u = w.tenant.getUser(cloud.id);
    expect(u).toMatchObject({ onPremisesSyncEnabled: true, displayName: 'hana haas', onPremisesDistinguishedName: ad.dn, connectorJoin: ad.objectGuid });
    // the AD side had no mail: the cloud value stays (only attributes with an on-prem value overwrite)
    expect(u?.mail).toBe('hana.haas@lab.example.test');
    expect(u?.proxyAddresses).toEqual(['SMTP:hana.haas@lab.example.test']);
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

  it('refuses with InvalidHardMatch when blockCloudObjectTakeoverThroughHardMatch is on; the next cycle retries', async () => {
    const w = world();
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    const ad = w.directory.addUser(SALES, person('julia.jensen'));
    const cloud = cloudOnly(w.tenant, 'julia.jensen', { onPremisesImmutableId: anchor(ad.objectGuid) });
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['InvalidHardMatch', 'hard-match-takeover-blocked', cloud.id]]);
    expect(w.tenant.getUser(cloud.id)?.onPremisesSyncEnabled).toBeNull();
    // an export error is Connect's: not on the cloud object (Graph's onPremisesProvisioningErrors)
    expect(w.tenant.listProvisioningErrors().map((e) => [e.code, e.kind, e.objectId, e.adDn])).toEqual([['InvalidHardMatch', 'export', null, ad.dn]]);
    expect(w.tenant.listProvisioningErrors(cloud.id)).toEqual([]);
    expect((await runSyncCycle(w)).errors.map((e) => e.code)).toEqual(['InvalidHardMatch']);
    expect(w.tenant.listProvisioningErrors()).toHaveLength(1);
  });

  it('from 2026-07-01 refuses a cloud user mapped to another AD object (onPremisesObjectIdentifier), not before', async () => {
    const before = world({ now: '2026-06-30T23:00:00Z' });
    const ad1 = before.directory.addUser(SALES, person('kenji.khan'));
    cloudOnly(before.tenant, 'kenji.khan', { onPremisesImmutableId: anchor(ad1.objectGuid), onPremisesObjectIdentifier: '11111111-2222-4333-8444-555555555555' });
    expect((await runSyncCycle(before)).counts.hardMatched).toBe(1);

    const after = world({ now: '2026-07-01T00:00:00Z' });
    const ad2 = after.directory.addUser(SALES, person('kenji.khan'));
    const c2 = cloudOnly(after.tenant, 'kenji.khan', { onPremisesImmutableId: anchor(ad2.objectGuid), onPremisesObjectIdentifier: '11111111-2222-4333-8444-555555555555' });
    const r = await runSyncCycle(after);
    expect(r.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-object-identifier']]);
    expect(r.errors[0]?.message).toContain('Hard match operation blocked due to security hardening. Review OnPremisesObjectIdentifier mapping.');
    // Microsoft's recovery: clear onPremisesObjectIdentifier, then the match goes through
    after.tenant.updateUser(c2.id, { onPremisesObjectIdentifier: null });
    expect((await runSyncCycle(after)).hardMatched.map((o) => o.userId)).toEqual([c2.id]);
    expect(after.tenant.getUser(c2.id)?.onPremisesObjectIdentifier).toBe(ad2.objectGuid);
  });

  it('from 2026-07-01 the same AD object (identifier equal) is not affected', async () => {
    const w = world({ now: '2026-08-01T00:00:00Z' });
    const ad = w.directory.addUser(SALES, person('kim.kerr'));
    const cloud = cloudOnly(w.tenant, 'kim.kerr', { onPremisesImmutableId: anchor(ad.objectGuid), onPremisesObjectIdentifier: ad.objectGuid.toUpperCase() });
    expect((await runSyncCycle(w)).hardMatched.map((o) => o.userId)).toEqual([cloud.id]);
  });

  it('allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled lifts the identifier rule (not the privileged-role one)', async () => {
    const w = world({ now: '2026-08-01T00:00:00Z' });
    w.tenant.updateSyncFeatures({ allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled: true });
    const ad = w.directory.addUser(SALES, person('lars.lind'));
    const cloud = cloudOnly(w.tenant, 'lars.lind', { onPremisesImmutableId: anchor(ad.objectGuid), onPremisesObjectIdentifier: '11111111-2222-4333-8444-555555555555' });
    const ad2 = w.directory.addUser(SALES, person('mia.moss'));
    const admin = cloudOnly(w.tenant, 'mia.moss', { onPremisesImmutableId: anchor(ad2.objectGuid) });
    w.tenant.addRoleMember('User Administrator', admin.id);
    const r = await runSyncCycle(w);
    expect(r.hardMatched.map((o) => o.userId)).toEqual([cloud.id]);
    expect(r.errors.map((e) => [e.reason, e.userId])).toEqual([['hard-match-privileged-role', admin.id]]);
  });

  it('from 2026-07-01 refuses a cloud user assigned a privileged role', async () => {
    const w = world({ now: '2026-08-01T00:00:00Z' });
    const ad = w.directory.addUser(SALES, person('lena.lopez'));
    const cloud = cloudOnly(w.tenant, 'lena.lopez', { onPremisesImmutableId: anchor(ad.objectGuid) });
    w.tenant.addRoleMember('Global Administrator', cloud.id);
    const r = await runSyncCycle(w);
    expect(r.errors.map((e) => [e.code, e.reason])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-privileged-role']]);
  });

  it('from 2026-07-01 refuses a cloud user only eligible (PIM) for a privileged role, not before', async () => {
    const before = world({ now: '2026-06-30T23:00:00Z' });
    const ad1 = before.directory.addUser(SALES, person('lena.lopez'));
    const c1 = cloudOnly(before.tenant, 'lena.lopez', { onPremisesImmutableId: anchor(ad1.objectGuid) });
    before.tenant.addEligibleRoleMember('Privileged Role Administrator', c1.id);
    const r1 = await runSyncCycle(before);
    expect(r1.counts.hardMatched).toBe(1);
    expect(r1.errors).toEqual([]);

    const after = world({ now: '2026-07-01T00:00:00Z' });
    const ad2 = after.directory.addUser(SALES, person('lena.lopez'));
    const c2 = cloudOnly(after.tenant, 'lena.lopez', { onPremisesImmutableId: anchor(ad2.objectGuid) });
    after.tenant.addEligibleRoleMember('Privileged Role Administrator', c2.id);
    const r2 = await runSyncCycle(after);
    expect(r2.counts.hardMatched).toBe(0);
    expect(r2.errors.map((e) => [e.code, e.reason, e.userId])).toEqual([['AttributeUpdateNotAllowed', 'hard-match-privileged-role', c2.id]]);
    expect(after.tenant.getUser(c2.id)?.onPremisesSyncEnabled).toBeNull();
  });

  it('an eligible non-privileged role does not stop the hard match after the date', async () => {
    const w = world({ now: '2026-08-01T00:00:00Z' });
    const ad = w.directory.addUser(SALES, person('lena.lopez'));
    const cloud = cloudOnly(w.tenant, 'lena.lopez', { onPremisesImmutableId: anchor(ad.objectGuid) });
    w.tenant.addEligibleRoleMember('Directory Readers', cloud.id);
    const r = await runSyncCycle(w);
    expect(r.counts.hardMatched).toBe(1);
    expect(r.errors).toEqual([]);
  });

  it('two AD objects with the same sourceAnchor: the first in DN order syncs, the second is an export error', async () => {
    const w = world();
    const guid = '35918bc9-196d-40ea-9779-889d79b753f0';
    const twin = w.directory.addUser(SALES, person('nell.nash'), { consistencyGuid: guid });
    w.directory.addUser(SALES, person('ned.nash'), { consistencyGuid: guid });
    const r = await runSyncCycle(w);
    expect(r.created.map((o) => o.upn)).toEqual(['ned.nash@lab.example.test']);
    expect(r.errors.map((e) => [e.dn, e.code, e.reason])).toEqual([[twin.dn, 'AttributeValueMustBeUnique', 'duplicate-source-anchor']]);
  });
});

describe('runSyncCycle: the per-object switch (SOA) and its rollback', () => {
  it('skips a cloud-managed user (event 6956), and takes it back after the rollback once the takeover block is off', async () => {
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

    // how-to-user-source-of-authority-configure#roll-back-soa-update: the flag "blocks switching source of authority from cloud to on-premises"
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    w.tenant.setUserCloudManaged(id, false);
    const blocked = await runSyncCycle(w);
    expect(blocked.errors.map((e) => [e.code, e.userId])).toEqual([['InvalidHardMatch', id]]);
    expect(w.tenant.getUser(id)).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });

    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const back = await runSyncCycle(w);
    expect(back.hardMatched.map((o) => o.userId)).toEqual([id]);
    expect(w.tenant.getUser(id)).toMatchObject({ displayName: 'Changed in AD', onPremisesSyncEnabled: true, isCloudManaged: false });
  });

  it('a rollback after 2026-07-01 goes through: the identifier is the same AD object', async () => {
    const w = world({ now: '2026-06-30T12:00:00Z' });
    const ad = w.directory.addUser(SALES, person('vera.vogel'));
    await runSyncCycle(w);
    const u = w.tenant.getUserByUpn('vera.vogel@lab.example.test');
    expect(u?.onPremisesObjectIdentifier).toBe(ad.objectGuid);
    w.tenant.setUserCloudManaged(u?.id ?? '', true);
    w.tenant.advanceClock(24 * 3600);
    w.tenant.setUserCloudManaged(u?.id ?? '', false);
    const r = await runSyncCycle(w);
    expect(r.errors).toEqual([]);
    expect(r.hardMatched.map((o) => o.userId)).toEqual([u?.id]);
  });

  it('a converted user whose immutable id and identifier were cleared stays joined: skipped, no duplicate, and a rollback still finds it', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('tomas.torres'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('tomas.torres@lab.example.test')?.id ?? '';
    w.tenant.setUserCloudManaged(id, true);
    w.tenant.updateUser(id, { onPremisesImmutableId: null, onPremisesObjectIdentifier: null, onPremisesDistinguishedName: null, userPrincipalName: 'tomas@lab.example.test', proxyAddresses: [] });
    const r = await runSyncCycle(w);
    expect(r.skippedCloudManaged.map((o) => o.userId)).toEqual([id]);
    expect([r.counts.errors, r.counts.created, w.tenant.userCount()]).toEqual([0, 0, 1]);

    w.tenant.setUserCloudManaged(id, false);
    const back = await runSyncCycle(w);
    expect(back.hardMatched.map((o) => o.userId)).toEqual([id]);
    expect(w.tenant.getUser(id)).toMatchObject({ userPrincipalName: 'tomas.torres@lab.example.test', onPremisesImmutableId: anchor(ad.objectGuid), onPremisesSyncEnabled: true });
  });
});

describe('runSyncCycle: the tenant-wide switch', () => {
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

  it('a completed disable clears the on-premises properties Microsoft lists, and keeps the others', async () => {
    const w = world();
    const ad = w.directory.addUser(SALES, person('wendy.walsh'));
    await runSyncCycle(w);
    w.tenant.setDirectorySyncEnabled(false);
    const during = w.tenant.getUserByUpn('wendy.walsh@lab.example.test');
    expect(during).toMatchObject({ onPremisesSyncEnabled: true, onPremisesDistinguishedName: ad.dn });
    w.tenant.advanceClock(72 * 3600);
    // turn-off-directory-synchronization: DnsDomainName, NetBiosName, OnPremisesDistinguishedName, OnPremisesSamAccountName, OnpremisesUserPrincipalName
    expect(w.tenant.getUserByUpn('wendy.walsh@lab.example.test')).toMatchObject({
      onPremisesSyncEnabled: false,
      onPremisesDomainName: null,
      onPremisesDistinguishedName: null,
      onPremisesSamAccountName: null,
      onPremisesUserPrincipalName: null,
      onPremisesImmutableId: anchor(ad.objectGuid),
      onPremisesObjectIdentifier: ad.objectGuid,
    });
  });

  it('sync turned on again after a disable: Connect takes its objects back only with the takeover block off', async () => {
    // tshoot-connect-sync-errors#invalidhardmatch, first example scenario
    const w = world();
    w.directory.addUser(SALES, person('xena.xu'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('xena.xu@lab.example.test')?.id;
    w.tenant.setDirectorySyncEnabled(false);
    w.tenant.advanceClock(72 * 3600);
    w.tenant.setDirectorySyncEnabled(true);
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    expect((await runSyncCycle(w)).errors.map((e) => [e.code, e.userId])).toEqual([['InvalidHardMatch', id]]);
    w.tenant.updateSyncFeatures({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    expect((await runSyncCycle(w)).hardMatched.map((o) => o.userId)).toEqual([id]);
  });
});
