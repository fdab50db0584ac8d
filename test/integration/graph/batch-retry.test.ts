/**
 * Transient failures inside and around `$batch`es of reads, injected by the lab's fault rules
 * (`inBatch` for inner requests) and read through the real SDK client: an inner 500/502/503/504 is
 * retried for that request only (after its Retry-After, else a bounded backoff), and a batch whose
 * outer request failed is sent again alone, never the batches that were answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { INNER_BACKOFF_CAP_SECONDS } from '../../../src/graph/batch.js';
import { fakeClock, newTenant, startLab, syncedUser, type Lab } from './lab-graph.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const betaBatches = (l: Lab) => (l.traffic.log ?? []).filter((u) => /^POST .*\/beta\/\$batch$/.test(u)).length;

/** 25 users converted by the SOA switch: their sync behaviour is read on beta, in $batches of 20 + 5. */
function convertedTenant() {
  const tenant = newTenant();
  for (let i = 0; i < 25; i++) tenant.setUserCloudManaged(tenant.createUser(syncedUser(i, 'conv')).id, true);
  return tenant;
}

describe('$batch reads: transient inner and outer failures', () => {
  it('inner 503s with Retry-After: only those requests go again, after the Retry-After', async () => {
    const clock = fakeClock();
    lab = await startLab(convertedTenant(), { clock });
    lab.emulator.setFaults({
      rules: [{ action: { kind: 'unavailable', retryAfterSeconds: 7 }, method: 'GET', pathPattern: '/onPremisesSyncBehavior$', inBatch: true, nth: 3, times: 2 }],
    });

    const users = await lab.entra.listUsers();

    expect(users.map((u) => u.isCloudManaged)).toEqual(Array(25).fill(true));
    expect(lab.emulator.stats().faulted).toBe(2);
    expect(lab.entra.stats.batch.innerUnavailable).toBe(2);
    expect(lab.entra.stats.batch.innerRequests).toBe(25 + 2); // the two, not their batch of 20
    expect(betaBatches(lab)).toBe(3);
    expect(lab.waits).toContain(7000);
  });

  it('inner 500 and 502 without Retry-After: retried after a backoff that doubles and stays bounded', async () => {
    const clock = fakeClock();
    lab = await startLab(convertedTenant(), { clock });
    lab.emulator.setFaults({
      rules: [
        { action: { kind: 'error', status: 500, code: 'generalException' }, method: 'GET', pathPattern: '/onPremisesSyncBehavior$', inBatch: true, nth: 1, times: 3 },
        { action: { kind: 'error', status: 502, code: 'BadGateway' }, method: 'GET', pathPattern: '/onPremisesSyncBehavior$', inBatch: true, nth: 25, times: 1 },
      ],
    });

    const users = await lab.entra.listUsers();

    expect(users.map((u) => u.isCloudManaged)).toEqual(Array(25).fill(true));
    // round 1: the first three answer 500 and the 25th 502; those four alone go again after 1 s, and succeed
    expect(lab.entra.stats.batch.innerUnavailable).toBe(4);
    expect(lab.waits).toEqual([1000]);
  });

  it('a persistent inner 500 ends as a GraphError after the bounded retries, every wait within the cap', async () => {
    const clock = fakeClock();
    lab = await startLab(convertedTenant(), { clock });
    lab.emulator.setFaults({
      rules: [{ action: { kind: 'error', status: 500, code: 'generalException' }, method: 'GET', pathPattern: '/onPremisesSyncBehavior$', inBatch: true, times: 1000 }],
    });

    await expect(lab.entra.listUsers()).rejects.toMatchObject({ name: 'GraphError', status: 500, code: 'generalException' });
    expect(lab.waits).toEqual([1, 2, 4, 8, 16, 32].map((s) => Math.min(s, INNER_BACKOFF_CAP_SECONDS) * 1000)); // 6 rounds, the last capped
    expect(lab.entra.stats.batch.innerUnavailable).toBe(25 * 6);
  });

  it('an outer 502 of one $batch sends that batch again, not the one that was answered', async () => {
    lab = await startLab(convertedTenant(), { clock: fakeClock() });
    lab.emulator.setFaults({ rules: [{ action: { kind: 'error', status: 502, code: 'BadGateway' }, method: 'POST', pathPattern: '/beta/\\$batch$', nth: 2 }] });

    const users = await lab.entra.listUsers();

    expect(users.map((u) => u.isCloudManaged)).toEqual(Array(25).fill(true));
    expect(betaBatches(lab)).toBe(3); // 2 batches, 1 sent again (re-sending both would make 4)
    const executed = lab.emulator.stats().innerRequests;
    // 25 answered, plus the v1.0 batch of role reads (2); the failed batch was not carried out
    expect(executed).toBe(25 + 2);
  });

  it('an inner 503 among the fixed reads of a plan is retried inside that $batch', async () => {
    lab = await startLab(convertedTenant(), { clock: fakeClock() });
    lab.emulator.setFaults({ rules: [{ action: { kind: 'unavailable', retryAfterSeconds: 1 }, method: 'GET', pathPattern: '/v1\\.0/organization$', inBatch: true }] });

    const [state, groups] = await Promise.all([lab.entra.getTenantSyncState(), lab.entra.listGroups()]);

    expect(state.tenantId).toBe(lab.entra.tenantId);
    expect(groups).toEqual([]);
    expect(lab.entra.stats.together.batches).toBe(2); // the batch, then the organization alone again
    expect(lab.entra.stats.together.innerUnavailable).toBe(1);
    expect(lab.entra.stats.together.innerRequests).toBe(3 + 1);
  });
});
