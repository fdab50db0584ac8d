import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/model/fingerprint.js';
import type { UserRule } from '../../../src/model/desired.js';
import type { AdUser, DeletedEntraUser, EntraUser, ObservedState } from '../../../src/model/observed.js';
import type { Plan } from '../../../src/model/plan.js';
import {
  adUser,
  cloudRule,
  cloudUser,
  deletedFrom,
  desired,
  DISABLED_OU,
  guid,
  observed,
  onPremRule,
  plan,
  syncedFrom,
  UNSYNCED_OU,
} from './builders.js';

type Shape = 'synced' | 'cloudManaged' | 'cloudOnlyWithAd' | 'cloudOnly' | 'adOnly' | 'deleted';
type Intent = 'none' | 'sourceOfAuthority' | 'scopeRemoval' | 'tenantDisable' | 'hard' | 'soft';
const userSpec = fc.record({
  shape: fc.constantFrom<Shape>('synced', 'cloudManaged', 'cloudOnlyWithAd', 'cloudOnly', 'adOnly', 'deleted'),
  admin: fc.boolean(),
  eligible: fc.boolean(),
  // onPremisesObjectIdentifier: none, the AD counterpart's own objectGUID, or another AD object's
  objectId: fc.constantFrom<'none' | 'same' | 'other'>('none', 'same', 'other'),
  outOfScope: fc.boolean(),
  intent: fc.constantFrom<Intent>('none', 'sourceOfAuthority', 'scopeRemoval', 'tenantDisable', 'hard', 'soft'),
  clear: fc.boolean(),
});
const optBool = fc.option(fc.boolean(), { nil: undefined });
const scenario = fc.record({
  users: fc.array(userSpec, { minLength: 1, maxLength: 7 }),
  features: fc.record({ blockSoftMatchEnabled: fc.boolean(), blockCloudObjectTakeoverThroughHardMatchEnabled: fc.boolean(), softMatchOnUpnEnabled: fc.boolean(), passwordSyncEnabled: fc.constant(false) }),
  want: fc.record({ blockSoftMatch: optBool, blockCloudObjectTakeoverThroughHardMatch: optBool, softMatchOnUpn: optBool }),
  tenantSync: fc.constantFrom<'on' | 'off' | 'pending'>('on', 'on', 'off', 'pending'),
  directorySync: fc.constantFrom<'enabled' | 'disabled' | undefined>(undefined, undefined, 'enabled', 'disabled'),
  threshold: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  seed: fc.integer(),
  // before / on / after the hard-match hardening of 2026-07-01
  createdAt: fc.constantFrom('2026-03-02T09:00:00Z', '2026-07-01T00:00:00Z', '2026-11-21T12:00:00Z'),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const ad: AdUser[] = [];
  const entra: EntraUser[] = [];
  const deleted: DeletedEntraUser[] = [];
  const rules: UserRule[] = [];
  s.users.forEach((u, n) => {
    const name = `u${n}`;
    const roles = u.admin ? [{ role: 'Global Administrator', state: u.eligible ? ('eligible' as const) : ('active' as const), privileged: true }] : [];
    const objectId = u.objectId === 'other' ? guid(100 + n) : u.objectId === 'same' ? guid(n + 1) : null;
    const dn = u.shape === 'deleted' ? `CN=${name},${UNSYNCED_OU}` : u.outOfScope ? `CN=${name},${DISABLED_OU}` : undefined;
    const a = adUser(name, n + 1, dn ? { dn } : {});
    if (u.shape !== 'cloudOnly') ad.push(a);
    if (u.shape === 'synced') entra.push(syncedFrom(a, `e${n}`, { roles, onPremisesObjectIdentifier: objectId }));
    if (u.shape === 'cloudManaged') entra.push(syncedFrom(a, `e${n}`, { roles, isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesObjectIdentifier: objectId }));
    if (u.shape === 'cloudOnlyWithAd' || u.shape === 'cloudOnly') {
      entra.push(cloudUser(name, `e${n}`, { roles, proxyAddresses: [`SMTP:${name}@contoso.com`], onPremisesObjectIdentifier: objectId }));
    }
    if (u.shape === 'deleted') deleted.push(deletedFrom(syncedFrom(a, `e${n}`)));
    const sel = { kind: 'upn' as const, upn: `${name}@contoso.com` };
    const clear = { immutableId: u.clear, otherOnPremisesAttributes: u.clear };
    switch (u.intent) {
      case 'none':
        break;
      case 'sourceOfAuthority':
      case 'scopeRemoval':
      case 'tenantDisable':
        rules.push(cloudRule(`r${n}`, sel, u.intent, { clear, location: { file: 'manifest.yaml', line: 10 + n, col: 5 } }));
        break;
      case 'hard':
      case 'soft':
        rules.push(onPremRule(`r${n}`, sel, u.intent, { location: { file: 'manifest.yaml', line: 10 + n, col: 5 } }));
        break;
    }
  });
  const want = Object.fromEntries(Object.entries(s.want).filter(([, v]) => v !== undefined));
  const d = desired({ users: rules, features: want, ...(s.directorySync ? { directorySync: s.directorySync } : {}), ...(s.threshold ? { threshold: s.threshold } : {}) });
  const o = observed({
    ad,
    entra,
    deleted,
    tenant: {
      features: s.features,
      onPremisesSyncEnabled: s.tenantSync !== 'off',
      disablePending: s.tenantSync === 'pending',
    },
  });
  return { d, o };
}

function syncedIds(o: ObservedState): Set<string> {
  return new Set(o.entra.users.filter((e) => e.onPremisesSyncEnabled === true && e.isCloudManaged !== true).map((e) => e.id));
}

/** Steps reachable through dependsOn from a step. */
function ancestors(p: Plan, id: string): Plan['steps'] {
  const byId = new Map(p.steps.map((s) => [s.id, s] as const));
  const out: Plan['steps'] = [];
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length) {
    const d = stack.pop() as string;
    if (seen.has(d)) continue;
    seen.add(d);
    const s = byId.get(d);
    if (s) {
      out.push(s);
      stack.push(...s.dependsOn);
    }
  }
  return out;
}

