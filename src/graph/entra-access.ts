/**
 * `EntraAccess` over Microsoft Graph with the official SDK client (see client.ts).
 *
 * Reading is cheap by design: one `$select`ed list of users at 999 per page; the beta
 * `onPremisesSyncBehavior` only for users (and groups) that were synced before, in `$batch`es of 20;
 * role holders from one `directoryRoles?$expand=members` call. Writes are PATCH/POST bodies exactly
 * as domain.md §4 gives them, paced by a `WritePacer` (the documented write budget) on top of the
 * SDK's RetryHandler (outer 429/503/504 with Retry-After).
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError, isTransientGraphError, type EntraAccess, type UserSyncState } from '../model/entra.js';
import { CLEARABLE_ON_PREMISES_ATTRIBUTES } from '../model/step.js';
import {
  ON_PREMISES_LEFTOVER_ATTRIBUTES,
  type DeletedEntraUser,
  type EntraGroup,
  type EntraUser,
  type RoleAssignment,
  type SyncFeatureFlags,
  type TenantSyncState,
} from '../model/observed.js';
import { newBatchStats, runBatch, type BatchRequest, type BatchResult, type BatchStats } from './batch.js';
import { graphCall, retryAfterSecondsOf, toGraphError } from './errors.js';
import { WritePacer } from './pacer.js';
import { PRIVILEGED_ROLE_TEMPLATES, isPrivilegedRoleTemplate } from './roles.js';

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

/**
 * What is read of onPremisesObjectIdentifier, on **beta** (the 2026-07-01 hard-match hardening:
 * a cloud user mapped to another AD object is not hard-matched until it is cleared). Microsoft documents
 * reading and clearing it with beta calls
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes); the
 * v1.0 user schema does not have it. Read only where it can matter: the users that were synced before
 * and are not synced now (`needsSyncBehavior`: cloud-managed, restored, previously synced), the ones a
 * hard link or a rollback can hand to an AD object. For the others it reads as null.
 */
export const OBJECT_IDENTIFIER_SELECT = ['id', 'onPremisesObjectIdentifier'] as const;
/** The note when beta refuses the property (unconfirmed whether a tenant can): what the plan then cannot see. */
const OBJECT_IDENTIFIER_LOST = 'the plan cannot foresee the 2026-07-01 hard-match refusal for cloud users that were synced before';

/** What a sync wait reads of a user. */
const SYNC_STATE_SELECT = ['id', 'userPrincipalName', 'onPremisesSyncEnabled', 'onPremisesImmutableId'] as const;
/** Above this many users a sync wait reads the user lists (999 per page) instead of $batch GETs (20 per request). */
export const SYNC_STATE_LIST_THRESHOLD = 400;
/** Retries of a read after a transient failure (no answer, 500, 502, 503, 504), with these delays. */
export const READ_RETRY_DELAYS_MS = [500, 2000, 5000] as const;

export const DELETED_USER_SELECT = ['id', 'userPrincipalName', 'onPremisesImmutableId', 'onPremisesSyncEnabled', 'deletedDateTime'] as const;

/** Group properties: EntraGroup's, plus two used only to decide whether the sync behaviour can matter. */
export const GROUP_SELECT = [
  'id',
  'displayName',
  'mailNickname',
  'onPremisesSyncEnabled',
  'securityEnabled',
  'mailEnabled',
  'onPremisesLastSyncDateTime',
  'onPremisesSecurityIdentifier',
] as const;

/**
 * The onPremises* attributes `clearOnPremisesAttributes` may set to null: exactly those Microsoft
 * documents as clearable (not onPremisesLastSyncDateTime), CLEARABLE_ON_PREMISES_ATTRIBUTES.
 * https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes
 */
export const CLEARABLE_ATTRIBUTES: readonly string[] = CLEARABLE_ON_PREMISES_ATTRIBUTES;

export interface GraphEntraAccessOptions {
  client: Client;
  tenantId: string;
  /** Write pacing (default: Graph's 3,000 writes / 150 s, with the same clock). */
  pacer?: WritePacer;
  /** Waits (ms) for inner $batch 429s when no pacer applies (reads). Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock (for the default pacer). */
  now?: () => number;
  /** Progress lines for people ("read 12,345 Entra users (13 pages)"). */
  onProgress?: (message: string) => void;
  /** $batch requests in flight at once when reading sync behaviours (default 4). */
  readConcurrency?: number;
}

