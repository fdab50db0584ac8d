import { afterEach, describe, expect, it } from 'vitest';
import { describeGraphError } from '../../../src/graph/errors.js';
import { GraphError } from '../../../src/model/entra.js';
import { cloudUser, fakeClock, newTenant, startLab, syncedUser, DOMAIN, TENANT_ID, type Lab } from './lab-graph.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const urlsOf = (l: Lab, re: RegExp) => (l.traffic.log ?? []).filter((u) => re.test(u));

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('GraphEntraAccess writes against the lab emulator', () => {
  it('converts a synced user (beta onPremisesSyncBehavior), clears its immutable id and leftovers (beta null)', async () => {
    const tenant = newTenant();
    const u = tenant.createUser(syncedUser(1));
    lab = await startLab(tenant);

    await lab.entra.setUserCloudManaged(u.id, true);
    expect(tenant.getUser(u.id)).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null });

    await lab.entra.setImmutableId(u.id, null);
    await lab.entra.clearOnPremisesAttributes(u.id, ['onPremisesDistinguishedName', 'onPremisesSamAccountName']);
    expect(tenant.getUser(u.id)).toMatchObject({
      onPremisesImmutableId: null,
      onPremisesDistinguishedName: null,
      onPremisesSamAccountName: null,
      onPremisesDomainName: 'lab.example.test',
    });
    expect(urlsOf(lab, /^PATCH /).map((l) => l.replace(/^PATCH http:\/\/127\.0\.0\.1:\d+/, 'PATCH '))).toEqual([
      `PATCH /beta/users/${u.id}/onPremisesSyncBehavior`,
      `PATCH /beta/users/${u.id}`,
      `PATCH /beta/users/${u.id}`,
    ]);
    await expect(lab.entra.clearOnPremisesAttributes(u.id, ['displayName'])).rejects.toThrow('not an on-premises attribute: displayName');
  });

  it('sets an immutable id on a cloud user (v1.0), restores a deleted user, resets a password without storing it', async () => {
    const tenant = newTenant();
    const c = tenant.createUser(cloudUser(1));
    const d = tenant.createUser({ ...syncedUser(2), onPremisesSyncEnabled: false });
    tenant.deleteUser(d.id);
    lab = await startLab(tenant);

    await lab.entra.setImmutableId(c.id, 'yYuRNW0Z6kCXeYidebdT8A==');
    expect(tenant.getUser(c.id)?.onPremisesImmutableId).toBe('yYuRNW0Z6kCXeYidebdT8A==');
    await lab.entra.restoreDeletedUser(d.id);
    expect(tenant.getUser(d.id)?.userPrincipalName).toBe(`synced2@${DOMAIN}`);
    await lab.entra.resetPassword(d.id, 'Very-Secret-Pa55word!', true);
    // lastPasswordChangeDateTime moves on a reset: the lab clock has not moved since the user was
    // created, so the reset is stamped one second after it
    expect(tenant.getUser(d.id)?.passwordLastResetAt).toBe('2026-11-01T00:00:01.000Z');
    expect(JSON.stringify(tenant.toJSON())).not.toContain('Very-Secret-Pa55word!');
    expect((lab.traffic.log ?? []).join('\n')).not.toContain('Very-Secret-Pa55word!');
  });

  it('turns tenant sync off (beta) and then reads the disable as pending while users are still synced', async () => {
    const tenant = newTenant();
    tenant.createUser(syncedUser(1));
    lab = await startLab(tenant);

    await lab.entra.setSyncFeatures(TENANT_ID, { blockCloudObjectTakeoverThroughHardMatchEnabled: true });
    await lab.entra.setDeletionThreshold(TENANT_ID, 250);
    await lab.entra.setTenantSyncEnabled(TENANT_ID, false);

    const s = await lab.entra.getTenantSyncState();
    expect(s.onPremisesSyncEnabled).toBe(false);
    expect(s.disablePending).toBe(true);
    expect(s.features?.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    expect(s.accidentalDeletionPrevention).toEqual({ synchronizationPreventionType: 'enabledForCount', alertThreshold: 250 });

    tenant.advanceClock(72 * 3600);
    const after = await lab.entra.getTenantSyncState();
    expect([after.onPremisesSyncEnabled, after.disablePending]).toEqual([false, false]);
    expect(urlsOf(lab, /^PATCH .*\/beta\/organization\//)).toHaveLength(1);
  });

  it('maps a write to an AD-owned attribute of a synced user to GraphError 400 Request_BadRequest with advice', async () => {
    const tenant = newTenant();
    const u = tenant.createUser(syncedUser(1));
    lab = await startLab(tenant);

    const err = await caught(lab.entra.setImmutableId(u.id, 'yYuRNW0Z6kCXeYidebdT8A=='));
    expect(err).toBeInstanceOf(GraphError);
    const g = err as GraphError;
    expect([g.status, g.code]).toEqual([400, 'Request_BadRequest']);
    expect(g.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const text = describeGraphError(g, { step: 'entra.setImmutableId', object: `synced1@${DOMAIN}` });
    expect(text).toBe(
      `entra.setImmutableId on synced1@${DOMAIN} failed: Graph refused the write. If the user is synced, this attribute is owned by AD ` +
        `while the user is synced: convert it first (isCloudManaged) or change it in AD. (Graph 400 Request_BadRequest, request-id ${g.requestId})`,
    );
  });

  it('maps 404 (object gone) and 403 (permission) to actionable messages', async () => {
    const tenant = newTenant();
    const u = tenant.createUser(syncedUser(1));
    lab = await startLab(tenant);

    const gone = (await caught(lab.entra.restoreDeletedUser('00000000-0000-4000-8000-00000000ffff'))) as GraphError;
    expect([gone.status, gone.code]).toEqual([404, 'Request_ResourceNotFound']);
    expect(describeGraphError(gone, { step: 'entra.restoreDeleted', object: 'bob@lab.example.test' })).toMatch(
      /^entra\.restoreDeleted on bob@lab\.example\.test failed: the object no longer exists \(deleted or restored meanwhile\): re-run plan/,
    );

    lab.emulator.setFaults({
      rules: [{ action: { kind: 'error', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' }, method: 'PATCH' }],
    });
    const denied = (await caught(lab.entra.setUserCloudManaged(u.id, true))) as GraphError;
    expect([denied.status, denied.code]).toEqual([403, 'Authorization_RequestDenied']);
    expect(describeGraphError(denied, { step: 'entra.setCloudManaged', object: `synced1@${DOMAIN}` })).toContain(
      'permission denied: grant the app User-OnPremisesSyncBehavior.ReadWrite.All (admin consent); for delegated sign-in, also the role Hybrid Identity Administrator.',
    );
  });

  it('a rejected token is a 401 GraphError whose text never contains the token', async () => {
    const tenant = newTenant();
    lab = await startLab(tenant);
    const { createGraphClient } = await import('../../../src/graph/client.js');
    const { buildCredential, authProviderFor } = await import('../../../src/graph/credentials.js');
    const { GraphEntraAccess } = await import('../../../src/graph/entra-access.js');
    const bad = buildCredential({ method: 'static-token', tokenEnv: 'T', env: { T: 'not-the-lab-token-xyz' } });
    const client = createGraphClient({ endpoint: lab.emulator.url, authProvider: authProviderFor(bad, lab.emulator.url) });
    const e = (await caught(new GraphEntraAccess({ client, tenantId: TENANT_ID }).listUsers())) as GraphError;
    expect([e.status, e.code]).toEqual([401, 'InvalidAuthenticationToken']);
    const text = describeGraphError(e, { step: 'read', object: 'Entra ID' });
    expect(text).toContain('the access token was rejected');
    expect(`${text} ${e.message} ${JSON.stringify(e)}`).not.toContain('not-the-lab-token-xyz');

    // the right static token through the same credential path works
    const good = buildCredential({ method: 'static-token', tokenEnv: 'T', env: { T: lab.emulator.token } });
    const ok = new GraphEntraAccess({
      client: createGraphClient({ endpoint: lab.emulator.url, authProvider: authProviderFor(good, lab.emulator.url) }),
      tenantId: TENANT_ID,
    });
    expect(await ok.listUsers()).toEqual([]);
  });

  it('batched writes (runBatch with the writer\'s pacer): ≤ 20 per $batch, unique ids, per-request results (inner failures are results, not exceptions)', async () => {
    const tenant = newTenant();
    const ids = Array.from({ length: 45 }, (_, i) => tenant.createUser(syncedUser(i)).id);
    const clock = fakeClock();
    lab = await startLab(tenant, { clock });

    const results = await lab.batchWrites(
      [
        ...ids.map((id, i) => ({ id: `c${i}`, method: 'PATCH' as const, url: `/users/${id}/onPremisesSyncBehavior`, body: { isCloudManaged: true } })),
        { id: 'bad', method: 'PATCH' as const, url: '/users/00000000-0000-4000-8000-00000000ffff/onPremisesSyncBehavior', body: { isCloudManaged: true } },
      ],
      'beta',
    );
    expect(results.size).toBe(46);
    expect([...results.values()].filter((r) => r.status === 204)).toHaveLength(45);
    expect(results.get('bad')?.error).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
    expect(urlsOf(lab, /^POST .*\/beta\/\$batch$/)).toHaveLength(3);
    // the default budget: 20 at once, then (3,000 − 20) writes per 150 s: 26 more take ~1.3 s (of the injected clock)
    expect(lab.entra.pacer.waitedMs).toBeGreaterThan(1000);
    expect(lab.entra.pacer.waitedMs).toBeLessThan(1400);
    expect(ids.every((id) => tenant.getUser(id)?.isCloudManaged === true)).toBe(true);
    await expect(lab.batchWrites([{ id: 'x', method: 'GET', url: '/users' }, { id: 'x', method: 'GET', url: '/users' }])).rejects.toThrow(
      'batch request id "x" is used twice',
    );
  });

  it('a dropped connection is GraphError status 0 NetworkError with advice to check the network', async () => {
    const tenant = newTenant();
    lab = await startLab(tenant);
    lab.emulator.setFaults({ rules: [{ action: { kind: 'drop' }, times: 100 }] });
    const e = (await caught(lab.entra.listDeletedUsers())) as GraphError;
    expect(e).toBeInstanceOf(GraphError);
    expect([e.status, e.code]).toEqual([0, 'NetworkError']);
    expect(describeGraphError(e, { step: 'read' })).toBe(
      'read failed: Microsoft Graph could not be reached: check the network, proxy and --graph-endpoint, then re-run. (Graph no answer NetworkError)',
    );
  });
});
