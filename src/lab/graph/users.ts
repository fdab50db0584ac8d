/**
 * `/users`, `/users/{id | userPrincipalName}`, `/users/delta`, `/users/$count`,
 * `/users/{id}/onPremisesSyncBehavior` and the deleted-users views, with Graph's semantics
 * (shared/domain.md §1, §4, §5).
 */
import { ON_PREMISES_LEFTOVER_ATTRIBUTES } from '../../model/observed.js';
import type { LabTenant, LabUser, LabUserPatch } from '../tenant.js';
import {
  GraphHttpError,
  badRequest,
  bodyObject,
  json,
  noContent,
  notFound,
  type LabRequest,
  type LabResponse,
} from './protocol.js';
import {
  decodeToken,
  encodeToken,
  isEventual,
  linkWith,
  MAX_PAGE_SIZE,
  pageSize,
  parseFilter,
  selectList,
  wantsCount,
} from './odata.js';

export interface RouteContext {
  tenant: LabTenant;
  /** `http://127.0.0.1:<port>`: used in `@odata.context`, nextLink and deltaLink. */
  origin: string;
}

/** Graph's default user property set (v1.0; the lab serves the same set on beta). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** The on-premises attributes Entra Connect writes to a synced user (AD-mastered) and leaves behind when it is converted. */
const ON_PREMISES_LEFTOVERS = ON_PREMISES_LEFTOVER_ATTRIBUTES;

/** Every user property the lab can return (`$select`). */
export const USER_PROPERTIES: ReadonlySet<string> = new Set([
  ...DEFAULT_USER_PROPERTIES,
  'mailNickname',
  'proxyAddresses',
  'accountEnabled',
  'createdDateTime',
  'deletedDateTime',
  'lastPasswordChangeDateTime',
  'provisionedPlans',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  ...ON_PREMISES_LEFTOVERS,
  'onPremisesProvisioningErrors',
  // Not in Microsoft's CSDL (2026-08); served as a lab extension (domain.md §3, hard-match rule of 2026-07-01).
  'onPremisesObjectIdentifier',
]);

/** $filter support on users: `default` = plain query; `advanced` = needs ConsistencyLevel + $count. */
const USER_FILTERABLE: ReadonlyMap<string, 'default' | 'advanced'> = new Map([
  ['id', 'default'],
  ['userPrincipalName', 'default'],
  ['mail', 'default'],
  ['mailNickname', 'default'],
  ['displayName', 'default'],
  ['givenName', 'default'],
  ['surname', 'default'],
  ['accountEnabled', 'default'],
  ['onPremisesImmutableId', 'default'],
  ['onPremisesSyncEnabled', 'default'],
  ['proxyAddresses', 'default'],
  ['onPremisesSamAccountName', 'advanced'],
  ['onPremisesUserPrincipalName', 'advanced'],
]);

/** Attributes Entra Connect masters for a synced user: a cloud write is refused. */
const AD_MASTERED = new Set([
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'userPrincipalName',
  'proxyAddresses',
  'accountEnabled',
  'onPremisesImmutableId',
  ...ON_PREMISES_LEFTOVERS,
  'onPremisesExtensionAttributes',
  'jobTitle',
  'mobilePhone',
  'officeLocation',
  'businessPhones',
]);

/** Leftover attributes beta lets a cloud-owned user's admin set to null. */
const CLEARABLE_LEFTOVERS: ReadonlySet<string> = new Set(ON_PREMISES_LEFTOVERS);

/** Properties accepted and ignored by the lab (writable in Graph, not modelled). */
const IGNORED_WRITABLE = new Set(['jobTitle', 'mobilePhone', 'officeLocation', 'businessPhones', 'preferredLanguage', 'usageLocation', 'department', 'companyName', 'passwordPolicies']);

export const MASTERED_MESSAGE =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';

/**
 * A user as Graph shows it (all properties the lab knows). `onPremisesProvisioningErrors` is looked
 * up only when `select` asks for it.
 */
