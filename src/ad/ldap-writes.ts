/**
 * Writing AD over LDAP: the attribute changes, moves and creations apply makes. Only the attributes
 * entra-soa manages are written; a user is created over an encrypted connection only (its password).
 */
import { Attribute, Change } from 'ldapts';
import { guidToBytes } from '../model/anchor.js';
import { formatRdn, parseRdn, splitFirstRdn } from '../model/dn.js';
import { DirectoryError } from '../model/directory.js';
import type { AdUser } from '../model/observed.js';
import type { AttrChange, NewAdUser } from '../model/step.js';
import type { LdapConnection } from './ldap-connection.js';
import type { LdapReads } from './ldap-reads.js';

const WRITABLE_ATTRIBUTES: ReadonlySet<string> = new Set<AttrChange['attribute']>([
  'mail',
  'proxyAddresses',
  'givenName',
  'sn',
  'displayName',
  'userPrincipalName',
]);
const MULTI_VALUED: ReadonlySet<string> = new Set(['proxyAddresses']);
const UF_NORMAL_ACCOUNT = 0x200;

/** `unicodePwd` wants the UTF-16LE bytes of the password in double quotes. */
function encodeUnicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

export class LdapWrites {
  constructor(
    private readonly conn: LdapConnection,
    private readonly reads: LdapReads,
    /** True when the connection is encrypted (ldaps:// or StartTLS). */
    private readonly encrypted: boolean,
  ) {}

  async modifyUser(dn: string, changes: readonly Pick<AttrChange, 'attribute' | 'to'>[]): Promise<void> {
    if (changes.length === 0) return;
    const mods = changes.map((c) => {
      if (!WRITABLE_ATTRIBUTES.has(c.attribute)) {
        throw new DirectoryError('other', `refusing to write ${String(c.attribute)} on ${dn}: not an attribute entra-soa manages`, dn);
      }
      if (!MULTI_VALUED.has(c.attribute) && c.to.length > 1) {
        throw new DirectoryError('constraint-violation', `${c.attribute} is single-valued; cannot set ${c.to.length} values on ${dn}`, dn);
      }
      // replace with no values removes the attribute and, unlike delete, does not fail when it is absent.
      return new Change({ operation: 'replace', modification: new Attribute({ type: c.attribute, values: [...c.to] }) });
    });
    const names = changes.map((c) => c.attribute).join(', ');
    await this.conn.run(
      { action: `write ${names} of ${dn}`, dn, right: `Write Property on ${names} of the user` },
      (client) => client.modify(dn, mods),
      'write',
    );
  }

  async setConsistencyGuid(dn: string, guid: string): Promise<void> {
    const bytes = guidToBytes(guid);
    const change = new Change({ operation: 'replace', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [bytes] }) });
    await this.conn.run(
      { action: `write mS-DS-ConsistencyGuid of ${dn}`, dn, right: 'Write Property on mS-DS-ConsistencyGuid of the user' },
      (client) => client.modify(dn, change),
      'write',
    );
  }

  async moveUser(dn: string, toOu: string): Promise<string> {
    const { rdn, parent } = splitFirstRdn(dn);
    const { type, value } = parseRdn(rdn);
    const newRdn = formatRdn(type, value);
    const newDn = `${newRdn},${toOu}`;
    await this.conn.run(
      {
        action: `move ${dn} to ${toOu}`,
        dn,
        right: `Delete (or Delete Child for user objects) on ${dn} / ${parent}, and Create Child for user objects on ${toOu}`,
      },
      (client) => client.modifyDN(dn, newDn),
      'write',
    );
    return newDn;
  }

  async createUser(dn: string, user: NewAdUser, password: string): Promise<AdUser> {
    const ou = createdUserParent(dn, user);
    if (!this.encrypted) {
      throw new DirectoryError(
        'tls',
        `refusing to create ${dn} over an unencrypted connection: creating a user sets its password, which AD only accepts over LDAPS. Use an ldaps:// URL or startTls.`,
        dn,
      );
    }
    const attributes: Attribute[] = [
      new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
      new Attribute({ type: 'cn', values: [user.cn] }),
      new Attribute({ type: 'sAMAccountName', values: [user.samAccountName] }),
      new Attribute({ type: 'userPrincipalName', values: [user.userPrincipalName] }),
      new Attribute({ type: 'unicodePwd', values: [encodeUnicodePwd(password)] }),
      new Attribute({ type: 'userAccountControl', values: [String(UF_NORMAL_ACCOUNT)] }),
    ];
    const optional: [string, string | null][] = [
      ['givenName', user.givenName],
      ['sn', user.surname],
      ['displayName', user.displayName],
      ['mail', user.mail],
    ];
    for (const [type, v] of optional) if (v !== null && v !== '') attributes.push(new Attribute({ type, values: [v] }));
    if (user.proxyAddresses.length > 0) attributes.push(new Attribute({ type: 'proxyAddresses', values: [...user.proxyAddresses] }));
    // "User must change password at next logon": pwdLastSet 0 (the only value besides -1 AD accepts), in
    // the same add: a second write could fail after the user exists, and the step's postcondition (the
    // user exists) would then call it done with the requirement silently lost.
    if (user.mustChangePassword === true) attributes.push(new Attribute({ type: 'pwdLastSet', values: ['0'] }));
    await this.conn.run(
      { action: `create user ${dn}`, dn, right: `Create Child for user objects on ${ou}, and Reset Password` },
      (client) => client.add(dn, attributes),
      'write',
    );
    const created = await this.reads.getUserByDn(dn);
    if (!created) throw new DirectoryError('other', `created ${dn} but cannot read it back`, dn);
    return created;
  }
}

/**
 * The OU of a user to create at `dn`, after checking that the DN's first RDN is `CN=<user.cn>` (by
 * value: the planner escapes the CN into the DN once, and the DN is used verbatim from then on).
 */
function createdUserParent(dn: string, user: Pick<NewAdUser, 'cn'>): string {
  let rdn: { type: string; value: string };
  let parent: string;
  try {
    const split = splitFirstRdn(dn);
    rdn = parseRdn(split.rdn);
    parent = split.parent;
  } catch (err) {
    throw new DirectoryError('other', `refusing to create ${JSON.stringify(dn)}: not a DN (${(err as Error).message})`, dn);
  }
  if (rdn.type.toLowerCase() !== 'cn' || rdn.value !== user.cn || parent === '') {
    throw new DirectoryError('other', `refusing to create ${dn}: its first RDN is not CN=${JSON.stringify(user.cn)} in an OU (was the plan file edited?)`, dn);
  }
  return parent;
}

