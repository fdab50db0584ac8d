import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDirectory, generatePassword, parseRdn, splitFirstRdn, type LdapDirectory } from '../../../src/ad/index.js';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import type { AdUser } from '../../../src/model/observed.js';
import { connectTestDirectory, createTestOu, directoryFailure, createTestUser, deleteTree, ldbsearch, sambaEnv, uniqueSuffix } from '../../helpers/samba.js';

const env = sambaEnv();

describe.runIf(env)('LdapDirectory reads and writes users on Samba', () => {
  let dir: LdapDirectory;
  let ou: { dn: string; sub: Record<string, string> };
  let alice: AdUser;
  const tag = uniqueSuffix();

  beforeAll(async () => {
    dir = await connectTestDirectory();
    ou = await createTestOu(dir, 't-users', ['from', 'to']);
    alice = await createTestUser(dir, ou.sub.from as string, {
      name: `alice-${tag}`,
      givenName: 'Alice',
      surname: 'Archer',
      displayName: 'Alice Archer',
      mail: `alice-${tag}@lab.example.test`,
      proxyAddresses: [`SMTP:alice-${tag}@lab.example.test`, `smtp:aa-${tag}@lab.example.test`],
    });
  });

  afterAll(async () => {
    if (dir) {
      await deleteTree(dir, ou.dn);
      expect(await dir.getUserByDn(alice.dn)).toBeNull();
      await dir.close();
    }
  });

  it('creates an enabled user over LDAPS and reads every attribute back', () => {
    expect(alice).toEqual({
      dn: `CN=alice-${tag},${ou.sub.from}`,
      objectGuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      consistencyGuid: null,
      samAccountName: `alice-${tag}`,
      userPrincipalName: `alice-${tag}@lab.example.test`,
      mail: `alice-${tag}@lab.example.test`,
      proxyAddresses: expect.arrayContaining([`SMTP:alice-${tag}@lab.example.test`, `smtp:aa-${tag}@lab.example.test`]),
      givenName: 'Alice',
      surname: 'Archer',
      displayName: 'Alice Archer',
      enabled: true,
    });
    expect(alice.proxyAddresses).toHaveLength(2);
  });

  it('the created user can bind with its password over LDAPS', async () => {
    const password = generatePassword();
    const bob = await createTestUser(dir, ou.dn, { name: `bob-${tag}`, password });
    const asBob = await connectDirectory({ url: env!.ldapsUrl, caFile: env!.caFile, baseDn: env!.baseDn, bindDn: bob.dn, password });
    try {
      expect((await asBob.getUserByDn(bob.dn))?.samAccountName).toBe(`bob-${tag}`);
      // An ordinary user may not write another user's attributes: insufficient-rights, naming the right.
      const err = await directoryFailure(asBob.modifyUser(alice.dn, [{ attribute: 'mail', to: ['x@lab.example.test'] }]));
      expect(err.code).toBe('insufficient-rights');
      expect(err.dn).toBe(alice.dn);
      expect(err.message).toContain('Write Property on mail of the user');
    } finally {
      await asBob.close();
    }
  });

  it('refuses to create a user over plain ldap:// before sending anything', async () => {
    const plain = await connectTestDirectory({ tls: false });
    try {
      const err = await directoryFailure(createTestUser(plain, ou.dn, { name: `plain-${tag}` }));
      expect(err.code).toBe('tls');
      expect(err.message).toContain('creating a user sets its password, which AD only accepts over LDAPS');
      expect(await dir.getUserByDn(`CN=plain-${tag},${ou.dn}`)).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('maps a password the policy rejects to constraint-violation and creates nothing', async () => {
    const err = await directoryFailure(createTestUser(dir, ou.dn, { name: `weak-${tag}`, password: 'a' }));
    expect(err.code).toBe('constraint-violation');
    expect(err.message).toContain("password does not satisfy the domain's password policy");
    expect(err.message).toContain('0000052D');
    expect(await dir.getUserByDn(`CN=weak-${tag},${ou.dn}`)).toBeNull();
  });

  it('creating the same user twice gives already-exists', async () => {
    const err = await directoryFailure(createTestUser(dir, ou.sub.from as string, { name: `alice-${tag}`, userPrincipalName: `alice2-${tag}@lab.example.test` }));
    expect(err.code).toBe('already-exists');
    expect(err.dn).toBe(alice.dn);
  });

  it('decodes objectGUID in the same display form Samba prints, and finds the user by it', async () => {
    const out = await ldbsearch(alice.dn, 'base', '(objectClass=user)', ['objectGUID']);
    expect(out).toContain(`objectGUID: ${alice.objectGuid}`);
    const found = await dir.getUserByObjectGuid(alice.objectGuid);
    expect(found?.dn).toBe(alice.dn);
    expect(await dir.getUserByObjectGuid('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('writes mS-DS-ConsistencyGuid as the anchor bytes (ImmutableID order) and reads it back', async () => {
    await dir.setConsistencyGuid(alice.dn, alice.objectGuid);
    const after = await dir.getUserByDn(alice.dn);
    expect(after?.consistencyGuid).toBe(alice.objectGuid);
    // ldb prints octet strings base64-encoded (`attr:: ...`): that is exactly the ImmutableID.
    const out = await ldbsearch(alice.dn, 'base', '(objectClass=user)', ['mS-DS-ConsistencyGuid']);
    expect(out).toContain(`mS-DS-ConsistencyGuid:: ${guidToImmutableId(alice.objectGuid)}`);
  });

  it('replaces proxyAddresses as a whole list, normalises a single value to a list, and clears it', async () => {
    const three = [`SMTP:new-${tag}@lab.example.test`, `smtp:alice-${tag}@lab.example.test`, `smtp:x-${tag}@lab.example.test`];
    await dir.modifyUser(alice.dn, [{ attribute: 'proxyAddresses', to: three }]);
    expect([...((await dir.getUserByDn(alice.dn))?.proxyAddresses ?? [])].sort()).toEqual([...three].sort());

    await dir.modifyUser(alice.dn, [{ attribute: 'proxyAddresses', to: [`SMTP:only-${tag}@lab.example.test`] }]);
    expect((await dir.getUserByDn(alice.dn))?.proxyAddresses).toEqual([`SMTP:only-${tag}@lab.example.test`]);

    await dir.modifyUser(alice.dn, [{ attribute: 'proxyAddresses', to: [] }]);
    expect((await dir.getUserByDn(alice.dn))?.proxyAddresses).toEqual([]);
    // Clearing an attribute that is already absent is not an error.
    await dir.modifyUser(alice.dn, [{ attribute: 'proxyAddresses', to: [] }]);
    expect((await dir.getUserByDn(alice.dn))?.proxyAddresses).toEqual([]);
  });

  it('modifies mail, names and userPrincipalName in one operation', async () => {
    await dir.modifyUser(alice.dn, [
      { attribute: 'mail', to: [`alice.archer-${tag}@lab.example.test`] },
      { attribute: 'givenName', to: ['Alicia'] },
      { attribute: 'sn', to: [] },
      { attribute: 'displayName', to: ['Alicia A.'] },
      { attribute: 'userPrincipalName', to: [`alicia-${tag}@lab.example.test`] },
    ]);
    const u = await dir.getUserByDn(alice.dn);
    expect(u).toMatchObject({
      mail: `alice.archer-${tag}@lab.example.test`,
      givenName: 'Alicia',
      surname: null,
      displayName: 'Alicia A.',
      userPrincipalName: `alicia-${tag}@lab.example.test`,
    });
    expect((await dir.getUserByUpn(`ALICIA-${tag}@LAB.EXAMPLE.TEST`))?.dn).toBe(alice.dn);
  });

  it('refuses two values for a single-valued attribute', async () => {
    const err = await directoryFailure(dir.modifyUser(alice.dn, [{ attribute: 'mail', to: ['a@x.test', 'b@x.test'] }]));
    expect(err.code).toBe('constraint-violation');
    expect(err.message).toBe(`mail is single-valued; cannot set 2 values on ${alice.dn}`);
  });

  it('a modify of a missing user gives no-such-object naming the DN', async () => {
    const missing = `CN=nobody-${tag},${ou.dn}`;
    const err = await directoryFailure(dir.modifyUser(missing, [{ attribute: 'mail', to: ['n@lab.example.test'] }]));
    expect(err.code).toBe('no-such-object');
    expect(err.dn).toBe(missing);
    expect(err.message).toContain(`${missing} does not exist`);
  });

  it('moves a user to another OU keeping its RDN and objectGUID, also with special characters in the CN', async () => {
    const newDn = await dir.moveUser(alice.dn, ou.sub.to as string);
    expect(newDn).toBe(`CN=alice-${tag},${ou.sub.to}`);
    expect(await dir.getUserByDn(alice.dn)).toBeNull();
    expect((await dir.getUserByDn(newDn))?.objectGuid).toBe(alice.objectGuid);
    alice = { ...alice, dn: newDn };

    const odd = await createTestUser(dir, ou.sub.from as string, {
      name: `Smith, J+#\\ ${tag}`,
      samAccountName: `smith-${tag}`,
      userPrincipalName: `smith-${tag}@lab.example.test`,
    });
    // Samba spells it `CN=Smith\, J\+\#\\ ...`; parsed back it is the CN given.
    expect(parseRdn(splitFirstRdn(odd.dn).rdn)).toEqual({ type: 'CN', value: `Smith, J+#\\ ${tag}` });
    expect(splitFirstRdn(odd.dn).parent).toBe(ou.sub.from);
    const moved = await dir.moveUser(odd.dn, ou.sub.to as string);
    expect(splitFirstRdn(moved).parent).toBe(ou.sub.to);
    const back = await dir.getUserByDn(moved);
    expect(back?.objectGuid).toBe(odd.objectGuid);
    expect(back?.samAccountName).toBe(`smith-${tag}`);
  });

  it('moving a missing user gives no-such-object', async () => {
    const missing = `CN=ghost-${tag},${ou.sub.from}`;
    const err = await directoryFailure(dir.moveUser(missing, ou.sub.to as string));
    expect(err.code).toBe('no-such-object');
    expect(err.dn).toBe(missing);
  });

  it('treats filter syntax in a value as data: an injection attempt finds nothing', async () => {
    expect(await dir.getUserByUpn('*)(objectClass=*')).toBeNull();
    expect(await dir.getUserByUpn('*')).toBeNull();
    expect(await dir.getUserByUpn(`alicia-${tag}@lab.example.test)(|(objectClass=*`)).toBeNull();
    expect((await dir.getUserByUpn(`alicia-${tag}@lab.example.test`))?.dn).toBe(alice.dn);
  });

  it('lists the test OUs and users', async () => {
    const ous = (await dir.listOrganizationalUnits()).map((o) => o.dn.toLowerCase());
    expect(ous).toEqual(expect.arrayContaining([ou.dn, ou.sub.from, ou.sub.to].map((d) => (d as string).toLowerCase())));
    const users = await dir.listUsers();
    expect(users.find((u) => u.objectGuid === alice.objectGuid)?.dn).toBe(alice.dn);
    expect(users.find((u) => u.samAccountName === 'Administrator')?.enabled).toBe(true);
    expect(users.find((u) => u.samAccountName === 'Guest')?.enabled).toBe(false);
  });
});
