import { describe, expect, it } from 'vitest';
import { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { AddressBook } from '../../../src/lab/connect/address-book.js';
import { LabTenantError } from '../../../src/lab/tenant/tenant-error.js';
import { isPrivilegedRoleTemplate } from '../../../src/lab/tenant/role-templates.js';
import { addCloudUser, addSyncedUser, newTenant, DOMAIN } from './helpers.js';

describe('LabTenant', () => {
  it('round-trips through toJSON / fromJSON, indexes included', () => {
    const t = newTenant();
    const s = addSyncedUser(t, 'xena');
    addCloudUser(t, 'yuri');
    t.deleteUser(addCloudUser(t, 'zack').id);
    t.addRoleMember('Global Administrator', s.id);
    const copy = LabTenant.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(copy.toJSON()).toEqual(t.toJSON());
    expect(copy.getUserByUpn(`XENA@${DOMAIN}`)?.id).toBe(s.id);
    expect(copy.getUserByImmutableId(s.onPremisesImmutableId ?? '')?.id).toBe(s.id);
    expect(copy.isPrivileged(s.id)).toBe(true);
    expect(copy.listDeletedUsers().map((u) => u.userPrincipalName)).toEqual([`zack@${DOMAIN}`]);
  });

  it('keeps UPN and immutable id unique among live users', () => {
    const t = newTenant();
    const a = addSyncedUser(t, 'anna');
    expect(() => addCloudUser(t, 'ANNA')).toThrowError(LabTenantError);
    const b = addCloudUser(t, 'ben');
    expect(() => t.updateUser(b.id, { onPremisesImmutableId: a.onPremisesImmutableId })).toThrowError(/onPremisesImmutableId already exists/);
    // after a's deletion the anchor is free among live users; the deleted one keeps it
    t.deleteUser(a.id);
    t.updateUser(b.id, { onPremisesImmutableId: a.onPremisesImmutableId });
    expect(t.getDeletedUser(a.id)?.onPremisesImmutableId).toBe(a.onPremisesImmutableId);
    expect(() => t.restoreUser(a.id)).toThrowError(/onPremisesImmutableId already exists/);
  });

  it('purges deleted users after 30 lab days', () => {
    const t = newTenant();
    const a = addCloudUser(t, 'carl');
    t.deleteUser(a.id);
    expect(t.advanceClock(30 * 24 * 3600 - 1).purgedUserIds).toEqual([]);
    expect(t.advanceClock(1).purgedUserIds).toEqual([a.id]);
    expect(t.getDeletedUser(a.id)).toBeUndefined();
  });

  it('completes a pending disable after the configured delay: synced objects turn false, converted stay null', () => {
    const t = newTenant({ disableDelaySeconds: 100 });
    const s = addSyncedUser(t, 'dora');
    const conv = addSyncedUser(t, 'emil');
    t.setUserCloudManaged(conv.id, true);
    const g = t.createGroup({ displayName: 'G', onPremisesSyncEnabled: true });
    t.setDirectorySyncEnabled(false);
    expect(t.getOrganization().pendingDisable).toEqual({ requestedAt: '2026-11-21T12:00:00.000Z', completesAt: '2026-11-21T12:01:40.000Z' });
    expect(() => t.setDirectorySyncEnabled(false)).toThrowError('You cannot turn off Active Directory synchronization.');
    expect(t.advanceClock(100).disableCompleted).toBe(true);
    expect(t.getUser(s.id)?.onPremisesSyncEnabled).toBe(false);
    expect(t.getUser(conv.id)?.onPremisesSyncEnabled).toBeNull();
    expect(t.getGroup(g.id)?.onPremisesSyncEnabled).toBe(false);
    expect(t.getOrganization()).toMatchObject({ onPremisesSyncEnabled: false, pendingDisable: null });
  });

  it('refuses the SOA switch for a user of a federated domain', () => {
    const data = newTenant().toJSON();
    data.organization.verifiedDomains.push({ name: 'fed.example.test', isDefault: false, isInitial: false, type: 'Federated', capabilities: 'Email' });
    const t = LabTenant.fromJSON(data);
    const u = t.createUser({ userPrincipalName: 'ida@fed.example.test', onPremisesSyncEnabled: true, onPremisesImmutableId: 'aWRhLi4uLi4uLi4uLi4uLg==' });
    expect(() => t.setUserCloudManaged(u.id, true)).toThrowError(/federated domain/);
    expect(t.getUser(u.id)?.isCloudManaged).toBe(false);
  });

  it('tracks changes for delta and resets in place', () => {
    const t = newTenant();
    const a = addCloudUser(t, 'fay');
    const seq = t.changeSequence();
    t.updateUser(a.id, { displayName: 'Fay' });
    expect(t.usersChangedSince(seq).changed.map((u) => u.displayName)).toEqual(['Fay']);
    const snapshot = t.toJSON();
    addCloudUser(t, 'gus');
    t.reset(snapshot);
    expect(t.listUsers().map((u) => u.userPrincipalName)).toEqual([`fay@${DOMAIN}`]);
    expect(t.getUserByUpn(`gus@${DOMAIN}`)).toBeUndefined();
  });

  it('finds soft-match candidates by primary SMTP and records provisioning errors', () => {
    const t = newTenant();
    const a = addCloudUser(t, 'hal', { proxyAddresses: [`SMTP:hal@${DOMAIN}`, `smtp:h@${DOMAIN}`] });
    // the sync simulator's own index of addresses (what soft match looks candidates up in)
    const book = new AddressBook(t);
    expect(book.byPrimary(`HAL@${DOMAIN}`).map((u) => u.id)).toEqual([a.id]);
    expect(book.byPrimary(`h@${DOMAIN}`)).toEqual([]);
    expect(book.holdersOf(`h@${DOMAIN}`).map((u) => u.id)).toEqual([a.id]);
    t.recordProvisioningError({ code: 'InvalidSoftMatch', category: 'PropertyConflict', objectId: a.id, adDn: null, propertyCausingError: 'ProxyAddresses', value: null, message: 'm' });
    expect(t.listProvisioningErrors(a.id).map((e) => [e.code, e.occurredDateTime])).toEqual([['InvalidSoftMatch', '2026-11-21T12:00:00.000Z']]);
    expect(isPrivilegedRoleTemplate('62E90394-69F5-4237-9190-012177145E10')).toBe(true);
    expect(isPrivilegedRoleTemplate('88d8e3e3-8f55-4a1e-953a-9b9898b8876b')).toBe(false);
  });
});
