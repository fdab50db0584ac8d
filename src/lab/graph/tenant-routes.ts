/**
 * `/organization`, `/directory/onPremisesSynchronization`, `/directoryRoles`,
 * `/roleManagement/directory/roleEligibilityScheduleInstances` and `/groups`.
 */
import type { DeletionPreventionType } from '../tenant/sync-features.js';
import type { LabGroup } from '../tenant/records.js';
import type { LabTenant } from '../tenant/lab-tenant.js';
import { GraphHttpError, badRequest, bodyObject, json, noContent, notFound, type LabRequest, type LabResponse } from './protocol.js';
import { decodeToken, encodeToken, linkWith, pageSize, parseFilter, selectList, wantsCount, isEventual } from './odata.js';
import { contextUrl, methodNotAllowed, project, type RouteContext } from './route-context.js';
import { syncBehaviorRoute } from './sync-behavior-route.js';
import { DEFAULT_USER_PROPERTIES, userProperties } from './user-properties.js';
import { userView } from './user-view.js';
import { authorize } from './authorization.js';

function organizationRecord(t: LabTenant): Record<string, unknown> {
  const o = t.getOrganization();
  return {
    id: o.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: null,
    createdDateTime: o.createdDateTime,
    displayName: o.displayName,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: o.onPremisesLastSyncDateTime,
    onPremisesSyncEnabled: o.onPremisesSyncEnabled,
    postalCode: null,
    preferredLanguage: null,
    privacyProfile: null,
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: 'AAD',
    assignedPlans: [],
    provisionedPlans: [],
    verifiedDomains: o.verifiedDomains.map((d) => ({ ...d })),
  };
}

const ORGANIZATION_READ_ONLY = new Set(Object.keys({ id: 1, deletedDateTime: 1, createdDateTime: 1, displayName: 1, verifiedDomains: 1, tenantType: 1, onPremisesLastSyncDateTime: 1, assignedPlans: 1, provisionedPlans: 1 }));
const ORGANIZATION_IGNORED = new Set(['marketingNotificationEmails', 'technicalNotificationMails', 'securityComplianceNotificationMails', 'securityComplianceNotificationPhones', 'privacyProfile']);

/**
 * `/organization[/{id}]`. PATCH `onPremisesSyncEnabled`: beta only (v1.0 → read-only 400, as v1.0
 * once answered); `false` starts the pending tenant-wide disable; any change while pending → 400
 * `Request_BadRequest` "You cannot turn off Active Directory synchronization." (code our choice).
 */
export function organizationRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [id, more] = rest;
  authorize(ctx.caller, req.method === 'GET' ? 'organization.read' : 'organization.update');
  if (id === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return json(200, { '@odata.context': contextUrl(ctx, req, 'organization'), value: [organizationRecord(t)] });
  }
  if (more !== undefined) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${more}'.`);
  if (id.toLowerCase() !== t.tenantId.toLowerCase()) throw notFound(id);
  if (req.method === 'GET') return json(200, { '@odata.context': contextUrl(ctx, req, 'organization/$entity'), ...organizationRecord(t) });
  if (req.method !== 'PATCH') throw methodNotAllowed();
  const b = bodyObject(req.body);
  for (const [k, v] of Object.entries(b)) {
    if (k === 'onPremisesSyncEnabled') {
      if (req.version !== 'beta') throw badRequest("Property 'onPremisesSyncEnabled' is read-only and cannot be set.");
      if (typeof v !== 'boolean') throw badRequest("Invalid value specified for property 'onPremisesSyncEnabled' of resource 'Organization'.");
    } else if (ORGANIZATION_READ_ONLY.has(k)) {
      throw badRequest(`Property '${k}' is read-only and cannot be set.`);
    } else if (!ORGANIZATION_IGNORED.has(k)) {
      throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
  }
  if (typeof b.onPremisesSyncEnabled === 'boolean') t.setDirectorySyncEnabled(b.onPremisesSyncEnabled);
  return noContent();
}

function syncRecord(t: LabTenant): Record<string, unknown> {
  const s = t.getOnPremisesSynchronization();
  return {
    id: s.id,
    configuration: {
      accidentalDeletionPrevention: { ...s.configuration.accidentalDeletionPrevention },
    },
    features: { ...s.features },
  };
}

