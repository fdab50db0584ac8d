import { describe, expect, it } from 'vitest';
import { MemoryDirectory, SeededRandom, passwordProblem } from '../../../src/lab/memory-directory.js';
import { DirectoryError } from '../../../src/model/directory.js';
import { isGuid } from '../../../src/model/anchor.js';
import { BASE, SALES, STAFF, UNSYNCED, person } from './fixtures.js';

function dir(seed = 1): MemoryDirectory {
  const d = new MemoryDirectory({ baseDn: BASE, random: new SeededRandom(seed) });
  for (const ou of [STAFF, SALES, UNSYNCED]) d.addOrganizationalUnit(ou);
  return d;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DirectoryError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('MemoryDirectory', () => {
  it('draws version-4 objectGUIDs deterministically from the seed', () => {
    const a = dir(5).addUser(SALES, person('ava.adams'));
    const b = dir(5).addUser(SALES, person('ava.adams'));
    const c = dir(6).addUser(SALES, person('ava.adams'));
    expect(isGuid(a.objectGuid)).toBe(true);
    expect(a.objectGuid[14]).toBe('4');
    expect(a.objectGuid).toBe(b.objectGuid);
    expect(c.objectGuid).not.toBe(a.objectGuid);
  });

  it('finds users by DN case-insensitively and by objectGUID', async () => {
    const d = dir();
    const u = d.addUser(SALES, person('ben.baker'));
    expect(u.dn).toBe(`CN=ben baker,${SALES}`);
    expect((await d.getUserByDn('cn=BEN BAKER, ou=sales, ou=staff,dc=lab,dc=example,dc=test'))?.objectGuid).toBe(u.objectGuid);
    expect((await d.getUserByObjectGuid(u.objectGuid.toUpperCase()))?.dn).toBe(u.dn);
    expect(await d.getUserByDn(`CN=nobody,${SALES}`)).toBeNull();
  });

  it('moves a user keeping its RDN; refuses a missing OU and a taken name', async () => {
    const d = dir();
    const u = d.addUser(SALES, person('chloe.clark'));
    const moved = await d.moveUser(u.dn.toLowerCase(), UNSYNCED);
    expect(moved).toBe(`CN=chloe clark,${UNSYNCED}`);
    expect(await d.getUserByDn(u.dn)).toBeNull();
    expect((await d.getUserByDn(moved))?.objectGuid).toBe(u.objectGuid);
    expect(await code(d.moveUser(moved, `OU=Nowhere,${BASE}`))).toBe('no-such-object');
    d.addUser(SALES, person('chloe.clark', { samAccountName: 'cclark2', userPrincipalName: 'cc2@lab.example.test' }));
    expect(await code(d.moveUser(moved, SALES))).toBe('already-exists');
    expect(await code(d.moveUser(`CN=ghost,${SALES}`, UNSYNCED))).toBe('no-such-object');
  });

  it('createUser enforces the password policy (constraint-violation) and uniqueness (already-exists)', async () => {
    const d = dir();
    expect(await code(d.createUser(SALES, person('dana.diaz'), 'short'))).toBe('constraint-violation');
    expect(await code(d.createUser(SALES, person('dana.diaz'), 'alllowercase'))).toBe('constraint-violation');
    expect(await code(d.createUser(SALES, person('dana.diaz'), 'Xx1!dana.diaz'))).toBe('constraint-violation');
    const u = await d.createUser(SALES, person('dana.diaz'), 'Correct-Horse-42');
    expect(u).toMatchObject({ samAccountName: 'dana.diaz', enabled: true, consistencyGuid: null, mail: 'dana.diaz@lab.example.test' });
    expect(await code(d.createUser(SALES, person('dana.diaz'), 'Correct-Horse-42'))).toBe('already-exists');
    expect(await code(d.createUser(`OU=Nowhere,${BASE}`, person('eve.e'), 'Correct-Horse-42'))).toBe('no-such-object');
    expect(passwordProblem('Correct-Horse-42', 'x')).toBeNull();
  });

  it('modifies attributes (empty list deletes) and writes the consistency guid', async () => {
    const d = dir();
    const u = d.addUser(SALES, person('finn.fischer'));
    await d.modifyUser(u.dn, [
      { attribute: 'mail', to: [] },
      { attribute: 'proxyAddresses', to: ['SMTP:f@lab.example.test', 'smtp:finn@lab.example.test'] },
      { attribute: 'sn', to: ['Fisher'] },
    ]);
    await d.setConsistencyGuid(u.dn, u.objectGuid.toUpperCase());
    const after = await d.getUserByDn(u.dn);
    expect(after).toMatchObject({ mail: null, surname: 'Fisher', proxyAddresses: ['SMTP:f@lab.example.test', 'smtp:finn@lab.example.test'], consistencyGuid: u.objectGuid });
    expect(await code(d.modifyUser(u.dn, [{ attribute: 'mail', to: ['a@x', 'b@x'] }]))).toBe('constraint-violation');
    expect(await code(d.setConsistencyGuid(u.dn, 'not-a-guid'))).toBe('constraint-violation');
  });

  it('round-trips through JSON, including the PRNG state', async () => {
    const d = dir(11);
    d.addUser(SALES, person('grace.garcia'));
    d.addGroup(STAFF, 'Sales Team', [`CN=grace garcia,${SALES}`]);
    const json = JSON.parse(JSON.stringify(d.toJSON()));
    const back = MemoryDirectory.fromJSON(json);
    expect(back.toJSON()).toEqual(d.toJSON());
    expect(await back.listUsers()).toEqual(await d.listUsers());
    expect(back.addUser(SALES, person('henry.hughes')).objectGuid).toBe(d.addUser(SALES, person('henry.hughes')).objectGuid);
    expect(back.listGroups()[0]?.members).toEqual([`CN=grace garcia,${SALES}`]);
  });
});
