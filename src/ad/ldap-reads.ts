/** Reading AD over LDAP: paged searches for users and OUs. */
import { EqualityFilter, type Filter } from 'ldapts';
import { guidToBytes, isGuid } from '../model/anchor.js';
import { DirectoryError } from '../model/directory.js';
import type { AdOrganizationalUnit, AdUser } from '../model/observed.js';
import type { OperationContext } from './errors.js';
import type { LdapConnection } from './ldap-connection.js';
import { BINARY_ATTRIBUTES, USER_ATTRIBUTES, toAdUser, userFilter } from './ldap-entries.js';

export class LdapReads {
  constructor(
    private readonly conn: LdapConnection,
    private readonly baseDn: string,
    /** Paged-search page size. */
    private readonly pageSize: number,
  ) {}

  async #searchUsers(base: string, scope: 'base' | 'sub', filter: Filter, ctx: OperationContext): Promise<AdUser[]> {
    const entries = await this.conn.run(ctx, async (client) => {
      const res = await client.search(base, {
        scope,
        filter,
        attributes: USER_ATTRIBUTES,
        explicitBufferAttributes: BINARY_ATTRIBUTES,
        paged: { pageSize: this.pageSize },
      });
      return res.searchEntries;
    });
    return entries.map(toAdUser);
  }

  listUsers(): Promise<AdUser[]> {
    return this.#searchUsers(this.baseDn, 'sub', userFilter(), {
      action: `read users under ${this.baseDn}`,
      dn: this.baseDn,
      right: `read (List Contents, Read Property) on ${this.baseDn} and its users`,
    });
  }

  /** Users in one subtree (e.g. a sync-scope OU). */
  listUsersUnder(dn: string): Promise<AdUser[]> {
    return this.#searchUsers(dn, 'sub', userFilter(), { action: `read users under ${dn}`, dn, right: `read on ${dn}` });
  }

  async listOrganizationalUnits(): Promise<AdOrganizationalUnit[]> {
    const entries = await this.conn.run({ action: `read OUs under ${this.baseDn}`, dn: this.baseDn, right: 'List Contents' }, async (client) => {
      const res = await client.search(this.baseDn, {
        scope: 'sub',
        filter: new EqualityFilter({ attribute: 'objectClass', value: 'organizationalUnit' }),
        attributes: ['ou'],
        paged: { pageSize: this.pageSize },
      });
      return res.searchEntries;
    });
    return entries.map((e) => ({ dn: e.dn }));
  }

  async getUserByDn(dn: string): Promise<AdUser | null> {
    try {
      const users = await this.#searchUsers(dn, 'base', userFilter(), { action: `read user ${dn}`, dn });
      return users[0] ?? null;
    } catch (err) {
      if (err instanceof DirectoryError && err.code === 'no-such-object') return null;
      throw err;
    }
  }

  async getUserByObjectGuid(objectGuid: string): Promise<AdUser | null> {
    if (!isGuid(objectGuid)) throw new DirectoryError('other', `not a GUID: ${JSON.stringify(objectGuid)}`);
    const filter = userFilter(new EqualityFilter({ attribute: 'objectGUID', value: guidToBytes(objectGuid) }));
    const users = await this.#searchUsers(this.baseDn, 'sub', filter, { action: `find user with objectGUID ${objectGuid}`, dn: this.baseDn });
    return users[0] ?? null;
  }

  /** One user by userPrincipalName (exact, case-insensitive as AD compares), or null. */
  async getUserByUpn(upn: string): Promise<AdUser | null> {
    const filter = userFilter(new EqualityFilter({ attribute: 'userPrincipalName', value: upn }));
    const users = await this.#searchUsers(this.baseDn, 'sub', filter, { action: `find user ${upn}`, dn: this.baseDn });
    return users[0] ?? null;
  }
}