/**
 * Sync features Microsoft says cannot be turned off again once on:
 * - "After you have enabled a feature, it cannot be disabled again": EnableSoftMatchOnUpn and
 *   SynchronizeUpnForManagedUsers, the two set through the service (learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-features;
 *   Set-MsolDirSyncFeature / Set-EntraDirSyncFeature: "Once this feature is enabled, it can't be disabled");
 * - duplicate attribute resiliency (quarantine of a colliding UPN or proxy address) "cannot be
 *   disabled" (learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-duplicate-attribute-resiliency).
 */
const ONE_WAY_FEATURES = [
  'softMatchOnUpnEnabled',
  'synchronizeUpnForManagedUsersEnabled',
  'quarantineUponUpnConflictEnabled',
  'quarantineUponProxyAddressesConflictEnabled',
] as const;

/** `/directory/onPremisesSynchronization[/{id}]`: features and accidental-deletion prevention. */
export function onPremisesSynchronizationRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [id, more] = rest;
  authorize(ctx.caller, req.method === 'GET' ? 'onPremisesSynchronization.read' : 'onPremisesSynchronization.update');
  if (id === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return json(200, { '@odata.context': contextUrl(ctx, req, 'directory/onPremisesSynchronization'), value: [syncRecord(t)] });
  }
  if (more !== undefined) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${more}'.`);
  if (id.toLowerCase() !== t.getOnPremisesSynchronization().id.toLowerCase()) throw notFound(id);
  if (req.method === 'GET') {
    return json(200, { '@odata.context': contextUrl(ctx, req, 'directory/onPremisesSynchronization/$entity'), ...syncRecord(t) });
  }
  if (req.method !== 'PATCH') throw methodNotAllowed();
  const b = bodyObject(req.body);
  for (const k of Object.keys(b)) {
    if (k !== 'features' && k !== 'configuration' && k !== 'id' && k !== '@odata.type') {
      throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
  }
  // Validate everything before changing anything.
  const features = b.features === undefined ? undefined : bodyObject(b.features);
  let adp: { synchronizationPreventionType?: DeletionPreventionType; alertThreshold?: number | null } | undefined;
  if (b.configuration !== undefined) {
    const c = bodyObject(b.configuration);
    for (const k of Object.keys(c)) {
      if (k !== 'accidentalDeletionPrevention' && k !== '@odata.type') throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
    if (c.accidentalDeletionPrevention !== undefined) {
      const a = bodyObject(c.accidentalDeletionPrevention);
      adp = {};
      if (a.synchronizationPreventionType !== undefined) adp.synchronizationPreventionType = a.synchronizationPreventionType as DeletionPreventionType;
      if (a.alertThreshold !== undefined) {
        if (a.alertThreshold !== null && typeof a.alertThreshold !== 'number') throw badRequest("Invalid value specified for property 'alertThreshold'.");
        adp.alertThreshold = a.alertThreshold;
      }
    }
  }
  if (features) {
    const probe = { ...t.features() };
    for (const [k, v] of Object.entries(features)) {
      if (k === '@odata.type') continue;
      if (!(k in probe)) throw badRequest(`Invalid property '${k}' for resource 'onPremisesDirectorySynchronizationFeature'.`);
      if (typeof v !== 'boolean') throw badRequest(`Invalid value specified for property '${k}'.`);
    }
    for (const k of ONE_WAY_FEATURES) {
      if (features[k] === false && t.features()[k]) {
        // Wording ours (unconfirmed); the rule is Microsoft's (ONE_WAY_FEATURES).
        throw badRequest(`The feature '${k}' cannot be turned off once it is on.`);
      }
    }
    const { '@odata.type': _t, ...flags } = features;
    t.updateSyncFeatures(flags as Record<string, boolean>);
  }
  if (adp) t.setAccidentalDeletionPrevention(adp);
  return noContent();
}

/** Directory objects `$expand` returns at most this many related items (query-parameters#expand-parameter). */
const MAX_EXPANDED_ITEMS = 20;

/**
 * `/directoryRoles[?$expand=members[($select=...)]]`: activated roles with `displayName`,
 * `roleTemplateId` and (expanded) their active members as users.
 */
export function directoryRolesRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  if (req.method !== 'GET') throw methodNotAllowed();
  authorize(ctx.caller, 'directoryRoles.read');
  const expand = req.query.get('$expand');
  let membersSelect: string[] | null | undefined;
  if (expand !== null && expand.trim() !== '') {
    const m = /^members(?:\((?:\$select=([^)]*))?\))?$/i.exec(expand.trim());
    if (!m) throw badRequest(`Could not find a property named '${expand.split('(')[0] ?? expand}' on type 'microsoft.graph.directoryRole'.`, 'BadRequest');
    membersSelect = m[1] ? selectList(new URLSearchParams({ $select: m[1] }), userProperties(req), 'microsoft.graph.user') : null;
  }
  const render = (r: ReturnType<LabTenant['listDirectoryRoles']>[number]): Record<string, unknown> => {
    const rec: Record<string, unknown> = {
      id: r.id,
      deletedDateTime: null,
      description: r.description,
      displayName: r.displayName,
      roleTemplateId: r.roleTemplateId,
    };
    if (membersSelect !== undefined) {
      // "$expand ... returns a maximum of 20 items for the expanded relationship" on directory objects,
      // with no nextLink (learn.microsoft.com/graph/query-parameters#expand-parameter).
      rec.members = r.memberIds.slice(0, MAX_EXPANDED_ITEMS).flatMap((id) => {
        const u = t.getUser(id);
        return u ? [{ '@odata.type': '#microsoft.graph.user', ...userView(t, u, membersSelect ?? null, DEFAULT_USER_PROPERTIES) }] : [];
      });
    }
    return rec;
  };
  const [id, more] = rest;
  if (id === undefined) {
    return json(200, { '@odata.context': contextUrl(ctx, req, 'directoryRoles'), value: t.listDirectoryRoles().map(render) });
  }
  const role = t.listDirectoryRoles().find((r) => r.id === id.toLowerCase() || r.roleTemplateId === id.toLowerCase());
  if (!role) throw notFound(id);
  if (more === undefined) return json(200, { '@odata.context': contextUrl(ctx, req, 'directoryRoles/$entity'), ...render(role) });
  if (more.toLowerCase() === 'members') {
    const select = selectList(req.query, userProperties(req), 'microsoft.graph.user');
    return json(200, {
      '@odata.context': contextUrl(ctx, req, 'directoryObjects'),
      value: role.memberIds.flatMap((uid) => {
        const u = t.getUser(uid);
        return u ? [{ '@odata.type': '#microsoft.graph.user', ...userView(t, u, select, DEFAULT_USER_PROPERTIES) }] : [];
      }),
    });
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${more}'.`);
}