/** What the reads cost (for progress output and benchmarks). */
export interface ReadStats {
  userPages: number;
  users: number;
  syncBehaviorReads: number;
  /** Users whose onPremisesObjectIdentifier was asked for on beta (in `$batch`es, or picked from beta user pages). */
  objectIdentifierReads: number;
  /** Pages of `GET /beta/users?$select=id,onPremisesObjectIdentifier` (when cheaper than `$batch`es). */
  objectIdentifierPages: number;
  batch: BatchStats;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const boolOrNull = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function hasLeftovers(u: Json): boolean {
  return ON_PREMISES_LEFTOVER_ATTRIBUTES.some((a) => u[a] !== null && u[a] !== undefined);
}

/**
 * Whether `isCloudManaged` must be read for a user: only for objects that were synced before and are
 * not synced now. A synced user (onPremisesSyncEnabled true) is by definition not cloud-managed; a
 * never-synced cloud user has nothing to manage. (Unconfirmed: right after the switch, Graph may show
 * onPremisesSyncEnabled true for a short while; the next read corrects it.)
 */
export function needsSyncBehavior(u: Json): boolean {
  if (u['onPremisesSyncEnabled'] === true) return false;
  return u['onPremisesSyncEnabled'] === false || typeof u['onPremisesImmutableId'] === 'string' || hasLeftovers(u);
}

/** A Graph group record (GROUP_SELECT) → EntraGroup; `behavior` is its onPremisesSyncBehavior.isCloudManaged when read. */
function toEntraGroup(g: Json, behavior: boolean | null): EntraGroup {
  return {
    id: String(g['id']),
    displayName: str(g['displayName']) ?? '',
    mailNickname: str(g['mailNickname']),
    onPremisesSyncEnabled: boolOrNull(g['onPremisesSyncEnabled']),
    isCloudManaged: g['onPremisesSyncEnabled'] === true ? false : behavior,
    securityEnabled: g['securityEnabled'] === true,
    mailEnabled: g['mailEnabled'] === true,
  };
}

function groupNeedsSyncBehavior(g: Json): boolean {
  if (g['onPremisesSyncEnabled'] === true) return false;
  return g['onPremisesSyncEnabled'] === false || g['onPremisesLastSyncDateTime'] != null || g['onPremisesSecurityIdentifier'] != null;
}

/** GET onPremisesSyncBehavior answers `{isCloudManaged}`; the docs' examples wrap it in `value`: accept both. */
export function isCloudManagedFrom(body: unknown): boolean | null {
  if (body === null || typeof body !== 'object') return null;
  const b = body as Json;
  if (typeof b['isCloudManaged'] === 'boolean') return b['isCloudManaged'];
  const v = b['value'];
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Json)['isCloudManaged'] === 'boolean') {
    return (v as Json)['isCloudManaged'] as boolean;
  }
  if (Array.isArray(v) && v[0] && typeof (v[0] as Json)['isCloudManaged'] === 'boolean') return (v[0] as Json)['isCloudManaged'] as boolean;
  return null;
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
    onPremisesDistinguishedName: str(u['onPremisesDistinguishedName']),
    onPremisesDomainName: str(u['onPremisesDomainName']),
    onPremisesSamAccountName: str(u['onPremisesSamAccountName']),
    onPremisesSecurityIdentifier: str(u['onPremisesSecurityIdentifier']),
    onPremisesUserPrincipalName: str(u['onPremisesUserPrincipalName']),
    onPremisesLastSyncDateTime: str(u['onPremisesLastSyncDateTime']),
  };
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

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Eligible role assignments by user, from `roleEligibilityScheduleInstances` items (any scope: an
 * eligibility scoped to an administrative unit still counts; built-in role definition ids equal their
 * template ids). Names come from the activated roles, else the privileged-role table, else the id.
 */
export function eligibleRolesFrom(items: readonly Record<string, unknown>[], namesByTemplate: ReadonlyMap<string, string | null>): Map<string, RoleAssignment[]> {
  const out = new Map<string, RoleAssignment[]>();
  for (const it of items) {
    const principal = str(it['principalId']);
    const def = str(it['roleDefinitionId'])?.toLowerCase();
    if (!principal || !def) continue;
    const role = namesByTemplate.get(def) ?? PRIVILEGED_ROLE_TEMPLATES[def] ?? def;
    const list = out.get(principal) ?? [];
    if (!list.some((r) => r.role === role)) list.push({ role, state: 'eligible', privileged: isPrivilegedRoleTemplate(def) });
    out.set(principal, list);
  }
  return out;
}

