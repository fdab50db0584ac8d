import type { StepKind } from '../model/index.js';
import type { SyncWaitStats } from './sync-wait.js';

/**
 * What became of one step:
 * - `done`: this run changed something;
 * - `skipped`: nothing to do — the postcondition already held, or an earlier run recorded it done;
 * - `refused`: not attempted: its object changed since the plan was made (stale), planning again does not
 *   reproduce it (see authorize.ts), or it depends on such a step;
 * - `failed`: attempted and failed (`message` says why and what to do);
 * - `not-run`: a step it depends on did not succeed, or apply was interrupted.
 */
export type StepStatus = 'done' | 'skipped' | 'refused' | 'failed' | 'not-run';

export interface StepResult {
  id: string;
  objectKey: string;
  kind: StepKind;
  status: StepStatus;
  /** A sentence for people: what happened, on which object, what to do next. Never a secret. */
  message: string;
}

/** Why a whole plan was refused before any step ran. */
export interface ApplyRefusal {
  code: 'not-applyable' | 'consent-required' | 'journal-mismatch' | 'manifest-changed' | 'recompute-failed' | 'delegated-sign-in-required' | 'read-only-sign-in';
  /** One message per reason; each names the objects and the fix. */
  messages: string[];
}

export interface ApplyReport {
  /** sha256 of the plan document, i.e. of the plan file's bytes (keys the journal). */
  planDigest: string;
  /** Set when nothing ran because the plan as a whole was refused. */
  refusal: ApplyRefusal | null;
  /** In plan order. */
  results: StepResult[];
  counts: Record<StepStatus, number>;
  /** True when apply stopped early (SIGINT / abort): resume by running it again. */
  interrupted: boolean;
  /** The file holding generated passwords, when any was generated. */
  secretsFile: string | null;
  /** What the sync waits did (one poll loop for all of them); null when nothing ran. */
  waits: SyncWaitStats | null;
}

export function countResults(results: readonly StepResult[]): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { done: 0, skipped: 0, refused: 0, failed: 0, 'not-run': 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

const MARK: Record<StepStatus, string> = { done: '✓', skipped: '=', refused: '!', failed: '✗', 'not-run': '-' };

/** One line per step, e.g. `✓ s001 alice@contoso.com was converted to cloud authority`. */
export function formatStepResult(r: StepResult): string {
  return `${MARK[r.status]} ${r.id} ${r.message}`;
}

/** The closing lines of an apply: counts, and what to do next. */
export function summaryLines(report: ApplyReport, how: { resumeCommand?: string } = {}): string[] {
  if (report.refusal) {
    return [`Apply refused: nothing was changed.`, ...report.refusal.messages.map((m) => `  - ${m}`)];
  }
  const c = report.counts;
  const lines = [
    `Apply ${report.interrupted ? 'interrupted' : 'complete'}: ${c.done} done, ${c.skipped} already done, ` +
      `${c.failed} failed, ${c.refused} refused (stale), ${c['not-run']} not run.`,
  ];
  if (report.waits && report.waits.rounds > 0) {
    const w = report.waits;
    lines.push(`Sync waits: ${w.rounds} look(s) at Graph for up to ${w.maxWaiting} waiting step(s) at once, ${w.triggers} sync cycle(s) triggered.`);
  }
  if (report.secretsFile) lines.push(`Generated passwords are in ${report.secretsFile} (mode 0600): hand them over and delete the file.`);
  if (report.interrupted && how.resumeCommand) lines.push(`To resume, run: ${how.resumeCommand}`);
  else if (c.failed > 0 || c['not-run'] > 0) {
    lines.push(`Fix the failures above and run apply again${how.resumeCommand ? ` (${how.resumeCommand})` : ''}: steps already done are not repeated.`);
  }
  if (c.refused > 0) lines.push('Objects refused as stale changed after planning: run plan again and review the new plan.');
  return lines;
}
