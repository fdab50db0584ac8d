import { afterEach, describe, expect, it } from 'vitest';
import { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { addCloudUser, addSyncedUser, graphError, newTenant, raw, relative, startLab, START, type Lab } from './helpers.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('lab PIM: eligible role members', () => {
  it('an eligible privileged role makes the user privileged; an eligible non-privileged one does not; active members are separate', () => {
    const t = newTenant();
    const pim = addCloudUser(t, 'pim');
    const reader = addCloudUser(t, 'reader');
    t.addEligibleRoleMember('Global Administrator', pim.id);
    t.addEligibleRoleMember(DIRECTORY_READERS, reader.id);
    expect(t.isPrivileged(pim.id)).toBe(true);
    expect(t.isPrivileged(reader.id)).toBe(false);
    expect(t.rolesOfUser(pim.id)).toEqual([]);
    expect(t.eligibleRolesOfUser(pim.id).map((r) => r.displayName)).toEqual(['Global Administrator']);
    t.removeEligibleRoleMember('global administrator', pim.id);
    expect(t.isPrivileged(pim.id)).toBe(false);
  });

  it('lists eligibilities as roleEligibilityScheduleInstances; a deleted user loses them; round-trips through JSON', () => {
    const t = newTenant();
    const a = addCloudUser(t, 'anna');
    const b = addSyncedUser(t, 'ben');
    t.addEligibleRoleMember(USER_ADMIN, a.id);
    t.addEligibleRoleMember('Global Administrator', b.id);
    t.addEligibleRoleMember('Global Administrator', b.id); // idempotent
    expect(t.listRoleEligibilities()).toEqual([
      { id: `${GA}_${b.id}`, principalId: b.id, roleDefinitionId: GA, directoryScopeId: '/', memberType: 'Direct', startDateTime: START, endDateTime: null },
      { id: `${USER_ADMIN}_${a.id}`, principalId: a.id, roleDefinitionId: USER_ADMIN, directoryScopeId: '/', memberType: 'Direct', startDateTime: START, endDateTime: null },
    ]);
    const copy = LabTenant.fromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    expect(copy.listRoleEligibilities()).toEqual(t.listRoleEligibilities());
    t.deleteUser(b.id);
    expect(t.listRoleEligibilities().map((e) => e.principalId)).toEqual([a.id]);
  });

  it('reads stored state written before the lab had PIM (no eligibleMemberIds) as no eligibilities', () => {
    const t = newTenant();
    const a = addCloudUser(t, 'anna');
    t.addRoleMember('Global Administrator', a.id);
    const data = JSON.parse(JSON.stringify(t.toJSON())) as { directoryRoles: Record<string, unknown>[] };
    for (const r of data.directoryRoles) delete r['eligibleMemberIds'];
    const old = LabTenant.fromJSON(data as unknown as ReturnType<LabTenant['toJSON']>);
    expect(old.listRoleEligibilities()).toEqual([]);
    expect(old.isPrivileged(a.id)).toBe(true);
    expect(old.toJSON().directoryRoles.every((r) => Array.isArray(r.eligibleMemberIds) && r.eligibleMemberIds.length === 0)).toBe(true);
  });
});

describe('GET /roleManagement/directory/roleEligibilityScheduleInstances', () => {
  it('serves the eligibilities on v1.0 and beta with @odata.context, $select and paging', async () => {
    const t = newTenant();
    const users = ['a', 'b', 'c'].map((n) => addCloudUser(t, n));
    for (const u of users) t.addEligibleRoleMember('Global Administrator', u.id);
    lab = await startLab(t);

    const full = await raw(lab.emu, 'GET', '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances');
    expect(full.status).toBe(200);
    const body = full.body as { '@odata.context': string; value: Record<string, unknown>[]; '@odata.nextLink'?: string };
    expect(body['@odata.context']).toBe(`${lab.emu.url}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances`);
    expect(body['@odata.nextLink']).toBeUndefined();
    expect(body.value[0]).toEqual({
      id: `${GA}_${users[0]?.id}`,
      principalId: users[0]?.id,
      roleDefinitionId: GA,
      directoryScopeId: '/',
      appScopeId: null,
      memberType: 'Direct',
      startDateTime: START,
      endDateTime: null,
      roleEligibilityScheduleId: `${GA}_${users[0]?.id}`,
    });

    const first = (await lab.client.api('/roleManagement/directory/roleEligibilityScheduleInstances').version('beta').select(['principalId', 'roleDefinitionId']).top(2).get()) as {
      '@odata.context': string;
      '@odata.nextLink': string;
      value: Record<string, unknown>[];
    };
    expect(first['@odata.context']).toBe(`${lab.emu.url}/beta/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(principalId,roleDefinitionId)`);
    expect(first.value).toEqual(users.slice(0, 2).map((u) => ({ principalId: u.id, roleDefinitionId: GA, id: `${GA}_${u.id}` })));
    expect(first['@odata.nextLink']).toContain('$skiptoken=');
    const second = (await lab.client.api(relative(lab.emu, first['@odata.nextLink'])).version('beta').get()) as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
    expect(second.value.map((v) => v['principalId'])).toEqual([users[2]?.id]);
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('one instance by id; unknown id → 404; unknown $select property, other roleManagement paths and writes → Graph errors', async () => {
    const t = newTenant();
    const a = addCloudUser(t, 'anna');
    t.addEligibleRoleMember(USER_ADMIN, a.id);
    lab = await startLab(t);

    const one = await raw(lab.emu, 'GET', `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/${USER_ADMIN}_${a.id}?$select=principalId`);
    expect(one.body).toEqual({
      '@odata.context': `${lab.emu.url}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances/$entity`,
      principalId: a.id,
      id: `${USER_ADMIN}_${a.id}`,
    });
    expect((await raw(lab.emu, 'GET', '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/nope')).status).toBe(404);
    const badSelect = await graphError(lab.client.api('/roleManagement/directory/roleEligibilityScheduleInstances').select(['bogus']).get());
    expect([badSelect.statusCode, badSelect.code]).toEqual([400, 'BadRequest']);
    const other = await raw(lab.emu, 'GET', '/v1.0/roleManagement/directory/roleAssignments');
    expect([other.status, (other.body as { error: { code: string } }).error.code]).toEqual([400, 'BadRequest']);
    const post = await raw(lab.emu, 'POST', '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances', { body: {} });
    expect(post.status).toBe(405);
  });
});
