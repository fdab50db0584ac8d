import { afterEach, describe, expect, it } from 'vitest';
import { eligibleRolesFrom } from '../../../src/graph/role-reads.js';
import { USER_SELECT } from '../../../src/graph/user-reads.js';
import { cloudUser, newTenant, startLab, syncedUser, DOMAIN, TENANT_ID, type Lab } from './lab-graph.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const urlsOf = (l: Lab, re: RegExp) => (l.traffic.log ?? []).filter((u) => re.test(u));

describe('GraphEntraAccess reads through the SDK client against the lab emulator', () => {
  it('lists 2,500 users over three pages of 999 with exactly the $select-ed fields, following nextLink', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 1500; i++) tenant.createUser(syncedUser(i));
    for (let i = 0; i < 1000; i++) tenant.createUser(cloudUser(i));
    lab = await startLab(tenant);

    const users = await lab.entra.listUsers();

    expect(users).toHaveLength(2500);
    // v1.0 pages with exactly USER_SELECT (onPremisesObjectIdentifier is not in it: it is read on beta)
    const pages = urlsOf(lab, /^GET .*\/v1\.0\/users\?/);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toContain(`$select=${USER_SELECT.join(',')}`);
    expect(pages[0]).not.toContain('onPremisesObjectIdentifier');
    expect(pages[0]).toContain('$top=999');
    expect(pages[1]).toContain('$skiptoken=');
    expect(lab.entra.stats.userPages).toBe(3);
    const alice = users.find((u) => u.userPrincipalName === `synced7@${DOMAIN}`)!;
    expect(alice).toEqual({
      id: alice.id,
      userPrincipalName: `synced7@${DOMAIN}`,
      displayName: 'synced 7',
      givenName: null,
      surname: null,
      mail: `synced7@${DOMAIN}`,
      proxyAddresses: [`SMTP:synced7@${DOMAIN}`],
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: Buffer.from('anchor-000000007').toString('base64'),
      onPremisesObjectIdentifier: null,
      isCloudManaged: false,
      accountEnabled: true,
      roles: [],
      // the lab's users were created at its clock start and never had a password change
      lastPasswordChangeDateTime: '2026-11-01T00:00:00.000Z',
      // provisionedPlans: no Exchange plan; null where the endpoint does not serve provisionedPlans
      exchangeMailbox: true, // a primary SMTP address: the lab's users with one have an Exchange Online mailbox (provisionedPlans)
      onPremisesDistinguishedName: 'CN=synced 7,OU=Staff,DC=lab,DC=example,DC=test',
      onPremisesDomainName: 'lab.example.test',
      onPremisesSamAccountName: 'synced7',
      onPremisesSecurityIdentifier: null,
      onPremisesUserPrincipalName: `synced7@${DOMAIN}`,
      onPremisesLastSyncDateTime: '2026-10-31T23:30:00Z',
    });
    // 1,500 synced + 1,000 never-synced users: not one sync-behaviour read (beta)
    expect(urlsOf(lab, /beta\/\$batch/)).toHaveLength(0);
    // the role reads went out together in one v1.0 $batch: 3 pages + 1 request in all
    expect(urlsOf(lab, /^POST .*\/v1\.0\/\$batch$/)).toHaveLength(1);
    expect(lab.traffic.requests).toBe(4);
    expect(users.filter((u) => u.isCloudManaged === null)).toHaveLength(1000);
  });

  it('reads onPremisesSyncBehavior only for previously synced users, in $batches of 20 on beta', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 10; i++) tenant.createUser(syncedUser(i));
    for (let i = 0; i < 5; i++) tenant.createUser(cloudUser(i));
    // 30 converted by the SOA switch (isCloudManaged, sync null, immutable id kept)
    for (let i = 0; i < 30; i++) {
      const u = tenant.createUser(syncedUser(100 + i, 'conv'));
      tenant.setUserCloudManaged(u.id, true);
    }
    // 11 restored after scope removal: sync false, not cloud-managed
    for (let i = 0; i < 11; i++) tenant.createUser({ ...syncedUser(200 + i, 'prev'), onPremisesSyncEnabled: false });
    lab = await startLab(tenant);

    const users = await lab.entra.listUsers();

    const batches = urlsOf(lab, /^POST .*\/\$batch$/);
    expect(batches).toHaveLength(4); // 41 reads → 20 + 20 + 1 on beta, and the role reads on v1.0
    expect(batches.filter((u) => u.includes('/beta/$batch'))).toHaveLength(3);
    expect(lab.entra.stats.batch.innerRequests).toBe(41);
    expect(lab.entra.stats.syncBehaviorReads).toBe(41);
    const by = (prefix: string) => users.filter((u) => u.userPrincipalName.startsWith(prefix));
    expect(by('synced').map((u) => u.isCloudManaged)).toEqual(Array(10).fill(false));
    expect(by('cloud').map((u) => u.isCloudManaged)).toEqual(Array(5).fill(null));
    expect(by('conv').map((u) => [u.isCloudManaged, u.onPremisesSyncEnabled])).toEqual(Array(30).fill([true, null]));
    expect(by('prev').map((u) => [u.isCloudManaged, u.onPremisesSyncEnabled])).toEqual(Array(11).fill([false, false]));
  });

  it('fills roles from directoryRoles and marks privileged ones by template id', async () => {
    const tenant = newTenant();
    const admin = tenant.createUser(cloudUser(1, 'admin'));
    const exch = tenant.createUser(cloudUser(2, 'exch'));
    tenant.addRoleMember('Global Administrator', admin.id);
    tenant.addRoleMember('Exchange Administrator', admin.id);
    tenant.addRoleMember('Exchange Administrator', exch.id);
    lab = await startLab(tenant);

    const users = await lab.entra.listUsers();
    const roleOf = (upn: string) => users.find((u) => u.userPrincipalName === upn)!.roles;
    expect(roleOf(`admin1@${DOMAIN}`)).toEqual([
      { role: 'Exchange Administrator', state: 'active', privileged: false },
      { role: 'Global Administrator', state: 'active', privileged: true },
    ]);
    expect(roleOf(`exch2@${DOMAIN}`)).toEqual([{ role: 'Exchange Administrator', state: 'active', privileged: false }]);
    expect(urlsOf(lab, /directoryRoles\?\$expand=members\(\$select=id\)/)).toHaveLength(1);
    // PIM eligibilities are read once (none here)
    expect(urlsOf(lab, /roleManagement\/directory\/roleEligibilityScheduleInstances/)).toHaveLength(1);
  });

  it('reads PIM eligibilities from the lab as eligible roles, next to active ones, without the "not read" note', async () => {
    const tenant = newTenant();
    const pim = tenant.createUser(cloudUser(1, 'pim'));
    const both = tenant.createUser(cloudUser(2, 'both'));
    tenant.createUser(cloudUser(3, 'plain'));
    tenant.addEligibleRoleMember('Global Administrator', pim.id);
    tenant.addEligibleRoleMember('Directory Readers', pim.id);
    tenant.addRoleMember('Exchange Administrator', both.id);
    tenant.addEligibleRoleMember('User Administrator', both.id);
    const notes: string[] = [];
    lab = await startLab(tenant, { onProgress: (m) => notes.push(m) });

    const users = await lab.entra.listUsers();
    const roleOf = (upn: string) => users.find((u) => u.userPrincipalName === upn)!.roles;
    expect(roleOf(`pim1@${DOMAIN}`)).toEqual([
      { role: 'Directory Readers', state: 'eligible', privileged: false },
      { role: 'Global Administrator', state: 'eligible', privileged: true },
    ]);
    expect(roleOf(`both2@${DOMAIN}`)).toEqual([
      { role: 'Exchange Administrator', state: 'active', privileged: false },
      { role: 'User Administrator', state: 'eligible', privileged: true },
    ]);
    expect(roleOf(`plain3@${DOMAIN}`)).toEqual([]);
    expect(urlsOf(lab, /GET .*\/v1\.0\/roleManagement\/directory\/roleEligibilityScheduleInstances\?\$select=principalId,roleDefinitionId/)).toHaveLength(1);
    expect(notes.filter((m) => m.includes('PIM'))).toEqual([]);
  });

  it('onPremisesObjectIdentifier of previously synced users is read on beta in the sync-behaviour $batch, never on v1.0; getUser agrees', async () => {
    const tenant = newTenant();
    const prev = tenant.createUser({ ...syncedUser(1, 'prev'), onPremisesSyncEnabled: false });
    tenant.updateUser(prev.id, { onPremisesObjectIdentifier: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' });
    const cloud = tenant.createUser(cloudUser(2));
    const notes: string[] = [];
    lab = await startLab(tenant, { onProgress: (m) => notes.push(m) });

    const users = await lab.entra.listUsers();
    expect(users.map((u) => [u.userPrincipalName, u.onPremisesObjectIdentifier]).sort()).toEqual([
      [`cloud2@${DOMAIN}`, null],
      [`prev1@${DOMAIN}`, '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'],
    ]);
    // v1.0 is never asked for it (its user schema has no such property)
    expect(urlsOf(lab, /\/v1\.0\//).some((u) => u.includes('onPremisesObjectIdentifier'))).toBe(false);
    // one beta $batch: the sync behaviour and the identifier of the one previously synced user
    expect(lab.traffic.byRoute['POST /beta/$batch']).toBe(1);
    expect(lab.entra.stats.objectIdentifierReads).toBe(1);
    expect(lab.entra.stats.objectIdentifierPages).toBe(0);
    expect(lab.entra.stats.batch.innerRequests).toBe(2);
    // getUser agrees with listUsers (fingerprints taken by plan and apply must match)
    expect((await lab.entra.getUser(prev.id))?.onPremisesObjectIdentifier).toBe('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect((await lab.entra.getUser(cloud.id))?.onPremisesObjectIdentifier).toBeNull();
    expect(notes.filter((m) => m.includes('onPremisesObjectIdentifier') && m.startsWith('note'))).toEqual([]);
  });

  it('many previously synced users among few: the identifiers come from beta user pages (fewer requests than $batches)', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 45; i++) {
      const u = tenant.createUser({ ...syncedUser(i, 'prev'), onPremisesSyncEnabled: false });
      if (i % 3 === 0) tenant.updateUser(u.id, { onPremisesObjectIdentifier: `0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1${String(i).padStart(2, '0')}` });
    }
    lab = await startLab(tenant);

    const users = await lab.entra.listUsers();
    expect(users.filter((u) => u.onPremisesObjectIdentifier !== null)).toHaveLength(15);
    expect(users.find((u) => u.userPrincipalName === `prev3@${DOMAIN}`)?.onPremisesObjectIdentifier).toBe('0f1e2d3c-4b5a-4968-8776-a5b4c3d2e103');
    // ⌈45 / 20⌉ = 3 batches of identifiers would cost more than ⌈45 / 999⌉ = 1 page
    expect(urlsOf(lab, /^GET .*\/beta\/users\?\$select=id,onPremisesObjectIdentifier/)).toHaveLength(1);
    expect(lab.entra.stats.objectIdentifierPages).toBe(1);
    expect(lab.entra.stats.objectIdentifierReads).toBe(45);
    // the sync behaviours alone: 45 requests in ⌈45 / 20⌉ = 3 batches
    expect(lab.entra.stats.batch.innerRequests).toBe(45);
    expect(lab.traffic.byRoute['POST /beta/$batch']).toBe(3);
  });

  it('a Graph whose beta refuses onPremisesObjectIdentifier (400): one note, read as null, never asked again', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 45; i++) {
      const u = tenant.createUser({ ...syncedUser(i, 'prev'), onPremisesSyncEnabled: false });
      tenant.updateUser(u.id, { onPremisesObjectIdentifier: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' });
    }
    const notes: string[] = [];
    lab = await startLab(tenant, { onProgress: (m) => notes.push(m) });
    lab.emulator.setFaults({
      rules: [
        {
          action: { kind: 'error', status: 400, code: 'BadRequest', message: "Could not find a property named 'onPremisesObjectIdentifier' on type 'microsoft.graph.user'." },
          pathPattern: '^/beta/users$',
          queryPattern: 'onPremisesObjectIdentifier',
          times: 1000,
        },
      ],
    });

    const users = await lab.entra.listUsers();
    expect(users).toHaveLength(45);
    expect(users.every((u) => u.onPremisesObjectIdentifier === null)).toBe(true);
    expect(notes.filter((m) => m.includes('onPremisesObjectIdentifier'))).toEqual([
      'note: onPremisesObjectIdentifier not read (Graph 400 BadRequest on beta); the plan cannot foresee the 2026-07-01 hard-match refusal for cloud users that were synced before',
    ]);
    // later reads do not ask again: getUser agrees with listUsers, one note in all
    const batchRequests = lab.entra.stats.batch.innerRequests;
    expect((await lab.entra.getUser(users[0]!.id))?.onPremisesObjectIdentifier).toBeNull();
    expect(lab.entra.stats.batch.innerRequests - batchRequests).toBe(1); // the sync behaviour only
    await lab.entra.listUsers();
    expect(urlsOf(lab, /^GET .*\/beta\/users\?\$select=id,onPremisesObjectIdentifier/)).toHaveLength(1);
    expect(lab.entra.stats.objectIdentifierReads).toBe(0);
    expect(notes.filter((m) => m.includes('onPremisesObjectIdentifier') && m.startsWith('note'))).toHaveLength(1);
  });

  it('a 400 of a users read is thrown, not retried', async () => {
    const tenant = newTenant();
    tenant.createUser(cloudUser(1));
    lab = await startLab(tenant);
    await lab.entra.listUsers(); // the $select was accepted once
    lab.emulator.setFaults({ rules: [{ action: { kind: 'error', status: 400, code: 'Request_BadRequest' }, pathPattern: '^/v1\\.0/users$' }] });
    await expect(lab.entra.listUsers()).rejects.toMatchObject({ name: 'GraphError', status: 400, code: 'Request_BadRequest' });
  });

  it('reads a role with more than 20 members in full (Graph cuts $expand at 20)', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 25 }, (_, i) => tenant.createUser(cloudUser(i, 'helpdesk')).id);
    for (const id of ids) tenant.addRoleMember('Helpdesk Administrator', id);
    lab = await startLab(tenant);

    const users = await lab.entra.listUsers();
    expect(users.map((u) => u.roles)).toEqual(Array(25).fill([{ role: 'Helpdesk Administrator', state: 'active', privileged: true }]));
    expect(urlsOf(lab, /\/directoryRoles\/[^/?]+\/members\?\$select=id/)).toHaveLength(1);
  });

  it('maps PIM eligibility instances to eligible role assignments (any scope, names from the activated roles)', () => {
    const names = new Map([['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator']]);
    const got = eligibleRolesFrom(
      [
        { principalId: 'u1', roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10' },
        { principalId: 'u1', roleDefinitionId: 'FE930BE7-5E62-47DB-91AF-98C3A49A38B1' },
        { principalId: 'u2', roleDefinitionId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' },
        { principalId: 'u2', roleDefinitionId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' },
        { roleDefinitionId: 'missing-principal' },
      ],
      names,
    );
    expect(Object.fromEntries(got)).toEqual({
      u1: [
        { role: 'Global Administrator', state: 'eligible', privileged: true },
        { role: 'User Administrator', state: 'eligible', privileged: true },
      ],
      u2: [{ role: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', state: 'eligible', privileged: false }],
    });
  });

  it('reads one user (404 → null), deleted users, groups and the tenant sync state', async () => {
    const tenant = newTenant();
    const conv = tenant.createUser(syncedUser(1, 'conv'));
    tenant.setUserCloudManaged(conv.id, true);
    const gone = tenant.createUser(syncedUser(2, 'gone'));
    tenant.deleteUser(gone.id);
    tenant.createGroup({ displayName: 'Sales Team', mailNickname: 'sales', securityEnabled: true, mailEnabled: false, onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1101', onPremisesLastSyncDateTime: '2026-10-31T23:30:00Z' });
    const fin = tenant.createGroup({ displayName: 'Finance', mailNickname: 'finance', securityEnabled: true, mailEnabled: false, onPremisesSyncEnabled: true, onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1102', onPremisesLastSyncDateTime: '2026-10-31T23:30:00Z' });
    tenant.setGroupCloudManaged(fin.id, true);
    tenant.createGroup({ displayName: 'Cloud Team', mailNickname: 'cloudteam', securityEnabled: false, mailEnabled: true });
    tenant.updateSyncFeatures({ blockSoftMatchEnabled: true });
    lab = await startLab(tenant);

    const one = await lab.entra.getUser(conv.id);
    expect(one?.isCloudManaged).toBe(true);
    expect(one?.userPrincipalName).toBe(`conv1@${DOMAIN}`);
    expect(await lab.entra.getUser('00000000-0000-4000-8000-00000000ffff')).toBeNull();

    const deleted = await lab.entra.listDeletedUsers();
    expect(deleted).toEqual([
      {
        id: gone.id,
        userPrincipalName: deleted[0]!.userPrincipalName,
        onPremisesImmutableId: Buffer.from('anchor-000000002').toString('base64'),
        onPremisesSyncEnabled: true,
        deletedDateTime: '2026-11-01T00:00:00.000Z',
      },
    ]);
    expect(urlsOf(lab, /deletedItems\/microsoft\.graph\.user\?/)).toHaveLength(1);

    const groups = await lab.entra.listGroups();
    const g = (name: string) => groups.find((x) => x.displayName === name)!;
    expect(g('Sales Team')).toMatchObject({ onPremisesSyncEnabled: true, isCloudManaged: false, securityEnabled: true, mailEnabled: false });
    expect(g('Finance')).toMatchObject({ onPremisesSyncEnabled: null, isCloudManaged: true, mailNickname: 'finance' });
    expect(g('Cloud Team')).toMatchObject({ onPremisesSyncEnabled: null, isCloudManaged: null, mailEnabled: true });

    // one group by id: the same shape as the list, one GET (plus one beta read for a converted group)
    const before = urlsOf(lab, /\/groups/).length;
    expect(await lab.entra.getGroup(g('Finance').id)).toEqual(g('Finance'));
    expect(await lab.entra.getGroup(g('Sales Team').id)).toEqual(g('Sales Team'));
    expect(await lab.entra.getGroup('00000000-0000-4000-8000-00000000dead')).toBeNull();
    expect(urlsOf(lab, /\/groups/).length - before).toBe(4);
    expect(urlsOf(lab, /\/groups\?/).length).toBe(1);

    const state = await lab.entra.getTenantSyncState();
    expect(state).toEqual({
      tenantId: TENANT_ID,
      onPremisesSyncEnabled: true,
      disablePending: false,
      disableRequestedAt: null,
      onPremisesLastSyncDateTime: null,
      features: { blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: true, passwordSyncEnabled: false },
      accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
    });
  });
});
