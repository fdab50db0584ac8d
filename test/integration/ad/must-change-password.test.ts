/**
 * `requirePasswordChange` of a soft-link rule (issue 7 §7): a user created with mustChangePassword has
 * pwdLastSet 0 on the DC ("User must change password at next logon"); without it the DC sets the time
 * the password was set. Read back with Samba's own ldbsearch as an independent witness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapDirectory } from '../../../src/ad/index.js';
import { connectTestDirectory, createTestOu, createTestUser, deleteTree, ldbsearch, sambaEnv, uniqueSuffix } from '../../helpers/samba.js';

const env = sambaEnv();

describe.runIf(env)('created AD users and the password change at next logon (Samba)', () => {
  let dir: LdapDirectory;
  let ou: { dn: string };
  const tag = uniqueSuffix();

  beforeAll(async () => {
    dir = await connectTestDirectory();
    ou = await createTestOu(dir, 't-pwdlastset');
  });
  afterAll(async () => {
    if (dir) {
      await deleteTree(dir, ou.dn);
      await dir.close();
    }
  });

  const pwdLastSet = async (dn: string): Promise<string | undefined> => /^pwdLastSet: (\d+)$/m.exec(await ldbsearch(dn, 'base', '(objectClass=user)', ['pwdLastSet']))?.[1];

  it('mustChangePassword: true → pwdLastSet 0', async () => {
    const u = await createTestUser(dir, ou.dn, { name: `must-${tag}`, mustChangePassword: true });
    expect(await pwdLastSet(u.dn)).toBe('0');
    expect(u.enabled).toBe(true);
  });

  it('mustChangePassword absent or false → pwdLastSet is the time the password was set (not 0)', async () => {
    for (const [name, flag] of [[`plain-${tag}`, undefined], [`nomust-${tag}`, false]] as const) {
      const u = await createTestUser(dir, ou.dn, { name, ...(flag === undefined ? {} : { mustChangePassword: flag }) });
      expect(Number(await pwdLastSet(u.dn))).toBeGreaterThan(0);
    }
  });
});
