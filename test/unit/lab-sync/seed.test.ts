import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_SEED_PATH, loadSeed, parseSeed } from '../../../src/lab/seed.js';
import { runSyncCycle } from '../../../src/lab/sync-cycle.js';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { PACKAGE_ROOT } from '../../../src/cli/version.js';

describe('the sample company seed', () => {
  it('is what scripts/gen-lab-seed.mjs generates (deterministic, committed)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lab-seed-')), 'seed.json');
    execFileSync(process.execPath, [join(PACKAGE_ROOT, 'scripts/gen-lab-seed.mjs'), out]);
    expect(await readFile(out, 'utf8')).toBe(await readFile(DEFAULT_SEED_PATH, 'utf8'));
  });

  it('loads into a tenant and an in-memory AD with the documented shape', async () => {
    const { tenant, directory, syncConfig, seed } = await loadSeed();
    expect(seed.name).toBe('Lab Example');
    expect(tenant.tenantId).toBe('a1b2c3d4-0000-4000-8000-1abe7a3b1e01');
    expect(tenant.nowIso()).toBe('2026-06-15T09:00:00.000Z');
    expect(directory.baseDn).toBe('DC=lab,DC=example,DC=test');
    expect(syncConfig).toMatchObject({ sourceAnchor: 'mS-DS-ConsistencyGuid', syncIntervalMinutes: 30 });
    const ad = await directory.listUsers();
    const users = tenant.listUsers();
    expect(ad.length).toBe(234);
    expect(users.length).toBe(231);
    expect(users.filter((u) => u.onPremisesSyncEnabled === true).length).toBe(205);
    expect(users.filter((u) => u.userPrincipalName.endsWith('@contractors.lab.example.test') && u.onPremisesSyncEnabled === null).length).toBe(10);
    expect(tenant.listDeletedUsers().map((u) => u.userPrincipalName)).toEqual(['former.employee@lab.example.test']);
    const ga = tenant.listDirectoryRoles().find((r) => r.displayName === 'Global Administrator');
    expect(ga?.memberIds.map((id) => tenant.getUser(id)?.onPremisesSyncEnabled ?? null).sort()).toEqual([null, null, true]);
    expect(tenant.features()).toMatchObject({ blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: true, softMatchOnUpnEnabled: false });
    const ous = (await directory.listOrganizationalUnits()).map((o) => o.dn);
    expect(ous).toContain('OU=Sales,OU=Staff,DC=lab,DC=example,DC=test');
    expect(ous).toContain('OU=Unsynced,DC=lab,DC=example,DC=test');
    // every synced user's immutable id is its AD user's anchor
    const anchors = new Set(ad.map((a) => guidToImmutableId(a.consistencyGuid ?? a.objectGuid)));
    expect(users.filter((u) => u.onPremisesSyncEnabled === true).every((u) => anchors.has(u.onPremisesImmutableId ?? ''))).toBe(true);
  });

  it('is in steady state: a cycle changes no synced user and reports the seeded conflicts', async () => {
    const w = await loadSeed();
    const r = await runSyncCycle({ directory: w.directory, tenant: w.tenant, config: w.syncConfig });
    expect(r.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, hardMatched: 0, softMatched: 0, unchanged: 206 - 1, errors: 12 });
    const byReason = r.errors.map((e) => `${e.code}/${e.reason}/${e.upn.split('@')[1] ?? ''}`);
    // the contractors' prepared AD accounts have their cloud UPN (and their cloud address as a secondary one)
    expect(byReason.filter((x) => x === 'AttributeValueMustBeUnique/duplicate-attribute/contractors.lab.example.test')).toHaveLength(10);
    expect(r.errors.find((e) => e.upn === 'alexandra.kim@lab.example.test')?.message).toMatch(/alex\.kim@lab\.example\.test/);
    expect(r.errors.find((e) => e.upn === 'riley.morgan@lab.example.test')?.code).toBe('AttributeValueMustBeUnique');
    expect(r.consistencyGuidsWritten).toHaveLength(12);
  });

  it('rehearses the manifest workflows with tenant operations: hard link, soft link, SOA switch', async () => {
    const w = await loadSeed();
    const cycle = () => runSyncCycle({ directory: w.directory, tenant: w.tenant, config: w.syncConfig });
    w.tenant.updateSyncFeatures({ blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    // hard link: a contractor's cloud user gets its AD counterpart's anchor
    const ad = (await w.directory.listUsers()).filter((u) => u.dn.includes('OU=Contractors'));
    const first = ad[0];
    if (!first?.userPrincipalName) throw new Error('seed has no contractor');
    const cloud = w.tenant.getUserByUpn(first.userPrincipalName);
    w.tenant.updateUser(cloud?.id ?? '', { onPremisesImmutableId: guidToImmutableId(first.objectGuid) });
    // soft link: Riley's AD account gets the cloud mailbox address
    const riley = (await w.directory.listUsers()).find((u) => u.samAccountName === 'riley.morgan');
    await w.directory.modifyUser(riley?.dn ?? '', [
      { attribute: 'mail', to: ['riley.morgan@lab.example.test'] },
      { attribute: 'proxyAddresses', to: ['SMTP:riley.morgan@lab.example.test'] },
    ]);
    // SOA switch: one sales user goes cloud-managed
    const sales = w.tenant.listUsers().find((u) => u.onPremisesDistinguishedName?.includes('OU=Sales'));
    w.tenant.setUserCloudManaged(sales?.id ?? '', true);
    const r = await cycle();
    expect(r.hardMatched.map((o) => o.upn)).toEqual([first.userPrincipalName]);
    expect(r.softMatched.map((o) => o.upn)).toEqual(['riley.morgan@lab.example.test']);
    expect(r.skippedCloudManaged.map((o) => o.userId)).toEqual([sales?.id]);
    expect(r.counts.errors).toBe(10);
  });

  it('refuses a file that is not a seed, with the reason', () => {
    expect(() => parseSeed({ kind: 'entra-soa/plan' }, 'plan.json')).toThrow(/plan\.json is not a lab seed/);
    expect(() => parseSeed({ kind: 'entra-soa/lab-seed', formatVersion: 2 }, 'x.json')).toThrow(/formatVersion 2/);
  });
});
