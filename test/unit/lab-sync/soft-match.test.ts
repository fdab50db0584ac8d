// Soft match as Microsoft documents it: primary SMTP address (needs an Exchange Online mailbox),
// then UPN (only with softMatchOnUpn); never a cloud user with an immutable id or an admin role;
// blockSoftMatch. When no match happens, Entra ID provisions a new object and duplicate-attribute
// resiliency quarantines what it shares with the cloud user.
import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../../src/lab/sync-cycle.js';
import { immutableIdOfGuid } from '../../../src/lab/connect/source-anchor.js';
import { SALES, cloudOnly, person, world } from './fixtures.js';

const DOMAINS = ['lab.example.test', 'labtenant.onmicrosoft.com'];

describe('soft match by primary SMTP address', () => {
  it('takes over the cloud user with that primary address and a mailbox: immutable id set, AD values win', async () => {
    const w = world();
    const cloud = cloudOnly(w.tenant, 'marco.meyer', { userPrincipalName: 'marco@lab.example.test', displayName: 'M', exchangeMailbox: true });
    const ad = w.directory.addUser(SALES, person('marco.meyer'));
    const r = await runSyncCycle(w);
    expect(r.softMatched.map((o) => o.userId)).toEqual([cloud.id]);
    expect(r.created).toEqual([]);
    expect(w.tenant.getUser(cloud.id)).toMatchObject({
      onPremisesImmutableId: immutableIdOfGuid(ad.objectGuid),
      onPremisesSyncEnabled: true,
      userPrincipalName: 'marco.meyer@lab.example.test',
      displayName: 'marco meyer',
      exchangeMailbox: true,
    });
  });

  it('does not match a cloud user without an Exchange Online mailbox (KB 2641663): a second object is provisioned', async () => {
    const w = world({ domains: DOMAINS });
    const cloud = cloudOnly(w.tenant, 'nora.nagy', { userPrincipalName: 'nora@lab.example.test', exchangeMailbox: false });
    const ad = w.directory.addUser(SALES, person('nora.nagy'));
    const r = await runSyncCycle(w);
    expect(r.softMatched).toEqual([]);
    expect(r.created.map((o) => [o.dn, o.notMatched])).toEqual([[ad.dn, { userId: cloud.id, upn: 'nora@lab.example.test', why: 'no-mailbox' }]]);
    expect(r.quarantined.map((q) => [q.property, q.value, q.heldBy.userId])).toEqual([['ProxyAddresses', 'SMTP:nora.nagy@lab.example.test', cloud.id]]);
    expect(w.tenant.getUser(cloud.id)).toMatchObject({ onPremisesImmutableId: null, onPremisesSyncEnabled: null });
    expect(w.tenant.userCount()).toBe(2);
  });

  it('without a mailbox, a UPN match still works when softMatchOnUpn is on', async () => {
    const w = world();
    w.tenant.updateSyncFeatures({ softMatchOnUpnEnabled: true });
    const cloud = cloudOnly(w.tenant, 'omar.ortiz', { exchangeMailbox: false });
    w.directory.addUser(SALES, person('omar.ortiz'));
    const r = await runSyncCycle(w);
    expect(r.softMatched.map((o) => o.userId)).toEqual([cloud.id]);
  });

  it('the primary SMTP address is tried before the UPN', async () => {
    const w = world();
    w.tenant.updateSyncFeatures({ softMatchOnUpnEnabled: true });
    const byUpn = cloudOnly(w.tenant, 'pia.park', { mail: 'other@lab.example.test', proxyAddresses: ['SMTP:other@lab.example.test'] });
    const bySmtp = cloudOnly(w.tenant, 'pia.p', { mail: 'pia.park@lab.example.test', proxyAddresses: ['SMTP:pia.park@lab.example.test'] });
    w.directory.addUser(SALES, person('pia.park'));
    const r = await runSyncCycle(w);
    expect(r.softMatched.map((o) => o.userId)).toEqual([bySmtp.id]);
    expect(w.tenant.getUser(byUpn.id)?.onPremisesSyncEnabled).toBeNull();
  });
});

describe('soft match by UPN', () => {
  it('matches by UPN only with softMatchOnUpnEnabled; without it the new object gets a placeholder UPN', async () => {
    const off = world({ domains: DOMAINS });
    const c1 = cloudOnly(off.tenant, 'nina.novak', { mail: 'other@lab.example.test', proxyAddresses: ['SMTP:other@lab.example.test'] });
    off.directory.addUser(SALES, person('nina.novak'));
    const r1 = await runSyncCycle(off);
    expect(r1.counts.softMatched).toBe(0);
    expect(r1.created[0]?.notMatched).toEqual({ userId: c1.id, upn: 'nina.novak@lab.example.test', why: 'upn-soft-match-off' });
    expect(r1.created[0]?.upn).toMatch(/^nina\.novak\d{4}@labtenant\.onmicrosoft\.com$/);

    const on = world();
    on.tenant.updateSyncFeatures({ softMatchOnUpnEnabled: true });
    const c2 = cloudOnly(on.tenant, 'nina.novak', { mail: 'other@lab.example.test', proxyAddresses: ['SMTP:other@lab.example.test'] });
    on.directory.addUser(SALES, person('nina.novak'));
    const r2 = await runSyncCycle(on);
    expect(r2.softMatched.map((o) => o.userId)).toEqual([c2.id]);
  });
});

