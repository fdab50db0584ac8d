/**
 * DirectoryAccess over LDAP (ldapts): simple bind, paged searches (ldap-reads.ts), modify / modifyDN /
 * add (ldap-writes.ts), on one connection that is re-opened when the DC dropped it
 * (ldap-connection.ts). Create with `connectDirectory` (connect-directory.ts).
 */
import type { DirectoryAccess } from '../model/directory.js';
import type { AdOrganizationalUnit, AdUser } from '../model/observed.js';
import type { AttrChange, NewAdUser } from '../model/step.js';
import type { LdapConnection } from './ldap-connection.js';
import { LdapReads } from './ldap-reads.js';
import { LdapWrites } from './ldap-writes.js';

export class LdapDirectory implements DirectoryAccess {
  readonly #reads: LdapReads;
  readonly #writes: LdapWrites;

  /** @internal use connectDirectory */
  constructor(
    /** The connection, for operations of its own (e.g. ldap-tree.ts). */
    readonly connection: LdapConnection,
    readonly baseDn: string,
    /** True when the connection is encrypted (ldaps:// or StartTLS). */
    readonly encrypted: boolean,
    /** Paged-search page size. */
    readonly pageSize: number,
  ) {
    this.#reads = new LdapReads(connection, baseDn, pageSize);
    this.#writes = new LdapWrites(connection, this.#reads, encrypted);
  }

  listUsers(): Promise<AdUser[]> {
    return this.#reads.listUsers();
  }
  /** Users in one subtree (e.g. a sync-scope OU). */
  listUsersUnder(dn: string): Promise<AdUser[]> {
    return this.#reads.listUsersUnder(dn);
  }
  listOrganizationalUnits(): Promise<AdOrganizationalUnit[]> {
    return this.#reads.listOrganizationalUnits();
  }
  getUserByDn(dn: string): Promise<AdUser | null> {
    return this.#reads.getUserByDn(dn);
  }
  getUserByObjectGuid(objectGuid: string): Promise<AdUser | null> {
    return this.#reads.getUserByObjectGuid(objectGuid);
  }
  /** One user by userPrincipalName (exact, case-insensitive as AD compares), or null. */
  getUserByUpn(upn: string): Promise<AdUser | null> {
    return this.#reads.getUserByUpn(upn);
  }

  modifyUser(dn: string, changes: readonly Pick<AttrChange, 'attribute' | 'to'>[]): Promise<void> {
    return this.#writes.modifyUser(dn, changes);
  }
  setConsistencyGuid(dn: string, guid: string): Promise<void> {
    return this.#writes.setConsistencyGuid(dn, guid);
  }
  moveUser(dn: string, toOu: string): Promise<string> {
    return this.#writes.moveUser(dn, toOu);
  }
  createUser(dn: string, user: NewAdUser, password: string): Promise<AdUser> {
    return this.#writes.createUser(dn, user, password);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
