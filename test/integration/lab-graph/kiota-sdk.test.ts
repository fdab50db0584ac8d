/**
 * A second, independent client: Microsoft's Kiota-generated Graph SDK (`@microsoft/msgraph-sdk` with
 * its users, directory and organization packages; `@microsoft/msgraph-beta-sdk` for beta calls)
 * drives the emulator through every call the product makes, and every response must parse into
 * Microsoft's own models. "Parses" is checked strictly: no property may land in a model's
 * `additionalData` (where Kiota puts what its model does not know), except OData annotations and the
 * exceptions this test names. Where no fluent package exists (groups, directoryRoles, roleManagement,
 * beta users and organization), the request goes through the same request adapter with the
 * models' own factories and serializers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpMethod, RequestInformation, type Parsable, type ParsableFactory, type RequestAdapter } from '@microsoft/kiota-abstractions';
import { JsonParseNode } from '@microsoft/kiota-serialization-json';
import { GraphRequestAdapter, createGraphServiceClient, type GraphServiceClient } from '@microsoft/msgraph-sdk';
import '@microsoft/msgraph-sdk-users';
import '@microsoft/msgraph-sdk-directory';
import '@microsoft/msgraph-sdk-organization';
import {
  createDirectoryObjectCollectionResponseFromDiscriminatorValue,
  createDirectoryRoleCollectionResponseFromDiscriminatorValue,
  createGroupCollectionResponseFromDiscriminatorValue,
  createGroupFromDiscriminatorValue,
  createUnifiedRoleEligibilityScheduleInstanceCollectionResponseFromDiscriminatorValue,
  type DirectoryObjectCollectionResponse,
  type DirectoryRoleCollectionResponse,
  type Group,
  type GroupCollectionResponse,
  type UnifiedRoleEligibilityScheduleInstanceCollectionResponse,
} from '@microsoft/msgraph-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { GraphBetaRequestAdapter, createGraphBetaServiceClient, type GraphBetaServiceClient } from '@microsoft/msgraph-beta-sdk';
import '@microsoft/msgraph-beta-sdk-directory';
import {
  createOnPremisesSyncBehaviorFromDiscriminatorValue as createBetaSyncBehavior,
  createUserFromDiscriminatorValue as createBetaUser,
  createUserCollectionResponseFromDiscriminatorValue as createBetaUserCollection,
  serializeOnPremisesSyncBehavior as serializeBetaSyncBehavior,
  serializeOrganization as serializeBetaOrganization,
  serializeUser as serializeBetaUser,
  type OnPremisesSyncBehavior as BetaSyncBehavior,
  type Organization as BetaOrganization,
  type User as BetaUser,
  type UserCollectionResponse as BetaUserCollection,
} from '@microsoft/msgraph-beta-sdk/models/index.js';
import { GROUP_SELECT } from '../../../src/graph/group-reads.js';
import { OBJECT_IDENTIFIER_SELECT } from '../../../src/graph/sync-behavior-reads.js';
import { DELETED_USER_SELECT, USER_SELECT } from '../../../src/graph/user-reads.js';
import type { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { addCloudUser, addSyncedUser, newTenant, startLab, TENANT_ID, type Lab } from './helpers.js';

const errors = { XXX: createODataErrorFromDiscriminatorValue };

/** Properties Kiota kept aside because its model does not declare them (OData annotations excepted), with their paths. */
function unknownProperties(v: unknown, path = '$'): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => unknownProperties(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object' || v instanceof Date) return [];
  const out: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (k === 'additionalData' && x && typeof x === 'object') {
      for (const a of Object.keys(x)) if (!a.startsWith('@odata.') && !a.includes('@odata.')) out.push(`${path}.${a}`);
    } else {
      out.push(...unknownProperties(x, `${path}.${k}`));
    }
  }
  return out;
}

/** Parsed, and nothing the model does not know. */
function expectParsed(v: unknown, allowedUnknown: string[] = []): void {
  expect(v).toBeDefined();
  expect(unknownProperties(v).filter((p) => !allowedUnknown.some((a) => p.endsWith(a)))).toEqual([]);
}

function request(adapter: RequestAdapter, method: HttpMethod, pathAndQuery: string, headers: Record<string, string> = {}): RequestInformation {
  const info = new RequestInformation(method);
  info.URL = `${adapter.baseUrl}${pathAndQuery}`;
  for (const [k, v] of Object.entries(headers)) info.headers.add(k, v);
  return info;
}

const send = <T extends Parsable>(adapter: RequestAdapter, pathAndQuery: string, factory: ParsableFactory<T>): Promise<T | undefined> =>
  adapter.send(request(adapter, HttpMethod.GET, pathAndQuery), factory, errors);

