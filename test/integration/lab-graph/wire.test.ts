// The wire as Graph sends it (docs/lab-graph.md, "Graph emulator behaviour"): $expand caps, the
// identity service's throttling headers and its tenant write limit, $batch id and Content-Type
// rules, and sync features that cannot be turned off again.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ThrottlingConfig } from '../../../src/lab/graph/index.js';
import type { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { addCloudUser, graphError, newTenant, raw, startLab, TENANT_ID, type Lab } from './helpers.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function labWith(setup: (t: LabTenant) => void = () => undefined, throttling?: ThrottlingConfig): Promise<{ lab: Lab; t: LabTenant }> {
  const t = newTenant();
  setup(t);
  lab = await startLab(t, throttling ? { throttling } : {});
  return { lab, t };
}

const appToken = (l: Lab, appId: string = randomUUID()): string =>
  l.emu.issueToken({ kind: 'application', name: 'app', description: 'app', appId, objectId: randomUUID(), applicationPermissions: ['User.ReadWrite.All'], roles: [] });

describe('lab Graph emulator: the wire', () => {
  it('$expand=members returns at most 20 members per role; the members collection has them all', async () => {
    const { lab: l, t } = await labWith((t) => {
      for (let i = 0; i < 25; i++) t.addRoleMember('Helpdesk Administrator', addCloudUser(t, `h${i}`).id);
    });
    const roles = (await l.client.api('/directoryRoles?$expand=members($select=id)').get()) as { value: { roleTemplateId: string; id: string; members: unknown[] }[] };
    const helpdesk = roles.value.find((r) => r.roleTemplateId === '729827e3-9c14-49f7-bb1b-9608f156bbb8')!;
    expect(helpdesk.members).toHaveLength(20);
    expect(Object.keys(helpdesk)).not.toContain('members@odata.nextLink');
    const all = (await l.client.api(`/directoryRoles/${helpdesk.id}/members?$select=id`).get()) as { value: unknown[] };
    expect(all.value).toHaveLength(25);
    expect(t.listDirectoryRoles().find((r) => r.id === helpdesk.id)?.memberIds).toHaveLength(25);
  });

  it('every answer carries x-ms-resource-unit with Graph’s costs: GET users 2, $select -1, $expand +1, $top < 20 -1, never below 1', async () => {
    const { lab: l } = await labWith((t) => void addCloudUser(t, 'ann'));
    const ru = async (path: string) => (await raw(l.emu, 'GET', path)).headers.get('x-ms-resource-unit');
    expect(await ru('/v1.0/users')).toBe('2');
    expect(await ru('/v1.0/users?$select=id')).toBe('1');
    expect(await ru('/v1.0/users?$top=5')).toBe('1');
    expect(await ru('/v1.0/organization')).toBe('1');
    expect(await ru('/v1.0/directoryRoles?$expand=members($select=id)')).toBe('2');
    expect(await ru('/v1.0/users?$select=id&$top=5')).toBe('1');
    expect((await raw(l.emu, 'GET', '/v1.0/users/nobody@lab.example.test')).headers.get('x-ms-resource-unit')).toBe('1');
  });

  it('over 0.8 of the app’s resource-unit limit: x-ms-throttle-limit-percentage; over the limit: 429 with Retry-After, x-ms-throttle-scope and x-ms-throttle-information', async () => {
    const { lab: l } = await labWith(undefined, { resourceUnitsPerWindow: 10, windowSeconds: 60 });
    const token = appToken(l, '11111111-2222-4333-8444-555555555555');
    const seen: (string | null)[] = [];
    for (let i = 0; i < 10; i++) seen.push((await raw(l.emu, 'GET', '/v1.0/users?$select=id', { token })).headers.get('x-ms-throttle-limit-percentage'));
    expect(seen).toEqual([null, null, null, null, null, null, null, null, '0.90', '1.00']);
    const throttled = await raw(l.emu, 'GET', '/v1.0/users?$select=id', { token });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(throttled.headers.get('x-ms-throttle-scope')).toBe(`Tenant_Application/ReadWrite/11111111-2222-4333-8444-555555555555/${TENANT_ID}`);
    expect(throttled.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
    // another application has its own budget
    expect((await raw(l.emu, 'GET', '/v1.0/users?$select=id', { token: appToken(l) })).status).toBe(200);
  });

  it('the tenant’s write limit is shared by every application (18,000 per 5 minutes by default; here 3)', async () => {
    const { lab: l, t } = await labWith((t) => void addCloudUser(t, 'bob'), { tenantWritesPerWindow: 3 });
    const bob = t.getUserByUpn('bob@lab.example.test')!;
    const write = (token: string, n: number) => raw(l.emu, 'PATCH', `/v1.0/users/${bob.id}`, { token, body: { displayName: `Bob ${n}` } });
    const a = appToken(l);
    const b = appToken(l);
    expect([(await write(a, 1)).status, (await write(a, 2)).status, (await write(b, 3)).status]).toEqual([204, 204, 204]);
    const refused = await write(b, 4);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ms-throttle-scope')).toMatch(/^Tenant\/Write\//);
    expect(refused.headers.get('x-ms-throttle-information')).toBe('WriteLimitExceeded');
    expect(t.getUser(bob.id)?.displayName).toBe('Bob 3');
    // reads are not writes
    expect((await raw(l.emu, 'GET', '/v1.0/users?$select=id', { token: b })).status).toBe(200);
  });

  it('$batch: ids compare without case (a duplicate in another case is refused; dependsOn matches across case)', async () => {
    const { lab: l, t } = await labWith((t) => void addCloudUser(t, 'cy'));
    const cy = t.getUserByUpn('cy@lab.example.test')!;
    const dup = await graphError(
      l.client.api('/$batch').post({
        requests: [
          { id: 'Read', method: 'GET', url: '/organization' },
          { id: 'read', method: 'GET', url: '/organization' },
        ],
      }),
    );
    expect([dup.statusCode, dup.code]).toEqual([400, 'BadRequest']);
    const res = (await l.client.api('/$batch').post({
      requests: [
        { id: 'First', method: 'PATCH', url: `/users/${cy.id}`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'Cy 1' } },
        { id: 'second', method: 'PATCH', url: `/users/${cy.id}`, headers: { 'content-type': 'application/json' }, body: { displayName: 'Cy 2' }, dependsOn: ['FIRST'] },
      ],
    })) as { responses: { id: string; status: number }[] };
    expect(res.responses.map((r) => [r.id, r.status])).toEqual([
      ['First', 204],
      ['second', 204],
    ]);
    expect(t.getUser(cy.id)?.displayName).toBe('Cy 2');
  });

  it('$batch: a request with a body and no Content-Type refuses the whole batch, changing nothing', async () => {
    const { lab: l, t } = await labWith((t) => void addCloudUser(t, 'di'));
    const di = t.getUserByUpn('di@lab.example.test')!;
    const e = await graphError(
      l.client.api('/$batch').post({
        requests: [
          { id: '1', method: 'PATCH', url: `/users/${di.id}`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'Di 1' } },
          { id: '2', method: 'PATCH', url: `/users/${di.id}`, body: { displayName: 'Di 2' } },
        ],
      }),
    );
    expect([e.statusCode, e.code, e.message]).toEqual([400, 'BadRequest', 'Write request id : 2 does not contain Content-Type header or body.']);
    expect(t.getUser(di.id)?.displayName).toBe('di');
  });

  it('sync features that cannot be turned off again once on refuse it; the others go both ways', async () => {
    const { lab: l, t } = await labWith();
    const patch = (features: Record<string, boolean>) => raw(l.emu, 'PATCH', `/v1.0/directory/onPremisesSynchronization/${TENANT_ID}`, { body: { features } });
    expect(t.features().softMatchOnUpnEnabled).toBe(true);
    const off = await patch({ softMatchOnUpnEnabled: false });
    expect([off.status, (off.body as { error: { code: string; message: string } }).error]).toEqual([
      400,
      { code: 'Request_BadRequest', message: "The feature 'softMatchOnUpnEnabled' cannot be turned off once it is on.", innerError: expect.any(Object) },
    ]);
    for (const f of ['synchronizeUpnForManagedUsersEnabled', 'quarantineUponUpnConflictEnabled', 'quarantineUponProxyAddressesConflictEnabled']) {
      expect([f, (await patch({ [f]: true })).status]).toEqual([f, 204]);
      expect([f, (await patch({ [f]: false })).status]).toEqual([f, 400]);
      expect(t.features()[f as 'synchronizeUpnForManagedUsersEnabled']).toBe(true);
    }
    expect((await patch({ blockSoftMatchEnabled: true })).status).toBe(204);
    expect((await patch({ blockSoftMatchEnabled: false })).status).toBe(204);
    // the whole PATCH is refused, not half applied
    expect((await patch({ blockSoftMatchEnabled: true, softMatchOnUpnEnabled: false })).status).toBe(400);
    expect(t.features().blockSoftMatchEnabled).toBe(false);
  });
});
