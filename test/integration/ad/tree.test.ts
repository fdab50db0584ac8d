import { describe, expect, it } from 'vitest';
import { deleteTree, ensureOu } from '../../../src/ad/index.js';
import { DirectoryError } from '../../../src/model/directory.js';
import { connectTestDirectory, createTestOu, sambaEnv, seedUsers } from '../../helpers/samba.js';

const env = sambaEnv();

describe.runIf(env)('OU helpers on Samba', () => {
  it('ensureOu creates missing parents, is idempotent, and deleteTree removes the whole subtree', async () => {
    const dir = await connectTestDirectory();
    try {
      const { dn: root } = await createTestOu(dir, 't-tree');
      const deep = `OU=c,OU=b,OU=a,${root}`;
      await ensureOu(dir, deep);
      await ensureOu(dir, deep);
      await seedUsers(`OU=b,OU=a,${root}`, 3, `tr-${root.slice(9, 17)}`);
      const ous = (await dir.listOrganizationalUnits()).map((o) => o.dn.toLowerCase()).filter((d) => d.endsWith(root.toLowerCase()));
      expect(ous.sort()).toEqual([root, `OU=a,${root}`, `OU=b,OU=a,${root}`, deep].map((d) => d.toLowerCase()).sort());
      expect(await dir.listUsersUnder(root)).toHaveLength(3);

      await deleteTree(dir, root);
      const after = (await dir.listOrganizationalUnits()).filter((o) => o.dn.toLowerCase().endsWith(root.toLowerCase()));
      expect(after).toEqual([]);
      await deleteTree(dir, root); // already gone: no error
      const err = await dir.listUsersUnder(root).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DirectoryError);
      expect((err as DirectoryError).code).toBe('no-such-object');
    } finally {
      await dir.close();
    }
  });

  it('ensureOu refuses a DN whose RDN is not an OU', async () => {
    const dir = await connectTestDirectory();
    try {
      const err = await ensureOu(dir, `CN=x,OU=y,${dir.baseDn}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DirectoryError);
      expect((err as DirectoryError).message).toBe(`ensureOu: CN=x,OU=y,${dir.baseDn} is not an OU`);
    } finally {
      await dir.close();
    }
  });
});
