// Small worlds for the sync-cycle tests: a one-OU-tree AD in memory and an empty lab tenant.
import { MemoryDirectory, SeededRandom } from '../../../src/lab/memory-directory.js';
import { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { emptyLabTenantData } from '../../../src/lab/tenant/empty-tenant.js';
import type { NewLabUser } from '../../../src/lab/tenant/records.js';
import type { SyncConfig } from '../../../src/lab/sync-cycle.js';
import type { NewAdUser } from '../../../src/model/step.js';
import { seededIds } from '../../../src/lab/seed.js';

export const BASE = 'DC=lab,DC=example,DC=test';
export const STAFF = `OU=Staff,${BASE}`;
export const SALES = `OU=Sales,${STAFF}`;
export const UNSYNCED = `OU=Unsynced,${BASE}`;

export interface World {
  directory: MemoryDirectory;
  tenant: LabTenant;
  config: SyncConfig;
}

export function world(opts: { now?: string; sourceAnchor?: SyncConfig['sourceAnchor']; domains?: string[] } = {}): World {
  const random = new SeededRandom(7);
  const directory = new MemoryDirectory({ baseDn: BASE, random });
  for (const ou of [STAFF, SALES, UNSYNCED]) directory.addOrganizationalUnit(ou);
  const tenant = new LabTenant(
    emptyLabTenantData({ tenantId: 'a1b2c3d4-0000-4000-8000-000000000042', now: opts.now ?? '2026-06-15T09:00:00Z', ...(opts.domains ? { domains: opts.domains } : {}) }),
    { newId: seededIds(new SeededRandom(99)) },
  );
  // a clean default: every blocker off, UPN soft match off
  tenant.updateSyncFeatures({ blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false });
  return {
    directory,
    tenant,
    config: { sourceAnchor: opts.sourceAnchor ?? 'mS-DS-ConsistencyGuid', syncScope: { include: [STAFF], exclude: [] } },
  };
}

export function person(nick: string, extra: Partial<NewAdUser> = {}): NewAdUser {
  const [given = nick, sur = ''] = nick.split('.');
  const upn = `${nick}@lab.example.test`;
  return {
    cn: `${given} ${sur}`.trim(),
    samAccountName: nick.slice(0, 20),
    userPrincipalName: upn,
    mail: upn,
    proxyAddresses: [`SMTP:${upn}`],
    givenName: given,
    surname: sur || null,
    displayName: `${given} ${sur}`.trim(),
    ...extra,
  };
}

/** A cloud-only user with mail = UPN. */
export function cloudOnly(tenant: LabTenant, nick: string, extra: Partial<NewLabUser> = {}) {
  const upn = `${nick}@lab.example.test`;
  return tenant.createUser({ userPrincipalName: upn, displayName: nick, mail: upn, proxyAddresses: [`SMTP:${upn}`], ...extra });
}

/**
 * pwdLastSet of a user of the in-memory AD, read from what it saves: 0 when it must change its
 * password at next logon; null otherwise (AD then holds the time the password was set, which the
 * in-memory directory does not keep).
 */
export async function pwdLastSet(d: MemoryDirectory, dn: string): Promise<0 | null> {
  const u = await d.getUserByDn(dn);
  if (!u) throw new Error(`no user ${dn}`);
  return (d.toJSON().mustChangePassword ?? []).includes(u.objectGuid) ? 0 : null;
}
