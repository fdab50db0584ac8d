import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startLab } from '../../../src/lab/in-process-lab.js';
import type { Lab } from '../../../src/lab/in-process-lab.js';
import { parseDuration } from '../../../src/lab/admin-routes.js';
import { LAB_LOCK_FILE, labStatePath, type LabStateDocument } from '../../../src/lab/lab-state-store.js';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { SyncCycleReport } from '../../../src/lab/sync-report.js';
import { immutableIdOfGuid } from '../../../src/lab/connect/source-anchor.js';

/** The sample company's own time: tests that read times start the lab there. */
const SEED_TIME = new Date('2026-06-15T09:00:00.000Z');

const labs: Lab[] = [];
async function lab(opts: Parameters<typeof startLab>[0] = {}): Promise<Lab> {
  const l = await startLab({ now: SEED_TIME, ...opts });
  labs.push(l);
  return l;
}
afterEach(async () => {
  for (const l of labs.splice(0)) await l.close();
});

async function call(l: Lab, method: string, path: string, body?: unknown, token: string | null = l.token) {
  const res = await fetch(`${l.graphUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('parseDuration', () => {
  it('reads s/m/h/d, combinations and bare seconds', () => {
    expect([parseDuration('72h'), parseDuration('30m'), parseDuration('1h30m'), parseDuration('2d'), parseDuration('45'), parseDuration('soon')]).toEqual([
      259200, 1800, 5400, 172800, 45, null,
    ]);
  });
});

describe('the in-process lab over HTTP', () => {
  it('serves Graph from the seed on 127.0.0.1 and the admin endpoints next to it', async () => {
    const l = await lab();
    expect(l.graphUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const users = await call(l, 'GET', '/v1.0/users?$top=999&$select=id,userPrincipalName');
    expect((users.body['value'] as unknown[]).length).toBe(232);

    const cycle = await call(l, 'POST', '/_lab/sync-cycle');
    expect(cycle.status).toBe(200);
    const report = cycle.body as unknown as SyncCycleReport;
    expect(report).toMatchObject({ kind: 'entra-soa/lab-sync-cycle', cycle: 1, ran: true, at: '2026-06-15T09:00:00.000Z' });
    expect(report.counts).toMatchObject({ errors: 0, unchanged: 206 });

    // after that cycle at 09:00 the scheduler runs at 09:30 and 10:00
    const clock = await call(l, 'POST', '/_lab/clock', { advance: '1h' });
    expect(clock.status).toBe(200);
    expect(clock.body['now']).toBe('2026-06-15T10:00:00.000Z');
    expect((clock.body['syncCycles'] as SyncCycleReport[]).map((c) => c.at)).toEqual(['2026-06-15T09:30:00.000Z', '2026-06-15T10:00:00.000Z']);
    expect((await call(l, 'POST', '/_lab/clock', { advanceSeconds: 60 })).body['now']).toBe('2026-06-15T10:01:00.000Z');
    expect((await call(l, 'GET', '/_lab/clock')).body).toEqual({ now: '2026-06-15T10:01:00.000Z' });

    const state = await call(l, 'GET', '/_lab/state');
    expect(state.body['now']).toBe('2026-06-15T10:01:00.000Z');
    expect((state.body['users'] as unknown[]).length).toBe(232);
    expect((state.body['ad'] as { users: unknown[]; kind: string }).users.length).toBe(234);
    expect((state.body['tenant'] as { id: string }).id).toBe('a1b2c3d4-0000-4000-8000-1abe7a3b1e01');
    expect(state.body['sync']).toMatchObject({ cycles: 3, nextScheduledCycleAt: '2026-06-15T10:30:00.000Z' });
    expect(l.syncCycleCount).toBe(3);

    const reset = await call(l, 'POST', '/_lab/reset');
    expect(reset.body).toEqual({ now: '2026-06-15T09:00:00.000Z' });
    expect(l.tenant.nowIso()).toBe('2026-06-15T09:00:00.000Z');
    expect(l.syncCycleCount).toBe(0);
    expect((await call(l, 'GET', '/_lab/state')).body['sync']).toMatchObject({ cycles: 0 });
  });

  it('starts at the wall clock by default, so that a plan made now and the lab agree on the date', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const l = await startLab();
    labs.push(l);
    const start = Date.parse(l.tenant.nowIso());
    expect(start).toBeGreaterThanOrEqual(before);
    expect(start).toBeLessThanOrEqual(Date.now());
    // the seed's story keeps its ages: former.employee was deleted 5 days and 20 h 50 min before the seed's time
    const deleted = l.tenant.listDeletedUsers()[0];
    expect(start - Date.parse(deleted?.deletedDateTime ?? '')).toBe(Date.parse('2026-06-15T09:00:00Z') - Date.parse('2026-06-10T12:10:00Z'));
  });

  it('serves the quarantine on the object and the mailbox as Graph does', async () => {
    const l = await lab();
    const alexandra = l.tenant.getUserByUpn('alexandra.kim@lab.example.test');
    const riley = l.tenant.getUserByUpn('riley.morgan@lab.example.test');
    const a = await call(l, 'GET', `/v1.0/users/${alexandra?.id ?? ''}?$select=id,onPremisesProvisioningErrors,provisionedPlans`);
    expect(a.body['onPremisesProvisioningErrors']).toEqual([
      { category: 'PropertyConflict', occurredDateTime: '2026-06-15T09:00:00.000Z', propertyCausingError: 'ProxyAddresses', value: 'smtp:alex.kim@lab.example.test' },
    ]);
    expect(a.body['provisionedPlans']).toEqual([]);
    const r = await call(l, 'GET', `/v1.0/users/${riley?.id ?? ''}?$select=id,provisionedPlans`);
    expect(r.body['provisionedPlans']).toEqual([{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }]);
  });

  it('answers bad requests with an error body and leaves unknown paths to the emulator', async () => {
    const l = await lab();
    const bad = await call(l, 'POST', '/_lab/clock', { advance: 'soon' });
    expect([bad.status, (bad.body['error'] as { code: string }).code]).toEqual([400, 'BadRequest']);
    expect((await call(l, 'POST', '/_lab/clock', {})).status).toBe(400);
    expect((await call(l, 'GET', '/_lab/sync-cycle')).status).toBe(405);
    expect((await call(l, 'POST', '/_lab/sync-cycle', undefined, null)).status).toBe(401);
    expect((await call(l, 'GET', '/_lab/nothing-here')).status).toBe(404);
  });

  it('scope removal end to end: move in AD, the scheduled cycle deletes, Graph shows the deleted user', async () => {
    const l = await lab();
    const ad = (await l.directory.listUsers()).find((u) => u.dn.includes('OU=Sales'));
    if (!ad) throw new Error('no sales user in the seed');
    await l.directory.moveUser(ad.dn, 'OU=Unsynced,DC=lab,DC=example,DC=test');
    const adv = await l.advanceClock(30 * 60);
    expect(adv.syncCycles.map((c) => c.deleted.map((d) => d.upn))).toEqual([[ad.userPrincipalName]]);
    const deleted = await call(l, 'GET', '/v1.0/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName,onPremisesImmutableId');
    // Graph shows a deleted user's UPN prefixed with its object id (without dashes)
    const rows = deleted.body['value'] as { id: string; userPrincipalName: string; onPremisesImmutableId: string }[];
    const row = rows.find((u) => u.onPremisesImmutableId === immutableIdOfGuid(ad.consistencyGuid ?? ad.objectGuid));
    expect(row?.userPrincipalName).toBe(`${row?.id.replace(/-/g, '')}${ad.userPrincipalName ?? ''}`);
  });

  it('persists tenant, AD and clock in the state folder and resumes from them', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lab-state-'));
    const first = await lab({ stateDir });
    expect(first.resumed).toBe(false);
    const ad = (await first.directory.listUsers()).find((u) => u.dn.includes('OU=Finance'));
    if (!ad) throw new Error('no finance user in the seed');
    const moved = await first.directory.moveUser(ad.dn, 'OU=Unsynced,DC=lab,DC=example,DC=test');
    expect((await first.runSyncCycle()).cycle).toBe(1);
    await first.advanceClock(3600);
    expect(first.syncCycleCount).toBe(3);
    const created = first.tenant.createUser({ userPrincipalName: 'new.cloud@lab.example.test' });
    await first.close();
    labs.splice(labs.indexOf(first), 1);
    const saved = JSON.parse(await readFile(labStatePath(stateDir), 'utf8')) as { kind: string };
    expect(saved.kind).toBe('entra-soa/lab-state');

    const second = await lab({ stateDir });
    expect(second.resumed).toBe(true);
    expect(second.tenant.nowIso()).toBe('2026-06-15T10:00:00.000Z');
    expect(second.syncCycleCount).toBe(3);
    expect((await second.runSyncCycle()).cycle).toBe(4);
    expect(second.tenant.getUser(created.id)?.userPrincipalName).toBe('new.cloud@lab.example.test');
    expect((await second.directory.getUserByDn(moved))?.objectGuid).toBe(ad.objectGuid);
    expect(second.tenant.listDeletedUsers().map((u) => u.userPrincipalName)).toContain(ad.userPrincipalName);
    // one lab per state folder
    await expect(startLab({ stateDir })).rejects.toThrow(/another lab in this process is using the state folder/);
    // ids continue the saved PRNG sequence: the next id is not one the first run handed out
    expect(second.tenant.createUser({ userPrincipalName: 'another@lab.example.test' }).id).not.toBe(created.id);
  });

  it('leaves the state file untouched when a run changes nothing, and writes it after any change', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lab-state-'));
    const file = labStatePath(stateDir);
    const fileNow = () => {
      const st = statSync(file);
      return { ino: st.ino, mtimeMs: st.mtimeMs, bytes: readFileSync(file, 'utf8') };
    };
    /** One lab run on the folder: `act` on it, then close (which saves). */
    const run = async (act: (l: Lab) => Promise<unknown>) => {
      const l = await startLab({ now: SEED_TIME, stateDir });
      try {
        await act(l);
      } finally {
        await l.close();
      }
    };

    await run(async () => undefined); // a new folder: the state from the seed is written
    const start = fileNow();
    expect(JSON.parse(start.bytes)).toMatchObject({ kind: 'entra-soa/lab-state' });

    // reads only (what plan --lab does), and an explicit save: nothing is written
    await run(async (l) => {
      expect((await call(l, 'GET', '/v1.0/users?$top=999&$select=id,userPrincipalName')).status).toBe(200);
      expect((await call(l, 'GET', '/v1.0/groups?$top=999')).status).toBe(200);
      await l.save();
    });
    expect(fileNow()).toEqual(start);

    // each kind of change is saved: a tenant setting (not a user), the in-memory AD, the lab clock
    const changes: [string, (l: Lab) => Promise<unknown>, (doc: LabStateDocument) => unknown, unknown][] = [
      [
        'tenant setting',
        async (l) => l.tenant.updateSyncFeatures({ softMatchOnUpnEnabled: true }),
        (d) => d.tenant.onPremisesSynchronization.features.softMatchOnUpnEnabled,
        true,
      ],
      [
        'AD',
        async (l) => l.directory.modifyUser(`CN=Ella Young,OU=Sales,OU=Staff,DC=lab,DC=example,DC=test`, [{ attribute: 'displayName', to: ['Renamed'] }]),
        (d) => d.directory?.users.find((u) => u.samAccountName === 'ella.young')?.displayName,
        'Renamed',
      ],
      ['clock', async (l) => l.advanceClock(60), (d) => d.tenant.now, '2026-06-15T09:01:00.000Z'],
    ];
    let before = start;
    for (const [what, change, read, want] of changes) {
      await run(change);
      const after = fileNow();
      expect(after.ino, what).not.toBe(before.ino);
      expect(read(JSON.parse(after.bytes) as LabStateDocument), what).toEqual(want);
      before = after;
    }
  });

  it('refuses a state folder held by another live process, and takes over a stale lock', async () => {
    const held = mkdtempSync(join(tmpdir(), 'lab-lock-'));
    writeFileSync(join(held, LAB_LOCK_FILE), `${process.ppid}\n`);
    await expect(startLab({ stateDir: held })).rejects.toThrow(new RegExp(`another lab \\(process ${process.ppid}\\) is using the state folder`));
    const stale = mkdtempSync(join(tmpdir(), 'lab-lock-'));
    writeFileSync(join(stale, LAB_LOCK_FILE), '2147483646\n'); // above any pid_max: no such process
    const l = await lab({ stateDir: stale });
    expect(l.stateDir).toBe(stale);
  });

  it('triggerSync completes a pending tenant-wide disable on the lab clock, then runs a cycle', async () => {
    const l = await lab();
    l.tenant.setDirectorySyncEnabled(false);
    expect(l.tenant.isDisablePending()).toBe(true);
    const r = await l.triggerSync();
    expect(l.tenant.nowIso()).toBe('2026-06-18T09:00:00.000Z');
    expect(l.tenant.isDisablePending()).toBe(false);
    expect([r.ran, r.skipped]).toEqual([false, 'tenant-sync-disabled']);
    expect(l.tenant.listUsers().filter((u) => u.onPremisesSyncEnabled === true)).toHaveLength(0);
    // without a pending disable it is just a cycle now
    const l2 = await lab();
    expect((await l2.triggerSync()).at).toBe('2026-06-15T09:00:00.000Z');
  });
});
