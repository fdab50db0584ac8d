import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapDirectory } from '../../../src/ad/index.js';
import { connectTestDirectory, createTestOu, deleteTree, sambaEnv, seedUsers } from '../../helpers/samba.js';

const env = sambaEnv();

// More users than AD's MaxPageSize (1000), seeded once for this file: Samba writes about
// 60-180 users/s, so this is the one place that pays for a large directory.
const COUNT = 1100;

describe.runIf(env)(`paged search over ${COUNT} users`, () => {
  let dir: LdapDirectory;
  let ou: string;
  let seeded: string[];

  beforeAll(async () => {
    dir = await connectTestDirectory();
    ou = (await createTestOu(dir, 't-paging')).dn;
    const t0 = performance.now();
    seeded = await seedUsers(ou, COUNT, `pg-${ou.slice(10, 18)}`);
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(`[paging] seeded ${COUNT} users in ${s.toFixed(1)} s (${Math.round(COUNT / s)} users/s)\n`);
  });

  afterAll(async () => {
    if (dir) {
      const t0 = performance.now();
      await deleteTree(dir, ou);
      process.stderr.write(`[paging] deleted the OU with ${COUNT} users in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      expect(await dir.getUserByDn(seeded[0] as string)).toBeNull();
      await dir.close();
    }
  });

  it('reads all of them with the default page size (1000, two pages)', async () => {
    const t0 = performance.now();
    const users = await dir.listUsersUnder(ou);
    process.stderr.write(`[paging] read ${users.length} users (pageSize 1000) in ${Math.round(performance.now() - t0)} ms\n`);
    expect(users).toHaveLength(COUNT);
    expect(new Set(users.map((u) => u.objectGuid)).size).toBe(COUNT);
    expect(new Set(users.map((u) => u.dn.toLowerCase()))).toEqual(new Set(seeded.map((d) => d.toLowerCase())));
    const one = users.find((u) => u.samAccountName.endsWith('-7'));
    expect(one).toMatchObject({ givenName: 'Seed', surname: '7', enabled: false, consistencyGuid: null });
    expect(one?.proxyAddresses).toEqual([`SMTP:${one?.samAccountName}@lab.example.test`]);
  });

  it('reads the same set with pageSize 100 (eleven pages)', async () => {
    const small = await connectTestDirectory({ pageSize: 100 });
    try {
      const t0 = performance.now();
      const users = await small.listUsersUnder(ou);
      process.stderr.write(`[paging] read ${users.length} users (pageSize 100) in ${Math.round(performance.now() - t0)} ms\n`);
      expect(users).toHaveLength(COUNT);
      expect(new Set(users.map((u) => u.dn.toLowerCase()))).toEqual(new Set(seeded.map((d) => d.toLowerCase())));
    } finally {
      await small.close();
    }
  });

  it('listUsers over the whole naming context includes them all plus the built-in accounts', async () => {
    const users = await dir.listUsers();
    const mine = users.filter((u) => u.dn.toLowerCase().endsWith(ou.toLowerCase()));
    expect(mine).toHaveLength(COUNT);
    expect(users.some((u) => u.samAccountName === 'Administrator')).toBe(true);
    expect(users.some((u) => u.samAccountName === 'krbtgt')).toBe(true);
  });
});
