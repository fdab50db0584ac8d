/**
 * The generated tenant (bench/tenant-generator.ts) as a lab state, for `plan --lab` and `snapshot
 * --lab` at scale: the people's AD users in the lab's in-memory AD, then one cycle of the lab's
 * Entra Connect simulator creates the synced Entra users (so both sides agree as the lab's own rules
 * say, not as the generator guesses), then the converted users are switched to the cloud, and the
 * contractors' AD accounts and the cloud-only users are added after the cycle (not yet matched).
 * Deleted users and groups of the snapshot are left out: the lab makes them only through its rules.
 */
import { MemoryDirectory, SeededRandom } from '../src/lab/memory-directory.js';
import type { LabStateDocument } from '../src/lab/lab-state-store.js';
import { seededIds } from '../src/lab/seed.js';
import { runSyncCycle } from '../src/lab/sync-cycle.js';
import { emptyLabTenantData } from '../src/lab/tenant/empty-tenant.js';
import { LabTenant } from '../src/lab/tenant/lab-tenant.js';
import { BASE_DN, DOMAIN, organizationalUnits, TENANT_ID, tenantPeople, type GeneratedPerson } from './tenant-generator.js';

const STAFF = `OU=Staff,${BASE_DN}`;

/** The lab state of a generated tenant of `people`, its clock at `now`. */
export async function labStateFor(people: number, seed: number, now: string): Promise<LabStateDocument> {
  const directory = new MemoryDirectory({ baseDn: BASE_DN, random: new SeededRandom(seed) });
  const ous = organizationalUnits().sort((a, b) => a.split(',').length - b.split(',').length);
  for (const ou of ous) directory.addOrganizationalUnit(ou);
  const random = new SeededRandom(seed + 1);
  const tenant = new LabTenant(emptyLabTenantData({ tenantId: TENANT_ID, now, domains: [DOMAIN, `alt.${DOMAIN}`, 'bench.onmicrosoft.com'] }), { newId: seededIds(random) });
  const addAd = (p: GeneratedPerson): void => {
    const a = p.ad;
    if (a === null) return;
    const ou = a.dn.slice(a.dn.search(/(?<!\\),/) + 1);
    directory.addUser(
      ou,
      { cn: a.dn.slice(3, a.dn.search(/(?<!\\),/)).replace(/\\(.)/g, '$1'), samAccountName: a.samAccountName, userPrincipalName: a.userPrincipalName ?? '', mail: a.mail, proxyAddresses: a.proxyAddresses, givenName: a.givenName, surname: a.surname, displayName: a.displayName },
      { objectGuid: a.objectGuid, enabled: a.enabled },
    );
  };
  for (const p of tenantPeople(people, seed)) if (p.kind === 'synced' || p.kind === 'converted' || p.kind === 'unsynced') addAd(p);
  const syncConfig = { sourceAnchor: 'mS-DS-ConsistencyGuid' as const, syncScope: { include: [STAFF], exclude: [] }, syncIntervalMinutes: 30 };
  await runSyncCycle({ directory, tenant, config: syncConfig });
  for (const p of tenantPeople(people, seed)) {
    if (p.kind === 'converted' && p.entra !== null) {
      const u = tenant.getUserByUpn(p.entra.userPrincipalName);
      if (u !== undefined) tenant.setUserCloudManaged(u.id, true);
    } else if ((p.kind === 'contractor' || p.kind === 'cloudOnly') && p.entra !== null) {
      const e = p.entra;
      tenant.createUser({ userPrincipalName: e.userPrincipalName, displayName: e.displayName, givenName: e.givenName, surname: e.surname, mail: e.mail, proxyAddresses: e.proxyAddresses, accountEnabled: e.accountEnabled });
      addAd(p);
    }
  }
  return {
    kind: 'entra-soa/lab-state',
    formatVersion: 1,
    savedAt: now,
    seedPath: 'bench/lab-tenant.ts',
    randomState: random.state,
    syncConfig,
    lastSyncCycleAt: now,
    syncCycleCount: 1,
    tenant: tenant.toJSON(),
    directory: directory.toJSON(),
  };
}
