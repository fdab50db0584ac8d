import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import type { Plan } from '../../../src/model/plan.js';
import { adUser, cloudUser, codes, desired, guid, observed, onPremRule, outline, plan, syncedFrom } from './builders.js';

// Entra ID's hard-match protections from 2026-07-01, as Microsoft documents them now
// (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant#hard-match-security-protections,
// https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidhardmatch):
// - a cloud user that already has a *different* onPremisesObjectIdentifier is not remapped
//   (AttributeUpdateNotAllowed: "cannot be changed unless its current value is null"); users already
//   matched to the same AD object are not affected. Fix: clear it to null, then sync → the plan does that.
// - a cloud user assigned or eligible for a privileged role is refused (InvalidHardMatch) → blocking.
// The planner reads no clock: the plan's createdAt decides whether the rules apply.
const BEFORE = '2026-06-30T23:59:59Z';
const ON = '2026-07-01T00:00:00Z';
const AFTER = '2026-11-21T12:00:00Z';
const OLD_GUID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

const hazard = (p: Plan, code: string) => p.hazards.find((h) => h.code === code);

describe('hard link onto a cloud user mapped to another AD object (onPremisesObjectIdentifier)', () => {
  const rule = onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard');
  const bob = adUser('bob', 2);
  // bob was synced from an older AD account once; sync stopped and he has been cloud-only since
  const leftover = cloudUser('bob', 'e2', { onPremisesObjectIdentifier: OLD_GUID });

  it('plan created on or after 2026-07-01 → clear the identifier first (beta PATCH null), then the immutable id, then wait; a remap warning', () => {
    for (const at of [ON, AFTER]) {
      const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [leftover] }), at);
      expect(outline(p)).toEqual(['s001 entra.clearOnPremisesAttributes', 's002 entra.setImmutableId <- s001', 's003 sync.await <- s001,s002']);
      expect(p.steps[0]?.step).toEqual({ kind: 'entra.clearOnPremisesAttributes', userId: 'e2', upn: 'bob@contoso.com', attributes: { onPremisesObjectIdentifier: OLD_GUID } });
      expect(codes(p)).toEqual(['object-identifier-remap', 'waits-for-sync']);
      expect(hazard(p, 'object-identifier-remap')).toMatchObject({ severity: 'warning', blocking: false, stepIds: ['s001'], objectKeys: ['user/bob@contoso.com'] });
      expect(hazard(p, 'object-identifier-remap')?.message).toBe(
        `bob@contoso.com is mapped to another AD object (onPremisesObjectIdentifier ${OLD_GUID}, not ${bob.objectGuid} of ${bob.dn}): ` +
          `from 2026-07-01 Entra ID refuses that hard match (AttributeUpdateNotAllowed) until the identifier is null, so the plan clears it first ` +
          `(Microsoft's documented fix). Check that ${bob.dn} is the same person: the cloud account leaves its old AD object for good`,
      );
      expect(p.applyable).toBe(true);
    }
  });

  it('the identifier of the same AD object (any case, with braces) → not a remap: no clear, no hazard', () => {
    for (const same of [bob.objectGuid, bob.objectGuid.toUpperCase(), `{${bob.objectGuid}}`]) {
      const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2', { onPremisesObjectIdentifier: same })] }), AFTER);
      expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
      expect(codes(p)).toEqual(['waits-for-sync']);
    }
  });

  it('plan created before 2026-07-01 → the link is planned as usual, nothing cleared', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [leftover] }), BEFORE);
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
    expect(codes(p)).toEqual(['waits-for-sync']);
  });

  it('an unparsable createdAt counts as after the date (the safe side)', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [leftover] }), 'not a date');
    expect(codes(p)).toContain('object-identifier-remap');
  });

  it('the AD user out of scope → the move waits for the clear and the immutable id (no duplicate if either fails)', () => {
    const out = adUser('bob', 2, { dn: 'CN=bob,OU=Disabled,OU=Staff,DC=contoso,DC=com' });
    const p = plan(desired({ users: [rule] }), observed({ ad: [out], entra: [cloudUser('bob', 'e2', { onPremisesObjectIdentifier: OLD_GUID, mail: null, proxyAddresses: [] })] }), AFTER);
    expect(outline(p)).toEqual(['s001 entra.clearOnPremisesAttributes', 's002 entra.setImmutableId <- s001', 's003 ad.move <- s001,s002', 's004 sync.await <- s001,s002,s003']);
  });
});

describe('hard link onto a privileged cloud user: active and PIM-eligible roles both count', () => {
  const rule = onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard');
  const bob = adUser('bob', 2);

  it('eligible Global Administrator, after the date → blocking privileged-role naming the eligibility (InvalidHardMatch)', () => {
    const e = cloudUser('bob', 'e2', { roles: [{ role: 'Global Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.steps).toEqual([]);
    expect(hazard(p, 'privileged-role')?.message).toBe(
      `bob@contoso.com has the privileged role Global Administrator (eligible): from 2026-07-01 Entra ID refuses to hard-match a cloud user ` +
        `that holds or is eligible for a privileged role, so linking it to ${bob.dn} fails (InvalidHardMatch). ` +
        `Remove the role assignment and any PIM eligibility first, and grant them again after the match`,
    );
  });

  it('active User Administrator, after the date → blocking privileged-role; the non-privileged role is not named', () => {
    const e = cloudUser('bob', 'e2', {
      roles: [
        { role: 'User Administrator', state: 'active', privileged: true },
        { role: 'Exchange Administrator', state: 'active', privileged: false },
      ],
    });
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(hazard(p, 'privileged-role')?.message).toContain('has the privileged role User Administrator (active): ');
  });

  it('eligible and active privileged roles before the date → the link is planned', () => {
    for (const state of ['eligible', 'active'] as const) {
      const e = cloudUser('bob', 'e2', { roles: [{ role: 'Global Administrator', state, privileged: true }] });
      const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [e] }), BEFORE);
      expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
    }
  });

  it('a privileged user mapped to another AD object → blocked by the role; nothing is cleared', () => {
    const e = cloudUser('bob', 'e2', { onPremisesObjectIdentifier: OLD_GUID, roles: [{ role: 'Global Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.steps).toEqual([]);
  });
});

describe('rollback (cloud-managed → AD) is a re-match by anchor', () => {
  const rule = onPremRule('back', { kind: 'upn', upn: 'dora@contoso.com' }, 'hard');
  const dora = adUser('dora', 5);
  const anchor = guidToImmutableId(guid(5));

  it('converted user still mapped to its own AD object, after the date → not blocked: setCloudManaged{false} → await', () => {
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesObjectIdentifier: guid(5) });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), AFTER);
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged', 's002 sync.await <- s001']);
    expect(p.steps[1]?.step).toEqual({ kind: 'sync.await', until: { kind: 'userSynced', userId: 'e5', upn: 'dora@contoso.com', immutableId: anchor }, timeoutS: 7200 });
    expect(codes(p)).toEqual(['waits-for-sync']);
    expect(p.applyable).toBe(true);
  });

  it('converted user mapped to another AD object (the AD user was recreated), after the date → clear it before the switch', () => {
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesObjectIdentifier: OLD_GUID });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), AFTER);
    expect(outline(p)).toEqual(['s001 entra.clearOnPremisesAttributes', 's002 entra.setCloudManaged <- s001', 's003 sync.await <- s002']);
    expect(hazard(p, 'object-identifier-remap')?.message).toContain(`so the plan clears it first`);
  });

  it('converted user eligible for a privileged role, after the date → blocking privileged-role', () => {
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, roles: [{ role: 'Security Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.steps).toEqual([]);
  });
});
