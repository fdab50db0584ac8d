// Graph's documented rules for users, as the emulator enforces them (docs/lab-graph.md, "Graph
// emulator behaviour"): AD-mastered attributes, password policy, the clearable on-premises
// attributes, the v1.0 schema, lastPasswordChangeDateTime and provisionedPlans.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addCloudUser, addSyncedUser, graphError, raw, TENANT_ID, freshLabPerTest } from './helpers.js';

const MASTERED = 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
const COMPLEXITY = 'The specified password does not comply with password complexity requirements. Please provide a different password.';

describe('lab Graph emulator: rules for users', () => {
  const fx = freshLabPerTest();

  it('refuses a cloud write to every AD-mastered attribute of a synced user (department and companyName included), accepts them on a cloud user', async () => {
    const s = addSyncedUser(fx.t, 'ann');
    const c = addCloudUser(fx.t, 'bea');
    const writes: Record<string, unknown> = {
      department: 'Sales',
      companyName: 'Contoso',
      jobTitle: 'Lead',
      officeLocation: '18/2111',
      businessPhones: ['+1 425 555 0109'],
      faxNumber: '+1 425 555 0110',
      city: 'Redmond',
      country: 'US',
      state: 'WA',
      streetAddress: '1 Way',
      postalCode: '98052',
      employeeId: 'E1',
      preferredLanguage: 'en-US',
      givenName: 'Ann',
      accountEnabled: false,
      onPremisesExtensionAttributes: { extensionAttribute1: 'x' },
    };
    for (const [k, v] of Object.entries(writes)) {
      const e = await graphError(fx.lab.client.api(`/users/${s.id}`).patch({ [k]: v }));
      expect([k, e.statusCode, e.code, e.message]).toEqual([k, 400, 'Request_BadRequest', MASTERED]);
      expect([k, (await raw(fx.lab.emu, 'PATCH', `/v1.0/users/${c.id}`, { body: { [k]: v } })).status]).toEqual([k, 204]);
    }
  });

  it('mobilePhone of a synced user keeps a cloud value unless bypassDirSyncOverridesEnabled is on', async () => {
    const s = addSyncedUser(fx.t, 'cal');
    await fx.lab.client.api(`/users/${s.id}`).patch({ mobilePhone: '+1 425 555 0111' });
    fx.t.updateSyncFeatures({ bypassDirSyncOverridesEnabled: true });
    const e = await graphError(fx.lab.client.api(`/users/${s.id}`).patch({ mobilePhone: '+1 425 555 0112' }));
    expect([e.statusCode, e.message]).toEqual([400, MASTERED]);
  });

  it('password profiles follow the password policy: 8-256 characters, three of four classes, no other characters; DisableStrongPassword lifts the classes', async () => {
    const c = addCloudUser(fx.t, 'dee');
    for (const bad of ['Sh0rt!', 'alllowercase1', 'ALLUPPER!!', 'Ünïcode-Passw0rd', 'x'.repeat(250) + 'A1!bcdefg']) {
      const e = await graphError(fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: bad } }));
      expect([bad.slice(0, 12), e.statusCode, e.code, e.message]).toEqual([bad.slice(0, 12), 400, 'Request_BadRequest', COMPLEXITY]);
    }
    expect(fx.t.getUser(c.id)?.passwordLastResetAt).toBeNull();
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd with space', forceChangePasswordNextSignIn: true } });
    // DisableStrongPassword: two classes are enough, the length still counts
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordPolicies: 'DisablePasswordExpiration, DisableStrongPassword', passwordProfile: { password: 'lowercase1' } });
    expect((await graphError(fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'lower1' } }))).message).toBe(COMPLEXITY);
    const bad = await graphError(fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd!', forceChangePasswordNextSignIn: 'yes' } }));
    expect(bad.message).toBe("Invalid value specified for property 'passwordProfile' of resource 'User'.");
  });

  it('records forceChangePasswordNextSignIn (never the password) and serves it with passwordPolicies on $select', async () => {
    const c = addCloudUser(fx.t, 'eve');
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd!', forceChangePasswordNextSignIn: true } });
    const got = (await fx.lab.client.api(`/users/${c.id}`).select('passwordProfile,passwordPolicies').get()) as Record<string, unknown>;
    expect(got).toMatchObject({ passwordProfile: { password: null, forceChangePasswordNextSignIn: true }, passwordPolicies: null });
    expect(JSON.stringify(fx.t.toJSON())).not.toContain('Lab-Passw0rd!');
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd?', forceChangePasswordNextSignIn: false } });
    expect(fx.t.getUser(c.id)?.forceChangePasswordNextSignIn).toBe(false);
  });

  it('lastPasswordChangeDateTime is served and moves on every reset, also when the lab clock stands still', async () => {
    const c = addCloudUser(fx.t, 'fay');
    const read = async () => ((await fx.lab.client.api(`/users/${c.id}`).select('lastPasswordChangeDateTime').get()) as { lastPasswordChangeDateTime: string }).lastPasswordChangeDateTime;
    const created = await read();
    expect(created).toBe(c.createdDateTime);
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd1!' } });
    const first = await read();
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd2!' } });
    const second = await read();
    expect(Date.parse(first)).toBeGreaterThan(Date.parse(created));
    expect(Date.parse(second)).toBeGreaterThan(Date.parse(first));
    fx.t.advanceClock(3600);
    await fx.lab.client.api(`/users/${c.id}`).patch({ passwordProfile: { password: 'Lab-Passw0rd3!' } });
    expect(await read()).toBe(fx.t.nowIso());
  });

  it('provisionedPlans shows an Exchange Online plan (Success) for a user with a mailbox, none without', async () => {
    const withMail = addCloudUser(fx.t, 'gus', { exchangeMailbox: true });
    const noMail = fx.t.createUser({ userPrincipalName: 'hal@lab.example.test', displayName: 'hal' });
    const mailNoMailbox = addCloudUser(fx.t, 'ida', { exchangeMailbox: false });
    const plans = async (id: string) => ((await fx.lab.client.api(`/users/${id}`).select('provisionedPlans').get()) as { provisionedPlans: unknown[] }).provisionedPlans;
    expect(await plans(withMail.id)).toEqual([{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }]);
    expect(await plans(noMail.id)).toEqual([]);
    expect(await plans(mailNoMailbox.id)).toEqual([]);
  });

  it('v1.0 $select serves only v1.0-schema properties: onPremisesObjectIdentifier is a 400 there, served on beta', async () => {
    const s = addSyncedUser(fx.t, 'ivy', { onPremisesObjectIdentifier: 'c98b9135-6d19-40ea-9779-889d79b753f0' });
    const v1 = await graphError(fx.lab.client.api(`/users/${s.id}`).select('id,onPremisesObjectIdentifier').get());
    expect([v1.statusCode, v1.code, v1.message]).toEqual([400, 'BadRequest', "Could not find a property named 'onPremisesObjectIdentifier' on type 'microsoft.graph.user'."]);
    const list = await graphError(fx.lab.client.api('/users').select('id,onPremisesObjectIdentifier').get());
    expect(list.statusCode).toBe(400);
    const beta = (await fx.lab.client.api(`/users/${s.id}`).version('beta').select('id,onPremisesObjectIdentifier').get()) as Record<string, unknown>;
    expect(beta.onPremisesObjectIdentifier).toBe('c98b9135-6d19-40ea-9779-889d79b753f0');
  });

  it('beta PATCH onPremisesObjectIdentifier: null clears it on a cloud-managed user; refused on a synced user, on v1.0, and with a value', async () => {
    const s = addSyncedUser(fx.t, 'jon', { onPremisesObjectIdentifier: 'c98b9135-6d19-40ea-9779-889d79b753f0' });
    expect((await graphError(fx.lab.client.api(`/users/${s.id}`).version('beta').patch({ onPremisesObjectIdentifier: null }))).message).toBe(MASTERED);
    fx.t.setUserCloudManaged(s.id, true);
    const v1 = await graphError(fx.lab.client.api(`/users/${s.id}`).patch({ onPremisesObjectIdentifier: null }));
    expect([v1.statusCode, v1.message]).toEqual([400, "Property 'onPremisesObjectIdentifier' does not exist as a declared property or extension property."]);
    const value = await graphError(fx.lab.client.api(`/users/${s.id}`).version('beta').patch({ onPremisesObjectIdentifier: randomUUID() }));
    expect(value.message).toBe("Property 'onPremisesObjectIdentifier' is read-only and cannot be set.");
    await fx.lab.client.api(`/users/${s.id}`).version('beta').patch({ onPremisesObjectIdentifier: null });
    expect(fx.t.getUser(s.id)?.onPremisesObjectIdentifier).toBeNull();
  });

  it('clearing onPremisesObjectIdentifier also needs User-OnPremisesSyncBehavior.ReadWrite.All (the clear-on-premises-attributes page)', async () => {
    const c = addCloudUser(fx.t, 'kim', { onPremisesObjectIdentifier: 'c98b9135-6d19-40ea-9779-889d79b753f0', onPremisesSyncEnabled: false });
    const app = (applicationPermissions: string[]) =>
      fx.lab.emu.issueToken({ kind: 'application', name: 'a', description: 'a', appId: randomUUID(), objectId: randomUUID(), applicationPermissions, roles: [] });
    const clear = (token: string) => raw(fx.lab.emu, 'PATCH', `/beta/users/${c.id}`, { token, body: { onPremisesObjectIdentifier: null } });
    expect((await clear(app(['User.ReadWrite.All']))).status).toBe(403);
    expect((await clear(app(['User-OnPremisesSyncBehavior.ReadWrite.All']))).status).toBe(403);
    expect((await clear(app(['User.ReadWrite.All', 'User-OnPremisesSyncBehavior.ReadWrite.All']))).status).toBe(204);
  });

  it('clears and sets only the seven attributes Microsoft lists, on beta and cloud-owned users; onPremisesLastSyncDateTime stays read-only', async () => {
    const c = addCloudUser(fx.t, 'lee', {
      onPremisesSyncEnabled: false,
      onPremisesSamAccountName: 'lee',
      onPremisesLastSyncDateTime: '2026-10-01T00:00:00Z',
    });
    const last = await graphError(fx.lab.client.api(`/users/${c.id}`).version('beta').patch({ onPremisesLastSyncDateTime: null }));
    expect([last.statusCode, last.code, last.message]).toEqual([400, 'Request_BadRequest', "Property 'onPremisesLastSyncDateTime' is read-only and cannot be set."]);
    expect(fx.t.getUser(c.id)?.onPremisesLastSyncDateTime).toBe('2026-10-01T00:00:00Z');
    await fx.lab.client.api(`/users/${c.id}`).version('beta').patch({ onPremisesSamAccountName: 'lee2', onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1111' });
    expect(fx.t.getUser(c.id)).toMatchObject({ onPremisesSamAccountName: 'lee2', onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1111' });
    const sid = await graphError(fx.lab.client.api(`/users/${c.id}`).version('beta').patch({ onPremisesSecurityIdentifier: 'not-a-sid' }));
    expect(sid.message).toBe("Invalid value specified for property 'onPremisesSecurityIdentifier' of resource 'User'.");
    await fx.lab.client.api(`/users/${c.id}`).version('beta').patch({ onPremisesSamAccountName: null });
    expect(fx.t.getUser(c.id)?.onPremisesSamAccountName).toBeNull();
  });

  it('POST /users checks the password policy too', async () => {
    const e = await graphError(
      fx.lab.client.api('/users').post({ accountEnabled: true, displayName: 'N', mailNickname: 'n', userPrincipalName: 'n@lab.example.test', passwordProfile: { password: 'weak' } }),
    );
    expect(e.message).toBe(COMPLEXITY);
    expect(fx.t.getUserByUpn('n@lab.example.test')).toBeUndefined();
    expect(TENANT_ID).toBe(fx.t.tenantId);
  });
});
