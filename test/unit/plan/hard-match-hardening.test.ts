import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import type { Plan } from '../../../src/model/plan.js';
import { adUser, cloudUser, codes, desired, guid, observed, onPremRule, outline, plan, syncedFrom } from './builders.js';

// Entra ID's hardening from 2026-07-01 (domain.md §3): a hard match onto a cloud user that has
// onPremisesObjectIdentifier set, or holds or is eligible for a privileged role, is refused
// (AttributeUpdateNotAllowed). The planner reads no clock: the plan's createdAt decides.
const BEFORE = '2026-06-30T23:59:59Z';
const ON = '2026-07-01T00:00:00Z';
const AFTER = '2026-11-21T12:00:00Z';
const OLD_GUID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

const hazard = (p: Plan, code: string) => p.hazards.find((h) => h.code === code);

describe('hard link onto a cloud user with onPremisesObjectIdentifier set', () => {
  const rule = onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard');
  const bob = adUser('bob', 2);
  // bob was synced from an older AD account once; sync stopped and he has been cloud-only since
  const leftover = cloudUser('bob', 'e2', { onPremisesObjectIdentifier: OLD_GUID });

  it('plan created on or after 2026-07-01 → blocking hard-match-refused naming user, rule, reason and fix; no steps', () => {
    for (const at of [ON, AFTER]) {
      const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [leftover] }), at);
      expect(codes(p)).toEqual(['hard-match-refused']);
      expect(p.steps).toEqual([]);
      expect(p.applyable).toBe(false);
      const h = hazard(p, 'hard-match-refused');
      expect(h).toMatchObject({ severity: 'danger', blocking: true, objectKeys: ['user/bob@contoso.com'] });
      expect(h?.message).toBe(
        `bob@contoso.com has onPremisesObjectIdentifier ${OLD_GUID} (it was synced from an AD object before): ` +
          `from 2026-07-01 Entra ID refuses to hard-match such a cloud user, so linking it to ${bob.dn} fails with AttributeUpdateNotAllowed. ` +
          `Microsoft's documented recovery is to clear it first (beta PATCH /users/e2 {"onPremisesObjectIdentifier": null}, ` +
          `Hybrid Identity Administrator or Global Administrator), which entra-soa does not do for you; then plan again. ` +
          `Otherwise link a different cloud user or keep this one cloud-managed`,
      );
    }
  });

  it('plan created before 2026-07-01 → the link is planned as usual', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [leftover] }), BEFORE);
    expect(outline(p)).toEqual(['s001 entra.setImmutableId', 's002 sync.await <- s001']);
    expect(codes(p)).toEqual(['waits-for-sync']);
    expect(p.applyable).toBe(true);
  });

  it('onPremisesObjectIdentifier cleared (null) → the link is planned after the date too', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [cloudUser('bob', 'e2')] }), AFTER);
    expect(p.steps.map((s) => s.step.kind)).toEqual(['entra.setImmutableId', 'sync.await']);
    expect(p.applyable).toBe(true);
  });

  it('an unparsable createdAt counts as after the date (the safe side)', () => {
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [leftover] }), 'not a date');
    expect(codes(p)).toEqual(['hard-match-refused']);
  });
});

describe('hard link onto a privileged cloud user: active and PIM-eligible roles both count', () => {
  const rule = onPremRule('link-bob', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard');
  const bob = adUser('bob', 2);

  it('eligible Global Administrator, after the date → blocking privileged-role naming the eligibility', () => {
    const e = cloudUser('bob', 'e2', { roles: [{ role: 'Global Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.steps).toEqual([]);
    expect(hazard(p, 'privileged-role')?.message).toBe(
      `bob@contoso.com has the privileged role Global Administrator (eligible): from 2026-07-01 Entra ID refuses to hard-match a cloud user ` +
        `that holds or is eligible for a privileged role, so linking it to ${bob.dn} fails with AttributeUpdateNotAllowed. ` +
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

  it('both reasons at once → both hazards, identifier first', () => {
    const e = cloudUser('bob', 'e2', { onPremisesObjectIdentifier: OLD_GUID, roles: [{ role: 'Global Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [bob], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['hard-match-refused', 'privileged-role']);
  });
});

describe('rollback (cloud-managed → AD) is a hard match too', () => {
  const rule = onPremRule('back', { kind: 'upn', upn: 'dora@contoso.com' }, 'hard');
  const dora = adUser('dora', 5);

  it('converted user still carrying the onPremisesObjectIdentifier sync wrote (this same AD object), after the date → planned as usual', () => {
    // Microsoft blocks re-mapping "to a different on-premises identity" (entra/fundamentals/whats-new,
    // "Microsoft Entra Connect security hardening to prevent user account takeover"): a rollback to
    // the AD object the user was synced from is not affected.
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesObjectIdentifier: guid(5) });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), AFTER);
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged', 's002 sync.await <- s001']);
    expect(codes(p)).not.toContain('hard-match-refused');
  });

  it('converted user whose onPremisesObjectIdentifier is another AD object, after the date → blocking hard-match-refused, no steps', () => {
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesObjectIdentifier: OLD_GUID });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), AFTER);
    expect(p.steps).toEqual([]);
    expect(codes(p)).toEqual(['hard-match-refused']);
    expect(hazard(p, 'hard-match-refused')).toMatchObject({ blocking: true, objectKeys: ['user/dora@contoso.com'] });
    expect(hazard(p, 'hard-match-refused')?.message).toContain(`so handing it back to ${dora.dn} fails with AttributeUpdateNotAllowed`);
  });

  it('the same user before the date → setCloudManaged{false} → await', () => {
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesObjectIdentifier: guid(5) });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), BEFORE);
    expect(outline(p)).toEqual(['s001 entra.setCloudManaged', 's002 sync.await <- s001']);
    expect(p.steps[1]?.step).toEqual({ kind: 'sync.await', until: { kind: 'userSynced', userId: 'e5', upn: 'dora@contoso.com', immutableId: guidToImmutableId(guid(5)) }, timeoutS: 7200 });
  });

  it('converted user eligible for a privileged role, after the date → blocking privileged-role', () => {
    const e = syncedFrom(dora, 'e5', { isCloudManaged: true, onPremisesSyncEnabled: null, roles: [{ role: 'Security Administrator', state: 'eligible', privileged: true }] });
    const p = plan(desired({ users: [rule] }), observed({ ad: [dora], entra: [e] }), AFTER);
    expect(codes(p)).toEqual(['privileged-role']);
    expect(p.steps).toEqual([]);
  });
});
