import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { AndFilter, Attribute, Change, Client, Control, EqualityFilter, ResultCodeError, type Entry, type Filter } from 'ldapts';
import { bytesToGuid, guidToBytes, isGuid } from '../model/anchor.js';
import { DirectoryError, type DirectoryAccess } from '../model/directory.js';
import type { AdOrganizationalUnit, AdUser } from '../model/observed.js';
import type { AttrChange, NewAdUser } from '../model/step.js';
import { formatRdn, parseRdn, splitDn, splitFirstRdn } from '../model/dn.js';
import { describeLdapUrlProblem, ldapUrlProblem } from '../model/ldap-url.js';
import { toDirectoryError, type OperationContext } from './errors.js';

/** How to reach and authenticate to a DC. */
export interface LdapDirectoryOptions {
  /**
   * `ldaps://host[:636]` (TLS, recommended) or `ldap://host[:389]` with `startTls`. Plain `ldap://`
   * is refused unless the host is loopback as written; a URL with a user name or password is refused.
   */
  url: string;
  /** The naming context searched for users and OUs, e.g. `DC=contoso,DC=com`. */
  baseDn: string;
  /** DN of the bind account (simple bind). */
  bindDn: string;
  /** Its password. Never logged or put in an error message. */
  password: string;
  /** Where the password came from, for error messages only (e.g. `$ENTRA_SOA_AD_PASSWORD`). */
  passwordSource?: string;
  /** CA certificate(s), PEM, that signed the DC's certificate (otherwise Node's trust store). */
  ca?: string | Buffer;
  /** Path of a PEM file with the CA certificate(s); read at connect time. */
  caFile?: string;
  /** Upgrade an `ldap://` connection with StartTLS before binding. */
  startTls?: boolean;
  /**
   * Do not verify the DC's certificate. Dangerous (anyone on the path can read the bind
   * password): for a lab only. A warning goes to `onWarning` every time it is used.
   */
  insecureSkipTlsVerify?: boolean;
  /** Receives warnings (default: written to stderr). */
  onWarning?: (message: string) => void;
  /** Paged-search page size; default 1000, AD's default MaxPageSize. */
  pageSize?: number;
  /** Per-operation and connect timeout in ms; default 30000. */
  timeoutMs?: number;
}

/** The attributes read for every user. Binary ones spelled as the server spells them (ldapts matches case-sensitively). */
const BINARY_ATTRIBUTES = ['objectGUID', 'mS-DS-ConsistencyGuid'];
const USER_ATTRIBUTES = [
  'objectGUID',
  'mS-DS-ConsistencyGuid',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'proxyAddresses',
  'givenName',
  'sn',
  'displayName',
  'userAccountControl',
];
const WRITABLE_ATTRIBUTES: ReadonlySet<string> = new Set<AttrChange['attribute']>([
  'mail',
  'proxyAddresses',
  'givenName',
  'sn',
  'displayName',
  'userPrincipalName',
]);
const MULTI_VALUED: ReadonlySet<string> = new Set(['proxyAddresses']);

/** sAMAccountType SAM_NORMAL_USER_ACCOUNT: user accounts, not computers or trusts (indexed on AD). */
const NORMAL_USER_ACCOUNT = '805306368';
const UF_ACCOUNTDISABLE = 0x2;
const UF_NORMAL_ACCOUNT = 0x200;
/** LDAP_SERVER_TREE_DELETE_OID: delete an object with its whole subtree in one operation. */
const TREE_DELETE_OID = '1.2.840.113556.1.4.805';
/** Above this many objects a tree delete can outlast the operation timeout: delete leaf-first instead. */
const TREE_DELETE_MAX = 2000;

function userFilter(extra?: Filter): Filter {
  const isUser = new EqualityFilter({ attribute: 'sAMAccountType', value: NORMAL_USER_ACCOUNT });
  return extra ? new AndFilter({ filters: [isUser, extra] }) : isUser;
}

