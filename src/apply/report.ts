import type { StepResult, StepStatus } from '../model/apply-report.js';

export function countResults(results: readonly StepResult[]): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { done: 0, skipped: 0, refused: 0, failed: 0, 'not-run': 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
