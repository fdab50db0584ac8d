/** `/directory/deletedItems/...`: deleted users (list, read, restore, purge), with Graph's semantics. */
import { authorize } from './authorization.js';
import { GraphHttpError, badRequest, json, noContent, notFound, type LabRequest, type LabResponse } from './protocol.js';
import { selectList } from './odata.js';
import { contextUrl, methodNotAllowed, type RouteContext } from './route-context.js';
import { listUsers } from './user-list.js';
import { DEFAULT_USER_PROPERTIES, userProperties } from './user-properties.js';
import { deletedView, userView } from './user-view.js';

const DELETED_USER_DEFAULTS = [...DEFAULT_USER_PROPERTIES, 'deletedDateTime'];

/** `/directory/deletedItems/...`. The type cast is required for listing. */
export function deletedItemsRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [first, second, ...more] = rest;
  if (req.method === 'GET') authorize(ctx.caller, 'deletedUsers.read');
  if (first === undefined) {
    // Graph needs the cast segment to list deleted items; message is ours (unconfirmed).
    throw badRequest('A type cast segment is required to list deleted items, e.g. /directory/deletedItems/microsoft.graph.user.');
  }
  const lf = first.toLowerCase();
  if (lf === 'microsoft.graph.user' || lf === 'graph.user') {
    if (second !== undefined) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
    if (req.method !== 'GET') throw methodNotAllowed();
    return listUsers(ctx, req, {
      users: t.listDeletedUsers(),
      view: deletedView,
      basePath: `/directory/deletedItems/${first}`,
      contextFragment: 'directoryObjects/microsoft.graph.user',
      extraDefaults: ['deletedDateTime'],
    });
  }
  if (lf.startsWith('microsoft.graph.') || lf.startsWith('graph.')) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return json(200, { '@odata.context': contextUrl(ctx, req, `directoryObjects/${first}`), value: [] });
  }
  const del = t.getDeletedUser(first);
  if (second === undefined) {
    if (!del) throw notFound(first);
    if (req.method === 'GET') {
      const select = selectList(req.query, userProperties(req), 'microsoft.graph.user');
      return json(200, {
        '@odata.context': contextUrl(ctx, req, 'directoryObjects/$entity'),
        '@odata.type': '#microsoft.graph.user',
        ...userView(t, deletedView(del), select, DELETED_USER_DEFAULTS),
      });
    }
    if (req.method === 'DELETE') {
      authorize(ctx.caller, 'deletedUsers.purge');
      t.purgeDeletedUser(del.id);
      return noContent();
    }
    throw methodNotAllowed();
  }
  if (second.toLowerCase() === 'restore' && more.length === 0) {
    if (req.method !== 'POST') throw methodNotAllowed();
    authorize(ctx.caller, 'deletedUsers.restore');
    const u = t.restoreUser(first);
    return json(200, {
      '@odata.context': contextUrl(ctx, req, 'directoryObjects/$entity'),
      '@odata.type': '#microsoft.graph.user',
      ...userView(t, u, null, DELETED_USER_DEFAULTS),
    });
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
}
