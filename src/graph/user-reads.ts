/**
 * Reading Entra users: one `$select`ed list at 999 per page, the beta details of the users that were
 * synced before (sync-behavior-reads.ts), role holders (role-reads.ts); one user; soft-deleted users;
 * and the sync fields a sync wait needs of many users at once.
 */
import type { UserSyncState } from '../model/entra.js';
import { ON_PREMISES_LEFTOVER_ATTRIBUTES, type DeletedEntraUser, type EntraUser, type OnPremisesLeftovers, type RoleAssignment } from '../model/observed.js';
import type { BatchResult } from './batch.js';
import { boolOrNull, fmt, str, type Json } from './graph-json.js';
import type { GraphReader } from './graph-reader.js';
import type { RoleReads } from './role-reads.js';
import type { SyncBehaviorReads } from './sync-behavior-reads.js';

/**
 * The user properties the planner uses (EntraUser) that v1.0 serves, nothing more. (Not
 * onPremisesObjectIdentifier: Microsoft's v1.0 user schema has no such property, and Graph answers
 * 400 to a v1.0 `$select` of it; it is read on beta, see OBJECT_IDENTIFIER_SELECT.)
 */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'proxyAddresses',
  'accountEnabled',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'lastPasswordChangeDateTime',
  // Exchange Online mailbox (EntraUser.exchangeMailbox): the `exchange` plan with status `Success`.
  // Returned only on $select (https://learn.microsoft.com/graph/api/resources/user, provisionedPlans).
  'provisionedPlans',
  ...ON_PREMISES_LEFTOVER_ATTRIBUTES,
] as const;

export const DELETED_USER_SELECT = ['id', 'userPrincipalName', 'onPremisesImmutableId', 'onPremisesSyncEnabled', 'deletedDateTime'] as const;

/** What a sync wait reads of a user. */
const SYNC_STATE_SELECT = ['id', 'userPrincipalName', 'onPremisesSyncEnabled', 'onPremisesImmutableId'] as const;
/** Above this many users a sync wait reads the user lists (999 per page) instead of $batch GETs (20 per request). */
const SYNC_STATE_LIST_THRESHOLD = 400;

/** What the user reads cost (part of GraphEntraAccess's ReadStats). */
export interface UserReadStats {
  userPages: number;
  users: number;
}

/**
 * Whether `isCloudManaged` must be read for a user: only for objects that were synced before and are
 * not synced now. A synced user (onPremisesSyncEnabled true) is by definition not cloud-managed; a
 * never-synced cloud user has nothing to manage. (Unconfirmed: right after the switch, Graph may show
 * onPremisesSyncEnabled true for a short while; the next read corrects it.)
 */
export function needsSyncBehavior(u: Json): boolean {
  if (u['onPremisesSyncEnabled'] === true) return false;
  return u['onPremisesSyncEnabled'] === false || typeof u['onPremisesImmutableId'] === 'string' || ON_PREMISES_LEFTOVER_ATTRIBUTES.some((a) => u[a] != null);
}

/**
 * Whether provisionedPlans holds an Exchange Online mailbox: service `exchange`, provisioningStatus
 * `Success` (https://learn.microsoft.com/graph/api/resources/provisionedplan). null when not read.
 */
export function exchangeMailboxOf(plans: unknown): boolean | null {
  if (!Array.isArray(plans)) return null;
  return plans.some((p) => {
    const r = p as Json | null;
    return typeof r?.['service'] === 'string' && r['service'].toLowerCase() === 'exchange' && r['provisioningStatus'] === 'Success';
  });
}

function toEntraUser(u: Json, isCloudManaged: boolean | null, roles: RoleAssignment[] | null, objectIdentifier: string | null): EntraUser {
  const proxy = u['proxyAddresses'];
  return {
    id: String(u['id']),
    userPrincipalName: String(u['userPrincipalName']),
    displayName: str(u['displayName']),
    givenName: str(u['givenName']),
    surname: str(u['surname']),
    mail: str(u['mail']),
    proxyAddresses: Array.isArray(proxy) ? proxy.filter((p): p is string => typeof p === 'string') : [],
    onPremisesSyncEnabled: boolOrNull(u['onPremisesSyncEnabled']),
    onPremisesImmutableId: str(u['onPremisesImmutableId']),
    onPremisesObjectIdentifier: objectIdentifier,
    isCloudManaged,
    accountEnabled: u['accountEnabled'] !== false,
    roles,
    lastPasswordChangeDateTime: str(u['lastPasswordChangeDateTime']),
    exchangeMailbox: exchangeMailboxOf(u['provisionedPlans']),
    ...leftoversOf(u),
  };
}

/** The on-premises leftovers of a Graph user record, in ON_PREMISES_LEFTOVER_ATTRIBUTES order. */
function leftoversOf(u: Json): OnPremisesLeftovers {
  const out = {} as Record<(typeof ON_PREMISES_LEFTOVER_ATTRIBUTES)[number], string | null>;
  for (const a of ON_PREMISES_LEFTOVER_ATTRIBUTES) out[a] = str(u[a]);
  return out;
}

export class UserReads {
  constructor(
    private readonly reader: GraphReader,
    private readonly roles: RoleReads,
    private readonly beta: SyncBehaviorReads,
    private readonly stats: UserReadStats,
    private readonly progress: (message: string) => void,
  ) {}

