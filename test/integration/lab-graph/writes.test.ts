import { describe, expect, it } from 'vitest';
import { addCloudUser, addSyncedUser, graphError, raw, relative, DOMAIN, TENANT_ID, freshLabPerTest } from './helpers.js';

const MASTERED = 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';

describe('lab Graph emulator: writes and SOA', () => {
  const fx = freshLabPerTest({ disableDelaySeconds: 3600 });

  it('refuses AD-mastered writes on a synced user with the exact message', async () => {
    const u = addSyncedUser(fx.t, 'alice');
    for (const body of [{ displayName: 'Alice 2' }, { onPremisesImmutableId: 'AAAAAAAAAAAAAAAAAAAAAA==' }, { userPrincipalName: `al@${DOMAIN}` }]) {
      const e = await graphError(fx.lab.client.api(`/users/${u.id}`).patch(body));
      expect(e.statusCode).toBe(400);
      expect(e.code).toBe('Request_BadRequest');
      expect(e.message).toBe(MASTERED);
    }
    expect(fx.t.getUser(u.id)?.displayName).toBe('alice');
  });

  it('clears the immutable id with null on beta only, for a cloud-owned user; "" does not clear', async () => {
    const u = addSyncedUser(fx.t, 'bob');
    const before = u.onPremisesImmutableId;
    // synced: refused even on beta
    const refused = await graphError(fx.lab.client.api(`/users/${u.id}`).version('beta').patch({ onPremisesImmutableId: null }));
    expect(refused.message).toBe(MASTERED);
    await fx.lab.client.api(`/users/${u.id}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged: true });
    // "" is accepted and ignored
    await fx.lab.client.api(`/users/${u.id}`).version('beta').patch({ onPremisesImmutableId: '' });
    expect(fx.t.getUser(u.id)?.onPremisesImmutableId).toBe(before);
    // v1.0 null is accepted and ignored (documented lab choice)
    await fx.lab.client.api(`/users/${u.id}`).patch({ onPremisesImmutableId: null });
    expect(fx.t.getUser(u.id)?.onPremisesImmutableId).toBe(before);
    // beta null clears, and the other leftovers too
    await fx.lab.client.api(`/users/${u.id}`).version('beta').patch({ onPremisesImmutableId: null, onPremisesDistinguishedName: null, onPremisesSamAccountName: null });
    const after = (await fx.lab.client.api(`/users/${u.id}`).select('onPremisesImmutableId,onPremisesDistinguishedName,onPremisesSamAccountName,onPremisesDomainName').get()) as Record<string, unknown>;
    expect(after).toMatchObject({ onPremisesImmutableId: null, onPremisesDistinguishedName: null, onPremisesSamAccountName: null, onPremisesDomainName: 'lab.example.test' });
    // v1.0 refuses writing a leftover
    const ro = await graphError(fx.lab.client.api(`/users/${u.id}`).patch({ onPremisesDomainName: null }));
    expect(ro.statusCode).toBe(400);
    expect(ro.message).toBe("Property 'onPremisesDomainName' is read-only and cannot be set.");
  });

  it('sets an immutable id on a cloud user, refusing $ and _ and duplicates', async () => {
    const c = addCloudUser(fx.t, 'carol');
    addSyncedUser(fx.t, 'dave');
    const bad = await graphError(fx.lab.client.api(`/users/${c.id}`).patch({ onPremisesImmutableId: 'abc_def$' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.code).toBe('Request_BadRequest');
    const dup = await graphError(fx.lab.client.api(`/users/${c.id}`).patch({ onPremisesImmutableId: fx.t.getUserByUpn(`dave@${DOMAIN}`)?.onPremisesImmutableId }));
    expect(dup.statusCode).toBe(400);
    expect(dup.message).toBe('Another object with the same value for property onPremisesImmutableId already exists.');
    await fx.lab.client.api(`/users/${c.id}`).patch({ onPremisesImmutableId: 'yYuRNW0Z6kCXeYidebdT8A==' });
    expect(fx.t.getUser(c.id)?.onPremisesImmutableId).toBe('yYuRNW0Z6kCXeYidebdT8A==');
  });

  it('records a password reset time without storing the password', async () => {
    const c = addCloudUser(fx.t, 'erin');
    fx.t.advanceClock(60);
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Secret-123!', forceChangePasswordNextSignIn: true } });
    expect(fx.t.getUser(c.id)?.passwordLastResetAt).toBe('2026-11-21T12:01:00.000Z');
    expect(JSON.stringify(fx.t.toJSON())).not.toContain('Secret-123!');
  });

  it('GET/PATCH onPremisesSyncBehavior for users with its prerequisites', async () => {
    const s = addSyncedUser(fx.t, 'frank');
    const cloud = addCloudUser(fx.t, 'gina');
    const admin = addSyncedUser(fx.t, 'hank');
    fx.t.addRoleMember('Global Administrator', admin.id);

    // beta answers in the shape of Microsoft's documented example: the entity wrapped in "value"
    const before = (await fx.lab.client.api(`/users/${s.id}/onPremisesSyncBehavior`).version('beta').get()) as Record<string, unknown>;
    expect(before).toEqual({
      '@odata.context': `${fx.lab.emu.url}/beta/$metadata#users('${s.id}')/onPremisesSyncBehavior/$entity`,
      value: { '@odata.type': '#microsoft.graph.onPremisesSyncBehavior', id: s.id, isCloudManaged: false },
    });
    // v1.0 answers the entity itself, as the v1.0 OpenAPI description types the path
    expect(await fx.lab.client.api(`/users/${s.id}/onPremisesSyncBehavior`).get()).toEqual({
      '@odata.context': `${fx.lab.emu.url}/v1.0/$metadata#users('${s.id}')/onPremisesSyncBehavior/$entity`,
      '@odata.type': '#microsoft.graph.onPremisesSyncBehavior',
      id: s.id,
      isCloudManaged: false,
    });
    const res = await raw(fx.lab.emu, 'PATCH', `/beta/users/${s.id}/onPremisesSyncBehavior`, { body: { isCloudManaged: true } });
    expect(res.status).toBe(204);
    const after = (await fx.lab.client.api(`/users/${s.id}`).version('beta').select('onPremisesSyncEnabled').get()) as Record<string, unknown>;
    expect(after.onPremisesSyncEnabled).toBeNull();
    expect(((await fx.lab.client.api(`/users/${s.id}/onPremisesSyncBehavior`).version('beta').get()) as { value: { isCloudManaged: boolean } }).value.isCloudManaged).toBe(true);
    // now cloud-owned: a displayName write is allowed
    await fx.lab.client.api(`/users/${s.id}`).patch({ displayName: 'Frank (cloud)' });
    expect(fx.t.getUser(s.id)?.displayName).toBe('Frank (cloud)');

    const never = await graphError(fx.lab.client.api(`/users/${cloud.id}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged: true }));
    expect(never.statusCode).toBe(400);
    expect(never.code).toBe('Request_BadRequest');
    const adm = await graphError(fx.lab.client.api(`/users/${admin.id}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged: true }));
    expect(adm.statusCode).toBe(400);
    expect(adm.message).toContain('privileged directory role');

    // back to AD: isCloudManaged false; onPremisesSyncEnabled stays null until a sync cycle takes it
    await fx.lab.client.api(`/users/${s.id}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged: false });
    expect(fx.t.getUser(s.id)).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });
  });

  it('GET/PATCH onPremisesSyncBehavior for groups', async () => {
    const g = fx.t.createGroup({ displayName: 'Sales', mailNickname: 'sales', onPremisesSyncEnabled: true, onPremisesLastSyncDateTime: '2026-11-21T11:00:00Z' });
    const cg = fx.t.createGroup({ displayName: 'Cloud team', mailNickname: 'cloud' });
    await fx.lab.client.api(`/groups/${g.id}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged: true });
    const list = (await fx.lab.client.api('/groups').select('id,displayName,onPremisesSyncEnabled').get()) as { value: Record<string, unknown>[] };
    expect(list.value).toEqual([
      { id: g.id, displayName: 'Sales', onPremisesSyncEnabled: null },
      { id: cg.id, displayName: 'Cloud team', onPremisesSyncEnabled: null },
    ]);
    const got = (await fx.lab.client.api(`/groups/${g.id}/onPremisesSyncBehavior`).version('beta').get()) as { value: { isCloudManaged: boolean } };
    expect(got.value.isCloudManaged).toBe(true);
    const e = await graphError(fx.lab.client.api(`/groups/${cg.id}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged: true }));
    expect(e.statusCode).toBe(400);
  });

  it('tenant-wide disable: beta only, pending refuses changes, completes on the lab clock', async () => {
    const u = addSyncedUser(fx.t, 'ivy');
    const v1 = await graphError(fx.lab.client.api(`/organization/${TENANT_ID}`).patch({ onPremisesSyncEnabled: false }));
    expect(v1.statusCode).toBe(400);
    expect(v1.message).toBe("Property 'onPremisesSyncEnabled' is read-only and cannot be set.");

    await fx.lab.client.api(`/organization/${TENANT_ID}`).version('beta').patch({ onPremisesSyncEnabled: false });
    const again = await graphError(fx.lab.client.api(`/organization/${TENANT_ID}`).version('beta').patch({ onPremisesSyncEnabled: false }));
    expect(again.statusCode).toBe(400);
    expect(again.code).toBe('Request_BadRequest');
    expect(again.message).toBe('You cannot turn off Active Directory synchronization.');
    const reenable = await graphError(fx.lab.client.api(`/organization/${TENANT_ID}`).version('beta').patch({ onPremisesSyncEnabled: true }));
    expect(reenable.statusCode).toBe(400);
    // while pending: the organization reads off, the synced user still reads synced
    const org = (await fx.lab.client.api('/organization').get()) as { value: { id: string; onPremisesSyncEnabled: boolean | null }[] };
    expect(org.value.map((o) => [o.id, o.onPremisesSyncEnabled])).toEqual([[TENANT_ID, false]]);
    expect(fx.t.getUser(u.id)?.onPremisesSyncEnabled).toBe(true);

    fx.t.advanceClock(3599);
    expect(fx.t.isDisablePending()).toBe(true);
    const r = fx.t.advanceClock(1);
    expect(r.disableCompleted).toBe(true);
    const user = (await fx.lab.client.api(`/users/${u.id}`).select('onPremisesSyncEnabled').get()) as { onPremisesSyncEnabled: boolean | null };
    expect(user.onPremisesSyncEnabled).toBe(false);
    // re-enable is possible once completed
    await fx.lab.client.api(`/organization/${TENANT_ID}`).version('beta').patch({ onPremisesSyncEnabled: true });
    expect(fx.t.getOrganization().onPremisesSyncEnabled).toBe(true);
  });

  it('reads and patches onPremisesSynchronization features and deletion threshold', async () => {
    const list = (await fx.lab.client.api('/directory/onPremisesSynchronization').get()) as { value: { id: string; features: Record<string, boolean> }[] };
    expect(list.value.length).toBe(1);
    expect(list.value[0]?.id).toBe(TENANT_ID);
    expect(Object.keys(list.value[0]?.features ?? {}).length).toBe(20);
    await fx.lab.client.api(`/directory/onPremisesSynchronization/${TENANT_ID}`).patch({
      features: { blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: true },
      configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 42 } },
    });
    const one = (await fx.lab.client.api(`/directory/onPremisesSynchronization/${TENANT_ID}`).get()) as {
      features: Record<string, boolean>;
      configuration: { accidentalDeletionPrevention: { alertThreshold: number } };
    };
    expect(one.features.blockSoftMatchEnabled).toBe(true);
    expect(one.features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    expect(one.features.softMatchOnUpnEnabled).toBe(true);
    expect(one.configuration.accidentalDeletionPrevention.alertThreshold).toBe(42);
    const bad = await graphError(fx.lab.client.api(`/directory/onPremisesSynchronization/${TENANT_ID}`).patch({ features: { noSuchFeature: true } }));
    expect(bad.statusCode).toBe(400);
  });

  it('deleted items: the cast is required; restore within 30 days; 404 after; UPN collision 400', async () => {
    const a = addSyncedUser(fx.t, 'jack');
    const b = addSyncedUser(fx.t, 'kate');
    fx.t.deleteUser(a.id);
    fx.t.deleteUser(b.id);
    const noCast = await graphError(fx.lab.client.api('/directory/deletedItems').get());
    expect(noCast.statusCode).toBe(400);
    const list = (await fx.lab.client.api('/directory/deletedItems/microsoft.graph.user').select('id,userPrincipalName,onPremisesImmutableId,deletedDateTime').get()) as {
      value: { id: string; onPremisesImmutableId: string; deletedDateTime: string }[];
    };
    expect(list.value.map((u) => u.id)).toEqual([a.id, b.id]);
    expect(list.value[0]?.onPremisesImmutableId).toBe(a.onPremisesImmutableId);
    expect(list.value[0]?.deletedDateTime).toBe(START_ISO);
    // Entra shows a deleted user's UPN prefixed with its object id (no dashes)
    expect((list.value[0] as unknown as { userPrincipalName: string }).userPrincipalName).toBe(`${a.id.replace(/-/g, '')}jack@${DOMAIN}`);
    const alias = (await fx.lab.client.api('/directory/deletedItems/graph.user').select('id').get()) as { value: unknown[] };
    expect(alias.value.length).toBe(2);

    const restored = (await fx.lab.client.api(`/directory/deletedItems/${a.id}/restore`).post({})) as Record<string, unknown>;
    expect(restored).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: a.id, userPrincipalName: `jack@${DOMAIN}` });
    const back = (await fx.lab.client.api(`/users/${a.id}`).select('onPremisesSyncEnabled,onPremisesImmutableId').get()) as Record<string, unknown>;
    expect(back).toMatchObject({ onPremisesSyncEnabled: false, onPremisesImmutableId: a.onPremisesImmutableId });

    // a new user took kate's UPN: restore collides
    addCloudUser(fx.t, 'kate');
    const coll = await graphError(fx.lab.client.api(`/directory/deletedItems/${b.id}/restore`).post({}));
    expect(coll.statusCode).toBe(400);
    fx.t.advanceClock(30 * 24 * 3600);
    const gone = await graphError(fx.lab.client.api(`/directory/deletedItems/${b.id}/restore`).post({}));
    expect(gone.statusCode).toBe(404);
    expect(gone.code).toBe('Request_ResourceNotFound');
  });

  it('lists directory roles with members', async () => {
    const a = addCloudUser(fx.t, 'admin1');
    fx.t.addRoleMember('62e90394-69f5-4237-9190-012177145e10', a.id);
    const res = (await fx.lab.client.api('/directoryRoles').expand('members($select=id)').get()) as {
      value: { displayName: string; roleTemplateId: string; members: { id: string }[] }[];
    };
    const ga = res.value.find((r) => r.roleTemplateId === '62e90394-69f5-4237-9190-012177145e10');
    expect(ga?.displayName).toBe('Global Administrator');
    expect(ga?.members).toEqual([{ '@odata.type': '#microsoft.graph.user', id: a.id }]);
  });

  it('delta: first round returns everyone, the deltaLink returns only changes', async () => {
    const a = addSyncedUser(fx.t, 'lena');
    const b = addCloudUser(fx.t, 'mike');
    const c = addCloudUser(fx.t, 'nora');
    let page = (await fx.lab.client.api('/users/delta').select('id,displayName,onPremisesSyncEnabled').get()) as {
      value: Record<string, unknown>[];
      '@odata.deltaLink'?: string;
      '@odata.nextLink'?: string;
    };
    expect(page.value.map((u) => u.id)).toEqual([a.id, b.id, c.id]);
    expect(page.value[0]).toEqual({ id: a.id, displayName: 'lena', onPremisesSyncEnabled: true });
    const deltaLink = page['@odata.deltaLink'];
    expect(typeof deltaLink).toBe('string');
    await fx.lab.client.api(`/users/${b.id}`).patch({ displayName: 'Mike 2' });
    fx.t.deleteUser(c.id);
    page = (await fx.lab.client.api(relative(fx.lab.emu, deltaLink ?? '')).get()) as typeof page;
    expect(page.value).toEqual([
      { id: b.id, displayName: 'Mike 2', onPremisesSyncEnabled: null },
      { '@odata.type': '#microsoft.graph.user', id: c.id, '@removed': { reason: 'changed' } },
    ]);
    const third = (await fx.lab.client.api(relative(fx.lab.emu, page['@odata.deltaLink'] ?? '')).get()) as typeof page;
    expect(third.value).toEqual([]);
  });
});

const START_ISO = '2026-11-21T12:00:00.000Z';
