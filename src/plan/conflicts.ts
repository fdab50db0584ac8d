import type { UserRule } from '../model/desired.js';
import type { Identity, JoinConflict } from '../model/identity.js';
import { compileUserSelector } from '../identity/select.js';
import { intentOf, where, type PlanContext } from './context.js';

/** One identity and the rule that governs it. */
export interface Assignment {
  identity: Identity;
  rule: UserRule;
}

/** True when a rule can act on the identity (docs/contracts.md "Selector semantics"). */
function onRuleSide(rule: UserRule, i: Identity): boolean {
  // Cloud rules also see soft-deleted users, so a scope removal can resume after the deletion.
  return rule.authority === 'cloud' ? i.entra !== undefined || i.deleted !== undefined : i.entra !== undefined;
}

/**
 * Assigns each identity at most one rule (issue "f"). Two rules with different intents on one
 * identity → error `rule-conflict` (the identity gets no steps); the same intent twice → warning
 * `rule-overlap` (the first rule wins); a rule that selects nothing → warning `rule-matches-nothing`.
 * Returned in identity key order.
 */
export function assignRules(ctx: PlanContext): Assignment[] {
  const rules = ctx.desired.users;
  const chosen = new Map<string, number>();
  const conflicted = new Set<string>();
  const pairs = new Map<string, { a: number; b: number; keys: string[]; conflict: boolean }>();
  rules.forEach((rule, idx) => {
    const match = compileUserSelector(rule.selector);
    let n = 0;
    for (const i of ctx.join.identities) {
      if (!onRuleSide(rule, i) || !match(i)) continue;
      n++;
      const prev = chosen.get(i.key);
      if (prev === undefined) {
        chosen.set(i.key, idx);
        continue;
      }
      const first = rules[prev] as UserRule;
      const conflict = intentOf(first) !== intentOf(rule);
      if (conflict) conflicted.add(i.key);
      const pk = `${prev}/${idx}`;
      const pair = pairs.get(pk) ?? { a: prev, b: idx, keys: [], conflict };
      pair.keys.push(i.key);
      pair.conflict = pair.conflict || conflict;
      pairs.set(pk, pair);
    }
    if (n === 0) {
      ctx.diagnostics.push({
        severity: 'warning',
        code: 'rule-matches-nothing',
        message: `rule ${rule.name} selects no user${rule.authority === 'cloud' ? ' in Entra ID' : ' with an Entra ID account'}: check the selector`,
        location: rule.location,
      });
    }
  });
  for (const p of [...pairs.values()].sort((x, y) => x.a - y.a || x.b - y.b)) {
    const a = rules[p.a] as UserRule;
    const b = rules[p.b] as UserRule;
    const n = p.keys.length;
    const some = `${n} user${n === 1 ? '' : 's'} (${p.keys.slice(0, 3).join(', ')}${n > 3 ? ', ...' : ''})`;
    ctx.diagnostics.push(
      p.conflict
        ? {
            severity: 'error',
            code: 'rule-conflict',
            message: `rules ${a.name} (${intentOf(a)}) and ${b.name} (${intentOf(b)}) both select ${some}: one user may match one intent only; narrow one of the selectors`,
            location: b.location,
            related: [a.location],
            objectKey: p.keys[0] as string,
          }
        : {
            severity: 'warning',
            code: 'rule-overlap',
            message: `rules ${a.name} (${where(a.location)}) and ${b.name} both select ${some} with the same intent; the options of ${a.name} apply`,
            location: b.location,
            related: [a.location],
            objectKey: p.keys[0] as string,
          },
    );
  }
  const out: Assignment[] = [];
  for (const i of ctx.join.identities) {
    const idx = chosen.get(i.key);
    if (idx === undefined || conflicted.has(i.key)) continue;
    out.push({ identity: i, rule: rules[idx] as UserRule });
  }
  return out;
}

/** Join conflicts as `collision` hazards: blocking when the plan has steps on an object involved. */
export function joinConflictHazards(ctx: PlanContext, conflicts: readonly JoinConflict[]): void {
  const stepsByKey = new Map<string, string[]>();
  for (const s of ctx.steps) {
    const l = stepsByKey.get(s.objectKey);
    if (l) l.push(s.id);
    else stepsByKey.set(s.objectKey, [s.id]);
  }
  for (const c of conflicts) {
    const stepIds = c.keys.flatMap((k) => stepsByKey.get(k) ?? []);
    ctx.addHazard({
      code: 'collision',
      severity: stepIds.length > 0 ? 'danger' : 'warning',
      message: `${c.code}: ${c.message}`,
      stepIds,
      objectKeys: c.keys,
      blocking: stepIds.length > 0,
    });
  }
}