describe('what is never soft-matched', () => {
  it('a cloud user with an immutable id: no InvalidSoftMatch error with resiliency, a second object with the shared values quarantined', async () => {
    // tshoot-connect-sync-errors#invalidsoftmatch: "you won't see the InvalidSoftMatch synchronization errors seen during provisioning of new objects"
    const w = world({ domains: DOMAINS });
    const cloud = cloudOnly(w.tenant, 'oscar.olsen', { onPremisesImmutableId: 'yYuRNW0Z6kCXeYidebdT8A==' });
    w.directory.addUser(SALES, person('oscar.olsen'));
    const r = await runSyncCycle(w);
    expect(r.errors).toEqual([]);
    expect(r.created[0]?.notMatched?.why).toBe('has-immutable-id');
    expect(r.quarantined.map((q) => [q.property, q.code])).toEqual([
      ['UserPrincipalName', 'AttributeValueMustBeUnique'],
      ['ProxyAddresses', 'AttributeValueMustBeUnique'],
    ]);
    expect(w.tenant.getUser(cloud.id)?.onPremisesImmutableId).toBe('yYuRNW0Z6kCXeYidebdT8A==');
  });

  it('a cloud user with an admin role: "Existing Admin Role Conflict"; Microsoft\'s fix then lets the soft match happen', async () => {
    const w = world({ domains: DOMAINS });
    const cloud = cloudOnly(w.tenant, 'paula.patel');
    w.tenant.addRoleMember('User Administrator', cloud.id);
    w.directory.addUser(SALES, person('paula.patel'));
    const r = await runSyncCycle(w);
    expect(r.counts.softMatched).toBe(0);
    expect(r.created[0]?.notMatched?.why).toBe('admin-role');
    const quarantinedId = r.created[0]?.userId ?? '';
    expect(r.quarantined.map((q) => [q.userId, q.property, q.code])).toEqual([
      [quarantinedId, 'UserPrincipalName', 'ExistingAdminRoleConflict'],
      [quarantinedId, 'ProxyAddresses', 'ExistingAdminRoleConflict'],
    ]);
    expect(w.tenant.getUser(cloud.id)?.onPremisesSyncEnabled).toBeNull();

    // tshoot-connect-sync-errors#existing-admin-role-conflict: remove the roles, hard-delete the quarantined object, sync
    w.tenant.removeRoleMember('User Administrator', cloud.id);
    w.tenant.deleteUser(quarantinedId);
    w.tenant.purgeDeletedUser(quarantinedId);
    const fixed = await runSyncCycle(w);
    expect(fixed.softMatched.map((o) => o.userId)).toEqual([cloud.id]);
    expect(w.tenant.userCount()).toBe(1);
  });

  it('a PIM-eligible (not assigned) admin role does not stop a soft match', async () => {
    const w = world();
    const cloud = cloudOnly(w.tenant, 'quentin.quail');
    w.tenant.addEligibleRoleMember('User Administrator', cloud.id);
    w.directory.addUser(SALES, person('quentin.quail'));
    expect((await runSyncCycle(w)).softMatched.map((o) => o.userId)).toEqual([cloud.id]);
  });

  it('blockSoftMatch: no match at all; the new object is a second user with the shared values quarantined', async () => {
    const w = world({ domains: DOMAINS });
    w.tenant.updateSyncFeatures({ blockSoftMatchEnabled: true });
    const cloud = cloudOnly(w.tenant, 'quinn.quintero');
    w.directory.addUser(SALES, person('quinn.quintero'));
    const r = await runSyncCycle(w);
    expect(r.errors).toEqual([]);
    expect(r.created[0]?.notMatched).toEqual({ userId: cloud.id, upn: 'quinn.quintero@lab.example.test', why: 'soft-match-blocked' });
    expect(w.tenant.userCount()).toBe(2);
    expect(w.tenant.getUser(cloud.id)?.onPremisesSyncEnabled).toBeNull();
  });

  it('a cloud-managed (SOA-switched) user that no AD object of this Connect is joined to is not taken over', async () => {
    const w = world({ domains: DOMAINS });
    const cloud = cloudOnly(w.tenant, 'rosa.reed', { isCloudManaged: true });
    w.directory.addUser(SALES, person('rosa.reed'));
    const r = await runSyncCycle(w);
    expect(r.created[0]?.notMatched?.why).toBe('cloud-managed');
    expect(w.tenant.getUser(cloud.id)).toMatchObject({ isCloudManaged: true, onPremisesImmutableId: null });
  });
});
