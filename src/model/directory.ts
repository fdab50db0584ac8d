import type { AdUser, AdOrganizationalUnit } from './observed.js';
import type { AttrChange, NewAdUser } from './step.js';

/**
 * Access to an on-premises AD. Implemented over LDAP by `src/ad/` (ldapts, real DCs and Samba)
 * and in memory by `src/lab/` (the lab's sample company). The lab's sync-cycle simulator, the
 * observer and the executor use only this interface, so they work against either.
 *
 * Errors: implementations throw `DirectoryError` (below) for expected failures.
 */
export interface DirectoryAccess {
  /** The naming context (e.g. `DC=lab,DC=example,DC=test`). */
  readonly baseDn: string;
  /** Every user object under `baseDn` (paged; order unspecified). */
  listUsers(): Promise<AdUser[]>;
  /** Every organizationalUnit under `baseDn`. */
  listOrganizationalUnits(): Promise<AdOrganizationalUnit[]>;
  /** One user by DN, or null when it does not exist. */
  getUserByDn(dn: string): Promise<AdUser | null>;
  /** One user by objectGUID (display form), or null. */
  getUserByObjectGuid(objectGuid: string): Promise<AdUser | null>;
  /** Replace the listed attributes (an empty `to` deletes the attribute). */
  modifyUser(dn: string, changes: readonly Pick<AttrChange, 'attribute' | 'to'>[]): Promise<void>;
  /** Write mS-DS-ConsistencyGuid (display-form GUID) — what Entra Connect does when it is empty. */
  setConsistencyGuid(dn: string, guid: string): Promise<void>;
  /** Move a user to another OU (modifyDN, keeping the RDN). Returns the new DN. */
  moveUser(dn: string, toOu: string): Promise<string>;
  /**
   * Create an enabled user at exactly `dn` (as the planner stored it in the `ad.createUser` step: its
   * first RDN is `CN=<user.cn, escaped>` and its parent the OU) with the given password (over LDAPS on
   * real AD). `user.mustChangePassword` sets pwdLastSet 0. Returns the created user as read back.
   * A DN whose first RDN is not the CN of `user` is refused (`other`), before anything is written.
   */
  createUser(dn: string, user: NewAdUser, password: string): Promise<AdUser>;
  /** Release connections. Afterwards every call fails with `closed`; nothing opens a connection again. */
  close(): Promise<void>;
}

export type DirectoryErrorCode =
  | 'no-such-object'
  | 'already-exists'
  | 'insufficient-rights'
  | 'invalid-credentials'
  | 'constraint-violation'
  | 'unavailable'
  | 'tls'
  /** The access was closed (the command is ending): nothing was read or written. */
  | 'closed'
  | 'other';

/** An expected AD failure, with the object it concerns. */
export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    readonly dn?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DirectoryError';
  }
}
