import { afterEach, describe, expect, it } from 'vitest';
import { ROLES_TTL_MS } from '../../../src/graph/entra-access.js';
import { loadSeed } from '../../../src/lab/seed.js';
import { observeLive, snapshotFromObserved } from '../../../src/observe/live.js';
import { snapshotLines } from '../../../src/observe/snapshot-lines.js';
import { serializeSnapshot } from '../../../src/observe/snapshot.js';
import { cloudUser, fakeClock, newTenant, startLab, type Lab } from './lab-graph.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

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
    // one read of each kind (the sample company fits one page)
    expect(lab.traffic.byRoute).toMatchObject({
      'GET /v1.0/users': 1,
      'GET /v1.0/directoryRoles': 1,
      'GET /v1.0/directory': 2,
      'GET /v1.0/groups': 1,
      'GET /v1.0/organization': 1,
    });

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
    expect(lab.traffic.byRoute['GET /v1.0/directoryRoles']).toBe(1);
    await clock.sleep(ROLES_TTL_MS);
    await entra.getUser(a.id);
    expect(lab.traffic.byRoute['GET /v1.0/directoryRoles']).toBe(2);
  });
});
