import type { GroupRule } from '../model/desired.js';
import type { EntraGroup } from '../model/observed.js';
import type { Step } from '../model/step.js';
import { selectGroups } from '../observe/select.js';
import { ruleReason, where, type PlanContext } from './context.js';

/** The object key of a group. */
export function groupKey(g: EntraGroup): string {
  return `group/${g.id}`;
}

/**
 * Groups → cloud with the per-object switch. Planned before users (Microsoft advises converting
 * groups before their members). Scope removal is never used for groups: deleted synced security
 * groups cannot be restored.
 */
export function planGroups(ctx: PlanContext): void {
  const groups = [...ctx.observed.entra.groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const claimed = new Map<string, GroupRule>();
  for (const rule of ctx.desired.groups) {
    const matched = selectGroups(groups, rule.selector);
    if (matched.length === 0) {
      ctx.diagnostics.push({
        severity: 'warning',
        code: 'rule-matches-nothing',
        message: `group rule ${rule.name} selects no group in Entra ID: check the display names`,
        location: rule.location,
      });
    }
    for (const g of matched) {
      const first = claimed.get(g.id);
      if (first) {
        ctx.diagnostics.push({
          severity: 'warning',
          code: 'rule-overlap',
          message: `group ${g.displayName} is selected by group rules ${first.name} (${where(first.location)}) and ${rule.name}; the first wins`,
          location: rule.location,
          related: [first.location],
          objectKey: groupKey(g),
        });
        continue;
      }
      claimed.set(g.id, rule);
    }
  }
  for (const g of groups) {
    const rule = claimed.get(g.id);
    if (!rule) continue;
    if (g.onPremisesSyncEnabled !== true || g.isCloudManaged === true) continue;
    const step: Step = { kind: 'entra.setGroupCloudManaged', groupId: g.id, displayName: g.displayName, to: true };
    ctx.addStep(groupKey(g), step, [], ruleReason(rule, `synced group ${g.displayName} → cloud via the per-object switch (isCloudManaged: true)`));
  }
}
