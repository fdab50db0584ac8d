// Lab tokens are identities (src/lab/identities.ts) and every API enforces Microsoft's permission
// table for it (src/lab/graph/authorization.ts). Over HTTP, with the SDK client and plain fetch.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PERMISSION_RULES, denialReason } from '../../../src/lab/graph/authorization.js';
import { ENTRA_ROLE_TEMPLATE_IDS, decodeLabToken, defaultLabIdentities, type EntraRoleName, type LabIdentity } from '../../../src/lab/identities.js';
import { addCloudUser, addSyncedUser, newTenant, raw, startLab, TENANT_ID, freshLabPerTest } from './helpers.js';

const DENIED = { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } };

describe('lab identities and their tokens', () => {
  const fx = freshLabPerTest();

  it('issues one JWT-shaped token per identity with the contract claims (tid, oid, idtyp, roles | scp, wids)', () => {
    expect(Object.keys(fx.lab.emu.tokens)).toEqual(['application', 'global-admin', 'hybrid-admin', 'global-reader']);
    expect(fx.lab.emu.token).toBe(fx.lab.emu.tokens['global-admin']);
    for (const token of Object.values(fx.lab.emu.tokens)) expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const app = decodeLabToken(fx.lab.emu.tokens['application'] ?? '');
    expect(app).toMatchObject({ tid: TENANT_ID, idtyp: 'app', wids: [ENTRA_ROLE_TEMPLATE_IDS['User Administrator']] });
    expect(app?.roles).toContain('User-OnPremisesSyncBehavior.ReadWrite.All');
    expect(app?.scp).toBeUndefined();
    const ga = decodeLabToken(fx.lab.emu.token);
    expect(ga).toMatchObject({ tid: TENANT_ID, idtyp: 'user', wids: [ENTRA_ROLE_TEMPLATE_IDS['Global Administrator']], upn: 'lab-global-admin@lab.example.test' });
    expect(ga?.scp?.split(' ')).toContain('OnPremDirectorySynchronization.ReadWrite.All');
    expect(ga?.roles).toBeUndefined();
    // eligible-only roles are not in wids
    const hybrid = decodeLabToken(fx.lab.emu.tokens['hybrid-admin'] ?? '');
    expect(hybrid?.wids).toEqual([ENTRA_ROLE_TEMPLATE_IDS['Hybrid Identity Administrator']]);
  });

  it('POST /_lab/token hands out an identity by name; an unknown name is a 404 listing the names', async () => {
    expect((await raw(fx.lab.emu, 'POST', '/_lab/token', { token: null, body: { identity: 'application' } })).body).toMatchObject({ access_token: fx.lab.emu.tokens['application'] });
    const bad = await raw(fx.lab.emu, 'POST', '/_lab/token', { token: null, body: { identity: 'root' } });
    expect(bad.status).toBe(404);
    expect(JSON.stringify(bad.body)).toContain('application, global-admin, hybrid-admin, global-reader');
  });

  it('refuses a token signed by another lab, a tampered one, and one for another tenant (401)', async () => {
    const other = newTenant();
    const otherLab = await startLab(other);
    try {
      const foreign = await raw(fx.lab.emu, 'GET', '/v1.0/organization', { token: otherLab.emu.token });
      expect(foreign.status).toBe(401);
      expect(foreign.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    } finally {
      await otherLab.close();
    }
    const [h, p, s] = fx.lab.emu.tokens['application']!.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { roles: string[] };
    claims.roles.push('Directory.ReadWrite.All');
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/organization', { token: tampered })).status).toBe(401);
    const elsewhere = fx.lab.emu.issueToken({ ...defaultLabIdentities()[1]! });
    // a token for this tenant works; the same identity issued while the lab serves another tenant id does not
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/organization', { token: elsewhere })).status).toBe(200);
    const data = fx.t.toJSON();
    data.organization.id = randomUUID();
    fx.t.reset(data);
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/organization', { token: elsewhere })).body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('GET and PATCH /directory/onPremisesSynchronization: delegated only, Global Administrator only (403 for the application, the Hybrid Identity Administrator eligible for GA, the Global Reader)', async () => {
    for (const name of ['application', 'hybrid-admin', 'global-reader']) {
      const get = await raw(fx.lab.emu, 'GET', '/v1.0/directory/onPremisesSynchronization', { token: fx.lab.emu.tokens[name] ?? '' });
      expect([name, get.status, get.body]).toMatchObject([name, 403, DENIED]);
      const patch = await raw(fx.lab.emu, 'PATCH', `/v1.0/directory/onPremisesSynchronization/${TENANT_ID}`, { token: fx.lab.emu.tokens[name] ?? '', body: { features: { blockSoftMatchEnabled: true } } });
      expect([name, patch.status]).toEqual([name, 403]);
    }
    expect(fx.t.features().blockSoftMatchEnabled).toBe(false);
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/directory/onPremisesSynchronization')).status).toBe(200);
    expect((await raw(fx.lab.emu, 'PATCH', `/v1.0/directory/onPremisesSynchronization/${TENANT_ID}`, { body: { features: { blockSoftMatchEnabled: true } } })).status).toBe(204);
    expect(fx.t.features().blockSoftMatchEnabled).toBe(true);
  });

  it("Graph's 403 body: the error shape with innerError, request ids echoed", async () => {
    const res = await raw(fx.lab.emu, 'GET', '/v1.0/directory/onPremisesSynchronization', { token: fx.lab.emu.tokens['application'] ?? '', headers: { 'client-request-id': 'cid-1' } });
    expect(res.status).toBe(403);
    const body = res.body as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(Object.keys(body.error)).toEqual(['code', 'message', 'innerError']);
    expect(body.error.innerError).toMatchObject({ 'client-request-id': 'cid-1' });
    expect(body.error.innerError['request-id']).toBe(res.headers.get('request-id'));
  });

  it('delegated rights are the intersection of scopes and active roles', async () => {
    const u = addSyncedUser(fx.t, 'sam');
    const person = (scopes: string[], roles: EntraRoleName[], eligibleRoles: EntraRoleName[] = []): string =>
      fx.lab.emu.issueToken({ kind: 'user', name: 'p', description: 'p', appId: randomUUID(), objectId: randomUUID(), userName: 'p', scopes, roles, eligibleRoles });
    const convert = (token: string) => raw(fx.lab.emu, 'PATCH', `/beta/users/${u.id}/onPremisesSyncBehavior`, { token, body: { isCloudManaged: true } });
    // the role without the scope, the scope without the role, the role only eligible: refused
    expect((await convert(person(['User.ReadWrite.All'], ['Hybrid Identity Administrator']))).status).toBe(403);
    expect((await convert(person(['User-OnPremisesSyncBehavior.ReadWrite.All'], ['Global Reader']))).status).toBe(403);
    expect((await convert(person(['User-OnPremisesSyncBehavior.ReadWrite.All'], [], ['Hybrid Identity Administrator']))).status).toBe(403);
    expect(fx.t.getUser(u.id)?.isCloudManaged).toBe(false);
    expect((await convert(person(['User-OnPremisesSyncBehavior.ReadWrite.All'], ['Hybrid Identity Administrator']))).status).toBe(204);
    expect(fx.t.getUser(u.id)?.isCloudManaged).toBe(true);
  });

  it('a Global Reader reads everything it has scopes for and writes nothing', async () => {
    const c = addCloudUser(fx.t, 'gail');
    const reader = fx.lab.emu.tokens['global-reader'] ?? '';
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/users?$select=id', { token: reader })).status).toBe(200);
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances', { token: reader })).status).toBe(200);
    expect((await raw(fx.lab.emu, 'PATCH', `/v1.0/users/${c.id}`, { token: reader, body: { displayName: 'G' } })).status).toBe(403);
    expect((await raw(fx.lab.emu, 'PATCH', `/beta/organization/${TENANT_ID}`, { token: reader, body: { onPremisesSyncEnabled: false } })).status).toBe(403);
    expect(fx.t.getOrganization().onPremisesSyncEnabled).toBe(true);
  });

  it('inside $batch every inner request is authorised on its own', async () => {
    const u = addSyncedUser(fx.t, 'bo');
    const res = await raw(fx.lab.emu, 'POST', '/beta/$batch', {
      token: fx.lab.emu.tokens['hybrid-admin'] ?? '',
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/users/${u.id}/onPremisesSyncBehavior` },
          { id: '2', method: 'GET', url: '/directory/onPremisesSynchronization' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect((res.body as { responses: { id: string; status: number }[] }).responses.map((r) => [r.id, r.status])).toEqual([
      ['1', 200],
      ['2', 403],
    ]);
  });

  it('every rule names the Microsoft page it comes from; an app token never passes a delegated-only rule', () => {
    for (const [op, rule] of Object.entries(PERMISSION_RULES)) {
      expect([op, rule.page]).toEqual([op, expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//)]);
      if (rule.application.length === 0) {
        const claims = decodeLabToken(fx.lab.emu.issueToken({ ...(defaultLabIdentities()[0] as LabIdentity & { kind: 'application' }), applicationPermissions: rule.delegated.slice() }))!;
        expect(denialReason({ claims }, op as keyof typeof PERMISSION_RULES)).toContain('application permissions are not supported');
      }
    }
  });
});
