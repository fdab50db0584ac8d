/**
 * `DirectoryAccess.createUser(dn, …)` on Samba: the user is created at exactly the DN the planner
 * stored in the `ad.createUser` step (`createdUserDn`, its CN escaped there once), whatever RFC 4514
 * makes of the CN; `mustChangePassword` sets pwdLastSet 0. Read back with Samba's own ldbsearch as an
 * independent witness of the CN and of pwdLastSet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapDirectory } from '../../../src/ad/index.js';
import { normalizeDn } from '../../../src/model/dn.js';
import { createdUserDn } from '../../../src/plan/soft-link.js';
import { connectTestDirectory, createTestOu, deleteTree, directoryFailure, ldbsearch, sambaEnv, uniqueSuffix } from '../../helpers/samba.js';

const env = sambaEnv();

/** One LDIF attribute value as ldbsearch prints it (`attr: value`, or `attr:: base64` for unsafe values). */
function ldifValue(ldif: string, attr: string): string | undefined {
  const m = new RegExp(`^${attr}(::?) (.*)$`, 'm').exec(ldif);
  if (!m) return undefined;
  return m[1] === '::' ? Buffer.from(m[2] as string, 'base64').toString('utf8') : m[2];
}

describe.runIf(env)('createUser at the DN the plan stored (Samba)', () => {
  let dir: LdapDirectory;
  let ou: { dn: string; sub: Record<string, string> };
  const tag = uniqueSuffix();

  beforeAll(async () => {
    dir = await connectTestDirectory();
    ou = await createTestOu(dir, 't-createdn', ['Other']);
  });
  afterAll(async () => {
    if (dir) {
      await deleteTree(dir, ou.dn);
      await dir.close();
    }
  });

  const cns = [`Wu, Dan ${tag}`, `A+B "Q" ${tag}`, `back\\slash ${tag}`, `#1 fan ${tag}`, ` lead ${tag}`, `trail ${tag} `, `semi; <angle> = ${tag}`];

  for (const [i, cn] of cns.entries()) {
    it(`CN ${JSON.stringify(cn)} → created at createdUserDn, the cn attribute is the CN exactly, pwdLastSet 0; a move keeps it`, async () => {
      const dn = createdUserDn(cn, ou.dn);
      const sam = `cdn${i}-${tag}`.slice(0, 20);
      const created = await dir.createUser(
        dn,
        { cn, samAccountName: sam, userPrincipalName: `${sam}@lab.example.test`, mail: null, proxyAddresses: [], givenName: null, surname: null, displayName: cn, mustChangePassword: true },
        `Pw-${uniqueSuffix(8)}-Aa1!`,
      );
      expect(normalizeDn(created.dn)).toBe(normalizeDn(dn));
      expect((await dir.getUserByDn(dn))?.objectGuid).toBe(created.objectGuid);
      const ldif = await ldbsearch(dn, 'base', '(objectClass=user)', ['cn', 'pwdLastSet']);
      expect(ldifValue(ldif, 'cn')).toBe(cn);
      expect(ldifValue(ldif, 'pwdLastSet')).toBe('0');

      const moved = await dir.moveUser(dn, ou.sub.Other as string);
      expect(ldifValue(await ldbsearch(moved, 'base', '(objectClass=user)', ['cn']), 'cn')).toBe(cn);
    });
  }

  it('a DN whose CN is not the user\'s is refused before anything is written', async () => {
    const sam = `cdnx-${tag}`.slice(0, 20);
    const e = await directoryFailure(
      dir.createUser(
        `CN=Someone Else ${tag},${ou.dn}`,
        { cn: `Erin ${tag}`, samAccountName: sam, userPrincipalName: `${sam}@lab.example.test`, mail: null, proxyAddresses: [], givenName: null, surname: null, displayName: null },
        `Pw-${uniqueSuffix(8)}-Aa1!`,
      ),
    );
    expect(e.code).toBe('other');
    expect(e.message).toContain(`is not CN="Erin ${tag}"`);
    expect(await dir.getUserByDn(`CN=Someone Else ${tag},${ou.dn}`)).toBeNull();
  });
});
