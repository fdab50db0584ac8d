import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_SEED_PATH, loadSeed, parseSeed, rebaseSeed } from '../../../src/lab/seed.js';
import type { LabSeed } from '../../../src/lab/seed.js';
import { settleSeed } from '../../../src/lab/settle.js';
import { runSyncCycle } from '../../../src/lab/sync-cycle.js';
import { syncCycleChangedNothing } from '../../../src/lab/sync-report.js';
import { immutableIdOfGuid } from '../../../src/lab/connect/source-anchor.js';

const ROOT = join(import.meta.dirname, '../../..');
const STAFF = 'OU=Staff,DC=lab,DC=example,DC=test';
const ONBOARDING = 'OU=Onboarding,DC=lab,DC=example,DC=test';

describe('the sample company seed', () => {
  it('is what scripts/gen-lab-seed.mjs generates (deterministic, committed; needs the build)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lab-seed-')), 'seed.json');
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-lab-seed.mjs'), out]);
    expect(await readFile(out, 'utf8')).toBe(await readFile(DEFAULT_SEED_PATH, 'utf8'));
  });

  it('loads into a tenant and an in-memory AD with the documented shape', async () => {
    const { tenant, directory, syncConfig, seed } = await loadSeed();
    expect(seed.name).toBe('Lab Example');
    expect(seed.pinClock).toBeUndefined();
    expect(tenant.tenantId).toBe('a1b2c3d4-0000-4000-8000-1abe7a3b1e01');
    expect(tenant.nowIso()).toBe('2026-06-15T09:00:00.000Z');
    expect(directory.baseDn).toBe('DC=lab,DC=example,DC=test');
    expect(syncConfig).toMatchObject({ sourceAnchor: 'mS-DS-ConsistencyGuid', syncIntervalMinutes: 30, syncScope: { include: [STAFF, 'OU=Groups,DC=lab,DC=example,DC=test'], exclude: [] } });
    const ad = await directory.listUsers();
    const users = tenant.listUsers();
    expect(ad.length).toBe(234);
    expect(users.length).toBe(232);
    expect(users.filter((u) => u.onPremisesSyncEnabled === true).length).toBe(206);
    const contractors = users.filter((u) => u.userPrincipalName.endsWith('@contractors.lab.example.test'));
    expect(contractors.map((u) => [u.onPremisesSyncEnabled, u.exchangeMailbox])).toEqual(Array(10).fill([null, true]));
    expect(tenant.getUserByUpn('riley.morgan@lab.example.test')).toMatchObject({ onPremisesSyncEnabled: null, exchangeMailbox: true });
    // their AD accounts wait outside the sync scope
    expect(ad.filter((u) => u.dn.endsWith(`,${ONBOARDING}`)).map((u) => u.samAccountName).sort()).toEqual(
      [...contractors.map((u) => u.userPrincipalName.split('@')[0] ?? ''), 'riley.morgan'].sort(),
    );
    expect(tenant.listDeletedUsers().map((u) => [u.userPrincipalName, u.onPremisesSyncEnabled])).toEqual([['former.employee@lab.example.test', false]]);
    const ga = tenant.listDirectoryRoles().find((r) => r.displayName === 'Global Administrator');
    expect(ga?.memberIds.map((id) => tenant.getUser(id)?.onPremisesSyncEnabled ?? null).sort()).toEqual([null, null, true]);
    expect(tenant.features()).toMatchObject({ blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: true, softMatchOnUpnEnabled: false, passwordSyncEnabled: true });
    // every synced user's immutable id is its AD user's anchor, and Connect's join is that AD user
    const byGuid = new Map(ad.map((a) => [a.objectGuid, a]));
    const synced = users.filter((u) => u.onPremisesSyncEnabled === true);
    expect(synced.every((u) => u.connectorJoin !== null && immutableIdOfGuid(byGuid.get(u.connectorJoin)?.consistencyGuid ?? '') === u.onPremisesImmutableId)).toBe(true);
  });

  it('is settled: a cycle changes nothing and reports no error; the new hire synced with the shared address quarantined', async () => {
    const w = await loadSeed();
    const r = await runSyncCycle({ directory: w.directory, tenant: w.tenant, config: w.syncConfig });
    expect(syncCycleChangedNothing(r)).toBe(true);
    expect(r.counts).toMatchObject({ inScope: 206, unchanged: 206, errors: 0 });
    const alexandra = w.tenant.getUserByUpn('alexandra.kim@lab.example.test');
    const alex = w.tenant.getUserByUpn('alex.kim@lab.example.test');
    expect(alexandra).toMatchObject({ onPremisesSyncEnabled: true, proxyAddresses: ['SMTP:alexandra.kim@lab.example.test'] });
    expect(w.tenant.listQuarantines().map((q) => [q.objectId, q.propertyCausingError, q.value, q.conflictingObjectId])).toEqual([
      [alexandra?.id, 'ProxyAddresses', 'smtp:alex.kim@lab.example.test', alex?.id],
    ]);
  });

  it('rehearses the manifest workflows with tenant operations: hard link, soft link, SOA switch', async () => {
    const w = await loadSeed();
    const cycle = () => runSyncCycle({ directory: w.directory, tenant: w.tenant, config: w.syncConfig });
    w.tenant.updateSyncFeatures({ blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const onboarding = (await w.directory.listUsers()).filter((u) => u.dn.endsWith(`,${ONBOARDING}`));
    // hard link: a contractor's cloud user gets its AD counterpart's anchor, then the account moves into scope
    const first = onboarding.find((u) => u.userPrincipalName?.endsWith('@contractors.lab.example.test'));
    if (!first?.userPrincipalName) throw new Error('seed has no contractor');
    const cloud = w.tenant.getUserByUpn(first.userPrincipalName);
    w.tenant.updateUser(cloud?.id ?? '', { onPremisesImmutableId: immutableIdOfGuid(first.objectGuid) });
    await w.directory.moveUser(first.dn, STAFF);
    // soft link: Riley's AD account gets the cloud mailbox address and moves into scope
    const riley = onboarding.find((u) => u.samAccountName === 'riley.morgan');
    await w.directory.modifyUser(riley?.dn ?? '', [
      { attribute: 'mail', to: ['riley.morgan@lab.example.test'] },
      { attribute: 'proxyAddresses', to: ['SMTP:riley.morgan@lab.example.test'] },
    ]);
    await w.directory.moveUser(riley?.dn ?? '', STAFF);
    // SOA switch: one sales user goes cloud-managed
    const sales = w.tenant.listUsers().find((u) => u.onPremisesDistinguishedName?.includes('OU=Sales'));
    w.tenant.setUserCloudManaged(sales?.id ?? '', true);
    const r = await cycle();
    expect(r.hardMatched.map((o) => o.upn)).toEqual([first.userPrincipalName]);
    expect(r.softMatched.map((o) => o.upn)).toEqual(['riley.morgan@lab.example.test']);
    expect(r.skippedCloudManaged.map((o) => o.userId)).toEqual([sales?.id]);
    expect([r.counts.errors, r.counts.created, r.counts.quarantined]).toEqual([0, 0, 0]);
  });

  it('refuses a file that is not a seed, with the reason', () => {
    expect(() => parseSeed({ kind: 'entra-soa/plan' }, 'plan.json')).toThrow(/plan\.json is not a lab seed/);
    expect(() => parseSeed({ kind: 'entra-soa/lab-seed', formatVersion: 2 }, 'x.json')).toThrow(/formatVersion 2/);
  });
});

