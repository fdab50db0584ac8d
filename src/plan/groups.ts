import type { GroupRule } from '../model/desired.js';
import type { EntraGroup } from '../model/observed.js';
import type { Step } from '../model/step.js';
import { selectGroups } from '../identity/select.js';
import { ruleReason, where, type PlanContext } from './context.js';

/** The object key of a group. */
export function groupKey(g: EntraGroup): string {
  return `group/${g.id}`;
}

/**
 * Groups → cloud with the per-object switch. Planned before users, and every conversion of a user to
 * the cloud depends on them (`ctx.groupSteps`): docs/planning.md ("Groups") records Microsoft's advice to convert
 * groups before their members (the sentence was not found again on the current SOA pages, e.g.
 * https://learn.microsoft.com/entra/identity/hybrid/concept-group-source-of-authority-guidance:
 * unconfirmed). Memberships are not read, so every converted user waits for every group conversion.
 * Scope removal is never used for groups: deleted synced security groups cannot be restored.
 */
export function planGroups(ctx: PlanContext, claimed: ReadonlyMap<string, GroupRule>, include: (key: string) => boolean = () => true): void {
  for (const g of sortedGroups(ctx)) {
    const rule = claimed.get(g.id);
    if (!rule || !include(groupKey(g))) continue;
    if (g.onPremisesSyncEnabled !== true || g.isCloudManaged === true) continue;
    const step: Step = { kind: 'entra.setGroupCloudManaged', groupId: g.id, displayName: g.displayName, to: true };
    ctx.owner = groupKey(g);
    ctx.groupSteps.push(ctx.addStep(groupKey(g), step, [], ruleReason(rule, `synced group ${g.displayName} → cloud via the per-object switch (isCloudManaged: true)`)));
  }
  ctx.owner = 'tenant';
}

function sortedGroups(ctx: PlanContext): EntraGroup[] {
  return [...ctx.observed.entra.groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Assigns each group at most one group rule (the first that selects it; later ones get a
 * `rule-overlap` warning; a rule that selects nothing gets `rule-matches-nothing`). Group id → rule.
 */
export function claimGroups(ctx: PlanContext): Map<string, GroupRule> {
  const groups = sortedGroups(ctx);
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
  return claimed;
}