/** ldapts returns attribute names as the server sent them; look them up case-insensitively. */
function attr(entry: Entry, name: string): Buffer | Buffer[] | string[] | string | undefined {
  if (name in entry) return entry[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(entry)) if (k.toLowerCase() === lower) return entry[k];
  return undefined;
}

/** All values as strings; a single value comes back as a plain string, an absent one as []. */
function strings(entry: Entry, name: string): string[] {
  const v = attr(entry, name);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x));
  return [Buffer.isBuffer(v) ? v.toString('utf8') : v];
}

function single(entry: Entry, name: string): string | null {
  return strings(entry, name)[0] ?? null;
}

function binary(entry: Entry, name: string): Buffer | null {
  const v = attr(entry, name);
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return null;
  const b = Buffer.isBuffer(first) ? first : Buffer.from(first, 'binary');
  return b.length === 0 ? null : b;
}

/** An LDAP entry → AdUser. */
export function toAdUser(entry: Entry): AdUser {
  const guid = binary(entry, 'objectGUID');
  if (!guid || guid.length !== 16) {
    throw new DirectoryError('other', `${entry.dn} has no readable objectGUID (is the bind account allowed to read it?)`, entry.dn);
  }
  const consistency = binary(entry, 'mS-DS-ConsistencyGuid');
  const uac = Number(single(entry, 'userAccountControl') ?? '0');
  return {
    dn: entry.dn,
    objectGuid: bytesToGuid(guid),
    // A consistency guid that is not 16 bytes is not a GUID anchor Connect would use: report it as empty.
    consistencyGuid: consistency && consistency.length === 16 ? bytesToGuid(consistency) : null,
    samAccountName: single(entry, 'sAMAccountName') ?? '',
    userPrincipalName: single(entry, 'userPrincipalName'),
    mail: single(entry, 'mail'),
    proxyAddresses: strings(entry, 'proxyAddresses'),
    givenName: single(entry, 'givenName'),
    surname: single(entry, 'sn'),
    displayName: single(entry, 'displayName'),
    enabled: (uac & UF_ACCOUNTDISABLE) === 0,
  };
}

/** `unicodePwd` wants the UTF-16LE bytes of the password in double quotes. */
export function encodeUnicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/** Opens a new bound connection (same URL, TLS and credentials every time). */
export type OpenConnection = () => Promise<Client>;

/**
 * Errors meaning the connection itself is gone (idle timeout, DC restart, network), as opposed
 * to an LDAP result. AD closes connections idle for MaxConnIdleTime (15 min by default), which an
 * apply that waits for a sync cycle will always hit.
 */
function isConnectionLoss(err: unknown): boolean {
  if (err instanceof ResultCodeError || err instanceof DirectoryError) return false;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && ['ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ETIMEDOUT'].includes(code)) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /Connection closed|Socket error|socket has been ended|socket hang up|not connected|timeout|timed out/i.test(message);
}

/**
 * DirectoryAccess over LDAP (ldapts): simple bind, paged searches, modify / modifyDN / add.
 * Create with `connectDirectory`. One connection, re-opened (and re-bound) when the DC dropped
 * it; a read that fails because the connection dropped under it is retried once on a new one,
 * a write is not (it may have been applied): the error says to re-read.
 *
 * Concurrent callers that find the connection gone share one reconnect (each opening its own would
 * leave all but the last open, and an open socket keeps the process alive). After `close()` nothing
 * opens a connection again: a call still in flight, or made later, fails with `closed`.
 */
export class LdapDirectory implements DirectoryAccess {
  private current: Client | null;
  private readonly lost = new WeakSet<Client>();
  private opened = 1;
  /** The reconnect in progress, shared by every caller that needs a connection meanwhile. */
  private opening: Promise<Client> | null = null;
  private closed = false;

  /** @internal use connectDirectory */
  constructor(
    private readonly open: OpenConnection,
    client: Client,
    readonly baseDn: string,
    /** True when the connection is encrypted (ldaps:// or StartTLS). */
    readonly encrypted: boolean,
    private readonly pageSize: number,
  ) {
    this.current = client;
  }

