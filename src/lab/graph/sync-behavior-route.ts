/** `GET/PATCH …/onPremisesSyncBehavior` of a user or a group (the SOA switch). */
import { authorize } from './authorization.js';
import { badRequest, bodyObject, json, noContent, type LabRequest, type LabResponse } from './protocol.js';
import { contextUrl, methodNotAllowed, type RouteContext } from './route-context.js';

export function syncBehaviorRoute(
  ctx: RouteContext,
  req: LabRequest,
  kind: 'users' | 'groups',
  id: string,
  read: () => boolean,
  write: (v: boolean) => void,
): LabResponse {
  if (req.method === 'GET') {
    authorize(ctx.caller, kind === 'users' ? 'userSyncBehavior.read' : 'groupSyncBehavior.read');
    const entity = { '@odata.type': '#microsoft.graph.onPremisesSyncBehavior', id, isCloudManaged: read() };
    // beta: the shape of Microsoft's documented response, the entity wrapped in "value"
    // (learn.microsoft.com/graph/api/onpremisessyncbehavior-get?view=graph-rest-beta, example response);
    // v1.0: the entity itself, as the v1.0 OpenAPI description types this path.
    if (req.version === 'beta') return json(200, { '@odata.context': contextUrl(ctx, req, `${kind}('${id}')/onPremisesSyncBehavior/$entity`), value: entity });
    return json(200, { '@odata.context': contextUrl(ctx, req, `${kind}('${id}')/onPremisesSyncBehavior/$entity`), ...entity });
  }
  if (req.method === 'PATCH') {
    authorize(ctx.caller, kind === 'users' ? 'userSyncBehavior.update' : 'groupSyncBehavior.update');
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
