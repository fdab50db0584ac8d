/**
 * Moves of users whose CN needs escaping at its edges, against the real Samba DC: the object must
 * keep its name (issue 12 §7: `CN=Trailing Space\ ` became `CN=Trailing Space\5c`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRdn, splitFirstRdn, type LdapDirectory } from '../../../src/ad/index.js';
import { connectTestDirectory, createTestOu, createTestUser, deleteTree, ldbsearch, sambaEnv, uniqueSuffix } from '../../helpers/samba.js';

const env = sambaEnv();

describe.runIf(env)('moving users whose CN starts or ends with characters RFC 4514 escapes (Samba)', () => {
  let dir: LdapDirectory;
  let ou: { dn: string; sub: Record<string, string> };
  const tag = uniqueSuffix();

  beforeAll(async () => {
    dir = await connectTestDirectory();
    ou = await createTestOu(dir, 't-dn-edges', ['from', 'to']);
  });

  afterAll(async () => {
    if (dir) {
      await deleteTree(dir, ou.dn);
      await dir.close();
    }
  });

  const names = [
    ['a trailing space', `Trailing Space ${tag} `],
    ['two trailing spaces', `Two ${tag}  `],
    ['a leading space', ` Leading ${tag}`],
    ['a leading #', `#Hash ${tag}`],
    ['a trailing backslash', `Back ${tag}\\`],
    ['a comma and a trailing space', `Smith, ${tag} `],
  ] as const;

  it.each(names)('a CN with %s keeps its exact name and objectGUID across a move', async (_label, cn) => {
    const sam = `e${uniqueSuffix(6)}`;
    const created = await createTestUser(dir, ou.sub.from as string, { name: sam, cn, userPrincipalName: `${sam}@lab.example.test` });
    expect(parseRdn(splitFirstRdn(created.dn).rdn).value).toBe(cn);

    const newDn = await dir.moveUser(created.dn, ou.sub.to as string);
    const moved = await dir.getUserByDn(newDn);
    expect(moved?.objectGuid).toBe(created.objectGuid);
    expect(parseRdn(splitFirstRdn(moved?.dn ?? '').rdn).value).toBe(cn);
    expect(await dir.getUserByDn(created.dn)).toBeNull();

    // Samba's own client, as an independent witness: the cn attribute is exactly the name given.
    const out = await ldbsearch(ou.sub.to as string, 'sub', `(sAMAccountName=${sam})`, ['cn']);
    const line = out.split('\n').find((l) => l.startsWith('cn:'));
    const value = line?.startsWith('cn:: ') ? Buffer.from(line.slice(5), 'base64').toString('utf8') : line?.slice(4);
    expect(value).toBe(cn);
  });
});