const ELIGIBILITY_PROPERTIES = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId', 'memberType', 'startDateTime', 'endDateTime', 'roleEligibilityScheduleId'] as const;
const ELIGIBILITY_PROPERTY_SET: ReadonlySet<string> = new Set(ELIGIBILITY_PROPERTIES);

/**
 * `GET /roleManagement/directory/roleEligibilityScheduleInstances`: the lab's PIM eligibilities
 * (`LabTenant.listRoleEligibilities`), with `$select` and paging like the other collections.
 * `$filter` is not supported here (the reader does not use it): a 400 rather than a silently
 * unfiltered answer. Other roleManagement paths answer 400 like any unknown segment.
 */
export function roleManagementRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const [dir, coll, id, ...more] = rest;
  if (dir?.toLowerCase() !== 'directory') throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${dir ?? 'roleManagement'}'.`);
  if (coll?.toLowerCase() !== 'roleeligibilityscheduleinstances') {
    throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${coll ?? 'directory'}'.`);
  }
  if (req.method !== 'GET') throw methodNotAllowed();
  authorize(ctx.caller, 'roleEligibility.read');
  const t = ctx.tenant;
  const select = selectList(req.query, ELIGIBILITY_PROPERTY_SET, 'microsoft.graph.unifiedRoleEligibilityScheduleInstance');
  const record = (e: ReturnType<LabTenant['listRoleEligibilities']>[number]): Record<string, unknown> => ({
    id: e.id,
    principalId: e.principalId,
    roleDefinitionId: e.roleDefinitionId,
    directoryScopeId: e.directoryScopeId,
    appScopeId: null,
    memberType: e.memberType,
    startDateTime: e.startDateTime,
    endDateTime: e.endDateTime,
    roleEligibilityScheduleId: e.id,
  });
  if (id !== undefined) {
    if (more.length > 0) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${more[0] ?? ''}'.`);
    const e = t.listRoleEligibilities().find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!e) throw notFound(id);
    return json(200, { '@odata.context': contextUrl(ctx, req, 'roleManagement/directory/roleEligibilityScheduleInstances/$entity'), ...project(record(e), select, ELIGIBILITY_PROPERTIES) });
  }
  const fsrc = req.query.get('$filter');
  if (fsrc !== null && fsrc.trim() !== '') {
    // Lab limitation (not Graph's answer).
    throw new GraphHttpError(400, 'Request_UnsupportedQuery', "The lab's Graph emulator does not support $filter on roleEligibilityScheduleInstances.");
  }
  const top = pageSize(req.query);
  const items = t.listRoleEligibilities();
  const token = req.query.get('$skiptoken');
  const offset = token === null ? 0 : decodeToken(token, isSkip).o;
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(ctx, req, `roleManagement/directory/roleEligibilityScheduleInstances${select ? `(${select.join(',')})` : ''}`),
  };
  if (offset + top < items.length) {
    body['@odata.nextLink'] = linkWith(`${ctx.origin}/${req.version}/roleManagement/directory/roleEligibilityScheduleInstances`, req.query, '$skiptoken', encodeToken({ o: offset + top }));
  }
  body.value = items.slice(offset, offset + top).map((e) => project(record(e), select, ELIGIBILITY_PROPERTIES));
  return json(200, body);
}

