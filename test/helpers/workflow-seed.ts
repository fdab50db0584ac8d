/** Seeds for the workflow environment (test/e2e/workflows/harness.ts) that several test files share. */
import type { LdapDirectory } from '../../src/ad/index.js';
import { createTestUser } from './samba.js';

/** A `seedAd` creating one AD user per UPN in the sync scope (OU `Synced`), mail and primary SMTP = UPN. */
export function syncedUsersSeed(upns: readonly string[]): (admin: LdapDirectory, sub: Record<string, string>) => Promise<void> {
  return async (admin, sub) => {
    for (const upn of upns) {
      await createTestUser(admin, sub.Synced as string, { name: upn.split('@')[0] as string, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${upn}`] });
    }
  };
}