export function graphUserRecord(
  t: LabTenant,
  u: Readonly<LabUser> & { deletedDateTime?: string },
  select: readonly string[] | null = null,
): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    mailNickname: u.mailNickname,
    proxyAddresses: [...u.proxyAddresses],
    accountEnabled: u.accountEnabled,
    createdDateTime: u.createdDateTime,
    deletedDateTime: u.deletedDateTime ?? null,
    lastPasswordChangeDateTime: u.passwordLastResetAt ?? u.createdDateTime,
    // Exchange Online's plan when the user has a mailbox (https://learn.microsoft.com/graph/api/resources/provisionedplan)
    provisionedPlans: u.exchangeMailbox ? [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }] : [],
    onPremisesSyncEnabled: u.onPremisesSyncEnabled,
    onPremisesImmutableId: u.onPremisesImmutableId,
    onPremisesDistinguishedName: u.onPremisesDistinguishedName,
    onPremisesDomainName: u.onPremisesDomainName,
    onPremisesSamAccountName: u.onPremisesSamAccountName,
    onPremisesSecurityIdentifier: u.onPremisesSecurityIdentifier,
    onPremisesUserPrincipalName: u.onPremisesUserPrincipalName,
    onPremisesLastSyncDateTime: u.onPremisesLastSyncDateTime,
    onPremisesObjectIdentifier: u.onPremisesObjectIdentifier,
  };
  if (select?.includes('onPremisesProvisioningErrors')) {
    rec.onPremisesProvisioningErrors = t.listProvisioningErrors(u.id).map((e) => ({
      category: e.category,
      occurredDateTime: e.occurredDateTime,
      propertyCausingError: e.propertyCausingError,
      value: e.value,
    }));
  }
  return rec;
}

/** Keep the selected properties (id always), or Graph's default set. */
export function project(rec: Record<string, unknown>, select: readonly string[] | null, defaults: readonly string[]): Record<string, unknown> {
  const keys = select ?? defaults;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = rec[k] ?? (k in rec ? rec[k] : null);
  if (!('id' in out)) out.id = rec.id;
  return out;
}

export function contextUrl(ctx: RouteContext, req: LabRequest, fragment: string): string {
  return `${ctx.origin}/${req.version}/$metadata#${fragment}`;
}

function selectSuffix(select: readonly string[] | null): string {
  return select ? `(${select.join(',')})` : '';
}

interface SkipState {
  o: number;
}
const isSkip = (v: unknown): v is SkipState => typeof v === 'object' && v !== null && typeof (v as SkipState).o === 'number';

/** Shared list logic for users and deleted users: filter, $count, paging. */
function listUsers(
  ctx: RouteContext,
  req: LabRequest,
  source: readonly (Readonly<LabUser> & { deletedDateTime?: string })[],
  basePath: string,
  contextFragment: string,
  extraDefaults: readonly string[] = [],
): LabResponse {
  const top = pageSize(req.query);
  const select = selectList(req.query, USER_PROPERTIES, 'microsoft.graph.user');
  const count = wantsCount(req.query);
  const eventual = isEventual(req.headers);
  if (count && !eventual) throw badRequest('$count is not currently supported.');
  const filterSrc = req.query.get('$filter');
  let items = source;
  if (filterSrc !== null && filterSrc.trim() !== '') {
    const f = parseFilter(filterSrc, USER_FILTERABLE, 'User');
    if (f.advanced && !(eventual && count)) {
      throw new GraphHttpError(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${f.advancedProp ?? ''}' of resource 'User'.`,
      );
    }
    items = source.filter((u) => f.test(u as unknown as Record<string, unknown>));
  }
  const token = req.query.get('$skiptoken');
  const offset = token === null ? 0 : decodeToken(token, isSkip).o;
  const page = items.slice(offset, offset + top);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `${contextFragment}${selectSuffix(select)}`) };
  if (count) body['@odata.count'] = items.length;
  if (offset + top < items.length) {
    body['@odata.nextLink'] = linkWith(`${ctx.origin}/${req.version}${basePath}`, req.query, '$skiptoken', encodeToken({ o: offset + top }));
  }
  const defaults = [...DEFAULT_USER_PROPERTIES, ...extraDefaults];
  body.value = page.map((u) => project(graphUserRecord(ctx.tenant, u, select), select, defaults));
  return json(200, body);
}

interface DeltaState {
  /** Changes after this sequence number are included (-1 = initial round: everything). */
  since: number;
  /** Sequence number at the start of the round (becomes the next deltaLink's `since`). */
  upTo: number;
  o: number;
  sel: string[] | null;
}
const isDelta = (v: unknown): v is DeltaState =>
  typeof v === 'object' && v !== null && typeof (v as DeltaState).since === 'number' && typeof (v as DeltaState).upTo === 'number';