function sendBody<T extends Parsable>(adapter: RequestAdapter, method: HttpMethod, path: string, body: T, serializer: (w: never, v?: Partial<T>) => void): Promise<void> {
  const info = request(adapter, method, path);
  info.setContentFromParsable(adapter, 'application/json', body, serializer as never);
  return adapter.sendNoResponseContent(info, errors);
}

describe("Microsoft's Kiota Graph SDK against the emulator: every call the product makes parses", () => {
  let lab: Lab;
  let t: LabTenant;
  let v1: GraphServiceClient;
  let beta: GraphBetaServiceClient;
  let v1Adapter: GraphRequestAdapter;
  let betaAdapter: GraphBetaRequestAdapter;
  const ids = { synced: '', cloud: '', prev: '', deleted: '', group: '', prevGroup: '', role: '' };

  beforeAll(async () => {
    t = newTenant();
    ids.synced = addSyncedUser(t, 'vera').id;
    ids.cloud = addCloudUser(t, 'walt').id;
    ids.prev = addSyncedUser(t, 'xena', { onPremisesSyncEnabled: false, onPremisesObjectIdentifier: 'c98b9135-6d19-40ea-9779-889d79b753f0' }).id;
    const gone = addSyncedUser(t, 'yuri', { onPremisesSyncEnabled: false });
    t.deleteUser(gone.id);
    ids.deleted = gone.id;
    for (let i = 0; i < 3; i++) addCloudUser(t, `z${i}`);
    ids.group = t.createGroup({ displayName: 'Sales', mailNickname: 'sales', onPremisesSyncEnabled: true, onPremisesLastSyncDateTime: '2026-11-21T11:00:00Z' }).id;
    ids.prevGroup = t.createGroup({ displayName: 'Former', mailNickname: 'former', onPremisesSyncEnabled: false, onPremisesLastSyncDateTime: '2026-10-01T00:00:00Z' }).id;
    t.addRoleMember('Global Administrator', ids.cloud);
    t.addEligibleRoleMember('User Administrator', addCloudUser(t, 'pim').id);
    ids.role = t.listDirectoryRoles().find((r) => r.displayName === 'Global Administrator')!.id;
    lab = await startLab(t);
    const auth = {
      authenticateRequest: async (req: RequestInformation): Promise<void> => {
        req.headers.add('Authorization', `Bearer ${lab.emu.token}`);
      },
    };
    v1Adapter = new GraphRequestAdapter(auth);
    v1Adapter.baseUrl = `${lab.emu.url}/v1.0`;
    v1 = createGraphServiceClient(v1Adapter);
    betaAdapter = new GraphBetaRequestAdapter(auth);
    betaAdapter.baseUrl = `${lab.emu.url}/beta`;
    beta = createGraphBetaServiceClient(betaAdapter);
  });
  afterAll(async () => lab?.close());

  it('GET /users with the product’s $select at $top=999, following nextLink; a select with onPremisesObjectIdentifier is an ODataError on v1.0', async () => {
    await expect(v1.users.get({ queryParameters: { select: [...USER_SELECT, 'onPremisesObjectIdentifier'], top: 999 } })).rejects.toMatchObject({ responseStatusCode: 400, errorEscaped: { code: 'BadRequest' } });
    const first = await v1.users.get({ queryParameters: { select: [...USER_SELECT], top: 2 } });
    expectParsed(first);
    expect(first?.value?.[0]?.lastPasswordChangeDateTime).toBeInstanceOf(Date);
    const next = first?.odataNextLink;
    expect(typeof next).toBe('string');
    const second = await v1.users.withUrl(next!).get();
    expectParsed(second);
    expect((first?.value?.length ?? 0) + (second?.value?.length ?? 0)).toBeGreaterThan(2);
  });

  it('GET /users/{id} with the product’s $select, and provisionedPlans', async () => {
    const u = await v1.users.byUserId(ids.synced).get({ queryParameters: { select: [...USER_SELECT] } });
    expectParsed(u);
    expect(u).toMatchObject({ id: ids.synced, onPremisesSyncEnabled: true, provisionedPlans: [{ service: 'exchange', provisioningStatus: 'Success' }] });
  });

  it('GET /users?$filter=onPremisesSyncEnabled eq true&$count=true with ConsistencyLevel: eventual', async () => {
    const r = await v1.users.get({
      queryParameters: { filter: 'onPremisesSyncEnabled eq true', select: ['id'], top: 1, count: true },
      headers: { ConsistencyLevel: 'eventual' },
    });
    expectParsed(r);
    expect(r?.odataCount).toBe(1);
  });

  it('GET /directory/deletedItems/microsoft.graph.user with the product’s $select', async () => {
    const r = await v1.directory.deletedItems.graphUser.get({ queryParameters: { select: [...DELETED_USER_SELECT], top: 999 } });
    expectParsed(r);
    expect(r?.value?.map((u) => u.id)).toEqual([ids.deleted]);
    expect(r?.value?.[0]?.deletedDateTime).toBeInstanceOf(Date);
  });

  it('GET /organization and /directory/onPremisesSynchronization (list and by id)', async () => {
    const orgs = await v1.organization.get();
    expectParsed(orgs);
    expect(orgs?.value?.[0]?.id).toBe(TENANT_ID);
    const sync = await v1.directory.onPremisesSynchronization.get();
    expectParsed(sync);
    const one = await v1.directory.onPremisesSynchronization.byOnPremisesDirectorySynchronizationId(TENANT_ID).get();
    expectParsed(one);
    expect(one?.configuration?.accidentalDeletionPrevention?.alertThreshold).toBe(500);
  });

  it('GET /directoryRoles?$expand=members($select=id) and /directoryRoles/{id}/members (no fluent package: the models’ factories)', async () => {
    const roles = await send<DirectoryRoleCollectionResponse>(v1Adapter, '/directoryRoles?$expand=members($select=id)', createDirectoryRoleCollectionResponseFromDiscriminatorValue);
    expectParsed(roles);
    expect(roles?.value?.find((r) => r.id === ids.role)?.members?.map((m) => m.id)).toEqual([ids.cloud]);
    const members = await send<DirectoryObjectCollectionResponse>(v1Adapter, `/directoryRoles/${ids.role}/members?$select=id&$top=999`, createDirectoryObjectCollectionResponseFromDiscriminatorValue);
    expectParsed(members);
  });

  it('GET /roleManagement/directory/roleEligibilityScheduleInstances?$select=principalId,roleDefinitionId', async () => {
    const r = await send<UnifiedRoleEligibilityScheduleInstanceCollectionResponse>(v1Adapter, '/roleManagement/directory/roleEligibilityScheduleInstances?$select=principalId,roleDefinitionId', createUnifiedRoleEligibilityScheduleInstanceCollectionResponseFromDiscriminatorValue);
    expectParsed(r);
    expect(r?.value?.map((e) => e.principalId)).toEqual([t.getUserByUpn('pim@lab.example.test')?.id]);
  });

  it('GET /groups and /groups/{id} with the product’s $select', async () => {
    const all = await send<GroupCollectionResponse>(v1Adapter, `/groups?$select=${GROUP_SELECT.join(',')}&$top=999`, createGroupCollectionResponseFromDiscriminatorValue);
    expectParsed(all);
    expect(all?.value?.map((g) => g.displayName)).toEqual(['Sales', 'Former']);
    expectParsed(await send<Group>(v1Adapter, `/groups/${ids.group}?$select=${GROUP_SELECT.join(',')}`, createGroupFromDiscriminatorValue));
  });

  it('beta GET /users/{id}/onPremisesSyncBehavior and /groups/{id}/...: the documented shape parses; isCloudManaged sits in `value`, which the model does not declare', async () => {
    for (const path of [`/users/${ids.prev}/onPremisesSyncBehavior`, `/groups/${ids.prevGroup}/onPremisesSyncBehavior`]) {
      const b = await send<BetaSyncBehavior>(betaAdapter, path, createBetaSyncBehavior);
      // Microsoft's example response wraps the entity in "value" (onpremisessyncbehavior-get, beta): a
      // client that reads the model's isCloudManaged gets undefined; the product reads both shapes.
      expectParsed(b, ['.value']);
      expect(b?.isCloudManaged).toBeUndefined();
      expect((b?.additionalData?.['value'] as { isCloudManaged?: boolean }).isCloudManaged).toBe(false);
    }
  });

  it('beta POST /$batch of sync-behaviour reads: the envelope and every inner body parse', async () => {
    const info = request(betaAdapter, HttpMethod.POST, '/$batch');
    const batch = { requests: [{ id: '0', method: 'GET', url: `/users/${ids.prev}/onPremisesSyncBehavior` }, { id: '1', method: 'GET', url: `/groups/${ids.prevGroup}/onPremisesSyncBehavior` }] };
    info.setStreamContent(new TextEncoder().encode(JSON.stringify(batch)).buffer, 'application/json');
    const raw = await betaAdapter.sendPrimitive<ArrayBuffer>(info, 'ArrayBuffer', errors);
    const body = JSON.parse(new TextDecoder().decode(raw)) as { responses: { id: string; status: number; body: unknown }[] };
    expect(body.responses.map((r) => [r.id, r.status])).toEqual([
      ['0', 200],
      ['1', 200],
    ]);
    for (const r of body.responses) expectParsed(new JsonParseNode(r.body).getObjectValue<BetaSyncBehavior>(createBetaSyncBehavior), ['.value']);
  });

  it('the product’s writes go through: PATCHes of v1.0 users, password, restore, sync settings; beta sync behaviour, user leftovers, organization', async () => {
    await v1.users.byUserId(ids.cloud).patch({ onPremisesImmutableId: 'yYuRNW0Z6kCXeYidebdT8A==' });
    expect(t.getUser(ids.cloud)?.onPremisesImmutableId).toBe('yYuRNW0Z6kCXeYidebdT8A==');
    await v1.users.byUserId(ids.prev).patch({ passwordProfile: { password: 'Kiota-Passw0rd!', forceChangePasswordNextSignIn: true } });
    expect(t.getUser(ids.prev)?.forceChangePasswordNextSignIn).toBe(true);
    const restored = await v1.directory.deletedItems.byDirectoryObjectId(ids.deleted).restore.post();
    expectParsed(restored);
    expect(t.getUser(ids.deleted)).toBeDefined();
    await v1.directory.onPremisesSynchronization.byOnPremisesDirectorySynchronizationId(TENANT_ID).patch({ features: { blockSoftMatchEnabled: true } });
    await v1.directory.onPremisesSynchronization
      .byOnPremisesDirectorySynchronizationId(TENANT_ID)
      .patch({ configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 600 } } });
    expect(t.getOnPremisesSynchronization().configuration.accidentalDeletionPrevention.alertThreshold).toBe(600);
    expect(t.features().blockSoftMatchEnabled).toBe(true);

    await sendBody<BetaSyncBehavior>(betaAdapter, HttpMethod.PATCH, `/users/${ids.synced}/onPremisesSyncBehavior`, { isCloudManaged: true }, serializeBetaSyncBehavior);
    expect(t.getUser(ids.synced)?.isCloudManaged).toBe(true);
    await sendBody<BetaSyncBehavior>(betaAdapter, HttpMethod.PATCH, `/groups/${ids.group}/onPremisesSyncBehavior`, { isCloudManaged: true }, serializeBetaSyncBehavior);
    expect(t.getGroup(ids.group)?.isCloudManaged).toBe(true);
    await sendBody<BetaUser>(betaAdapter, HttpMethod.PATCH, `/users/${ids.synced}`, { onPremisesImmutableId: null, onPremisesDistinguishedName: null }, serializeBetaUser);
    expect(t.getUser(ids.synced)).toMatchObject({ onPremisesImmutableId: null, onPremisesDistinguishedName: null });
    await sendBody<BetaOrganization>(betaAdapter, HttpMethod.PATCH, `/organization/${TENANT_ID}`, { onPremisesSyncEnabled: false }, serializeBetaOrganization);
    expect(t.isDisablePending()).toBe(true);
  });

  it('beta GET /users/{id} parses with the beta model; onPremisesObjectIdentifier is not in it (the lab serves it on beta as Microsoft documents it)', async () => {
    // the product's beta read of it (per user in a $batch, or as a user list)
    const u = await send<BetaUser>(betaAdapter, `/users/${ids.prev}?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}`, createBetaUser);
    expectParsed(u, ['.onPremisesObjectIdentifier']);
    expect(u?.additionalData?.['onPremisesObjectIdentifier']).toBe('c98b9135-6d19-40ea-9779-889d79b753f0');
    const list = await send<BetaUserCollection>(betaAdapter, `/users?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}&$top=999`, createBetaUserCollection);
    expectParsed(list, ['.onPremisesObjectIdentifier']);
    expect(list?.value?.find((x) => x.id === ids.prev)?.additionalData?.['onPremisesObjectIdentifier']).toBe('c98b9135-6d19-40ea-9779-889d79b753f0');
    // the beta fluent client exists for the directory package
    expectParsed(await beta.directory.onPremisesSynchronization.get());
  });

  it('errors parse as ODataError with Graph’s shape', async () => {
    await expect(v1.users.byUserId('nobody@lab.example.test').get()).rejects.toMatchObject({
      responseStatusCode: 404,
      errorEscaped: { code: 'Request_ResourceNotFound', innerError: { requestId: expect.any(String), clientRequestId: expect.any(String), date: expect.any(Date) } },
    });
  });
});
