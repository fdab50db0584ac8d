/**
 * Under application permissions (issue 8 §3): who the client is signed in as comes from the access
 * token's payload (Entra's v2 claims: idtyp, scp, roles, wids); `GET /directory/onPremisesSynchronization`
 * answers 403 to an application, which makes the sync features and the deletion threshold unknown (null,
 * with a note), not a failed read. Against the lab's Graph emulator over HTTP through the SDK client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/graph/client.js';
import { staticTokenAuthProvider } from '../../../src/graph/credentials.js';
import { GraphEntraAccess } from '../../../src/graph/entra-access.js';
import { exchangeMailboxOf } from '../../../src/graph/user-reads.js';
import { signInFromToken, signInOf } from '../../../src/graph/sign-in.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/lab/graph/index.js';
import { cloudUser, newTenant, startLab, TENANT_ID, type Lab } from './lab-graph.js';

/** A token shaped like Entra's v2 access tokens (unsigned: the product decodes, never verifies). */
const jwt = (payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJl`;

const APP = jwt({ tid: TENANT_ID, oid: 'a0000000-0000-4000-8000-000000000001', idtyp: 'app', roles: ['User.ReadWrite.All', 'User-OnPremisesSyncBehavior.ReadWrite.All'] });
const ADMIN = jwt({ tid: TENANT_ID, oid: 'a0000000-0000-4000-8000-000000000002', idtyp: 'user', scp: 'User.ReadWrite.All OnPremDirectorySynchronization.ReadWrite.All', wids: ['62e90394-69f5-4237-9190-012177145e10'] });

describe('signInFromToken', () => {
  it('an app-only token is an application; a user token a user; without idtyp, scp means a user and roles an application', () => {
    expect(signInFromToken(APP)).toEqual({ kind: 'application', scopes: [], roles: ['User.ReadWrite.All', 'User-OnPremisesSyncBehavior.ReadWrite.All'], directoryRoles: [] });
    expect(signInFromToken(ADMIN)).toEqual({
      kind: 'user',
      scopes: ['User.ReadWrite.All', 'OnPremDirectorySynchronization.ReadWrite.All'],
      roles: [],
      directoryRoles: ['62e90394-69f5-4237-9190-012177145e10'],
    });
    expect(signInFromToken(jwt({ scp: 'User.Read' })).kind).toBe('user');
    expect(signInFromToken(jwt({ roles: ['User.Read.All'] })).kind).toBe('application');
  });

  it('an opaque token, a broken payload or one without the claims is unknown', () => {
    expect(signInFromToken('opaque-lab-token').kind).toBe('unknown');
    expect(signInFromToken('a.%%%.c').kind).toBe('unknown');
    expect(signInFromToken(jwt({ tid: TENANT_ID })).kind).toBe('unknown');
    expect(signInFromToken(`x.${Buffer.from('[1,2]').toString('base64url')}.y`).kind).toBe('unknown');
  });
});

describe('GraphEntraAccess under an application sign-in', () => {
  let emulator: GraphEmulator | undefined;
  let lab: Lab | undefined;
  afterEach(async () => {
    await emulator?.close();
    await lab?.close();
    emulator = undefined;
    lab = undefined;
  });

  it('signInOf reads the kind from the token the client authenticates with, and keeps no part of the token', async () => {
    emulator = await startGraphEmulator({ tenant: newTenant() });
    // the lab's own application identity: a token the emulator issued and accepts
    const app = emulator.tokens['application'] ?? '';
    const authProvider = staticTokenAuthProvider(app);
    const client = createGraphClient({ endpoint: emulator.url, authProvider });
    const entra = new GraphEntraAccess({ client, tenantId: TENANT_ID });
    expect((await entra.getTenantSyncState()).tenantId).toBe(TENANT_ID); // the client reads with this token
    const signIn = await signInOf(authProvider);
    expect(signIn.kind).toBe('application');
    expect(JSON.stringify(signIn)).not.toContain(app.split('.')[1]);
  });

  it('403 on GET /directory/onPremisesSynchronization: features and deletion threshold unknown (null), one note; the rest is read', async () => {
    const tenant = newTenant();
    tenant.createUser(cloudUser(1));
    const notes: string[] = [];
    lab = await startLab(tenant, { onProgress: (m) => notes.push(m) });
    lab.emulator.setFaults({
      rules: [
        {
          action: { kind: 'error', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
          method: 'GET',
          pathPattern: '/directory/onPremisesSynchronization',
          times: 100,
          inBatch: true,
        },
      ],
    });

    const first = await lab.entra.getTenantSyncState();
    const second = await lab.entra.getTenantSyncState();

    expect(first).toEqual({ ...second });
    expect(first.features).toBeNull();
    expect(first.accidentalDeletionPrevention).toBeNull();
    expect(first.tenantId).toBe(TENANT_ID);
    expect(first.onPremisesSyncEnabled).toBe(true);
    expect(notes.filter((n) => n.includes('onPremisesSynchronization'))).toEqual([
      'note: the tenant\'s sync features and accidental-deletion threshold were not read (Graph 403 Authorization_RequestDenied): ' +
        'GET /directory/onPremisesSynchronization accepts only a signed-in Global Administrator (delegated): no application, and no other role ' +
        '(https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get); they count as unknown. ' +
        'Sign in as a Global Administrator (--auth device-code or --auth interactive) to read or change them',
    ]);
  });

  it('another failure of that read is still a failure', async () => {
    lab = await startLab(newTenant());
    lab.emulator.setFaults({ rules: [{ action: { kind: 'error', status: 400, code: 'BadRequest' }, method: 'GET', pathPattern: '/directory/onPremisesSynchronization', times: 100, inBatch: true }] });
    await expect(lab.entra.getTenantSyncState()).rejects.toMatchObject({ name: 'GraphError', status: 400 });
  });
});

describe('exchangeMailboxOf (provisionedPlans)', () => {
  it('an exchange plan provisioned with Success is a mailbox; pending, error or other services are not; not read is null', () => {
    expect(exchangeMailboxOf([{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }])).toBe(true);
    expect(exchangeMailboxOf([{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'Exchange' }])).toBe(true);
    expect(exchangeMailboxOf([{ provisioningStatus: 'PendingInput', service: 'exchange' }])).toBe(false);
    expect(exchangeMailboxOf([{ provisioningStatus: 'Success', service: 'SharePoint' }, { provisioningStatus: 'Error', service: 'exchange' }])).toBe(false);
    expect(exchangeMailboxOf([])).toBe(false);
    expect(exchangeMailboxOf(undefined)).toBeNull();
  });
});
