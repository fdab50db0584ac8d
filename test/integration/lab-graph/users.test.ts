import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCloudUser, addSyncedUser, graphError, newTenant, raw, relative, startLab, DOMAIN, type Lab } from './helpers.js';

describe('lab Graph emulator: users', () => {
  let lab: Lab;
  beforeAll(async () => {
    const t = newTenant();
    for (let i = 0; i < 250; i++) {
      if (i % 2 === 0) addSyncedUser(t, `s${String(i).padStart(3, '0')}`);
      else addCloudUser(t, `c${String(i).padStart(3, '0')}`);
    }
    lab = await startLab(t);
  });
  afterAll(async () => lab.close());

  it('pages 250 users with $top=100 through @odata.nextLink', async () => {
    const pages: number[] = [];
    const ids = new Set<string>();
    let res = (await lab.client.api('/users').top(100).select('id,userPrincipalName').get()) as { value: { id: string }[]; '@odata.nextLink'?: string };
    for (;;) {
      pages.push(res.value.length);
      for (const u of res.value) ids.add(u.id);
      const next = res['@odata.nextLink'];
      if (!next) break;
      expect(next.startsWith(`${lab.emu.url}/v1.0/users?`)).toBe(true);
      expect(next).toContain('$skiptoken=');
      res = (await lab.client.api(relative(lab.emu, next)).get()) as typeof res;
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(ids.size).toBe(250);
  });

  it('pages a $filter: every match once, in order, with the count on each page and no nextLink after the last match', async () => {
    type Page = { value: { userPrincipalName: string }[]; '@odata.count'?: number; '@odata.nextLink'?: string };
    const read = async (filter: string, top: number, advanced: boolean) => {
      const pages: number[] = [];
      const counts: (number | undefined)[] = [];
      const upns: string[] = [];
      let req = lab.client.api('/users').filter(filter).top(top).select('userPrincipalName');
      if (advanced) req = req.header('ConsistencyLevel', 'eventual').count(true);
      let res = (await req.get()) as Page;
      for (;;) {
        pages.push(res.value.length);
        counts.push(res['@odata.count']);
        upns.push(...res.value.map((u) => u.userPrincipalName));
        const next = res['@odata.nextLink'];
        if (!next) break;
        let follow = lab.client.api(relative(lab.emu, next));
        if (advanced) follow = follow.header('ConsistencyLevel', 'eventual');
        res = (await follow.get()) as Page;
      }
      return { pages, counts, upns };
    };
    // the 125 synced users are every other one; 125 = 3 pages of 40 and one of 5
    const synced = await read('onPremisesSyncEnabled eq true', 40, false);
    expect(synced.pages).toEqual([40, 40, 40, 5]);
    expect(synced.upns).toEqual(Array.from({ length: 125 }, (_, i) => `s${String(i * 2).padStart(3, '0')}@${DOMAIN}`));
    // the last match is the 249th user of 250: a page that ends exactly on it has no nextLink
    const exact = await read("startswith(userPrincipalName,'s24')", 5, false);
    expect(exact.pages).toEqual([5]);
    // an advanced filter with $count: the whole count on every page
    const notSynced = await read('onPremisesSyncEnabled ne true', 50, true);
    expect(notSynced.pages).toEqual([50, 50, 25]);
    expect(notSynced.counts).toEqual([125, 125, 125]);
    expect(new Set(notSynced.upns).size).toBe(125);
    expect(notSynced.upns.every((u) => u.startsWith('c'))).toBe(true);
  });

  it('defaults to 100 per page', async () => {
    const res = (await lab.client.api('/users').get()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(res.value.length).toBe(100);
    expect(typeof res['@odata.nextLink']).toBe('string');
  });

  it('returns onPremises* and proxyAddresses only when $selected', async () => {
    const plain = (await lab.client.api(`/users/s000@${DOMAIN}`).get()) as Record<string, unknown>;
    expect(Object.keys(plain).sort()).toEqual(
      ['@odata.context', 'businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'].sort(),
    );
    expect(plain['@odata.context']).toBe(`${lab.emu.url}/v1.0/$metadata#users/$entity`);
    const sel = (await lab.client.api(`/users/s000@${DOMAIN}`).select('id,onPremisesSyncEnabled,onPremisesImmutableId,proxyAddresses').get()) as Record<string, unknown>;
    expect(sel).toEqual({
      '@odata.context': `${lab.emu.url}/v1.0/$metadata#users(id,onPremisesSyncEnabled,onPremisesImmutableId,proxyAddresses)/$entity`,
      id: plain.id,
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: Buffer.from('s000............').toString('base64'),
      proxyAddresses: [`SMTP:s000@${DOMAIN}`],
    });
  });

  it('refuses $top=1000 with Graph\'s message', async () => {
    const e = await graphError(lab.client.api('/users').top(1000).get());
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('Request_UnsupportedQuery');
    expect(e.message).toBe("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
  });

  it('accepts $top=999', async () => {
    const res = (await lab.client.api('/users').top(999).select('id').get()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(res.value.length).toBe(250);
    expect(res['@odata.nextLink']).toBeUndefined();
  });

  it('filters with the default query subset', async () => {
    const synced = (await lab.client.api('/users').filter('onPremisesSyncEnabled eq true').top(999).select('id').get()) as { value: unknown[] };
    expect(synced.value.length).toBe(125);
    const one = (await lab.client.api('/users').filter(`userPrincipalName eq 'C001@${DOMAIN}'`).select('userPrincipalName').get()) as { value: { userPrincipalName: string }[] };
    expect(one.value.map((u) => u.userPrincipalName)).toEqual([`c001@${DOMAIN}`]);
    const starts = (await lab.client.api('/users').filter("startswith(userPrincipalName,'s01')").select('id').get()) as { value: unknown[] };
    expect(starts.value.length).toBe(5); // s010 s012 s014 s016 s018
    const anchor = Buffer.from('s002............').toString('base64');
    const byAnchor = (await lab.client.api('/users').filter(`onPremisesImmutableId eq '${anchor}'`).select('userPrincipalName').get()) as { value: { userPrincipalName: string }[] };
    expect(byAnchor.value).toEqual([{ id: expect.any(String), userPrincipalName: `s002@${DOMAIN}` }]);
    const byProxy = (await lab.client.api('/users').filter(`proxyAddresses/any(x:x eq 'smtp:S004@${DOMAIN}')`).select('userPrincipalName').get()) as { value: { userPrincipalName: string }[] };
    expect(byProxy.value.map((u) => u.userPrincipalName)).toEqual([`s004@${DOMAIN}`]);
    const bad = await graphError(lab.client.api('/users').filter("jobTitle eq 'x'").get());
    expect(bad.statusCode).toBe(400);
    expect(bad.code).toBe('Request_UnsupportedQuery');
    const orderby = await graphError(lab.client.api('/users').orderby('displayName').get());
    expect(orderby.statusCode).toBe(400);
    expect(orderby.message).toBe("The lab's Graph emulator does not support the query option '$orderby'.");
  });

  it('needs ConsistencyLevel: eventual and $count=true for ne', async () => {
    const noHeader = await graphError(lab.client.api('/users').filter('onPremisesSyncEnabled ne true').count(true).get());
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.code).toBe('Request_BadRequest');
    expect(noHeader.message).toBe('$count is not currently supported.');
    const noCount = await graphError(lab.client.api('/users').header('ConsistencyLevel', 'eventual').filter('onPremisesSyncEnabled ne true').get());
    expect(noCount.statusCode).toBe(400);
    expect(noCount.code).toBe('Request_UnsupportedQuery');
    expect(noCount.message).toBe("Unsupported or invalid query filter clause specified for property 'onPremisesSyncEnabled' of resource 'User'.");
    const ok = (await lab.client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .filter('onPremisesSyncEnabled ne true')
      .count(true)
      .top(999)
      .select('id,onPremisesSyncEnabled')
      .get()) as { '@odata.count': number; value: { onPremisesSyncEnabled: boolean | null }[] };
    expect(ok['@odata.count']).toBe(125);
    expect(ok.value.every((u) => u.onPremisesSyncEnabled !== true)).toBe(true);
  });

  it('GET /users/$count needs ConsistencyLevel', async () => {
    const bad = await raw(lab.emu, 'GET', '/v1.0/users/$count');
    expect(bad.status).toBe(400);
    const good = await raw(lab.emu, 'GET', '/v1.0/users/$count', { headers: { ConsistencyLevel: 'eventual' } });
    expect(good.status).toBe(200);
    expect(good.body).toBe(250);
  });

  it('answers 404 Request_ResourceNotFound and 400 for an unknown segment, in Graph\'s error shape', async () => {
    const nf = await raw(lab.emu, 'GET', '/v1.0/users/nobody@lab.example.test', { headers: { 'client-request-id': 'abc-123' } });
    expect(nf.status).toBe(404);
    const err = (nf.body as { error: { code: string; message: string; innerError: Record<string, string> } }).error;
    expect(err.code).toBe('Request_ResourceNotFound');
    expect(err.innerError['client-request-id']).toBe('abc-123');
    expect(err.innerError['request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(err.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(nf.headers.get('request-id')).toBe(err.innerError['request-id']);
    const seg = await raw(lab.emu, 'GET', '/v1.0/frobnicate');
    expect(seg.status).toBe(400);
    expect(seg.body).toMatchObject({ error: { code: 'BadRequest', message: "Resource not found for the segment 'frobnicate'." } });
  });

  it('answers 401 InvalidAuthenticationToken without a valid bearer', async () => {
    const none = await raw(lab.emu, 'GET', '/v1.0/users', { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    const wrong = await raw(lab.emu, 'GET', '/v1.0/users', { token: 'not-a-lab-token' });
    expect(wrong.status).toBe(401);
    const tok = await raw(lab.emu, 'POST', '/_lab/token', { token: null });
    expect(tok.status).toBe(200);
    expect(tok.body).toEqual({ access_token: lab.emu.token, token_type: 'Bearer', expires_in: 3600 });
  });
});