  async listUsers(): Promise<EntraUser[]> {
    const rolesP = this.roles.read();
    rolesP.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
    const raw = await this.reader.getAll(`/users?$select=${USER_SELECT.join(',')}&$top=999`, 'v1.0', (n, pages) => {
      this.stats.userPages = pages;
      this.stats.users = n;
      if (pages % 10 === 0) this.progress(`reading Entra users: ${fmt(n)} so far (${pages} pages)`);
    });
    this.progress(`read ${fmt(raw.length)} Entra users (${this.stats.userPages} page${this.stats.userPages === 1 ? '' : 's'})`);
    const candidates = raw.filter(needsSyncBehavior).map((u) => String(u['id']));
    const route = this.beta.objectIdentifierRoute(candidates.length, raw.length);
    const pagedP = route === 'pages' ? this.beta.readObjectIdentifierPages(candidates) : null;
    pagedP?.catch(() => undefined); // awaited below
    const details = await this.beta.read('users', candidates, route === 'batch');
    const behaviors = details.behaviors;
    const identifiers = (await pagedP) ?? details.identifiers;
    if (candidates.length > 0) {
      const batches = Math.ceil((candidates.length * (route === 'batch' ? 2 : 1)) / 20);
      const how = route === 'pages' ? `${batches} batch(es), ${this.beta.stats.objectIdentifierPages} page(s)` : `${batches} batch(es)`;
      const what = this.beta.objectIdentifierReadable ? 'sync behaviour and onPremisesObjectIdentifier' : 'sync behaviour';
      this.progress(`read the ${what} of ${fmt(candidates.length)} previously synced user(s) (${how})`);
    }
    const roles = await rolesP;
    return raw.map((u) => {
      const id = String(u['id']);
      const icm = u['onPremisesSyncEnabled'] === true ? false : (behaviors.get(id) ?? null);
      return toEntraUser(u, icm, roles.get(id) ?? [], identifiers.get(id) ?? null);
    });
  }

  async getUser(id: string): Promise<EntraUser | null> {
    const u = await this.reader.getOne(`/users/${encodeURIComponent(id)}?$select=${USER_SELECT.join(',')}`);
    if (u === null) return null;
    let icm: boolean | null = u['onPremisesSyncEnabled'] === true ? false : null;
    let identifier: string | null = null;
    if (needsSyncBehavior(u)) {
      // Both beta reads in one $batch: the same two requests as for a user that needs neither.
      const uid = String(u['id']);
      const { behaviors, identifiers } = await this.beta.read('users', [uid], this.beta.objectIdentifierReadable);
      icm = behaviors.get(uid) ?? null;
      identifier = identifiers.get(uid) ?? null;
    }
    const roles = await this.roles.cachedOrRead();
    return toEntraUser(u, icm, roles.get(String(u['id'])) ?? [], identifier);
  }

  async listDeletedUsers(): Promise<DeletedEntraUser[]> {
    const raw = await this.reader.getAllTogether(`/directory/deletedItems/microsoft.graph.user?$select=${DELETED_USER_SELECT.join(',')}&$top=999`);
    this.progress(`read ${fmt(raw.length)} deleted Entra user(s)`);
    return raw.map((u) => ({
      id: String(u['id']),
      userPrincipalName: String(u['userPrincipalName']),
      onPremisesImmutableId: str(u['onPremisesImmutableId']),
      onPremisesSyncEnabled: boolOrNull(u['onPremisesSyncEnabled']),
      deletedDateTime: String(u['deletedDateTime']),
    }));
  }

  async readSyncStates(ids: readonly string[]): Promise<Map<string, UserSyncState>> {
    const out = new Map<string, UserSyncState>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return out;
    const select = SYNC_STATE_SELECT.join(',');
    const toState = (u: Json, where: UserSyncState['where']): UserSyncState => ({
      id: String(u['id']),
      where,
      userPrincipalName: String(u['userPrincipalName']),
      onPremisesSyncEnabled: boolOrNull(u['onPremisesSyncEnabled']),
      onPremisesImmutableId: str(u['onPremisesImmutableId']),
    });
    if (unique.length > SYNC_STATE_LIST_THRESHOLD) {
      // Many waiting users: two paged lists (999 per page) cost fewer requests than ids / 20 batches.
      const wanted = new Set(unique.map((i) => i.toLowerCase()));
      const [active, deleted] = await Promise.all([
        this.reader.getAll(`/users?$select=${select}&$top=999`),
        this.reader.getAll(`/directory/deletedItems/microsoft.graph.user?$select=${select}&$top=999`),
      ]);
      for (const u of deleted) if (wanted.has(String(u['id']).toLowerCase())) out.set(String(u['id']), toState(u, 'deleted'));
      for (const u of active) if (wanted.has(String(u['id']).toLowerCase())) out.set(String(u['id']), toState(u, 'active'));
      return out;
    }
    const read = async (path: (id: string) => string, where: UserSyncState['where'], which: readonly string[]): Promise<string[]> => {
      const results = await this.reader.batch(
        which.map((id, i) => ({ id: String(i), method: 'GET' as const, url: path(id) })),
        'v1.0',
      );
      const missing: string[] = [];
      which.forEach((id, i) => {
        const r = results.get(String(i)) as BatchResult;
        if (r.status === 404) missing.push(id);
        else if (r.error) throw r.error;
        else out.set(id, toState(r.body as Json, where));
      });
      return missing;
    };
    const gone = await read((id) => `/users/${encodeURIComponent(id)}?$select=${select}`, 'active', unique);
    if (gone.length > 0) await read((id) => `/directory/deletedItems/${encodeURIComponent(id)}?$select=${select}`, 'deleted', gone);
    return out;
  }
}
