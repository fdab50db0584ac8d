/**
 * Which manifest rule governs each object, for the per-rule drift summary. Users and groups go to the
 * first rule that selects them on the side the rule acts on, as the planner assigns them
 * (docs/contracts.md "Selector semantics"); the tenant object to the tenant settings (or the rule that
 * disables sync tenant-wide). A step on an object no rule selects (the AD counterpart a hard link moves
 * into scope, a temporary tenant switch for a rollback) belongs to the rule of a step it is chained to.
 */
import { FEATURE_GRAPH_NAME, type DesiredState, type UserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { ObservedState } from '../model/observed.js';
import type { PlannedStep } from '../model/plan.js';
import { joinIdentities, joinOptionsFor } from '../identity/join.js';
import { compileUserSelector, selectGroups } from '../identity/select.js';

/** The rule a governed object belongs to: the manifest rule's name and the object key it counts under. */
export interface Governed {
  rule: string;
  objectKey: string;
}

/** Name of the row for the manifest's tenant settings. */
export const TENANT_RULE = 'tenant';
/** Name of the row for steps no rule claims (should stay empty; shown when it is not). */
export const NO_RULE = '(no rule)';

export interface RuleAttribution {
  /** Object key → rule name, for every user and group a rule selects. */
  ruleOfObject: Map<string, string>;
  /** Rule name → how many objects it governs. */
  checked: Map<string, number>;
  /** Step id → the governed object it serves. */
  ofStep: Map<string, Governed>;
}

/** True when a rule can act on the identity: cloud rules also see soft-deleted users (a scope removal resumes after the deletion). */
function onRuleSide(rule: UserRule, i: Identity): boolean {
  return i.entra !== undefined || (rule.authority === 'cloud' && i.deleted !== undefined);
}

/** Governs every object a rule selects, then attributes each step of the plan. */
export function attributeRules(desired: DesiredState, observed: ObservedState, steps: readonly PlannedStep[]): RuleAttribution {
  const ruleOfObject = new Map<string, string>();
  const checked = new Map<string, number>();
  const count = (rule: string) => checked.set(rule, (checked.get(rule) ?? 0) + 1);

  const join = joinIdentities(observed, joinOptionsFor(desired, observed));
  const matchers = desired.users.map((rule) => ({ rule, match: compileUserSelector(rule.selector) }));
  for (const i of join.identities) {
    const hit = matchers.find((m) => onRuleSide(m.rule, i) && m.match(i));
    if (hit === undefined) continue;
    ruleOfObject.set(i.key, hit.rule.name);
    count(hit.rule.name);
  }
  for (const rule of desired.groups) {
    for (const g of selectGroups(observed.entra.groups, rule.selector)) {
      const key = `group/${g.id}`;
      if (ruleOfObject.has(key)) continue;
      ruleOfObject.set(key, rule.name);
      count(rule.name);
    }
  }

  const disableRule = desired.users.find((r) => r.authority === 'cloud' && r.method === 'tenantDisable');
  const direct = (s: PlannedStep): Governed | null => {
    if (s.objectKey === 'tenant') {
      const k = s.step;
      if (k.kind === 'entra.setTenantSync' && desired.tenant.directorySync === undefined && disableRule !== undefined) {
        return { rule: disableRule.name, objectKey: 'tenant' };
      }
      // a feature switched although it already has the manifest's value (or is not managed) is switched
      // only for the sake of other steps (the takeover block lifted for rollbacks): it belongs to them
      if (k.kind === 'entra.setSyncFeature') {
        const want = desired.tenant.features[k.feature];
        const has = observed.tenant.features?.[FEATURE_GRAPH_NAME[k.feature]];
        if (want === undefined || has === want) return null;
      }
      return { rule: TENANT_RULE, objectKey: 'tenant' };
    }
    const rule = ruleOfObject.get(s.objectKey);
    return rule === undefined ? null : { rule, objectKey: s.objectKey };
  };

  const ofStep = new Map<string, Governed>();
  const pending: PlannedStep[] = [];
  for (const s of steps) {
    const g = direct(s);
    if (g === null) pending.push(s);
    else ofStep.set(s.id, g);
  }
  if (pending.length > 0) {
    const dependents = new Map<string, string[]>();
    for (const s of steps) {
      for (const d of s.dependsOn) {
        const list = dependents.get(d);
        if (list) list.push(s.id);
        else dependents.set(d, [s.id]);
      }
    }
    const byId = new Map(steps.map((s) => [s.id, s] as const));
    for (const s of pending) ofStep.set(s.id, chained(s, ofStep, dependents, byId) ?? { rule: NO_RULE, objectKey: s.objectKey });
  }
  return { ruleOfObject, checked, ofStep };
}

/** The governed object of the nearest attributed step this one is chained to: dependents first, then dependencies. */
function chained(
  start: PlannedStep,
  ofStep: ReadonlyMap<string, Governed>,
  dependents: ReadonlyMap<string, string[]>,
  byId: ReadonlyMap<string, PlannedStep>,
): Governed | null {
  for (const next of [(id: string) => dependents.get(id) ?? [], (id: string) => byId.get(id)?.dependsOn ?? []]) {
    const seen = new Set<string>([start.id]);
    const queue = [...next(start.id)];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const g = ofStep.get(id);
      if (g !== undefined && g.rule !== NO_RULE) return g;
      queue.push(...next(id));
    }
  }
  return null;
}