/** How long role memberships read once are reused by `getUser` (apply's per-step re-reads). */
export const ROLES_TTL_MS = 60_000;

export class GraphEntraAccess implements EntraAccess {
  readonly client: Client;
  readonly tenantId: string;
  readonly pacer: WritePacer;
  readonly stats: ReadStats = { userPages: 0, users: 0, syncBehaviorReads: 0, objectIdentifierReads: 0, objectIdentifierPages: 0, batch: newBatchStats() };
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #progress: (message: string) => void;
  readonly #readConcurrency: number;
  readonly #now: () => number;
  /** Role holders as last read; `getUser` reuses them for ROLES_TTL_MS instead of re-reading all roles per user. */
  #roles: { at: number; byUser: Map<string, RoleAssignment[]> } | null = null;
  #eligibleNoted = false;
  /** False once beta refused onPremisesObjectIdentifier (400): later reads do not ask again (one note). */
  #objectIdentifierReadable = true;
  #syncSettingsNoted = false;

  constructor(opts: GraphEntraAccessOptions) {
    this.client = opts.client;
    this.tenantId = opts.tenantId;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.pacer = opts.pacer ?? new WritePacer({}, { sleep: this.#sleep, ...(opts.now ? { now: opts.now } : {}) });
    this.#progress = opts.onProgress ?? (() => undefined);
    this.#readConcurrency = opts.readConcurrency ?? 4;
    this.#now = opts.now ?? (() => Date.now());
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** One page: a path (`/users?...`, on `version`) or an `@odata.nextLink` (followed as is, on our endpoint). */
  async #getPage(pathOrLink: string, version: 'v1.0' | 'beta' = 'v1.0'): Promise<{ value: Json[]; next: string | null }> {
    let path = pathOrLink;
    let ver: string = version;
    const m = /^https?:\/\/[^/]+\/([^/?]+)(\/.*)$/i.exec(pathOrLink);
    if (m) {
      // The SDK only parses https:// links itself; splitting here keeps the lab's http:// links working
      // and sends the link's path and query, unchanged, to the endpoint this client authenticates to.
      ver = m[1]!;
      path = m[2]!;
    }
    const body = await this.#read(() => this.client.api(path).version(ver).get() as Promise<Json>);
    const value = Array.isArray(body['value']) ? (body['value'] as Json[]) : [];
    const next = typeof body['@odata.nextLink'] === 'string' ? (body['@odata.nextLink']) : null;
    return { value, next };
  }

  async #getAll(path: string, version: 'v1.0' | 'beta' = 'v1.0', onPage?: (count: number, pages: number) => void): Promise<Json[]> {
    const all: Json[] = [];
    let link: string | null = path;
    let pages = 0;
    while (link !== null) {
      const page: { value: Json[]; next: string | null } = await this.#getPage(link, pages === 0 ? version : 'v1.0');
      all.push(...page.value);
      pages += 1;
      onPage?.(all.length, pages);
      link = page.next;
    }
    return all;
  }

  /**
   * One read, retried after a transient failure (no answer, 500, 502, 503, 504; the SDK's RetryHandler
   * already retried 503/504/429 with Retry-After): a single blip does not fail a read.
   */
  async #read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await graphCall(fn);
      } catch (err) {
        if (!isTransientGraphError(err) || attempt >= READ_RETRY_DELAYS_MS.length) throw err;
        await this.#sleep(READ_RETRY_DELAYS_MS[attempt] as number);
      }
    }
  }

  async #write<T>(fn: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(1);
    try {
      return await fn();
    } catch (err) {
      const e = toGraphError(err);
      // The SDK's retries ran out: hold every writer (Retry-After, else 30 s) before the next attempt.
      if (e.status === 429) this.pacer.penalise(retryAfterSecondsOf(e) ?? 30);
      throw e;
    }
  }

  /**
   * Sends write requests in `$batch`es of ≤ 20 (paced, inner 429 retried, 424 handled) and returns one
   * result per request id. Inner failures are results with `error`, not exceptions.
   */
  async batchWrites(requests: readonly BatchRequest[], version: 'v1.0' | 'beta' = 'v1.0'): Promise<Map<string, BatchResult>> {
    return runBatch(this.client, requests, {
      version,
      pacer: this.pacer,
      sleep: this.#sleep,
      stats: this.stats.batch,
      onThrottle: (s, n) => this.#progress(`Graph throttled ${n} batched request(s); retrying after ${s}s`),
    });
  }

  /**
   * Whether onPremisesObjectIdentifier of M previously synced users among N is read in the beta `$batch`
   * (one more request per user, ⌈M / 20⌉ more batches) or from the beta user list (⌈N / 999⌉ pages of
   * `GET /beta/users?$select=id,onPremisesObjectIdentifier`): whichever takes fewer requests, so the
   * read costs at most min(⌈M / 20⌉, ⌈N / 999⌉) requests more. null: not read (nobody needs it, or beta
   * refused it before).
   */
  #objectIdentifierRoute(candidates: number, totalUsers: number): 'batch' | 'pages' | null {
    if (candidates === 0 || !this.#objectIdentifierReadable) return null;
    return Math.ceil(candidates / 20) <= Math.ceil(totalUsers / 999) ? 'batch' : 'pages';
  }

  /** onPremisesObjectIdentifier of `ids`, picked from the beta user list (see #objectIdentifierRoute). */
  async #readObjectIdentifierPages(ids: readonly string[]): Promise<Map<string, string | null>> {
    const wanted = new Set(ids);
    const out = new Map<string, string | null>();
    let users: Json[];
    try {
      users = await this.#getAll(`/users?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}&$top=999`, 'beta', (_n, pages) => {
        this.stats.objectIdentifierPages = pages;
      });
    } catch (err) {
      if (!(err instanceof GraphError && err.status === 400)) throw err;
      this.#objectIdentifierRefused(err);
      return out;
    }
    for (const u of users) if (wanted.has(String(u['id']))) out.set(String(u['id']), str(u['onPremisesObjectIdentifier']));
    this.stats.objectIdentifierReads += ids.length;
    return out;
  }

  /**
   * Beta reads per object in `$batch`es of 20: isCloudManaged (`GET /{kind}/{id}/onPremisesSyncBehavior`)
   * and, for users with `identifiers`, onPremisesObjectIdentifier (`GET /users/{id}?$select=id,
   * onPremisesObjectIdentifier`). An object gone meanwhile (404) reads as null.
   */
  async #readBetaDetails(
    kind: 'users' | 'groups',
    ids: readonly string[],
    identifiers: boolean,
  ): Promise<{ behaviors: Map<string, boolean | null>; identifiers: Map<string, string | null> }> {
    const out = { behaviors: new Map<string, boolean | null>(), identifiers: new Map<string, string | null>() };
    if (ids.length === 0) return out;
    const requests: BatchRequest[] = ids.flatMap((id, i) => [
      { id: `b${i}`, method: 'GET' as const, url: `/${kind}/${encodeURIComponent(id)}/onPremisesSyncBehavior` },
      ...(identifiers ? [{ id: `o${i}`, method: 'GET' as const, url: `/users/${encodeURIComponent(id)}?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}` }] : []),
    ]);
    const results = await this.#read(() =>
      runBatch(this.client, requests, {
        version: 'beta',
        sleep: this.#sleep,
        concurrency: this.#readConcurrency,
        stats: this.stats.batch,
        onThrottle: (s, n) => this.#progress(`Graph throttled ${n} beta read(s) of sync behaviour; retrying after ${s}s`),
      }),
    );
    // Beta refusing the property (400: unconfirmed that a tenant can) loses only the identifiers.
    const refused = identifiers ? [...results.values()].find((r) => r.id.startsWith('o') && r.status === 400) : undefined;
    if (refused?.error) this.#objectIdentifierRefused(refused.error);
    ids.forEach((id, i) => {
      const b = results.get(`b${i}`) as BatchResult;
      if (b.error && b.status !== 404) throw b.error;
      out.behaviors.set(id, b.error ? null : isCloudManagedFrom(b.body));
      if (!identifiers || refused) return;
      const o = results.get(`o${i}`) as BatchResult;
      if (o.error && o.status !== 404) throw o.error;
      out.identifiers.set(id, o.error ? null : str((o.body as Json | null)?.['onPremisesObjectIdentifier']));
    });
    this.stats.syncBehaviorReads += ids.length;
    if (identifiers && !refused) this.stats.objectIdentifierReads += ids.length;
    return out;
  }

  /** Beta refused onPremisesObjectIdentifier (400): say so once, read it as null from now on. */
  #objectIdentifierRefused(err: GraphError): void {
    if (!this.#objectIdentifierReadable) return;
    this.#objectIdentifierReadable = false;
    this.#progress(`note: onPremisesObjectIdentifier not read (Graph ${err.status} ${err.code} on beta); ${OBJECT_IDENTIFIER_LOST}`);
  }

  /** userId → roles held (active assignments, from activated directory roles). */
  async #readRoles(): Promise<Map<string, RoleAssignment[]>> {
    const roles = await this.#getAll('/directoryRoles?$expand=members($select=id)');
    const byUser = new Map<string, RoleAssignment[]>();
    for (const role of roles) {
      let members = Array.isArray(role['members']) ? (role['members'] as Json[]) : [];
      // Graph expands at most 20 directory objects; read the full list when it may be cut.
      if (members.length >= 20 || typeof role['members@odata.nextLink'] === 'string') {
        members = await this.#getAll(`/directoryRoles/${String(role['id'])}/members?$select=id&$top=999`);
      }
      const assignment: RoleAssignment = {
        role: str(role['displayName']) ?? String(role['roleTemplateId'] ?? role['id']),
        state: 'active',
        privileged: isPrivilegedRoleTemplate(str(role['roleTemplateId'])),
      };
      for (const m of members) {
        const id = String(m['id']);
        const list = byUser.get(id) ?? [];
        list.push({ ...assignment });
        byUser.set(id, list);
      }
    }
    const namesByTemplate = new Map(roles.map((r) => [(str(r['roleTemplateId']) ?? '').toLowerCase(), str(r['displayName'])]));
    for (const [userId, list] of await this.#readEligibleRoles(namesByTemplate)) {
      const held = byUser.get(userId) ?? [];
      for (const e of list) if (!held.some((h) => h.role === e.role && h.state === e.state)) held.push(e);
      byUser.set(userId, held);
    }
    for (const list of byUser.values()) list.sort((a, b) => a.role.localeCompare(b.role) || a.state.localeCompare(b.state));
    this.#roles = { at: this.#now(), byUser };
    return byUser;
  }

  /**
   * PIM eligibilities (`roleEligibilityScheduleInstances`): hard match is refused for users *eligible*
   * for a privileged role too. Needs Entra ID P2 and RoleManagement.Read.Directory; when the tenant or
   * the app cannot read them (400/403/404), roles hold active assignments only and a note says so.
   */
  async #readEligibleRoles(namesByTemplate: Map<string, string | null>): Promise<Map<string, RoleAssignment[]>> {
    let items: Json[];
    try {
      items = await this.#getAll('/roleManagement/directory/roleEligibilityScheduleInstances?$select=principalId,roleDefinitionId');
    } catch (err) {
      if (err instanceof GraphError && (err.status === 400 || err.status === 403 || err.status === 404)) {
        if (!this.#eligibleNoted) {
          this.#eligibleNoted = true;
          this.#progress(`note: PIM role eligibilities not read (Graph ${err.status} ${err.code}); roles show active assignments only`);
        }
        return new Map();
      }
      throw err;
    }
    return eligibleRolesFrom(items, namesByTemplate);
  }

  /** One object from v1.0 (transient failures retried); null when Graph answers 404. */
  async #getOne(path: string): Promise<Json | null> {
    try {
      return await this.#read(() => this.client.api(path).version('v1.0').get() as Promise<Json>);
    } catch (err) {
      if (err instanceof GraphError && err.status === 404) return null;
      throw err;
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  async listUsers(): Promise<EntraUser[]> {
    const rolesP = this.#readRoles();
    rolesP.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
    const raw = await this.#getAll(`/users?$select=${USER_SELECT.join(',')}&$top=999`, 'v1.0', (n, pages) => {
      this.stats.userPages = pages;
      this.stats.users = n;
      if (pages % 10 === 0) this.#progress(`reading Entra users: ${fmt(n)} so far (${pages} pages)`);
    });
    this.#progress(`read ${fmt(raw.length)} Entra users (${this.stats.userPages} page${this.stats.userPages === 1 ? '' : 's'})`);
    const candidates = raw.filter(needsSyncBehavior).map((u) => String(u['id']));
    const route = this.#objectIdentifierRoute(candidates.length, raw.length);
    const pagedP = route === 'pages' ? this.#readObjectIdentifierPages(candidates) : null;
    pagedP?.catch(() => undefined); // awaited below
    const details = await this.#readBetaDetails('users', candidates, route === 'batch');
    const behaviors = details.behaviors;
    const identifiers = (await pagedP) ?? details.identifiers;
    if (candidates.length > 0) {
      const batches = Math.ceil((candidates.length * (route === 'batch' ? 2 : 1)) / 20);
      const how = route === 'pages' ? `${batches} batch(es), ${this.stats.objectIdentifierPages} page(s)` : `${batches} batch(es)`;
      const what = this.#objectIdentifierReadable ? 'sync behaviour and onPremisesObjectIdentifier' : 'sync behaviour';
      this.#progress(`read the ${what} of ${fmt(candidates.length)} previously synced user(s) (${how})`);
    }
    const roles = await rolesP;
    return raw.map((u) => {
      const id = String(u['id']);
      const icm = u['onPremisesSyncEnabled'] === true ? false : (behaviors.get(id) ?? null);
      return toEntraUser(u, icm, roles.get(id) ?? [], identifiers.get(id) ?? null);
    });
  }

  async getUser(id: string): Promise<EntraUser | null> {
    const u = await this.#getOne(`/users/${encodeURIComponent(id)}?$select=${USER_SELECT.join(',')}`);
    if (u === null) return null;
    let icm: boolean | null = u['onPremisesSyncEnabled'] === true ? false : null;
    let identifier: string | null = null;
    if (needsSyncBehavior(u)) {
      // Both beta reads in one $batch: the same two requests as for a user that needs neither.
      const uid = String(u['id']);
      const { behaviors, identifiers } = await this.#readBetaDetails('users', [uid], this.#objectIdentifierReadable);
      icm = behaviors.get(uid) ?? null;
      identifier = identifiers.get(uid) ?? null;
    }
    const cached = this.#roles && this.#now() - this.#roles.at < ROLES_TTL_MS ? this.#roles.byUser : null;
    const roles = cached ?? (await this.#readRoles());
    return toEntraUser(u, icm, roles.get(String(u['id'])) ?? [], identifier);
  }

  async listDeletedUsers(): Promise<DeletedEntraUser[]> {
    const raw = await this.#getAll(`/directory/deletedItems/microsoft.graph.user?$select=${DELETED_USER_SELECT.join(',')}&$top=999`);
    this.#progress(`read ${fmt(raw.length)} deleted Entra user(s)`);
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
        this.#getAll(`/users?$select=${select}&$top=999`),
        this.#getAll(`/directory/deletedItems/microsoft.graph.user?$select=${select}&$top=999`),
      ]);
      for (const u of deleted) if (wanted.has(String(u['id']).toLowerCase())) out.set(String(u['id']), toState(u, 'deleted'));
      for (const u of active) if (wanted.has(String(u['id']).toLowerCase())) out.set(String(u['id']), toState(u, 'active'));
      return out;
    }
    const read = async (path: (id: string) => string, where: UserSyncState['where'], which: readonly string[]): Promise<string[]> => {
      const results = await this.#read(() =>
        runBatch(
          this.client,
          which.map((id, i) => ({ id: String(i), method: 'GET' as const, url: path(id) })),
          { version: 'v1.0', sleep: this.#sleep, concurrency: this.#readConcurrency, stats: this.stats.batch },
        ),
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

  async listGroups(): Promise<EntraGroup[]> {
    const raw = await this.#getAll(`/groups?$select=${GROUP_SELECT.join(',')}&$top=999`);
    const candidates = raw.filter(groupNeedsSyncBehavior).map((g) => String(g['id']));
    const behaviors = (await this.#readBetaDetails('groups', candidates, false)).behaviors;
    this.#progress(`read ${fmt(raw.length)} Entra group(s)`);
    return raw.map((g) => toEntraGroup(g, behaviors.get(String(g['id'])) ?? null));
  }

  async getGroup(id: string): Promise<EntraGroup | null> {
    const g = await this.#getOne(`/groups/${encodeURIComponent(id)}?$select=${GROUP_SELECT.join(',')}`);
    if (g === null) return null;
    let behavior: boolean | null = null;
    if (groupNeedsSyncBehavior(g)) {
      try {
        behavior = isCloudManagedFrom(
          await this.#read(() => this.client.api(`/groups/${encodeURIComponent(id)}/onPremisesSyncBehavior`).version('beta').get() as Promise<unknown>),
        );
      } catch (err) {
        if (!(err instanceof GraphError && err.status === 404)) throw err;
      }
    }
    return toEntraGroup(g, behavior);
  }

  async getTenantSyncState(): Promise<TenantSyncState> {
    const [orgs, sync] = await Promise.all([this.#getAll('/organization'), this.#readSyncSettings()]);
    const org = orgs.find((o) => String(o['id']).toLowerCase() === this.tenantId.toLowerCase()) ?? orgs[0];
    if (!org) throw new GraphError(404, 'Request_ResourceNotFound', 'GET /organization returned no organization');
    const pending = pendingDisableOf(org) ?? (org['onPremisesSyncEnabled'] === false ? await this.#syncedUsersRemain() : null);
    const base = {
      tenantId: String(org['id']),
      onPremisesSyncEnabled: boolOrNull(org['onPremisesSyncEnabled']),
      disablePending: pending !== null,
      disableRequestedAt: pending?.requestedAt ?? null,
      onPremisesLastSyncDateTime: str(org['onPremisesLastSyncDateTime']),
    };
    if (sync === null) return { ...base, features: null, accidentalDeletionPrevention: null };
    const features = (sync['features'] ?? {}) as Json;
    const prevention = (((sync['configuration'] ?? {}) as Json)['accidentalDeletionPrevention'] ?? {}) as Json;
    const type = prevention['synchronizationPreventionType'];
    return {
      ...base,
      features: {
        blockSoftMatchEnabled: features['blockSoftMatchEnabled'] === true,
        blockCloudObjectTakeoverThroughHardMatchEnabled: features['blockCloudObjectTakeoverThroughHardMatchEnabled'] === true,
        softMatchOnUpnEnabled: features['softMatchOnUpnEnabled'] === true,
        passwordSyncEnabled: typeof features['passwordSyncEnabled'] === 'boolean' ? features['passwordSyncEnabled'] : null,
      },
      accidentalDeletionPrevention: {
        synchronizationPreventionType: type === 'enabledForCount' || type === 'enabledForPercentage' ? type : 'disabled',
        alertThreshold: typeof prevention['alertThreshold'] === 'number' ? prevention['alertThreshold'] : null,
      },
    };
  }

  /**
   * `GET /directory/onPremisesSynchronization`, or null when the sign-in may not read it. Microsoft's
   * permission table supports delegated permissions only (a signed-in Global Administrator);
   * application permissions are "Not supported"
   * (https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get), so an app-only sign-in
   * gets 403: the sync features and the accidental-deletion threshold are then unknown (null), with a
   * note, instead of a failed read.
   */
  async #readSyncSettings(): Promise<Json | null> {
    try {
      const syncs = await this.#getAll('/directory/onPremisesSynchronization');
      return syncs.find((x) => String(x['id']).toLowerCase() === this.tenantId.toLowerCase()) ?? syncs[0] ?? {};
    } catch (err) {
      if (!(err instanceof GraphError && err.status === 403)) throw err;
      if (!this.#syncSettingsNoted) {
        this.#syncSettingsNoted = true;
        this.#progress(
          `note: the tenant's sync features and accidental-deletion threshold were not read (Graph ${err.status} ${err.code}): ` +
            `GET /directory/onPremisesSynchronization accepts only a signed-in Global Administrator (delegated): no application, and no other role ` +
            `(https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get); ` +
            `they count as unknown. Sign in as a Global Administrator (--auth device-code or --auth interactive) to read or change them`,
        );
      }
      return null;
    }
  }

  /**
   * A tenant-wide disable in progress: organization.onPremisesSyncEnabled already reads false while
   * users are still synced (it completes within 72 h, when they turn false). Graph has no property
   * for "pending" (unconfirmed how the service shows it); this inference is what the lab emulates.
   */
  async #syncedUsersRemain(): Promise<{ requestedAt: string | null } | null> {
    const filter = encodeURIComponent('onPremisesSyncEnabled eq true');
    const body = await this.#read(
      () =>
        this.client
          .api(`/users?$filter=${filter}&$select=id&$top=1&$count=true`)
          .version('v1.0')
          .header('ConsistencyLevel', 'eventual')
          .get() as Promise<Json>,
    );
    const value = Array.isArray(body['value']) ? body['value'] : [];
    return value.length > 0 ? { requestedAt: null } : null;
  }

  // ---- writes ----------------------------------------------------------------------------------

  async setUserCloudManaged(userId: string, isCloudManaged: boolean): Promise<void> {
    await this.#write(() => this.client.api(`/users/${encodeURIComponent(userId)}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged }));
  }

  async setGroupCloudManaged(groupId: string, isCloudManaged: boolean): Promise<void> {
    await this.#write(() => this.client.api(`/groups/${encodeURIComponent(groupId)}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged }));
  }

  async setImmutableId(userId: string, immutableId: string | null): Promise<void> {
    // Clearing with null is documented on beta only (SDKs that send "" do not clear it).
    const version = immutableId === null ? 'beta' : 'v1.0';
    await this.#write(() => this.client.api(`/users/${encodeURIComponent(userId)}`).version(version).patch({ onPremisesImmutableId: immutableId }));
  }

  async clearOnPremisesAttributes(userId: string, attributes: readonly string[]): Promise<void> {
    const unknown = attributes.filter((a) => !CLEARABLE_ATTRIBUTES.includes(a));
    if (unknown.length > 0) throw new Error(`clearOnPremisesAttributes: not an on-premises attribute: ${unknown.join(', ')}`);
    if (attributes.length === 0) return;
    const body = Object.fromEntries(attributes.map((a) => [a, null]));
    await this.#write(() => this.client.api(`/users/${encodeURIComponent(userId)}`).version('beta').patch(body));
  }

  async restoreDeletedUser(deletedId: string): Promise<void> {
    await this.#write(() => this.client.api(`/directory/deletedItems/${encodeURIComponent(deletedId)}/restore`).version('v1.0').post({}));
  }

  async resetPassword(userId: string, password: string, forceChangeAtNextSignIn: boolean): Promise<void> {
    await this.#write(() =>
      this.client
        .api(`/users/${encodeURIComponent(userId)}`)
        .version('v1.0')
        .patch({ passwordProfile: { password, forceChangePasswordNextSignIn: forceChangeAtNextSignIn } }),
    );
  }

  async setTenantSyncEnabled(tenantId: string, enabled: boolean): Promise<void> {
    // v1.0 answered "Property 'onPremisesSyncEnabled' is read-only"; beta documents the update.
    await this.#write(() => this.client.api(`/organization/${encodeURIComponent(tenantId)}`).version('beta').patch({ onPremisesSyncEnabled: enabled }));
  }

  async setSyncFeatures(tenantId: string, features: Partial<SyncFeatureFlags>): Promise<void> {
    await this.#write(() =>
      this.client.api(`/directory/onPremisesSynchronization/${encodeURIComponent(tenantId)}`).version('v1.0').patch({ features }),
    );
  }

  async setDeletionThreshold(tenantId: string, threshold: number): Promise<void> {
    if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`deletion threshold must be an integer >= 1, got ${threshold}`);
    await this.#write(() =>
      this.client
        .api(`/directory/onPremisesSynchronization/${encodeURIComponent(tenantId)}`)
        .version('v1.0')
        .patch({ configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: threshold } } }),
    );
  }
}

/**
 * Whether a tenant-wide disable is pending. Graph documents no property for it (unconfirmed how the
 * service shows it); the lab's emulator reports it on the organization, which we accept in either of
 * the shapes below. Absent → not pending.
 */
function pendingDisableOf(org: Json): { requestedAt: string | null } | null {
  const p = org['onPremisesSyncDisablePending'] ?? org['pendingDisable'];
  if (p === true) return { requestedAt: str(org['onPremisesSyncDisableRequestedDateTime']) };
  if (p && typeof p === 'object') return { requestedAt: str((p as Json)['requestedAt']) ?? str((p as Json)['requestedDateTime']) };
  return null;
}
