import type { Plan } from '../model/plan.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What `apply plan.json` prints instead of the whole plan again (issue 9): the plan was reviewed
 * already, so a summary and where to see it in full. The file's own hazard list is shown as what it
 * claims; apply gates on the hazards of the plan it makes again (docs/apply.md).
 */
export function planSummaryLines(plan: Plan, planFile: string): string[] {
  const objects = new Set(plan.steps.map((s) => s.objectKey)).size;
  const { add, change, remove, wait } = plan.summary;
  const hazardCounts = new Map<string, number>();
  for (const h of plan.hazards) hazardCounts.set(h.code, (hazardCounts.get(h.code) ?? 0) + 1);
  const hazards = [...hazardCounts].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ');
  return [
    `entra-soa apply ${planFile}`,
    `  plan:     created ${plan.createdAt} by ${plan.tool.name} ${plan.tool.version} from ${plan.manifest.file} (sha256 ${plan.manifest.digest.slice(0, 12)})`,
    `  steps:    ${plural(plan.steps.length, 'step')} on ${plural(objects, 'object')}: ${add} to add, ${change} to change, ${remove} to remove, ${plural(wait, 'wait')} for a sync cycle`,
    ...(hazards ? [`  hazards:  ${hazards}`] : []),
    `  in full:  entra-soa show ${planFile}`,
    '',
  ];
}
