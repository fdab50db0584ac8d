import { afterEach, describe, expect, it } from 'vitest';
import { READ_RETRY_DELAYS_MS } from '../../../src/graph/read-retry.js';
import { GraphError } from '../../../src/model/entra.js';
import { cloudUser, fakeClock, newTenant, startLab, syncedUser, type Lab } from './lab-graph.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('throttling, faults and pacing against the lab emulator', () => {
  it('outer 429: the SDK RetryHandler waits Retry-After (through our sleep) and the read still succeeds', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 3000; i++) tenant.createUser(cloudUser(i));
    // 2 resource units per second: the 4 pages of users (1 RU each with $select) cannot go at once.
    // The emulator's windows run on the same clock as our sleeps: deterministic, and no real waiting.
    const clock = fakeClock();
    lab = await startLab(tenant, { clock, throttling: { resourceUnitsPerWindow: 2, windowSeconds: 1 } });

    const users = await lab.entra.listUsers();

    expect(users).toHaveLength(3000);
    expect(lab.traffic.throttled).toBeGreaterThanOrEqual(1);
    expect(lab.traffic.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // every wait was the emulator's Retry-After (whole seconds ≥ 1), not the SDK's default backoff: one per
    // outer 429, and at most one per inner 429 of the $batch that carries the role reads
    expect(lab.waits.length).toBeGreaterThanOrEqual(lab.traffic.throttled);
    expect(lab.waits.length).toBeLessThanOrEqual(lab.traffic.throttled + lab.entra.stats.together.innerThrottled);
    expect(lab.waits.every((ms) => ms >= 1000 && ms % 1000 === 0)).toBe(true);
  });

  it('inner 429s in a $batch are retried (only those) after Retry-After', async () => {
    const tenant = newTenant();
    for (let i = 0; i < 25; i++) tenant.setUserCloudManaged(tenant.createUser(syncedUser(i, 'conv')).id, true);
    // the users page and the roles read take 2 units; the batch's 25 inner reads then hit the limit
    lab = await startLab(tenant, { clock: fakeClock(), throttling: { resourceUnitsPerWindow: 15, windowSeconds: 1 } });

    const users = await lab.entra.listUsers();

    expect(users.map((u) => u.isCloudManaged)).toEqual(Array(25).fill(true));
    expect(lab.entra.stats.batch.innerThrottled).toBeGreaterThanOrEqual(1);
    expect(lab.entra.stats.batch.innerRequests).toBe(25 + lab.entra.stats.batch.innerThrottled);
    expect(lab.waits.some((ms) => ms >= 1000)).toBe(true);
  });

  it('the pacer keeps 60 batched writes under a budget of 10 writes / 5 s: the emulator (same clock) never throttles', async () => {
    const clock = fakeClock();
    const tenant = newTenant();
    const ids = Array.from({ length: 60 }, (_, i) => tenant.createUser(syncedUser(i)).id);
    lab = await startLab(tenant, {
      clock,
      budget: { writes: 10, windowSeconds: 5, burst: 5 },
      throttling: { writesPerWindow: 10, writeWindowSeconds: 5, resourceUnitsPerWindow: 100_000 },
    });
    const start = clock.now();

    const results = await lab.batchWrites(
      ids.map((id, i) => ({ id: `w${i}`, method: 'PATCH' as const, url: `/users/${id}/onPremisesSyncBehavior`, body: { isCloudManaged: true } })),
      'beta',
    );

    expect([...results.values()].filter((r) => r.status === 204)).toHaveLength(60);
    expect(lab.entra.stats.batch.innerThrottled).toBe(0);
    expect(lab.traffic.throttled).toBe(0);
    // batches of 5 (the burst); 5 at once, then (10 - 5) / 5 s = one write per second
    expect(lab.entra.stats.batch.batches).toBe(12);
    expect(clock.now() - start).toBe(55_000);
    expect(ids.every((id) => tenant.getUser(id)?.isCloudManaged === true)).toBe(true);
  });

  it('without a fitting budget the same writes get inner 429s, which are retried until all succeed', async () => {
    const clock = fakeClock();
    const tenant = newTenant();
    const ids = Array.from({ length: 60 }, (_, i) => tenant.createUser(syncedUser(i)).id);
    lab = await startLab(tenant, {
      clock,
      budget: { writes: 1000, windowSeconds: 5, burst: 20 },
      throttling: { writesPerWindow: 10, writeWindowSeconds: 5, resourceUnitsPerWindow: 100_000 },
    });

    const results = await lab.batchWrites(
      ids.map((id, i) => ({ id: `w${i}`, method: 'PATCH' as const, url: `/users/${id}/onPremisesSyncBehavior`, body: { isCloudManaged: true } })),
      'beta',
    );

    expect([...results.values()].filter((r) => r.status === 204)).toHaveLength(60);
    expect(lab.entra.stats.batch.innerThrottled).toBeGreaterThan(0);
    expect(ids.every((id) => tenant.getUser(id)?.isCloudManaged === true)).toBe(true);
  });

  it('injected 503s are retried by the SDK after their Retry-After; a persistent 503 ends as GraphError', async () => {
    const tenant = newTenant();
    tenant.createUser(cloudUser(1));
    lab = await startLab(tenant, { retry: { maxRetries: 3, delaySeconds: 0 } });
    lab.emulator.setFaults({ rules: [{ action: { kind: 'unavailable', retryAfterSeconds: 0 }, pathPattern: '^/v1\\.0/users$', times: 2 }] });

    const users = await lab.entra.listUsers();
    expect(users.map((u) => u.userPrincipalName)).toEqual(['cloud1@lab.example.test']);
    expect(lab.traffic.unavailable).toBe(2);
    expect(lab.traffic.byRoute['GET /v1.0/users']).toBe(3);

    lab.emulator.setFaults({ rules: [{ action: { kind: 'unavailable', retryAfterSeconds: 0 }, pathPattern: '^/v1\\.0/users$', times: 100 }] });
    const waited = lab.waits.length;
    const e = await lab.entra.listUsers().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GraphError);
    expect([(e as GraphError).status, (e as GraphError).code]).toEqual([503, 'serviceNotAvailable']);
    // After the SDK's own retries, GraphEntraAccess retried the read with backoff before giving up.
    expect(lab.waits.slice(waited).filter((ms) => ms >= 500)).toEqual([...READ_RETRY_DELAYS_MS]);
  });

  it('a write still throttled after the SDK retries ends as GraphError 429 and holds the next write for Retry-After', async () => {
    const clock = fakeClock();
    const tenant = newTenant();
    const a = tenant.createUser(syncedUser(1));
    const b = tenant.createUser(syncedUser(2));
    lab = await startLab(tenant, { clock, retry: { maxRetries: 1, delaySeconds: 0 } });
    lab.emulator.setFaults({
      rules: [{ action: { kind: 'error', status: 429, code: 'TooManyRequests', retryAfterSeconds: 7 }, method: 'PATCH', times: 2 }],
    });

    const e = await lab.entra.setUserCloudManaged(a.id, true).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GraphError);
    expect([(e as GraphError).status, (e as GraphError).code]).toEqual([429, 'TooManyRequests']);
    expect(lab.traffic.throttled).toBe(2); // the first answer and the one retry
    const before = clock.now();
    await lab.entra.setUserCloudManaged(b.id, true);
    expect(clock.now() - before).toBe(7000);
    expect(tenant.getUser(b.id)?.isCloudManaged).toBe(true);
  });

  it('an inner 429 retries its 424 dependents with it (dependsOn kept in one batch, dependencies first)', async () => {
    const clock = fakeClock();
    const tenant = newTenant();
    const [x, a, b] = [1, 2, 3].map((i) => tenant.createUser(syncedUser(i)).id);
    lab = await startLab(tenant, {
      clock,
      budget: { writes: 1000, windowSeconds: 5, burst: 20 },
      throttling: { writesPerWindow: 1, writeWindowSeconds: 1, resourceUnitsPerWindow: 100_000 },
    });
    const patch = (id: string, u: string, dependsOn?: string[]) => ({
      id,
      method: 'PATCH' as const,
      url: `/users/${u}/onPremisesSyncBehavior`,
      body: { isCloudManaged: true },
      ...(dependsOn ? { dependsOn } : {}),
    });

    // b is listed before its dependency on purpose; x takes the one write of the first window
    const results = await lab.batchWrites([patch('x', x!), patch('b', b!, ['a']), patch('a', a!)], 'beta');

    expect([...results.entries()].map(([id, r]) => [id, r.status]).sort()).toEqual([
      ['a', 204],
      ['b', 204],
      ['x', 204],
    ]);
    expect(lab.entra.stats.batch.innerThrottled).toBe(2); // a in round 1 (b: 424, sent again with it), b in round 2
    expect(lab.entra.stats.batch.batches).toBe(3);
    expect([x, a, b].every((id) => tenant.getUser(id!)?.isCloudManaged === true)).toBe(true);
  });
});
