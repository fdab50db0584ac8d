/**
 * The routes under `/users`: the list, `$count`, `delta`, one user (by id or userPrincipalName),
 * create, update, delete and `onPremisesSyncBehavior`, with Graph's semantics (docs/lab-graph.md,
 * "Semantics").
 */
import type { LabUser } from '../tenant/records.js';
import { authorize } from './authorization.js';
import { GraphHttpError, badRequest, json, noContent, notFound, type LabRequest, type LabResponse } from './protocol.js';
import { isEventual, selectList } from './odata.js';
import { contextUrl, methodNotAllowed, selectSuffix, type RouteContext } from './route-context.js';
import { syncBehaviorRoute } from './sync-behavior-route.js';
import { MASTERED_MESSAGE, isSyncedUser } from './user-errors.js';
import { listUsers, userFilter } from './user-list.js';
import { DEFAULT_USER_PROPERTIES, userProperties } from './user-properties.js';
import { userView } from './user-view.js';
import { usersDelta } from './users-delta.js';
import { createUser, patchUser } from './user-writes.js';

const asIs = (u: Readonly<LabUser>): Readonly<LabUser> => u;

function userRef(ctx: RouteContext, idOrUpn: string): Readonly<LabUser> {
  const u = ctx.tenant.findUser(idOrUpn);
  if (!u) throw notFound(idOrUpn);
  return u;
}

/** `GET /users/$count` (text/plain; needs `ConsistencyLevel: eventual`). */
function countUsers(ctx: RouteContext, req: LabRequest): LabResponse {
  if (req.method !== 'GET') throw methodNotAllowed();
  if (!isEventual(req.headers)) throw badRequest('$count is not currently supported.');
  const users = ctx.tenant.listUsers();
  // $count on the path counts with any $filter, advanced or not (it is itself the count request).
  const f = userFilter(req, true, true);
  const n = f ? users.reduce((k, u) => (f.test(u as unknown as Record<string, unknown>) ? k + 1 : k), 0) : users.length;
  return { status: 200, headers: { 'content-type': 'text/plain;charset=utf-8' }, text: String(n) };
}

/** Routes under `/users`. `rest` = segments after `users`. */
export function usersRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [first, second, ...more] = rest;
  if (req.method === 'GET' && !(second?.toLowerCase() === 'onpremisessyncbehavior')) authorize(ctx.caller, 'users.read');
  if (first === undefined) {
    if (req.method === 'GET') return listUsers(ctx, req, { users: t.listUsers(), view: asIs, basePath: '/users', contextFragment: 'users' });
    if (req.method === 'POST') return createUser(ctx, req);
    throw methodNotAllowed();
  }
  if (first === '$count' && second === undefined) return countUsers(ctx, req);
  const lf = first.toLowerCase();
  if ((lf === 'delta' || lf === 'delta()' || lf === 'microsoft.graph.delta' || lf === 'microsoft.graph.delta()') && second === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return usersDelta(ctx, req);
  }
  const u = userRef(ctx, first);
  if (second === undefined) {
    if (req.method === 'GET') {
      const select = selectList(req.query, userProperties(req), 'microsoft.graph.user');
      return json(200, {
        '@odata.context': contextUrl(ctx, req, `users${selectSuffix(select)}/$entity`),
        ...userView(t, u, select, DEFAULT_USER_PROPERTIES),
      });
    }
    if (req.method === 'PATCH') return patchUser(ctx, req, u);
    if (req.method === 'DELETE') {
      authorize(ctx.caller, 'users.delete');
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