const GROUP_DEFAULTS = [
  'id',
  'deletedDateTime',
  'createdDateTime',
  'description',
  'displayName',
  'groupTypes',
  'mail',
  'mailEnabled',
  'mailNickname',
  'onPremisesLastSyncDateTime',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'securityEnabled',
] as const;
const GROUP_PROPERTIES: ReadonlySet<string> = new Set(GROUP_DEFAULTS);
const GROUP_FILTERABLE: ReadonlyMap<string, 'default' | 'advanced'> = new Map([
  ['id', 'default'],
  ['displayName', 'default'],
  ['mailNickname', 'default'],
  ['securityEnabled', 'default'],
  ['mailEnabled', 'default'],
  ['onPremisesSyncEnabled', 'default'],
]);

function groupRecord(g: Readonly<LabGroup>): Record<string, unknown> {
  return {
    id: g.id,
    deletedDateTime: null,
    createdDateTime: g.createdDateTime,
    description: null,
    displayName: g.displayName,
    groupTypes: [],
    mail: null,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    onPremisesLastSyncDateTime: g.onPremisesLastSyncDateTime,
    onPremisesSecurityIdentifier: g.onPremisesSecurityIdentifier,
    onPremisesSyncEnabled: g.onPremisesSyncEnabled,
    securityEnabled: g.securityEnabled,
  };
}

const isSkip = (v: unknown): v is { o: number } => typeof v === 'object' && v !== null && typeof (v as { o: unknown }).o === 'number';

/** `/groups`, `/groups/{id}`, `/groups/{id}/onPremisesSyncBehavior`. */
export function groupsRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [id, more, extra] = rest;
  if (req.method === 'GET' && more === undefined) authorize(ctx.caller, 'groups.read');
  if (id === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    const top = pageSize(req.query);
    const select = selectList(req.query, GROUP_PROPERTIES, 'microsoft.graph.group');
    const count = wantsCount(req.query);
    const eventual = isEventual(req.headers);
    if (count && !eventual) throw badRequest('$count is not currently supported.');
    let items = t.listGroups();
    const fsrc = req.query.get('$filter');
    if (fsrc !== null && fsrc.trim() !== '') {
      const f = parseFilter(fsrc, GROUP_FILTERABLE, 'Group');
      if (f.advanced && !(eventual && count)) {
        throw new GraphHttpError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${f.advancedProp ?? ''}' of resource 'Group'.`);
      }
      items = items.filter((g) => f.test(g as unknown as Record<string, unknown>));
    }
    const token = req.query.get('$skiptoken');
    const offset = token === null ? 0 : decodeToken(token, isSkip).o;
    const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `groups${select ? `(${select.join(',')})` : ''}`) };
    if (count) body['@odata.count'] = items.length;
    if (offset + top < items.length) body['@odata.nextLink'] = linkWith(`${ctx.origin}/${req.version}/groups`, req.query, '$skiptoken', encodeToken({ o: offset + top }));
    body.value = items.slice(offset, offset + top).map((g) => project(groupRecord(g), select, GROUP_DEFAULTS));
    return json(200, body);
  }
  const g = t.getGroup(id);
  if (!g) throw notFound(id);
  if (more === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    const select = selectList(req.query, GROUP_PROPERTIES, 'microsoft.graph.group');
    return json(200, { '@odata.context': contextUrl(ctx, req, 'groups/$entity'), ...project(groupRecord(g), select, GROUP_DEFAULTS) });
  }
  if (more.toLowerCase() === 'onpremisessyncbehavior' && extra === undefined) {
    return syncBehaviorRoute(ctx, req, 'groups', g.id, () => g.isCloudManaged, (v) => t.setGroupCloudManaged(g.id, v));
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${more}'.`);
}