  /** How many connections this directory has opened (1 unless the DC dropped one). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Mark a client as unusable (used for StartTLS, whose underlying socket close ldapts does not track). */
  markLost(client: Client): void {
    this.lost.add(client);
  }

  private closedError(): DirectoryError {
    return new DirectoryError('closed', `the connection to ${this.baseDn} was closed (the command is ending): nothing was read or written`);
  }

  private async connection(): Promise<Client> {
    if (this.closed) throw this.closedError();
    const c = this.current;
    if (c && c.isConnected && !this.lost.has(c)) return c;
    if (this.opening) return this.opening;
    // Release it without waiting: on a dead StartTLS socket the unbind only ends at its timeout.
    if (c) void c.unbind().catch(() => undefined);
    this.current = null;
    const opening = this.open().then((fresh) => {
      if (this.closed) {
        void fresh.unbind().catch(() => undefined);
        throw this.closedError();
      }
      this.opened++;
      this.current = fresh;
      return fresh;
    });
    this.opening = opening;
    try {
      return await opening;
    } finally {
      if (this.opening === opening) this.opening = null;
    }
  }

  private async run<T>(ctx: OperationContext, fn: (client: Client) => Promise<T>, kind: 'read' | 'write' = 'read'): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connection();
      try {
        return await fn(client);
      } catch (err) {
        if (isConnectionLoss(err)) {
          this.lost.add(client);
          if (kind === 'read' && attempt === 0) continue;
          if (kind === 'write') {
            throw new DirectoryError(
              'unavailable',
              `${ctx.action} failed: the connection to the DC dropped during the write, so it may or may not have been applied; re-read ${ctx.dn ?? 'the object'} before retrying.`,
              ctx.dn,
              { cause: err },
            );
          }
        }
        throw toDirectoryError(err, ctx);
      }
    }
  }

  private async searchUsers(base: string, scope: 'base' | 'sub', filter: Filter, ctx: OperationContext): Promise<AdUser[]> {
    const entries = await this.run(ctx, async (client) => {
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

  async listUsers(): Promise<AdUser[]> {
    return this.searchUsers(this.baseDn, 'sub', userFilter(), {
      action: `read users under ${this.baseDn}`,
      dn: this.baseDn,
      right: `read (List Contents, Read Property) on ${this.baseDn} and its users`,
    });
  }

  /** Users in one subtree (e.g. a sync-scope OU). */
  async listUsersUnder(dn: string): Promise<AdUser[]> {
    return this.searchUsers(dn, 'sub', userFilter(), { action: `read users under ${dn}`, dn, right: `read on ${dn}` });
  }

  async listOrganizationalUnits(): Promise<AdOrganizationalUnit[]> {
    const entries = await this.run({ action: `read OUs under ${this.baseDn}`, dn: this.baseDn, right: 'List Contents' }, async (client) => {
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
      const users = await this.searchUsers(dn, 'base', userFilter(), { action: `read user ${dn}`, dn });
      return users[0] ?? null;
    } catch (err) {
      if (err instanceof DirectoryError && err.code === 'no-such-object') return null;
      throw err;
    }
  }

  async getUserByObjectGuid(objectGuid: string): Promise<AdUser | null> {
    if (!isGuid(objectGuid)) throw new DirectoryError('other', `not a GUID: ${JSON.stringify(objectGuid)}`);
    const filter = userFilter(new EqualityFilter({ attribute: 'objectGUID', value: guidToBytes(objectGuid) }));
    const users = await this.searchUsers(this.baseDn, 'sub', filter, { action: `find user with objectGUID ${objectGuid}`, dn: this.baseDn });
    return users[0] ?? null;
  }

  /** One user by userPrincipalName (exact, case-insensitive as AD compares), or null. */
  async getUserByUpn(upn: string): Promise<AdUser | null> {
    const filter = userFilter(new EqualityFilter({ attribute: 'userPrincipalName', value: upn }));
    const users = await this.searchUsers(this.baseDn, 'sub', filter, { action: `find user ${upn}`, dn: this.baseDn });
    return users[0] ?? null;
  }

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
    await this.run(
      { action: `write ${names} of ${dn}`, dn, right: `Write Property on ${names} of the user` },
      (client) => client.modify(dn, mods),
      'write',
    );
  }

  async setConsistencyGuid(dn: string, guid: string): Promise<void> {
    const bytes = guidToBytes(guid);
    const change = new Change({ operation: 'replace', modification: new Attribute({ type: 'mS-DS-ConsistencyGuid', values: [bytes] }) });
    await this.run(
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
    await this.run(
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
    await this.run(
      { action: `create user ${dn}`, dn, right: `Create Child for user objects on ${ou}, and Reset Password` },
      (client) => client.add(dn, attributes),
      'write',
    );
    const created = await this.getUserByDn(dn);
    if (!created) throw new DirectoryError('other', `created ${dn} but cannot read it back`, dn);
    return created;
  }

  /** Create an OU and any missing parents below the naming context (no-op when it exists). */
  async ensureOu(dn: string): Promise<void> {
    const parts = splitDn(dn);
    const baseLen = splitDn(this.baseDn).length;
    for (let i = parts.length - baseLen - 1; i >= 0; i--) {
      const ouDn = parts.slice(i).join(',');
      const { type, value } = parseRdn(parts[i] as string);
      if (type.toLowerCase() !== 'ou') throw new DirectoryError('other', `ensureOu: ${ouDn} is not an OU`, ouDn);
      const attributes = [
        new Attribute({ type: 'objectClass', values: ['top', 'organizationalUnit'] }),
        new Attribute({ type: 'ou', values: [value] }),
      ];
      try {
        await this.run(
          { action: `create OU ${ouDn}`, dn: ouDn, right: 'Create Child for organizationalUnit objects' },
          (client) => client.add(ouDn, attributes),
          'write',
        );
      } catch (err) {
        if (!(err instanceof DirectoryError && err.code === 'already-exists')) throw err;
      }
    }
  }

  /**
   * Delete an object and everything under it; no-op when absent. Small subtrees go in one
   * operation (the tree-delete control); large ones leaf-first with a few deletes in flight, so
   * that no single operation runs into the timeout.
   */
  async deleteTree(dn: string, concurrency = 8): Promise<void> {
    const ctx = { action: `delete ${dn} and its subtree`, dn, right: 'Delete Subtree' };
    let entries: Entry[];
    try {
      entries = await this.run(ctx, async (client) => {
        const res = await client.search(dn, { scope: 'sub', attributes: ['1.1'], paged: { pageSize: this.pageSize } });
        return res.searchEntries;
      });
    } catch (err) {
      if (err instanceof DirectoryError && err.code === 'no-such-object') return;
      throw err;
    }
    if (entries.length <= TREE_DELETE_MAX) {
      try {
        await this.run(ctx, (client) => client.del(dn, new Control(TREE_DELETE_OID, { critical: true })), 'write');
        return;
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        if (err.code === 'no-such-object') return;
        if (err.code !== 'other') throw err;
        // the DC does not support the tree-delete control: delete leaf-first below
      }
    }
    // Group by depth, deepest first; within one depth the deletes are independent.
    const byDepth = new Map<number, string[]>();
    for (const e of entries) {
      const depth = splitDn(e.dn).length;
      byDepth.set(depth, [...(byDepth.get(depth) ?? []), e.dn]);
    }
    for (const depth of [...byDepth.keys()].sort((a, b) => b - a)) {
      const level = byDepth.get(depth) as string[];
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < level.length; i = next++) {
          const d = level[i] as string;
          try {
            await this.run({ ...ctx, dn: d }, (client) => client.del(d), 'write');
          } catch (err) {
            if (!(err instanceof DirectoryError && err.code === 'no-such-object')) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, level.length) }, worker));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // A reconnect in progress ends in an unbind (see connection()).
    await this.opening?.catch(() => undefined);
    const c = this.current;
    this.current = null;
    if (!c || !c.isConnected) return;
    if (this.lost.has(c)) {
      void c.unbind().catch(() => undefined);
      return;
    }
    try {
      await c.unbind();
    } catch {
      // already closed, or the DC went away: nothing left to release
    }
  }
}

/**
 * The OU of a user to create at `dn`, after checking that the DN's first RDN is `CN=<user.cn>` (by
 * value: the planner escapes the CN into the DN once, and the DN is used verbatim from then on).
 */
export function createdUserParent(dn: string, user: Pick<NewAdUser, 'cn'>): string {
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

function defaultWarning(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/**
 * Connect and bind. Fails with DirectoryError: `invalid-credentials` (bad DN or password),
 * `tls` (certificate not trusted, name mismatch, DC demands TLS), `unavailable` (cannot reach it).
 */
export async function connectDirectory(opts: LdapDirectoryOptions): Promise<LdapDirectory> {
  const warn = opts.onWarning ?? defaultWarning;
  // Before anything touches the network: a password in the URL, or ldap:// that would send the
  // bind password in clear text to a host that is not loopback, is refused (fail closed).
  const problem = ldapUrlProblem(opts.url, opts.startTls === true);
  if (problem !== null) throw new DirectoryError(problem.kind === 'cleartext' ? 'tls' : 'other', describeLdapUrlProblem(problem, 'the AD URL'));
  const url = new URL(opts.url);
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme === 'ldaps' && opts.startTls) {
    throw new DirectoryError('other', `startTls is for ldap:// URLs; ${opts.url} is already TLS`);
  }
  const useTls = scheme === 'ldaps' || opts.startTls === true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const tlsOptions: ConnectionOptions = { host, minVersion: 'TLSv1.2' };
  if (!net.isIP(host)) tlsOptions.servername = host;
  if (opts.ca !== undefined) tlsOptions.ca = opts.ca;
  else if (opts.caFile !== undefined) {
    try {
      tlsOptions.ca = readFileSync(opts.caFile);
    } catch (err) {
      throw new DirectoryError('tls', `cannot read the CA file ${opts.caFile}: ${(err as Error).message}`, undefined, { cause: err });
    }
  }
  if (opts.insecureSkipTlsVerify) {
    if (useTls) {
      warn(
        `insecureSkipTlsVerify is on: the certificate of ${opts.url} is NOT verified, so anyone on the network path can impersonate the DC and read the bind password. Use caFile instead.`,
      );
      tlsOptions.rejectUnauthorized = false;
    }
  }
  if (!useTls) {
    warn(`${opts.url} is unencrypted (allowed only because ${host} is a loopback address): the bind password and directory data are sent in clear text. Use ldaps:// or startTls.`);
  }

  const timeout = opts.timeoutMs ?? 30_000;
  let directory: LdapDirectory | null = null;
  const open: OpenConnection = async () => {
    // ldapts goes TLS whenever tlsOptions is given, even for ldap://, so only ldaps gets it here.
    const client = new Client({
      url: opts.url,
      timeout,
      connectTimeout: timeout,
      ...(scheme === 'ldaps' ? { tlsOptions: { ...tlsOptions } } : {}),
    });
    try {
      if (scheme === 'ldap' && opts.startTls) {
        // startTLS mutates the object it is given (it adds the plain socket): pass a copy. ldapts
        // does not notice when that plain socket closes under the TLS one, so watch it here.
        const startTlsOptions: ConnectionOptions = { ...tlsOptions };
        await client.startTLS(startTlsOptions);
        startTlsOptions.socket?.once('close', () => directory?.markLost(client));
      }
      await client.bind(opts.bindDn, opts.password);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      const e = toDirectoryError(err, { action: `connect to ${opts.url}` });
      if (e.code === 'invalid-credentials') {
        throw new DirectoryError(
          'invalid-credentials',
          `bind as ${opts.bindDn} failed: invalid credentials. Check the password${opts.passwordSource ? ` in ${opts.passwordSource}` : ''}, the bind DN, and that the account is enabled and not locked out.`,
          opts.bindDn,
          { cause: err },
        );
      }
      throw e;
    }
    return client;
  };
  directory = new LdapDirectory(open, await open(), opts.baseDn, useTls, opts.pageSize ?? 1000);
  return directory;
}
