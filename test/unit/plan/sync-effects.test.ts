import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/plan.js';
import { adUser, cloudUser, codes, desired, observed, onPremRule, plan, STAFF_OU, syncedFrom, tenant } from './builders.js';

// After a hard or soft match (and the re-match of a rollback) Entra Connect overwrites every cloud
// attribute that has an on-premises value, and with password hash sync the password too
// (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant).
const waitOf = (p: Plan) => p.steps.find((s) => s.step.kind === 'sync.await');
const hazardsOf = (p: Plan, code: string) => p.hazards.filter((h) => h.code === code);
const features = (passwordSyncEnabled: boolean | null) => ({
  blockSoftMatchEnabled: false,
  blockCloudObjectTakeoverThroughHardMatchEnabled: false,
  softMatchOnUpnEnabled: false,
  passwordSyncEnabled,
});

describe('hard link: what the match changes on the cloud user', () => {
  const rule = onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard', { counterpart: { by: 'mail' } });
  // the AD account: another UPN, a disabled account, an AD display name and an extra address
  const ad = adUser('bob', 2, {
    userPrincipalName: 'robert@corp.contoso.com',
    enabled: false,
    displayName: 'Robert Baker',
    proxyAddresses: ['SMTP:bob@contoso.com', 'smtp:robert@contoso.com'],
    givenName: null,
  });
  const e = cloudUser('bob', 'e2', { displayName: 'Bob (cloud)', givenName: 'Bobby' });

  it('from AD values that differ → syncEffects before -> after; an AD attribute without a value changes nothing', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e], tenant: { features: features(true) } }));
    expect(waitOf(p)?.syncEffects).toEqual({
      match: 'hard',
      source: ad.dn,
      changes: [
        { attribute: 'userPrincipalName', from: ['bob@contoso.com'], to: ['robert@corp.contoso.com'] },
        { attribute: 'accountEnabled', from: ['true'], to: ['false'] },
        { attribute: 'displayName', from: ['Bob (cloud)'], to: ['Robert Baker'] },
        { attribute: 'surname', from: ['Cloud'], to: ['Test'] },
        { attribute: 'proxyAddresses', from: ['SMTP:bob@contoso.com'], to: ['SMTP:bob@contoso.com', 'smtp:robert@contoso.com'] },
      ],
      password: 'replaced',
    });
  });

  it('→ hazards: the sign-in name changes (warning), the account is disabled (disruptive), the password is replaced (warning)', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e], tenant: { features: features(true) } }));
    const wait = waitOf(p)?.id as string;
    expect(hazardsOf(p, 'sign-in-name-change')).toEqual([
      {
        code: 'sign-in-name-change',
        severity: 'warning',
        message: `after the match bob@contoso.com signs in as robert@corp.contoso.com (the userPrincipalName of ${ad.dn}): tell the user, or make the AD userPrincipalName bob@contoso.com first`,
        stepIds: [wait],
        objectKeys: ['user/bob@contoso.com'],
        blocking: false,
      },
    ]);
    expect(hazardsOf(p, 'account-disabled')[0]).toMatchObject({ severity: 'danger', consent: 'disruptive', blocking: false, stepIds: [wait] });
    expect(hazardsOf(p, 'password-replaced')[0]).toMatchObject({ severity: 'warning', blocking: false, stepIds: [wait] });
    expect(hazardsOf(p, 'password-replaced')[0]?.consent).toBeUndefined();
    expect(waitOf(p)?.hazardCodes).toEqual(['waits-for-sync', 'sign-in-name-change', 'account-disabled', 'password-replaced']);
    expect(p.applyable).toBe(true);
  });

  it('password hash sync off → password unchanged, no password hazard', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e], tenant: { features: features(false) } }));
    expect(waitOf(p)?.syncEffects?.password).toBe('unchanged');
    expect(codes(p)).not.toContain('password-replaced');
    expect(codes(p)).not.toContain('password-sync-unknown');
  });

  it('password hash sync neither read nor stated → unknown, with a warning saying so (not a guess)', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [ad], entra: [e], tenant: { features: features(null) } }));
    expect(waitOf(p)?.syncEffects?.password).toBe('unknown');
    const h = hazardsOf(p, 'password-sync-unknown')[0];
    expect(h).toMatchObject({ severity: 'warning', blocking: false });
    expect(h?.consent).toBeUndefined();
    expect(h?.message).toContain('state tenant.passwordHashSync in the manifest');
  });

  it('features unreadable (application sign-in) and the manifest states tenant.passwordHashSync → the statement is used', () => {
    const d = desired({ users: [rule] });
    d.tenant.passwordHashSync = true;
    const p = plan(d, observed({ ad: [ad], entra: [e], tenant: { features: null, accidentalDeletionPrevention: null } }));
    expect(waitOf(p)?.syncEffects?.password).toBe('replaced');
    expect(codes(p)).not.toContain('password-sync-unknown');
  });

  it('the manifest states the opposite of what the tenant reports → the tenant wins, with a warning', () => {
    const d = desired({ users: [rule] });
    d.tenant.passwordHashSync = false;
    const p = plan(d, observed({ ad: [ad], entra: [e], tenant: { features: features(true) } }));
    expect(waitOf(p)?.syncEffects?.password).toBe('replaced');
    expect(p.diagnostics.map((x) => [x.severity, x.code])).toEqual([['warning', 'password-hash-sync-mismatch']]);
  });

  it('the same values on both sides → no changes, no sign-in or account hazard', () => {
    const same = adUser('bob', 2, { givenName: 'bob', surname: 'Cloud', displayName: 'bob Cloud' });
    const p = plan(desired({ users: [onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard')] }), observed({ ad: [same], entra: [cloudUser('bob', 'e2')], tenant: { features: features(false) } }));
    expect(waitOf(p)?.syncEffects).toEqual({ match: 'hard', source: same.dn, changes: [], password: 'unchanged' });
    expect(codes(p)).toEqual(['waits-for-sync']);
  });
});

describe('soft link and rollback: the effects follow the AD values after the plan\'s own writes', () => {
  it('soft link of an existing AD user → the AD attributes it prepares match the cloud ones; only what it keeps differs', () => {
    const ad = adUser('carol', 3, { mail: 'c.old@contoso.com', proxyAddresses: ['SMTP:c.old@contoso.com'], displayName: 'carol Cloud', givenName: 'carol', surname: 'Cloud' });
    const p = plan(desired({ users: [onPremRule('soft', { kind: 'upn', upn: 'carol@contoso.com' }, 'soft')] }), observed({ ad: [ad], entra: [cloudUser('carol', 'e3')], tenant: { features: features(true) } }));
    expect(waitOf(p)?.syncEffects).toEqual({
      match: 'soft',
      source: ad.dn,
      // the old primary stays as a secondary address
      changes: [{ attribute: 'proxyAddresses', from: ['SMTP:carol@contoso.com'], to: ['SMTP:carol@contoso.com', 'smtp:c.old@contoso.com'] }],
      password: 'replaced',
    });
  });

  it('soft link that creates the AD user, password hash sync on → the generated password replaces the cloud one: danger, needs allow.disruptive', () => {
    const r = onPremRule('create', { kind: 'upn', upn: 'dan@contoso.com' }, 'soft', { createIn: STAFF_OU });
    const p = plan(desired({ users: [r] }), observed({ entra: [cloudUser('dan', 'e4')], tenant: { features: features(true) } }));
    const h = hazardsOf(p, 'password-replaced')[0];
    expect(h).toMatchObject({ severity: 'danger', consent: 'disruptive', blocking: false });
    expect(h?.message).toContain('generated password of the AD user this plan creates (CN=dan Cloud,OU=Staff,DC=contoso,DC=com)');
    expect(waitOf(p)?.syncEffects).toMatchObject({ match: 'soft', source: 'CN=dan Cloud,OU=Staff,DC=contoso,DC=com', changes: [], password: 'replaced' });
  });

  it('soft link that creates the AD user, password hash sync unknown → the unknown needs allow.disruptive (it may lock the person out)', () => {
    const r = onPremRule('create', { kind: 'upn', upn: 'dan@contoso.com' }, 'soft', { createIn: STAFF_OU });
    const p = plan(desired({ users: [r] }), observed({ entra: [cloudUser('dan', 'e4')], tenant: { features: features(null) } }));
    expect(hazardsOf(p, 'password-sync-unknown')[0]).toMatchObject({ consent: 'disruptive' });
  });

  it('rollback → the AD values overwrite the cloud edits made since the switch', () => {
    const dora = adUser('dora', 5);
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, displayName: 'Dora (edited in the cloud)' });
    const p = plan(desired({ users: [onPremRule('back', { kind: 'upn', upn: 'dora@contoso.com' }, 'hard')] }), observed({ ad: [dora], entra: [e], tenant: { features: features(false) } }));
    expect(waitOf(p)?.syncEffects).toEqual({
      match: 'rollback',
      source: dora.dn,
      changes: [{ attribute: 'displayName', from: ['Dora (edited in the cloud)'], to: ['dora Test'] }],
      password: 'unchanged',
    });
  });

  it('a scope removal is no match: its soft-delete wait carries no syncEffects', () => {
    const a = adUser('ella', 6);
    const d = desired({ users: [] });
    d.users.push({ name: 'out', selector: { kind: 'upn', upn: 'ella@contoso.com' }, authority: 'cloud', method: 'scopeRemoval', clear: { immutableId: false, otherOnPremisesAttributes: false }, location: { file: 'manifest.yaml', line: 3, col: 5 } });
    const p = plan(d, observed({ ad: [a], entra: [syncedFrom(a, 'e6')], tenant: tenant() }));
    expect(waitOf(p)?.step).toMatchObject({ kind: 'sync.await', until: { kind: 'userSoftDeleted' } });
    expect(waitOf(p)?.syncEffects).toBeUndefined();
  });
});
