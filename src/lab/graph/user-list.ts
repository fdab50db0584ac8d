/**
 * A paged list of users (`GET /users`, `GET /directory/deletedItems/microsoft.graph.user`): `$filter`,
 * `$count`, `$select`, `$top` and `$skiptoken`, as docs/lab-graph.md describes.
 *
 * A page costs what the page holds, not what the tenant holds: the `$skiptoken` records where in
 * the tenant's list (creation order) the next page starts, a page reads from there until it has
 * `$top` users, and only the users on the page are turned into Graph's shape. Without `$filter` the
 * next page's start is known at once; with one, the scan goes on to the next match (so the last
 * page of a filtered list reads to the end of the list). Only `$count=true` counts the whole list.
 */
import { GraphHttpError, badRequest, json, type LabRequest, type LabResponse } from './protocol.js';
import { decodeToken, encodeToken, isEventual, linkWith, pageSize, parseFilter, selectList, wantsCount, type ParsedFilter } from './odata.js';
import { contextUrl, selectSuffix, type RouteContext } from './route-context.js';
import { DEFAULT_USER_PROPERTIES, USER_FILTERABLE, userProperties } from './user-properties.js';
import { userView, type ServedUser } from './user-view.js';

/** Where the next page starts: an index into the source list. */
interface SkipState {
  o: number;
}
const isSkip = (v: unknown): v is SkipState => typeof v === 'object' && v !== null && Number.isInteger((v as SkipState).o) && (v as SkipState).o >= 0;

/** What a list route serves: its users, how each is shown, where it lives. */
export interface UserListSource<U extends ServedUser> {
  /** The users in creation order (not copied; read only). */
  users: readonly U[];
  /** How a stored user is shown (before `$filter` sees it), e.g. a deleted user's prefixed UPN. */
  view: (u: U) => ServedUser;
  /** The path after the version, for nextLink. */
  basePath: string;
  /** The `@odata.context` fragment before the `$select` suffix. */
  contextFragment: string;
  /** Default properties besides Graph's default set (deleted users: `deletedDateTime`). */
  extraDefaults?: readonly string[];
}

/** The `$filter` of a user list, refused as Graph does when it needs advanced query options it lacks. */
export function userFilter(req: LabRequest, eventual: boolean, count: boolean): ParsedFilter | null {
  const src = req.query.get('$filter');
  if (src === null || src.trim() === '') return null;
  const f = parseFilter(src, USER_FILTERABLE, 'User');
  if (f.advanced && !(eventual && count)) {
    throw new GraphHttpError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${f.advancedProp ?? ''}' of resource 'User'.`);
  }
  return f;
}

const asRecord = (u: ServedUser): Readonly<Record<string, unknown>> => u;

export function listUsers<U extends ServedUser>(ctx: RouteContext, req: LabRequest, source: UserListSource<U>): LabResponse {
  const top = pageSize(req.query);
  const select = selectList(req.query, userProperties(req), 'microsoft.graph.user');
  const count = wantsCount(req.query);
  const eventual = isEventual(req.headers);
  if (count && !eventual) throw badRequest('$count is not currently supported.');
  const filter = userFilter(req, eventual, count);
  const { users, view } = source;
  const token = req.query.get('$skiptoken');
  const start = token === null ? 0 : decodeToken(token, isSkip).o;

  const page: ServedUser[] = [];
  let i = start;
  for (; i < users.length && page.length < top; i++) {
    const u = view(users[i] as U);
    if (filter === null || filter.test(asRecord(u))) page.push(u);
  }
  let next = -1;
  if (filter === null) next = i < users.length ? i : -1;
  else {
    for (; i < users.length; i++) {
      if (filter.test(asRecord(view(users[i] as U)))) {
        next = i;
        break;
      }
    }
  }

  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `${source.contextFragment}${selectSuffix(select)}`) };
  if (count) body['@odata.count'] = filter === null ? users.length : users.reduce((n, u) => (filter.test(asRecord(view(u))) ? n + 1 : n), 0);
  if (next >= 0) body['@odata.nextLink'] = linkWith(`${ctx.origin}/${req.version}${source.basePath}`, req.query, '$skiptoken', encodeToken({ o: next }));
  const defaults = source.extraDefaults ? [...DEFAULT_USER_PROPERTIES, ...source.extraDefaults] : DEFAULT_USER_PROPERTIES;
  body.value = page.map((u) => userView(ctx.tenant, u, select, defaults));
  return json(200, body);
}
