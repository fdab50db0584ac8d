// The product's permission table (src/graph/permissions.ts, shown in the README and
// docs/graph-access.md) against the lab, which enforces Microsoft's permission table of each API
// (src/lab/graph/authorization.ts). For every step kind and for the reads: the documented least
// privileged permissions (and roles) are enough, and without any one of them the lab refuses with
// Graph's 403. Every call goes over HTTP through the product's own GraphEntraAccess.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/graph/client.js';
import { staticTokenAuthProvider } from '../../../src/graph/credentials.js';
import { GraphEntraAccess } from '../../../src/graph/entra-access.js';
import { describeGraphError } from '../../../src/graph/errors.js';
import {
  READ_PERMISSIONS,
  STEP_PERMISSIONS,
  documentedApplicationPermissions,
  permissionsTableMarkdown,
  stepPermissions,
  type PermissionRequirement,
} from '../../../src/graph/permissions.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/lab/graph/index.js';
import { ENTRA_ROLE_TEMPLATE_IDS, defaultLabIdentities, type EntraRoleName, type LabIdentity } from '../../../src/lab/identities.js';
import type { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { GraphError } from '../../../src/model/entra.js';
import type { StepKind } from '../../../src/model/step.js';
import { DELEGATED_ONLY_STEP_KINDS } from '../../../src/steps/index.js';
import { DOMAIN, TENANT_ID, cloudUser, newTenant, syncedUser } from './lab-graph.js';

describe('permissions table', () => {
  it('docs/graph-access.md shows exactly the table the code has', () => {
    const doc = readFileSync(new URL('../../../docs/graph-access.md', import.meta.url), 'utf8');
    expect(doc).toContain(permissionsTableMarkdown());
  });

  it('names the SOA-switch permission and role, the delegated-only sync settings, and AD rights for AD steps', () => {
    expect(STEP_PERMISSIONS['entra.setCloudManaged']).toMatchObject({
      graphPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
      entraRoles: ['Hybrid Identity Administrator'],
    });
    expect(STEP_PERMISSIONS['entra.setSyncFeature']).toMatchObject({ graphPermissions: [], delegatedOnly: true, entraRoles: ['Global Administrator'] });
    expect(STEP_PERMISSIONS['ad.move'].graphPermissions).toEqual([]);
    expect(STEP_PERMISSIONS['ad.move'].adRights).toContain('target OU');
    expect(stepPermissions('read')?.allRequired).toBe(true);
  });

  // DELEGATED_ONLY_STEP_KINDS is derived from the table: both must name exactly the two writes of
  // /directory/onPremisesSynchronization, which Microsoft supports with delegated permissions only.
  it('the step kinds marked delegated-only in the table are exactly the writes of the sync settings', () => {
    const marked = Object.entries(STEP_PERMISSIONS)
      .filter(([, r]) => r.delegatedOnly)
      .map(([k]) => k);
    expect(marked.sort()).toEqual(['entra.setDeletionThreshold', 'entra.setSyncFeature']);
    expect([...DELEGATED_ONLY_STEP_KINDS].sort()).toEqual(['entra.setDeletionThreshold', 'entra.setSyncFeature']);
  });

  it('a 403 on a read asks for all the read permissions', () => {
    const e = new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', 'rid-1');
    expect(describeGraphError(e, { step: 'read', object: 'Entra ID' })).toBe(
      'read on Entra ID failed: permission denied: grant the app User.Read.All and GroupMember.Read.All and RoleManagement.Read.Directory and ' +
        'Organization.Read.All and User-OnPremisesSyncBehavior.ReadWrite.All and Group-OnPremisesSyncBehavior.ReadWrite.All ' +
        '(admin consent); for delegated sign-in, also the role Global Administrator or Hybrid Identity Administrator. See docs/graph-access.md. ' +
        '(Graph 403 Authorization_RequestDenied, request-id rid-1)',
    );
  });

  it('a 403 on a delegated-only step says that only a signed-in Global Administrator can do it', () => {
    const e = new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', 'rid-2');
    expect(describeGraphError(e, { step: 'entra.setSyncFeature', object: 'the tenant' })).toContain(
      'only a signed-in Global Administrator can do this (Microsoft supports no application permission; delegated permission OnPremDirectorySynchronization.ReadWrite.All)',
    );
  });

  it("the lab's application identity holds exactly the application permissions the table documents; the admins' scopes cover the delegated ones", () => {
    const ids = defaultLabIdentities();
    const application = ids.find((i) => i.name === 'application');
    expect(application?.kind === 'application' ? [...application.applicationPermissions].sort() : null).toEqual(documentedApplicationPermissions());
    const delegated = new Set([READ_PERMISSIONS, ...Object.values(STEP_PERMISSIONS)].flatMap((r) => r.delegatedPermissions));
    for (const name of ['global-admin', 'hybrid-admin']) {
      const admin = ids.find((i) => i.name === name);
      expect(admin?.kind === 'user' ? [...delegated].filter((p) => !admin.scopes.includes(p)) : 'not a user').toEqual([]);
    }
  });
});

// ---- the table against the lab -------------------------------------------------------------

const PASSWORD = 'Lab-Pr0be-Passw0rd!';

/** The objects each probe acts on. */
interface Fixture {
  synced: string;
  cloud: string;
  previouslySynced: string;
  deleted: string;
  syncedGroup: string;
}

function fixture(t: LabTenant): Fixture {
  const synced = t.createUser(syncedUser(1));
  const cloud = t.createUser(cloudUser(2));
  // a user restored after scope removal: cloud-owned, leftovers present (its sync behaviour is read)
  const prev = t.createUser({ ...syncedUser(3, 'prev'), onPremisesSyncEnabled: false });
  const gone = t.createUser({ ...syncedUser(4, 'gone'), onPremisesSyncEnabled: false });
  t.deleteUser(gone.id);
  const group = t.createGroup({ displayName: 'Sales', mailNickname: 'sales', onPremisesSyncEnabled: true, onPremisesLastSyncDateTime: '2026-10-31T23:30:00Z' });
  // a group synced before and not now: the read asks for its sync behaviour
  t.createGroup({ displayName: 'Former', mailNickname: 'former', onPremisesSyncEnabled: false, onPremisesLastSyncDateTime: '2026-10-01T00:00:00Z' });
  return { synced: synced.id, cloud: cloud.id, previouslySynced: prev.id, deleted: gone.id, syncedGroup: group.id };
}

type Probe = (entra: GraphEntraAccess, f: Fixture) => Promise<unknown>;

/**
 * The sync settings as the product reads them. A 403 on them is no failed read for the product (it
 * reads them as unknown, null, and plans on); for the permission table it is a refusal, so say it.
 */
async function readSyncSettings(e: GraphEntraAccess): Promise<void> {
  const t = await e.getTenantSyncState();
  if (t.features === null || t.accidentalDeletionPrevention === null) throw new GraphError(403, 'Authorization_RequestDenied', 'the sync settings were not readable');
}

/** What each operation does on the wire, through the product's own Graph access. */
const PROBES: Partial<Record<StepKind | 'read' | 'read (delegated)', Probe>> = {
  read: async (e) => {
    await e.listUsers();
    await e.listGroups();
    await e.listDeletedUsers();
    await e.client.api('/organization').get();
    // PIM eligibilities: the product reads them too but goes on without them (a note); ask directly
    await e.client.api('/roleManagement/directory/roleEligibilityScheduleInstances?$select=principalId,roleDefinitionId').get();
  },
  // a signed-in administrator also reads the sync settings (delegated only)
  'read (delegated)': async (e, f) => {
    await PROBES.read!(e, f);
    await readSyncSettings(e);
  },
  'entra.setCloudManaged': (e, f) => e.setUserCloudManaged(f.synced, true),
  'entra.setGroupCloudManaged': (e, f) => e.setGroupCloudManaged(f.syncedGroup, true),
  'entra.setImmutableId': (e, f) => e.setImmutableId(f.cloud, 'yYuRNW0Z6kCXeYidebdT8A=='),
  'entra.clearOnPremisesAttributes': (e, f) => e.clearOnPremisesAttributes(f.previouslySynced, ['onPremisesDistinguishedName', 'onPremisesSamAccountName']),
  'entra.restoreDeleted': (e, f) => e.restoreDeletedUser(f.deleted),
  'entra.resetPassword': (e, f) => e.resetPassword(f.cloud, PASSWORD, true),
  'entra.setTenantSync': (e) => e.setTenantSyncEnabled(TENANT_ID, false),
  'entra.setSyncFeature': (e) => e.setSyncFeatures(TENANT_ID, { blockSoftMatchEnabled: true }),
  'entra.setDeletionThreshold': (e) => e.setDeletionThreshold(TENANT_ID, 600),
  'sync.await': async (e, f) => {
    await e.getUser(f.previouslySynced);
    await e.listDeletedUsers();
    await e.client.api('/organization').get();
  },
};

/** `Privileged Authentication Administrator (for admins)` → the role's name. */
const roleName = (label: string): EntraRoleName => {
  const name = label.replace(/\s*\(.*\)$/, '');
  if (!(name in ENTRA_ROLE_TEMPLATE_IDS)) throw new Error(`the table names a role the lab does not know: ${label}`);
  return name as EntraRoleName;
};
const leastOf = (perms: readonly string[], all: boolean | undefined): string[] => (all ? [...perms] : perms.slice(0, 1));

const asApp = (applicationPermissions: string[], roles: EntraRoleName[] = []): LabIdentity => ({
  kind: 'application',
  name: 'probe-app',
  description: 'probe application',
  appId: randomUUID(),
  objectId: randomUUID(),
  applicationPermissions,
  roles,
});
const asAdmin = (scopes: string[], roles: EntraRoleName[], eligibleRoles: EntraRoleName[] = []): LabIdentity => ({
  kind: 'user',
  name: 'probe-admin',
  description: 'probe administrator',
  appId: randomUUID(),
  objectId: randomUUID(),
  userName: 'probe',
  scopes,
  roles,
  eligibleRoles,
});

let emulator: GraphEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Runs `probe` as `who` on a fresh tenant; resolves to 'ok' or the Graph status and code it failed with. */
async function attempt(probe: Probe, who: LabIdentity, setup: (t: LabTenant, f: Fixture) => void = () => undefined): Promise<string> {
  const t = newTenant();
  const f = fixture(t);
  setup(t, f);
  emulator = await startGraphEmulator({ tenant: t });
  const client = createGraphClient({ endpoint: emulator.url, authProvider: staticTokenAuthProvider(emulator.issueToken(who)), retry: { maxRetries: 0 } });
  const entra = new GraphEntraAccess({ client, tenantId: TENANT_ID });
  try {
    await probe(entra, f);
    return 'ok';
  } catch (e) {
    if (e instanceof GraphError) return `${e.status} ${e.code}`;
    // the SDK's own error, from a call made on the client directly
    const sdk = e as { statusCode?: unknown; code?: unknown };
    if (typeof sdk.statusCode === 'number') return `${sdk.statusCode} ${String(sdk.code)}`;
    throw e;
  } finally {
    await emulator.close();
    emulator = undefined;
  }
}

const DENIED = '403 Authorization_RequestDenied';
const graphRows = [['read', READ_PERMISSIONS] as const, ...Object.entries(STEP_PERMISSIONS).filter(([, r]) => r.delegatedPermissions.length > 0)] as [
  StepKind | 'read',
  PermissionRequirement,
][];

describe('the permission table holds in the lab (Microsoft’s permission tables)', () => {
  it('every Graph step kind and the reads have a probe', () => {
    expect(graphRows.map(([k]) => k).filter((k) => PROBES[k] === undefined)).toEqual([]);
  });

  for (const [kind, req] of graphRows) {
    const probe = PROBES[kind]!;
    if (req.delegatedOnly) {
      it(`${kind}: an application is refused whatever it holds (Microsoft supports no application permission)`, async () => {
        const everything = [...documentedApplicationPermissions(), ...req.delegatedPermissions, 'Directory.ReadWrite.All'];
        expect(await attempt(probe, asApp(everything, ['User Administrator']))).toBe(DENIED);
      });
    } else {
      it(`${kind}: the documented application permission${req.allRequired ? 's are' : ' is'} enough (${leastOf(req.graphPermissions, req.allRequired).join(', ')})`, async () => {
        const grant = leastOf(req.graphPermissions, req.allRequired);
        const roles = req.applicationRoles ? [roleName(req.applicationRoles[0]!)] : [];
        expect(await attempt(probe, asApp(grant, roles))).toBe('ok');
        for (const p of grant) expect([p, await attempt(probe, asApp(grant.filter((x) => x !== p), roles))]).toEqual([p, DENIED]);
        if (roles.length > 0) expect(['without the role', await attempt(probe, asApp(grant))]).toEqual(['without the role', DENIED]);
      });
    }

    it(`${kind}: a signed-in ${req.entraRoles[0] ?? 'member'} with the documented delegated permission${req.allRequired ? 's' : ''} is enough, and only with the role active`, async () => {
      const probe = kind === 'read' ? PROBES['read (delegated)']! : PROBES[kind]!;
      const scopes = leastOf(req.delegatedPermissions, req.allRequired);
      const role = roleName(req.entraRoles[0]!);
      expect(await attempt(probe, asAdmin(scopes, [role]))).toBe('ok');
      for (const s of scopes) expect([s, await attempt(probe, asAdmin(scopes.filter((x) => x !== s), [role]))]).toEqual([s, DENIED]);
      // no role, or the role only eligible (PIM): refused
      expect(['no role', await attempt(probe, asAdmin(scopes, []))]).toEqual(['no role', DENIED]);
      expect(['eligible only', await attempt(probe, asAdmin(scopes, [], [role]))]).toEqual(['eligible only', DENIED]);
    });
  }

  it('read: an application cannot read the sync settings (delegated only); a Hybrid Identity Administrator cannot either, a Global Administrator can', async () => {
    const readSettings: Probe = (e) => readSyncSettings(e);
    expect(await attempt(readSettings, asApp(documentedApplicationPermissions(), ['User Administrator']))).toBe(DENIED);
    expect(await attempt(readSettings, asAdmin(READ_PERMISSIONS.delegatedPermissions, ['Hybrid Identity Administrator'], ['Global Administrator']))).toBe(DENIED);
    expect(await attempt(readSettings, asAdmin(READ_PERMISSIONS.delegatedPermissions, ['Global Administrator']))).toBe('ok');
  });

  it("entra.resetPassword: an administrator's password needs Privileged Authentication Administrator, for apps and people", async () => {
    const withAdminTarget = (who: LabIdentity) => attempt(PROBES['entra.resetPassword']!, who, (t, f) => t.addRoleMember('Exchange Administrator', f.cloud));
    expect(await withAdminTarget(asApp(['User-PasswordProfile.ReadWrite.All'], ['User Administrator']))).toBe(DENIED);
    expect(await withAdminTarget(asApp(['User-PasswordProfile.ReadWrite.All'], ['Privileged Authentication Administrator']))).toBe('ok');
    expect(await withAdminTarget(asAdmin(['User-PasswordProfile.ReadWrite.All'], ['User Administrator']))).toBe(DENIED);
    expect(await withAdminTarget(asAdmin(['User-PasswordProfile.ReadWrite.All'], ['Global Administrator']))).toBe('ok');
  });

  it(`the lab's default identities: global-admin does everything, application everything but the sync settings (tenant ${DOMAIN})`, async () => {
    const [application, globalAdmin] = [defaultLabIdentities().find((i) => i.name === 'application')!, defaultLabIdentities().find((i) => i.name === 'global-admin')!];
    for (const [kind, req] of graphRows) {
      expect([kind, await attempt(PROBES[kind]!, globalAdmin)]).toEqual([kind, 'ok']);
      expect([kind, await attempt(PROBES[kind]!, application)]).toEqual([kind, req.delegatedOnly ? DENIED : 'ok']);
    }
  });
});