function hazardFor(p: Plan, code: string, key: string): boolean {
  return p.hazards.some((h) => h.code === code && h.objectKeys.includes(key));
}

describe('planner properties over generated states', () => {
  it('(i) no cloud write to AD-owned attributes, (ii) mandated hazards, (iii) dependsOn earlier only, plus determinism', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { d, o } = build(s);
        const p = plan(d, o, s.createdAt);
        const hardened = s.createdAt >= '2026-07-01';

        // (iii) dependencies only point backwards, ids are s001... in order
        p.steps.forEach((st, i) => {
          expect(st.id).toBe(`s${String(i + 1).padStart(3, '0')}`);
          for (const dep of st.dependsOn) expect(Number(dep.slice(1))).toBeLessThan(i + 1);
        });

        // (i) cloud writes to synced users only after a step (depended on) makes them cloud-owned
        const synced = syncedIds(o);
        for (const st of p.steps) {
          const k = st.step;
          if (k.kind !== 'entra.setImmutableId' && k.kind !== 'entra.clearOnPremisesAttributes' && k.kind !== 'entra.resetPassword') continue;
          if (!synced.has(k.userId)) continue;
          const released = ancestors(p, st.id).some(
            (a) =>
              (a.step.kind === 'entra.setCloudManaged' && a.step.userId === k.userId && a.step.to) ||
              (a.step.kind === 'entra.restoreDeleted' && a.step.deletedId === k.userId) ||
              (a.step.kind === 'sync.await' && a.step.until.kind === 'tenantSyncDisabled'),
          );
          expect(released, `${st.id} ${k.kind} on synced ${k.userId}`).toBe(true);
          if (k.kind === 'entra.setImmutableId') expect(k.to).toBeNull();
        }

        // (ii) hazards the domain mandates
        for (const st of p.steps) {
          const ids = (code: string) => p.hazards.filter((h) => h.code === code).flatMap((h) => h.stepIds);
          if (st.step.kind === 'ad.move' && st.action === 'remove') expect(hazardFor(p, 'user-disruption', st.objectKey)).toBe(true);
          if (st.step.kind === 'entra.resetPassword') expect(ids('password-reset')).toContain(st.id);
          if (st.step.kind === 'entra.setTenantSync' && !st.step.enabled) {
            expect(ids('irreversible-tenant-disable')).toContain(st.id);
            expect(ids('stop-connect-first')).toContain(st.id);
          }
          if (st.step.kind === 'sync.await') expect(ids('waits-for-sync')).toContain(st.id);
          // every wait for a match says what the sync engine will change
          if (st.step.kind === 'sync.await' && st.step.until.kind === 'userSynced') expect(st.syncEffects).toBeDefined();
          // (iv) nothing enters the sync scope before the cloud-side writes of its workflow succeeded
          if (st.step.kind === 'ad.move' && st.action === 'change') {
            const before = new Set(ancestors(p, st.id).map((a) => a.id));
            for (const w of p.steps) {
              const k = w.step;
              const write = (k.kind === 'entra.setImmutableId' && k.to !== null) || k.kind === 'entra.clearOnPremisesAttributes';
              if (write && w.objectKey === st.objectKey) expect(before.has(w.id), `${st.id} moves before ${w.id}`).toBe(true);
            }
          }
        }
        const takeover = s.want.blockCloudObjectTakeoverThroughHardMatch ?? s.features.blockCloudObjectTakeoverThroughHardMatchEnabled;
        const blockSoft = s.want.blockSoftMatch ?? s.features.blockSoftMatchEnabled;
        s.users.forEach((u, n) => {
          const key = `user/u${n}@contoso.com`;
          const hasSteps = p.steps.some((st) => st.objectKey === key);
          if (u.intent === 'scopeRemoval' && u.shape === 'synced') {
            if (u.admin) expect(hazardFor(p, 'privileged-role', key)).toBe(true);
            else {
              expect(hazardFor(p, 'user-disruption', key)).toBe(true);
              expect(hazardFor(p, 'password-reset', key)).toBe(true);
            }
          }
          if (u.intent === 'sourceOfAuthority' && u.shape === 'synced' && u.admin) {
            expect(hazardFor(p, 'privileged-role', key)).toBe(true);
            expect(hasSteps).toBe(false);
          }
          // from 2026-07-01 (the plan's createdAt) Entra ID refuses hard matches onto privileged users, and
          // remaps away from another AD object only once onPremisesObjectIdentifier is null: the plan clears it
          // (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant)
          const remap = hardened && u.objectId === 'other';
          if (u.intent === 'hard' && u.shape === 'cloudOnlyWithAd') {
            if (takeover) expect(hazardFor(p, 'hard-match-blocked', key)).toBe(true);
            expect(hazardFor(p, 'privileged-role', key)).toBe(hardened && u.admin);
            if (takeover || (hardened && u.admin)) expect(hasSteps).toBe(false);
          }
          if (u.intent === 'hard' && u.shape === 'cloudManaged' && hardened && u.admin) {
            // a rollback is a hard match as well
            expect(hazardFor(p, 'privileged-role', key)).toBe(true);
            expect(hasSteps).toBe(false);
          }
          if (u.intent === 'hard' && (u.shape === 'cloudOnlyWithAd' || u.shape === 'cloudManaged') && hasSteps) {
            const clear = p.steps.find((st) => st.objectKey === key && st.step.kind === 'entra.clearOnPremisesAttributes');
            expect(hazardFor(p, 'object-identifier-remap', key)).toBe(remap);
            expect(clear !== undefined).toBe(remap);
            // the clear comes before whatever lets the cycle match (the wait depends on it)
            const wait = p.steps.find((st) => st.objectKey === key && st.step.kind === 'sync.await');
            if (clear && wait) expect(ancestors(p, wait.id).map((a) => a.id)).toContain(clear.id);
          }
          expect(hazardFor(p, 'hard-match-refused', key)).toBe(false);
          if (u.intent === 'soft' && u.shape === 'cloudOnlyWithAd') {
            if (blockSoft) expect(hazardFor(p, 'soft-match-blocked', key)).toBe(true);
            if (u.admin) expect(hazardFor(p, 'privileged-role', key)).toBe(true);
            if (blockSoft || u.admin) expect(hasSteps).toBe(false);
          }
        });
        // rollbacks run while the takeover block is off, and it goes back on after their waits
        for (const st of p.steps) {
          if (st.step.kind !== 'entra.setCloudManaged' || st.step.to) continue;
          if (s.features.blockCloudObjectTakeoverThroughHardMatchEnabled) {
            expect(ancestors(p, st.id).some((a) => a.step.kind === 'entra.setSyncFeature' && a.step.feature === 'blockCloudObjectTakeoverThroughHardMatch' && !a.step.to)).toBe(true);
          }
          if (takeover) {
            const wait = p.steps.find((w) => w.dependsOn.includes(st.id) && w.step.kind === 'sync.await');
            const back = p.steps.filter((b) => b.step.kind === 'entra.setSyncFeature' && b.step.to && wait && ancestors(p, b.id).some((x) => x.id === wait.id));
            expect(back).toHaveLength(1);
          }
        }
        const disables = p.steps.filter((st) => st.step.kind === 'entra.setTenantSync' && !st.step.enabled);
        const wantsDisable = s.directorySync === 'disabled' || (s.directorySync === undefined && s.users.some((u) => u.intent === 'tenantDisable'));
        expect(disables.length).toBe(wantsDisable && s.tenantSync === 'on' ? 1 : 0);
        if (s.tenantSync === 'pending' && (wantsDisable || s.directorySync === 'enabled')) expect(hazardFor(p, 'tenant-disable-pending', 'tenant')).toBe(true);

        // plan-level invariants
        expect(p.applyable).toBe(!p.hazards.some((h) => h.blocking) && !p.diagnostics.some((x) => x.severity === 'error'));
        expect(p.summary).toEqual({
          add: p.steps.filter((x) => x.action === 'add').length,
          change: p.steps.filter((x) => x.action === 'change').length,
          remove: p.steps.filter((x) => x.action === 'remove').length,
          wait: p.steps.filter((x) => x.action === 'wait').length,
        });
        for (const st of p.steps) expect(p.fingerprints[st.objectKey]).toMatch(/^[0-9a-f]{64}$/);
        for (const h of p.hazards) for (const id of h.stepIds) expect(p.steps.find((x) => x.id === id)?.hazardCodes).toContain(h.code);

        // determinism: a second run, and the same state with every array in another order
        const again = plan(d, o, s.createdAt);
        expect(canonicalJson(again)).toBe(canonicalJson(p));
        expect(JSON.stringify(again)).toBe(JSON.stringify(p));
        const shuffled: ObservedState = {
          ...o,
          ad: { ...o.ad, users: [...o.ad.users].reverse(), organizationalUnits: [...o.ad.organizationalUnits].reverse() },
          entra: { users: [...o.entra.users].reverse(), deletedUsers: [...o.entra.deletedUsers].reverse(), groups: [...o.entra.groups].reverse() },
        };
        expect(JSON.stringify(plan(d, shuffled, s.createdAt))).toBe(JSON.stringify(p));
      }),
      { numRuns: 400, seed: 20261121 },
    );
  });
});