/** Users delta page size: `Prefer: odata.maxpagesize=N` (as Graph documents), default 100. */
function deltaPageSize(req: LabRequest): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(req.headers['prefer'] ?? '');
  return m?.[1] ? Math.min(Math.max(Number(m[1]), 1), MAX_PAGE_SIZE) : 100;
}

function usersDelta(ctx: RouteContext, req: LabRequest): LabResponse {
  const t = ctx.tenant;
  const skip = req.query.get('$skiptoken');
  const delta = req.query.get('$deltatoken');
  let st: DeltaState;
  if (skip !== null) st = decodeToken(skip, isDelta);
  else if (delta !== null) {
    const d = decodeToken(delta, isDelta);
    st = { since: d.upTo, upTo: t.changeSequence(), o: 0, sel: d.sel };
  } else {
    st = { since: -1, upTo: t.changeSequence(), o: 0, sel: selectList(req.query, USER_PROPERTIES, 'microsoft.graph.user') };
  }
  const entries: (Readonly<LabUser> | string)[] = [];
  if (st.since < 0) {
    entries.push(...t.listUsers());
  } else {
    const { changed, removedIds } = t.usersChangedSince(st.since);
    entries.push(...changed, ...removedIds);
  }
  const size = deltaPageSize(req);
  const page = entries
    .slice(st.o, st.o + size)
    .map((e) =>
      typeof e === 'string'
        ? { '@odata.type': '#microsoft.graph.user', id: e, '@removed': { reason: 'changed' } }
        : project(graphUserRecord(t, e, st.sel), st.sel, DEFAULT_USER_PROPERTIES),
    );
  const base = `${ctx.origin}/${req.version}/users/delta`;
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `users${selectSuffix(st.sel)}`) };
  if (st.o + size < entries.length) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...st, o: st.o + size })}`;
  } else {
    body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ since: st.upTo, upTo: st.upTo, o: 0, sel: st.sel })}`;
  }
  body.value = page;
  return json(200, body);
}

function userRef(ctx: RouteContext, idOrUpn: string): Readonly<LabUser> {
  const u = ctx.tenant.findUser(idOrUpn);
  if (!u) throw notFound(idOrUpn);
  return u;
}

/** True when Entra Connect owns the user now. */
export function isSyncedUser(u: Readonly<LabUser>): boolean {
  return u.onPremisesSyncEnabled === true && !u.isCloudManaged;
}

function verifiedDomain(ctx: RouteContext, upn: string): boolean {
  const domain = upn.split('@')[1]?.toLowerCase();
  return domain !== undefined && ctx.tenant.getOrganization().verifiedDomains.some((d) => d.name.toLowerCase() === domain);
}

function checkImmutableIdValue(v: string): void {
  if (/[$_]/.test(v)) {
    // Graph refuses these characters (domain.md §2); the message is our choice (unconfirmed).
    throw badRequest("Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.");
  }
}

function readOnly(prop: string): GraphHttpError {
  return badRequest(`Property '${prop}' is read-only and cannot be set.`);
}

/**
 * PATCH /users/{id}. Order of checks: unknown property; synced user + AD-mastered property →
 * the mastered message; read-only properties; immutable id rules (null clears on beta only;
 * v1.0 null and `""` are accepted and ignored; `$`/`_` refused); UPN domain and uniqueness.
 */
