/**
 * An in-memory Active Directory for the lab: the same contract and semantics as the LDAP
 * implementation in `src/ad/` (DNs compared as AD does, by parsed and unescaped RDN values without
 * regard to case (the lab's own DN code, src/lab/connect/dn.ts), a move keeps the RDN,
 * `already-exists` / `no-such-object` / `constraint-violation` DirectoryErrors, a password
 * complexity policy on create), without a server. GUIDs come from a seeded PRNG that is passed
 * in, so the same seed and the same calls give the same objectGUIDs.
 */
import type { DirectoryAccess } from '../model/directory.js';
import { DirectoryError } from '../model/directory.js';
import type { AdOrganizationalUnit, AdUser } from '../model/observed.js';
import type { AttrChange, NewAdUser } from '../model/step.js';
import { isGuidText } from './connect/source-anchor.js';
import { containerOf, dnIdentity, dnUnder, escapeRdnValue, leafRdn, parseDn } from './connect/dn.js';

/**
 * A small deterministic PRNG (mulberry32). Its whole state is one 32-bit integer, so it can be
 * saved with the directory and resumed exactly.
 */
export class SeededRandom {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** The current state (save it; `new SeededRandom(state)` continues the same sequence). */
  get state(): number {
    return this.s;
  }
  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Continue from a saved state (see `state`). */
  reseed(state: number): void {
    this.s = state >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** A random version-4 GUID in display form (lower case). */
  guid(): string {
    const bytes: number[] = [];
    for (let i = 0; i < 16; i++) bytes.push(this.int(256));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** A group in the in-memory directory (minimal: enough for the sample company). */
export interface MemoryGroup {
  dn: string;
  objectGuid: string;
  /** sAMAccountName of the group. */
  samAccountName: string;
  /** DNs of the member users. */
  members: string[];
}

/** The serialised form of a MemoryDirectory (`toJSON` / `fromJSON`). */
export interface MemoryDirectoryJson {
  kind: 'entra-soa/lab-directory';
  formatVersion: 1;
  baseDn: string;
  /** PRNG state, so GUIDs stay deterministic after a reload. */
  randomState: number;
  organizationalUnits: string[];
  users: AdUser[];
  groups: MemoryGroup[];
  /** objectGUIDs of the users that must change their password at next logon (pwdLastSet 0); absent = none. */
  mustChangePassword?: string[];
}

/**
 * The password policy the lab enforces on create (like AD's default domain policy with
 * complexity on): at least 7 characters, three of four character classes, and not containing
 * the sAMAccountName. Returns the problem, or null when the password is acceptable.
 */
export function passwordProblem(password: string, samAccountName: string): string | null {
  if (password.length < 7) return 'the password is shorter than 7 characters';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'the password must contain three of: upper case, lower case, digits, symbols';
  if (samAccountName.length >= 3 && password.toLowerCase().includes(samAccountName.toLowerCase())) {
    return 'the password must not contain the account name';
  }
  return null;
}

const ATTRIBUTE_FIELD = {
  mail: 'mail',
  proxyAddresses: 'proxyAddresses',
  givenName: 'givenName',
  sn: 'surname',
  displayName: 'displayName',
  userPrincipalName: 'userPrincipalName',
} as const satisfies Record<AttrChange['attribute'], keyof AdUser>;

/** The in-memory AD. See the module comment for the semantics it shares with LDAP. */
export class MemoryDirectory implements DirectoryAccess {
  readonly baseDn: string;
  private readonly random: SeededRandom;
  /** normalised DN → OU DN as given */
  private readonly ous = new Map<string, string>();
  /** normalised DN → user */
  private readonly users = new Map<string, AdUser>();
  /** sAMAccountName / userPrincipalName (lower case) → normalised DN, for the uniqueness checks */
  private readonly bySam = new Map<string, string>();
  private readonly byUpn = new Map<string, string>();
  private readonly groups = new Map<string, MemoryGroup>();
  /** objectGUIDs of users whose pwdLastSet is 0 ("User must change password at next logon"). */
  private readonly mustChange = new Set<string>();
  /** Moves on every change (`revision()`). */
  private rev = 0;

  constructor(opts: { baseDn: string; random: SeededRandom }) {
    this.baseDn = opts.baseDn;
    this.random = opts.random;
  }

  // ----- DirectoryAccess -----

  async listUsers(): Promise<AdUser[]> {
    return [...this.users.values()].map(copyUser);
  }

  async listOrganizationalUnits(): Promise<AdOrganizationalUnit[]> {
    return [...this.ous.values()].map((dn) => ({ dn }));
  }

  async getUserByDn(dn: string): Promise<AdUser | null> {
    const u = this.users.get(dnIdentity(dn));
    return u ? copyUser(u) : null;
  }

  async getUserByObjectGuid(objectGuid: string): Promise<AdUser | null> {
    const g = objectGuid.toLowerCase();
    for (const u of this.users.values()) if (u.objectGuid === g) return copyUser(u);
    return null;
  }

  async modifyUser(dn: string, changes: readonly Pick<AttrChange, 'attribute' | 'to'>[]): Promise<void> {
    const u = this.mustGetUser(dn);
    const next = copyUser(u);
    for (const c of changes) {
      const field = ATTRIBUTE_FIELD[c.attribute];
      if (field === 'proxyAddresses') {
        next.proxyAddresses = [...c.to];
      } else {
        if (c.to.length > 1) {
          throw new DirectoryError('constraint-violation', `${c.attribute} is single-valued; got ${c.to.length} values`, u.dn);
        }
        next[field] = c.to[0] ?? null;
      }
    }
    if (next.userPrincipalName && next.userPrincipalName.toLowerCase() !== (u.userPrincipalName ?? '').toLowerCase()) {
      this.assertUpnFree(next.userPrincipalName, u.dn);
    }
    this.putUser(next);
  }

  async setConsistencyGuid(dn: string, guid: string): Promise<void> {
    const u = this.mustGetUser(dn);
    if (!isGuidText(guid)) throw new DirectoryError('constraint-violation', `not a GUID: ${JSON.stringify(guid)}`, u.dn);
    u.consistencyGuid = guid.toLowerCase();
    this.rev++;
  }

  async moveUser(dn: string, toOu: string): Promise<string> {
    const u = this.mustGetUser(dn);
    const ou = this.ous.get(dnIdentity(toOu)) ?? (dnIdentity(toOu) === dnIdentity(this.baseDn) ? this.baseDn : undefined);
    if (ou === undefined) throw new DirectoryError('no-such-object', `the target OU ${toOu} does not exist`, toOu);
    const newDn = `${leafRdn(u.dn)},${ou}`;
    const key = dnIdentity(newDn);
    if (key === dnIdentity(u.dn)) return u.dn;
    if (this.users.has(key) || this.ous.has(key)) {
      throw new DirectoryError('already-exists', `an object named ${newDn} already exists`, newDn);
    }
    this.dropUser(u);
    const moved = { ...copyUser(u), dn: newDn };
    this.putUser(moved);
    for (const g of this.groups.values()) {
      g.members = g.members.map((m) => (dnIdentity(m) === dnIdentity(u.dn) ? newDn : m));
    }
    return newDn;
  }

  /**
   * Creates the user at `dn` as given (the product's planner escaped the CN into it): its first RDN
   * must be `CN=<user.cn>` by value, its parent an OU (or the base DN). `mustChangePassword` sets
   * pwdLastSet 0, as on AD.
   */
  async createUser(dn: string, user: NewAdUser, password: string): Promise<AdUser> {
    const [first, ...rest] = parseDn(dn);
    if (!first || first.type.toLowerCase() !== 'cn' || first.value !== user.cn || rest.length === 0) {
      throw new DirectoryError('other', `refusing to create ${dn}: its first RDN is not CN=${JSON.stringify(user.cn)} in an OU`, dn);
    }
    const problem = passwordProblem(password, user.samAccountName);
    if (problem) throw new DirectoryError('constraint-violation', `cannot create ${user.userPrincipalName}: ${problem} (password policy)`, dn);
    const created = this.insertUser(dn, containerOf(dn), user, {});
    if (user.mustChangePassword === true) this.mustChange.add(created.objectGuid);
    this.rev++;
    return created;
  }

  async close(): Promise<void> {
    // nothing to release
  }

  // ----- lab-only operations (seeding, scenarios) -----

  /** Create an OU (its parent must exist, or be the base DN). */
  addOrganizationalUnit(dn: string): void {
    const key = dnIdentity(dn);
    if (!dnUnder(dn, this.baseDn) || key === dnIdentity(this.baseDn)) {
      throw new DirectoryError('no-such-object', `${dn} is not below the naming context ${this.baseDn}`, dn);
    }
    if (this.ous.has(key) || this.users.has(key)) throw new DirectoryError('already-exists', `${dn} already exists`, dn);
    const parent = containerOf(dn);
    if (dnIdentity(parent) !== dnIdentity(this.baseDn) && !this.ous.has(dnIdentity(parent))) {
      throw new DirectoryError('no-such-object', `the parent ${parent} of ${dn} does not exist`, parent);
    }
    this.ous.set(key, dn);
    this.rev++;
  }

  /**
   * Add a user without the password policy (seeding). `objectGuid` / `consistencyGuid` may be
   * given (restoring a company); otherwise a fresh objectGUID is drawn from the PRNG.
   */
  addUser(
    ou: string,
    user: NewAdUser,
    extra: { objectGuid?: string; consistencyGuid?: string | null; enabled?: boolean } = {},
  ): AdUser {
    const ouDn = this.ous.get(dnIdentity(ou)) ?? ou;
    return this.insertUser(`CN=${escapeRdnValue(user.cn)},${ouDn}`, ou, user, extra);
  }

  /** Stores a new user at `dn` (in the existing OU `ou`), after the uniqueness checks. */
  private insertUser(dn: string, ou: string, user: NewAdUser, extra: { objectGuid?: string; consistencyGuid?: string | null; enabled?: boolean }): AdUser {
    const ouKey = dnIdentity(ou);
    if (!this.ous.has(ouKey) && ouKey !== dnIdentity(this.baseDn)) throw new DirectoryError('no-such-object', `the OU ${ou} does not exist`, ou);
    const key = dnIdentity(dn);
    if (this.users.has(key) || this.ous.has(key)) throw new DirectoryError('already-exists', `an object named ${dn} already exists`, dn);
    const samHolder = this.users.get(this.bySam.get(user.samAccountName.toLowerCase()) ?? '');
    if (samHolder) throw new DirectoryError('already-exists', `the sAMAccountName ${user.samAccountName} is already used by ${samHolder.dn}`, dn);
    this.assertUpnFree(user.userPrincipalName, dn);
    const objectGuid = (extra.objectGuid ?? this.random.guid()).toLowerCase();
    const created: AdUser = {
      dn,
      objectGuid,
      consistencyGuid: extra.consistencyGuid ? extra.consistencyGuid.toLowerCase() : null,
      samAccountName: user.samAccountName,
      userPrincipalName: user.userPrincipalName,
      mail: user.mail,
      proxyAddresses: [...user.proxyAddresses],
      givenName: user.givenName,
      surname: user.surname,
      displayName: user.displayName,
      enabled: extra.enabled ?? true,
    };
    this.putUser(created);
    return copyUser(created);
  }

  /** Delete a user object. */
  deleteUser(dn: string): void {
    const u = this.mustGetUser(dn);
    this.dropUser(u);
    this.mustChange.delete(u.objectGuid);
    for (const g of this.groups.values()) g.members = g.members.filter((m) => dnIdentity(m) !== dnIdentity(u.dn));
    this.rev++;
  }

  /** Add a group (minimal: name and member DNs). */
  addGroup(ou: string, cn: string, members: string[] = [], objectGuid?: string): MemoryGroup {
    const ouKey = dnIdentity(ou);
    const ouDn = this.ous.get(ouKey);
    if (ouDn === undefined) throw new DirectoryError('no-such-object', `the OU ${ou} does not exist`, ou);
    const dn = `CN=${escapeRdnValue(cn)},${ouDn}`;
    const key = dnIdentity(dn);
    if (this.groups.has(key) || this.users.has(key)) throw new DirectoryError('already-exists', `an object named ${dn} already exists`, dn);
    const g: MemoryGroup = { dn, objectGuid: (objectGuid ?? this.random.guid()).toLowerCase(), samAccountName: cn, members: [...members] };
    this.groups.set(key, g);
    this.rev++;
    return { ...g, members: [...g.members] };
  }

  /** Every group. */
  listGroups(): MemoryGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g, members: [...g.members] }));
  }

  /**
   * A number that moves on every change of the directory and never otherwise (equal revisions: the
   * same content), so a holder can skip saving a directory nothing changed.
   */
  revision(): number {
    return this.rev;
  }

  /** Number of users (cheap, for reports). */
  get userCount(): number {
    return this.users.size;
  }

  toJSON(): MemoryDirectoryJson {
    return {
      kind: 'entra-soa/lab-directory',
      formatVersion: 1,
      baseDn: this.baseDn,
      randomState: this.random.state,
      organizationalUnits: [...this.ous.values()],
      users: [...this.users.values()].map(copyUser),
      groups: this.listGroups(),
      ...(this.mustChange.size > 0 ? { mustChangePassword: [...this.mustChange].sort() } : {}),
    };
  }

  static fromJSON(json: MemoryDirectoryJson): MemoryDirectory {
    checkDocument(json);
    const d = new MemoryDirectory({ baseDn: json.baseDn, random: new SeededRandom(json.randomState) });
    d.load(json);
    return d;
  }

  /**
   * Replace the whole content in place (the lab's reset: holders of this object keep working on
   * the new content). The base DN must be the same.
   */
  resetFrom(json: MemoryDirectoryJson): void {
    checkDocument(json);
    if (dnIdentity(json.baseDn) !== dnIdentity(this.baseDn)) {
      throw new Error(`cannot reset the directory ${this.baseDn} from one with base DN ${json.baseDn}`);
    }
    this.ous.clear();
    this.users.clear();
    this.bySam.clear();
    this.byUpn.clear();
    this.groups.clear();
    this.mustChange.clear();
    this.random.reseed(json.randomState);
    this.load(json);
    this.rev++;
  }

  private load(json: MemoryDirectoryJson): void {
    // saved content was checked when it was made: keep its order as it is
    for (const ou of json.organizationalUnits) this.ous.set(dnIdentity(ou), ou);
    for (const u of json.users) this.putUser(copyUser(u));
    for (const g of json.groups) this.groups.set(dnIdentity(g.dn), { ...g, members: [...g.members] });
    for (const guid of json.mustChangePassword ?? []) this.mustChange.add(guid.toLowerCase());
  }

  private mustGetUser(dn: string): AdUser {
    const u = this.users.get(dnIdentity(dn));
    if (!u) throw new DirectoryError('no-such-object', `no user ${dn}`, dn);
    return u;
  }

  private assertUpnFree(upn: string | null, dn: string): void {
    if (!upn) return;
    const holder = this.users.get(this.byUpn.get(upn.toLowerCase()) ?? '');
    if (holder && dnIdentity(holder.dn) !== dnIdentity(dn)) {
      // Windows Server 2012 R2+ enforces forest-wide UPN uniqueness (constraint violation).
      throw new DirectoryError('constraint-violation', `the userPrincipalName ${upn} is already used by ${holder.dn}`, dn);
    }
  }

  /** Store a user under its DN and index its sAMAccountName and UPN (replacing its previous entry). */
  private putUser(u: AdUser): void {
    const key = dnIdentity(u.dn);
    const before = this.users.get(key);
    if (before) this.dropUser(before);
    this.users.set(key, u);
    this.rev++;
    this.bySam.set(u.samAccountName.toLowerCase(), key);
    if (u.userPrincipalName) this.byUpn.set(u.userPrincipalName.toLowerCase(), key);
  }

  private dropUser(u: AdUser): void {
    const key = dnIdentity(u.dn);
    this.users.delete(key);
    if (this.bySam.get(u.samAccountName.toLowerCase()) === key) this.bySam.delete(u.samAccountName.toLowerCase());
    if (u.userPrincipalName && this.byUpn.get(u.userPrincipalName.toLowerCase()) === key) this.byUpn.delete(u.userPrincipalName.toLowerCase());
  }

}

function checkDocument(json: MemoryDirectoryJson): void {
  if (json.kind !== 'entra-soa/lab-directory' || json.formatVersion !== 1) {
    throw new Error(`not a lab directory document (kind ${String(json.kind)}, formatVersion ${String(json.formatVersion)})`);
  }
}

function copyUser(u: AdUser): AdUser {
  return { ...u, proxyAddresses: [...u.proxyAddresses] };
}