describe('the lab clock of a seed', () => {
  it('starts when the lab is created, every time in the tenant moved by the same amount (ages kept)', async () => {
    const now = new Date('2026-11-29T04:14:36.789Z');
    const { tenant, seed } = await loadSeed(DEFAULT_SEED_PATH, { now });
    expect(tenant.nowIso()).toBe('2026-11-29T04:14:36.000Z');
    const shift = Date.parse('2026-11-29T04:14:36.000Z') - Date.parse('2026-06-15T09:00:00.000Z');
    const deleted = tenant.listDeletedUsers()[0];
    expect(Date.parse(deleted?.deletedDateTime ?? '')).toBe(Date.parse('2026-06-10T12:10:00.000Z') + shift);
    expect(tenant.getOrganization().onPremisesLastSyncDateTime).toBe(tenant.nowIso());
    expect(seed.tenant.now).toBe(tenant.nowIso());
  });

  it('a seed may pin its clock', async () => {
    const raw = JSON.parse(await readFile(DEFAULT_SEED_PATH, 'utf8')) as LabSeed;
    const pinned = parseSeed({ ...raw, pinClock: true });
    expect(rebaseSeed(pinned, new Date('2027-01-01T00:00:00Z')).tenant.now).toBe('2027-01-01T00:00:00.000Z');
    const path = join(mkdtempSync(join(tmpdir(), 'lab-pin-')), 'seed.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, JSON.stringify(pinned)));
    expect((await loadSeed(path, { now: new Date('2027-01-01T00:00:00Z') })).tenant.nowIso()).toBe('2026-06-15T09:00:00.000Z');
  });
});

describe('settling a seed', () => {
  it('runs cycles until one changes nothing and keeps the id generator going', async () => {
    const raw = JSON.parse(await readFile(DEFAULT_SEED_PATH, 'utf8')) as LabSeed;
    const dir = raw.directory;
    dir.users.push({ ...structuredClone(dir.users[0] as (typeof dir.users)[number]), dn: `CN=New Hire,OU=Sales,${STAFF}`, objectGuid: '35918bc9-196d-40ea-9779-889d79b753f0', consistencyGuid: null, samAccountName: 'new.hire', userPrincipalName: 'new.hire@lab.example.test', mail: 'new.hire@lab.example.test', proxyAddresses: ['SMTP:new.hire@lab.example.test'] });
    const { seed, cycles } = await settleSeed(raw);
    expect(cycles.map((c) => [c.cycle, c.counts.created, syncCycleChangedNothing(c)])).toEqual([
      [1, 1, false],
      [2, 0, true],
    ]);
    expect(seed.tenant.users.find((u) => u.userPrincipalName === 'new.hire@lab.example.test')?.onPremisesSyncEnabled).toBe(true);
    expect(seed.randomSeed).not.toBe(raw.randomSeed);
    expect((await settleSeed(seed)).cycles).toHaveLength(1);
  });
});