function patchUser(ctx: RouteContext, req: LabRequest, u: Readonly<LabUser>): LabResponse {
  const body = bodyObject(req.body);
  const synced = isSyncedUser(u);
  const patch: LabUserPatch = {};
  let passwordReset = false;
  for (const k of Object.keys(body)) {
    if (!USER_PROPERTIES.has(k) && k !== 'passwordProfile' && !IGNORED_WRITABLE.has(k) && k !== 'onPremisesExtensionAttributes') {
      throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
    if (synced && AD_MASTERED.has(k)) throw badRequest(MASTERED_MESSAGE);
  }
  for (const [k, v] of Object.entries(body)) {
    switch (k) {
      case 'displayName':
      case 'givenName':
      case 'surname':
      case 'mail':
      case 'mailNickname':
        if (v !== null && typeof v !== 'string') throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
        patch[k] = v;
        break;
      case 'accountEnabled':
        if (typeof v !== 'boolean') throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
        patch.accountEnabled = v;
        break;
      case 'userPrincipalName':
        if (typeof v !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(v)) throw badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
        if (!verifiedDomain(ctx, v)) {
          throw badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
        }
        patch.userPrincipalName = v;
        break;
      case 'onPremisesImmutableId':
        if (v === null) {
          // v1.0 accepts null and leaves the value (reported behaviour, unconfirmed); beta clears it.
          if (req.version === 'beta') patch.onPremisesImmutableId = null;
        } else if (typeof v !== 'string') {
          throw badRequest("Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.");
        } else if (v !== '') {
          // "" does not clear (what SDK clients that cannot send null end up sending): ignored.
          checkImmutableIdValue(v);
          patch.onPremisesImmutableId = v;
        }
        break;
      case 'passwordProfile': {
        const p = v as { password?: unknown } | null;
        if (p === null || typeof p !== 'object' || typeof p.password !== 'string' || p.password === '') {
          throw badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
        }
        if (synced && !ctx.tenant.features().passwordWritebackEnabled) throw badRequest(MASTERED_MESSAGE);
        passwordReset = true;
        break;
      }
      default:
        if (CLEARABLE_LEFTOVERS.has(k)) {
          if (req.version !== 'beta' || v !== null) throw readOnly(k);
          (patch as Record<string, unknown>)[k] = null;
        } else if (IGNORED_WRITABLE.has(k) || k === 'onPremisesExtensionAttributes') {
          // accepted, not modelled
        } else {
          throw readOnly(k);
        }
    }
  }
  if (Object.keys(patch).length > 0) ctx.tenant.updateUser(u.id, patch);
  if (passwordReset) ctx.tenant.recordPasswordReset(u.id);
  return noContent();
}

function createUser(ctx: RouteContext, req: LabRequest): LabResponse {
  const b = bodyObject(req.body);
  for (const k of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
    if (b[k] === undefined || b[k] === null) throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
  }
  const str = (k: string): string | null => {
    const v = b[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
    return v;
  };
  const upn = str('userPrincipalName') ?? '';
  if (!verifiedDomain(ctx, upn)) {
    throw badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
  }
  const immutableId = str('onPremisesImmutableId');
  if (immutableId !== null) checkImmutableIdValue(immutableId);
  const pp = b.passwordProfile as { password?: unknown };
  if (typeof pp !== 'object' || typeof pp.password !== 'string' || pp.password === '') {
    throw badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
  }
  if (typeof b.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  const u = ctx.tenant.createUser({
    userPrincipalName: upn,
    displayName: str('displayName'),
    givenName: str('givenName'),
    surname: str('surname'),
    mail: str('mail'),
    mailNickname: str('mailNickname'),
    accountEnabled: b.accountEnabled,
    onPremisesImmutableId: immutableId === '' ? null : immutableId,
    passwordLastResetAt: ctx.tenant.nowIso(),
  });
  const body = { '@odata.context': contextUrl(ctx, req, 'users/$entity'), ...project(graphUserRecord(ctx.tenant, u), null, DEFAULT_USER_PROPERTIES) };
  return json(201, body, { location: `${ctx.origin}/${req.version}/users/${u.id}` });
}

/** GET/PATCH …/onPremisesSyncBehavior for a user or a group. */
export function syncBehaviorRoute(
  ctx: RouteContext,
  req: LabRequest,
  kind: 'users' | 'groups',
  id: string,
  read: () => boolean,
  write: (v: boolean) => void,
): LabResponse {
  if (req.method === 'GET') {
    return json(200, {
      '@odata.context': contextUrl(ctx, req, `${kind}('${id}')/onPremisesSyncBehavior/$entity`),
      '@odata.type': '#microsoft.graph.onPremisesSyncBehavior',
      id,
      isCloudManaged: read(),
    });
  }
  if (req.method === 'PATCH') {
    const b = bodyObject(req.body);
    for (const k of Object.keys(b)) {
      if (k !== 'isCloudManaged' && k !== '@odata.type') throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
    if (typeof b.isCloudManaged !== 'boolean') throw badRequest("Invalid value specified for property 'isCloudManaged' of resource 'onPremisesSyncBehavior'.");
    write(b.isCloudManaged);
    return noContent();
  }
  throw methodNotAllowed();
}

export function methodNotAllowed(): GraphHttpError {
  return new GraphHttpError(405, 'Request_BadRequest', 'The specified HTTP method is not allowed for the request target.');
}

/** Routes under `/users`. `rest` = segments after `users`. */
export function usersRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [first, second, ...more] = rest;
  if (first === undefined) {
    if (req.method === 'GET') return listUsers(ctx, req, t.listUsers(), '/users', 'users');
    if (req.method === 'POST') return createUser(ctx, req);
    throw methodNotAllowed();
  }
  if (first === '$count' && second === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    if (!isEventual(req.headers)) throw badRequest('$count is not currently supported.');
    const src = req.query.get('$filter');
    const f = src ? parseFilter(src, USER_FILTERABLE, 'User') : null;
    const n = f ? t.listUsers().filter((u) => f.test(u as unknown as Record<string, unknown>)).length : t.userCount();
    return { status: 200, headers: { 'content-type': 'text/plain;charset=utf-8' }, text: String(n) };
  }
  const lf = first.toLowerCase();
  if ((lf === 'delta' || lf === 'delta()' || lf === 'microsoft.graph.delta' || lf === 'microsoft.graph.delta()') && second === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return usersDelta(ctx, req);
  }
  const u = userRef(ctx, first);
  if (second === undefined) {
    if (req.method === 'GET') {
      const select = selectList(req.query, USER_PROPERTIES, 'microsoft.graph.user');
      return json(200, {
        '@odata.context': contextUrl(ctx, req, `users${selectSuffix(select)}/$entity`),
        ...project(graphUserRecord(t, u, select), select, DEFAULT_USER_PROPERTIES),
      });
    }
    if (req.method === 'PATCH') return patchUser(ctx, req, u);
    if (req.method === 'DELETE') {
      // Deleting a synced user in the cloud is refused like any other write (unconfirmed wording).
      if (isSyncedUser(u)) throw badRequest(MASTERED_MESSAGE);
      t.deleteUser(u.id);
      return noContent();
    }
    throw methodNotAllowed();
  }
  if (second.toLowerCase() === 'onpremisessyncbehavior' && more.length === 0) {
    return syncBehaviorRoute(ctx, req, 'users', u.id, () => u.isCloudManaged, (v) => t.setUserCloudManaged(u.id, v));
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
}

/**
 * A deleted user as Graph shows it: Entra prefixes a deleted user's UPN with its object id without
 * dashes (`33e89bc6…maria@contoso.com`), freeing the UPN; a restore brings the original back.
 */
function deletedView<T extends Readonly<LabUser>>(u: T): T {
  return { ...u, userPrincipalName: `${u.id.replace(/-/g, '')}${u.userPrincipalName}` };
}

/** `/directory/deletedItems/...`. The type cast is required for listing. */
export function deletedItemsRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [first, second, ...more] = rest;
  if (first === undefined) {
    // Graph needs the cast segment to list deleted items; message is ours (unconfirmed).
    throw badRequest('A type cast segment is required to list deleted items, e.g. /directory/deletedItems/microsoft.graph.user.');
  }
  const lf = first.toLowerCase();
  if (lf === 'microsoft.graph.user' || lf === 'graph.user') {
    if (second !== undefined) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
    if (req.method !== 'GET') throw methodNotAllowed();
    return listUsers(ctx, req, t.listDeletedUsers().map(deletedView), `/directory/deletedItems/${first}`, 'directoryObjects/microsoft.graph.user', ['deletedDateTime']);
  }
  if (lf.startsWith('microsoft.graph.') || lf.startsWith('graph.')) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return json(200, { '@odata.context': contextUrl(ctx, req, `directoryObjects/${first}`), value: [] });
  }
  const del = t.getDeletedUser(first);
  if (second === undefined) {
    if (!del) throw notFound(first);
    if (req.method === 'GET') {
      return json(200, {
        '@odata.context': contextUrl(ctx, req, 'directoryObjects/$entity'),
        '@odata.type': '#microsoft.graph.user',
        ...((sel) => project(graphUserRecord(t, deletedView(del), sel), sel, [...DEFAULT_USER_PROPERTIES, 'deletedDateTime']))(
          selectList(req.query, USER_PROPERTIES, 'microsoft.graph.user'),
        ),
      });
    }
    if (req.method === 'DELETE') {
      t.purgeDeletedUser(del.id);
      return noContent();
    }
    throw methodNotAllowed();
  }
  if (second.toLowerCase() === 'restore' && more.length === 0) {
    if (req.method !== 'POST') throw methodNotAllowed();
    const u = t.restoreUser(first);
    return json(200, {
      '@odata.context': contextUrl(ctx, req, 'directoryObjects/$entity'),
      '@odata.type': '#microsoft.graph.user',
      ...project(graphUserRecord(t, u), null, [...DEFAULT_USER_PROPERTIES, 'deletedDateTime']),
    });
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
}
