import { afterEach, describe, expect, it } from 'vitest';
import { ROLES_TTL_MS } from '../../../src/graph/role-reads.js';
import { loadSeed } from '../../../src/lab/seed.js';
import { observeLive, snapshotFromObserved } from '../../../src/observe/live.js';
import { snapshotLines } from '../../../src/observe/snapshot-lines.js';
import { serializeSnapshot } from '../../../src/observe/snapshot.js';
import { cloudUser, fakeClock, newTenant, startLab, syncedUser, type Lab } from './lab-graph.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

/** The paths (without query) of the GETs that went inside v1.0 $batches, sorted. */
const innerReads = (l: Lab) =>
  (l.traffic.log ?? [])
    .filter((line) => line.startsWith('$batch GET /v1.0/'))
    .map((line) => line.slice('$batch GET '.length).split('?')[0]!)
    .sort();

const sortedBy = <T>(xs: T[], key: (x: T) => string) => xs.map(key).every((k, i, a) => i === 0 || a[i - 1]! <= k);

describe('observeLive', () => {
  it('reads the sample company from both sides into a sorted ObservedState', async () => {
    const seed = await loadSeed();
    lab = await startLab(seed.tenant);

    const state = await observeLive({ entra: lab.entra, directory: seed.directory });

    expect(state.entra.users).toHaveLength(seed.tenant.userCount());
    expect(state.entra.deletedUsers).toHaveLength(seed.tenant.listDeletedUsers().length);
    expect(state.entra.groups).toHaveLength(seed.tenant.listGroups().length);
    expect(state.ad.users).toHaveLength((await seed.directory.listUsers()).length);
    expect(state.ad.baseDn).toBe(seed.directory.baseDn);
    expect(state.tenant.tenantId).toBe(seed.tenant.getOrganization().id);
    expect(sortedBy(state.entra.users, (u) => u.id)).toBe(true);
    expect(sortedBy(state.ad.organizationalUnits, (o) => o.dn.toLowerCase())).toBe(true);
    // one read of each kind (the sample company fits one page): the users page, and the fixed reads together in one $batch
    expect(lab.traffic.byRoute).toMatchObject({ 'GET /v1.0/users': 1, 'POST /v1.0/$batch': 1 });
    expect(innerReads(lab)).toEqual([
      '/v1.0/directory/deletedItems/microsoft.graph.user',
      '/v1.0/directory/onPremisesSynchronization',
      '/v1.0/directoryRoles',
      '/v1.0/groups',
      '/v1.0/organization',
      '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
    ]);

    const snap = snapshotFromObserved(state, '2026-11-21T12:00:00.000Z', 'lab');
    // formatVersion 2: what `snapshot --out` writes since issue 11 (JSON Lines)
    expect([snap.kind, snap.formatVersion, snap.capturedAt, snap.source]).toEqual(['entra-soa/snapshot', 2, '2026-11-21T12:00:00.000Z', 'lab']);
    // reading twice gives the same bytes
    const again = await observeLive({ entra: lab.entra, directory: seed.directory });
    const bytes = (s: typeof snap) => [...snapshotLines(s)].join('');
    expect(bytes(snapshotFromObserved(again, snap.capturedAt, 'lab'))).toBe(bytes(snap));
    expect(serializeSnapshot(snapshotFromObserved(again, snap.capturedAt, 'lab'))).toBe(serializeSnapshot(snap));
  });

  it('getUser reuses role memberships for a minute instead of re-reading every role per user', async () => {
    const clock = fakeClock();
    const tenant = newTenant();
    const a = tenant.createUser(cloudUser(1));
    const b = tenant.createUser(cloudUser(2));
    tenant.addRoleMember('Global Administrator', b.id);
    lab = await startLab(tenant, { clock });
    const { GraphEntraAccess } = await import('../../../src/graph/entra-access.js');
    const entra = new GraphEntraAccess({ client: lab.entra.client, tenantId: lab.entra.tenantId, now: clock.now });

    expect((await entra.getUser(a.id))?.roles).toEqual([]);
    expect((await entra.getUser(b.id))?.roles).toEqual([{ role: 'Global Administrator', state: 'active', privileged: true }]);
    // the role holders and PIM eligibilities are read together, in one $batch, once
    expect(lab.traffic.byRoute['POST /v1.0/$batch']).toBe(1);
    expect(innerReads(lab).filter((r) => r === '/v1.0/directoryRoles')).toHaveLength(1);
    await clock.sleep(ROLES_TTL_MS);
    await entra.getUser(a.id);
    expect(lab.traffic.byRoute['POST /v1.0/$batch']).toBe(2);
    expect(innerReads(lab).filter((r) => r === '/v1.0/directoryRoles')).toHaveLength(2);
  });

  it('a plan of N users reads Entra in at most ⌈N / 999⌉ + 2 requests (user pages, and one $batch for the rest)', async () => {
    const seed = await loadSeed();
    const tenant = newTenant();
    const users = Array.from({ length: 2500 }, (_, i) => tenant.createUser(i % 3 === 0 ? cloudUser(i) : syncedUser(i)));
    tenant.addRoleMember('Global Administrator', users[0]!.id);
    tenant.addEligibleRoleMember('User Administrator', users[1]!.id);
    tenant.deleteUser(tenant.createUser(cloudUser(9999)).id);
    tenant.createGroup({ displayName: 'Staff', mailNickname: 'staff' });
    lab = await startLab(tenant);
    const before = lab.emulator.stats().requests;

    const state = await observeLive({ entra: lab.entra, directory: seed.directory });

    expect(state.entra.users).toHaveLength(2500);
    expect(state.entra.deletedUsers).toHaveLength(1);
    expect(state.entra.groups).toHaveLength(1);
    expect(state.entra.users.find((u) => u.id === users[1]!.id)?.roles).toEqual([{ role: 'User Administrator', state: 'eligible', privileged: true }]);
    const requests = lab.emulator.stats().requests - before; // as the lab counted them
    expect(requests).toBeLessThanOrEqual(Math.ceil(2500 / 999) + 2);
    expect(requests).toBe(3 + 1); // 3 pages of 999 users, 1 $batch of the fixed reads
    expect(lab.traffic.byRoute['POST /v1.0/$batch']).toBe(1);
  });
});
