import { describe, expect, it } from 'vitest';
import { MemoryDirectory, SeededRandom, passwordProblem } from '../../../src/lab/memory-directory.js';
import { DirectoryError } from '../../../src/model/directory.js';
import { isGuid } from '../../../src/model/anchor.js';
import { BASE, SALES, STAFF, UNSYNCED, person, pwdLastSet } from './fixtures.js';

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
    const at = (ou: string, name: string) => `CN=${name.replace('.', ' ')},${ou}`;
    expect(await code(d.createUser(at(SALES, 'dana.diaz'), person('dana.diaz'), 'short'))).toBe('constraint-violation');
    expect(await code(d.createUser(at(SALES, 'dana.diaz'), person('dana.diaz'), 'alllowercase'))).toBe('constraint-violation');
    expect(await code(d.createUser(at(SALES, 'dana.diaz'), person('dana.diaz'), 'Xx1!dana.diaz'))).toBe('constraint-violation');
    const u = await d.createUser(at(SALES, 'dana.diaz'), person('dana.diaz'), 'Correct-Horse-42');
    expect(u).toMatchObject({ dn: `CN=dana diaz,${SALES}`, samAccountName: 'dana.diaz', enabled: true, consistencyGuid: null, mail: 'dana.diaz@lab.example.test' });
    expect(await code(d.createUser(at(SALES, 'dana.diaz'), person('dana.diaz'), 'Correct-Horse-42'))).toBe('already-exists');
    expect(await code(d.createUser(at(`OU=Nowhere,${BASE}`, 'eve.e'), person('eve.e'), 'Correct-Horse-42'))).toBe('no-such-object');
    expect(passwordProblem('Correct-Horse-42', 'x')).toBeNull();
  });

  it('createUser creates at the DN given, verbatim: escaped CNs (, + " \\ # and edge spaces) keep their exact value; a DN of another CN is refused', async () => {
    const d = dir();
    const cases: [string, string][] = [
      ['Wu, Dan', 'CN=Wu\\, Dan'],
      ['A+B "Q"', 'CN=A\\+B \\"Q\\"'],
      ['back\\slash', 'CN=back\\\\slash'],
      ['#1 fan', 'CN=\\#1 fan'],
      [' lead', 'CN=\\ lead'],
      ['trail ', 'CN=trail\\ '],
    ];
    for (const [i, [cn, rdn]] of cases.entries()) {
      const dn = `${rdn},${SALES}`;
      const u = await d.createUser(dn, person(`p${i}.x`, { cn }), 'Correct-Horse-42');
      expect(u.dn, cn).toBe(dn);
      expect((await d.getUserByDn(dn))?.objectGuid, cn).toBe(u.objectGuid);
      // moved and back: the RDN (and so the CN) is kept exactly
      const moved = await d.moveUser(dn, UNSYNCED);
      expect(await d.moveUser(moved, SALES), cn).toBe(dn);
    }
    // a trailing escaped space is part of the value: "trail" is another object
    expect(await d.getUserByDn(`CN=trail,${SALES}`)).toBeNull();
    expect(await code(d.createUser(`CN=Someone Else,${SALES}`, person('q.q', { cn: 'q q' }), 'Correct-Horse-42'))).toBe('other');
    expect(await d.getUserByDn(`CN=Someone Else,${SALES}`)).toBeNull();
  });

  it('mustChangePassword → pwdLastSet 0 (kept across a move and a save); without it no 0', async () => {
    const d = dir();
    const must = await d.createUser(`CN=must one,${SALES}`, person('must.one', { mustChangePassword: true }), 'Correct-Horse-42');
    const plain = await d.createUser(`CN=plain one,${SALES}`, person('plain.one', { mustChangePassword: false }), 'Correct-Horse-42');
    expect(await pwdLastSet(d, must.dn)).toBe(0);
    expect(await pwdLastSet(d, plain.dn)).toBeNull();
    const moved = await d.moveUser(must.dn, UNSYNCED);
    expect(await pwdLastSet(MemoryDirectory.fromJSON(structuredClone(d.toJSON())), moved)).toBe(0);
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
