import { describe, expect, it } from 'vitest';
import { addCloudUser, addSyncedUser, graphError, raw, startLab, freshLabPerTest } from './helpers.js';

interface BatchResponse {
  responses: { id: string; status: number; headers: Record<string, string>; body?: { error?: { code: string; message: string } } & Record<string, unknown> }[];
}

describe('lab Graph emulator: $batch, throttling, faults', () => {
  const fx = freshLabPerTest();

  it('runs inner requests through the same router and answers 200 with per-request results', async () => {
    const c = addCloudUser(fx.t, 'olga');
    const s = addSyncedUser(fx.t, 'pete');
    const res = (await fx.lab.client.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: `/users/${c.id}?$select=id,onPremisesSyncEnabled` },
        { id: '2', method: 'PATCH', url: `/users/${s.id}`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'x' } },
        { id: '3', method: 'PATCH', url: `/users/${c.id}`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'Olga 2' }, dependsOn: ['2'] },
        { id: '4', method: 'PATCH', url: `/users/${c.id}`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'Olga 3' }, dependsOn: ['1'] },
      ],
    })) as BatchResponse;
    expect(res.responses.map((r) => [r.id, r.status])).toEqual([
      ['1', 200],
      ['2', 400],
      ['3', 424],
      ['4', 204],
    ]);
    expect(res.responses[0]?.body).toMatchObject({ id: c.id, onPremisesSyncEnabled: null });
    expect(res.responses[1]?.body?.error?.code).toBe('Request_BadRequest');
    expect(res.responses[2]?.body?.error?.code).toBe('FailedDependency');
    expect(res.responses[3]?.body).toBeUndefined();
    expect(fx.t.getUser(c.id)?.displayName).toBe('Olga 3');
    expect(fx.lab.emu.stats().innerRequests).toBe(3);
  });

  it('refuses more than 20 requests and duplicate ids', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/organization' }));
    const tooMany = await graphError(fx.lab.client.api('/$batch').post({ requests: many }));
    expect(tooMany.statusCode).toBe(400);
    const twenty = (await fx.lab.client.api('/$batch').post({ requests: many.slice(0, 20) })) as BatchResponse;
    expect(twenty.responses.length).toBe(20);
    expect(twenty.responses.every((r) => r.status === 200)).toBe(true);
    const dup = await graphError(
      fx.lab.client.api('/$batch').version('beta').post({
        requests: [
          { id: 'a', method: 'GET', url: '/organization' },
          { id: 'a', method: 'GET', url: '/organization' },
        ],
      }),
    );
    expect(dup.statusCode).toBe(400);
  });

  it('throttles with 429 TooManyRequests and Retry-After; inner 429s in $batch', async () => {
    const c = addCloudUser(fx.t, 'quinn');
    fx.lab.emu.setThrottling({ resourceUnitsPerWindow: 2, windowSeconds: 30 });
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`)).status).toBe(200);
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`)).status).toBe(200);
    const third = await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(third.body).toMatchObject({ error: { code: 'TooManyRequests' } });

    fx.lab.emu.setThrottling({ resourceUnitsPerWindow: 2, windowSeconds: 30 });
    const res = (await fx.lab.client.api('/$batch').post({
      requests: [1, 2, 3, 4].map((i) => ({ id: String(i), method: 'GET', url: `/users/${c.id}` })),
    })) as BatchResponse;
    expect(res.responses.map((r) => r.status)).toEqual([200, 200, 429, 429]);
    expect(Number(res.responses[2]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('list users costs 2 resource units, 1 with $select', async () => {
    addCloudUser(fx.t, 'rita');
    fx.lab.emu.setThrottling({ resourceUnitsPerWindow: 3, windowSeconds: 30 });
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/users')).status).toBe(200); // 2
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/users?$select=id')).status).toBe(200); // 3
    expect((await raw(fx.lab.emu, 'GET', '/v1.0/users?$select=id')).status).toBe(429);
  });

  it('counts writes in their own window', async () => {
    const c = addCloudUser(fx.t, 'sam');
    fx.lab.emu.setThrottling({ resourceUnitsPerWindow: 100, windowSeconds: 30, writesPerWindow: 1, writeWindowSeconds: 60 });
    expect((await raw(fx.lab.emu, 'PATCH', `/v1.0/users/${c.id}`, { body: { displayName: 'a' } })).status).toBe(204);
    const second = await raw(fx.lab.emu, 'PATCH', `/v1.0/users/${c.id}`, { body: { displayName: 'b' } });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(30);
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`)).status).toBe(200);
  });

  it("the SDK's RetryHandler retries an outer 429 after Retry-After", async () => {
    const c = addCloudUser(fx.t, 'tina');
    fx.lab.emu.setThrottling({ resourceUnitsPerWindow: 1, windowSeconds: 1 });
    await fx.lab.client.api(`/users/${c.id}`).get();
    const started = Date.now();
    const again = (await fx.lab.client.api(`/users/${c.id}`).get()) as { id: string };
    expect(again.id).toBe(c.id);
    expect(fx.lab.emu.stats().throttled).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('injects faults: Nth request error, 503 serviceNotAvailable (retried by the SDK), dropped connection', async () => {
    const c = addCloudUser(fx.t, 'uma');
    fx.lab.emu.setFaults({ rules: [{ nth: 2, action: { kind: 'error', status: 500, code: 'generalException' } }] });
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`)).status).toBe(200);
    const second = await graphError(fx.lab.client.api(`/users/${c.id}`).get());
    expect(second.statusCode).toBe(500);
    expect(second.code).toBe('generalException');
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`)).status).toBe(200);

    fx.lab.emu.setFaults({ rules: [{ action: { kind: 'unavailable', retryAfterSeconds: 1 } }] });
    const direct = await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`);
    expect(direct.status).toBe(503);
    expect(direct.body).toMatchObject({ error: { code: 'serviceNotAvailable' } });
    fx.lab.emu.setFaults({ rules: [{ action: { kind: 'unavailable', retryAfterSeconds: 1 } }] });
    const retried = (await fx.lab.client.api(`/users/${c.id}`).get()) as { id: string };
    expect(retried.id).toBe(c.id);

    // through the admin endpoint, only PATCHes to users count
    const set = await raw(fx.lab.emu, 'POST', '/_lab/faults', { body: { rules: [{ method: 'PATCH', pathPattern: '^/v1\\.0/users/', action: { kind: 'drop' } }] } });
    expect(set.status).toBe(200);
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${c.id}`)).status).toBe(200);
    await expect(raw(fx.lab.emu, 'PATCH', `/v1.0/users/${c.id}`, { body: { displayName: 'z' } })).rejects.toThrow();
    expect(fx.t.getUser(c.id)?.displayName).toBe('uma');
    expect(fx.lab.emu.stats().faulted).toBe(4);
  });

  it('routes other /_lab/* paths to the admin handler after the bearer check', async () => {
    const seen: string[] = [];
    const own = await startLab(fx.t, {
      adminHandler: async (_req, res, url, body) => {
        if (url.pathname !== '/_lab/clock') return false;
        seen.push(JSON.stringify(body));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ now: fx.t.nowIso() }));
        return true;
      },
    });
    const noAuth = await raw(own.emu, 'POST', '/_lab/clock', { body: { advanceSeconds: 1 }, token: null });
    expect(noAuth.status).toBe(401);
    const ok = await raw(own.emu, 'POST', '/_lab/clock', { body: { advanceSeconds: 1 } });
    expect(ok).toMatchObject({ status: 200, body: { now: '2026-11-21T12:00:00.000Z' } });
    expect(seen).toEqual(['{"advanceSeconds":1}']);
    const unknown = await raw(own.emu, 'POST', '/_lab/nothing');
    expect(unknown.status).toBe(404);
    await own.close();
  });
});
