/**
 * The views of an apply session (src/apply/session.ts): its events as lines for people (the plan or
 * its summary, one line per step, progress, waits, the closing report) or as JSON lines for programs.
 * Pure: the caller passes where the text goes and the clock (for progress and the pace of wait lines).
 */
import { encodePlan } from '../document/plan-document.js';
import type { ApplyReport, ApplySessionEvent, StepResult, StepStatus } from '../model/apply-report.js';
import type { Plan } from '../model/plan.js';
import { ProgressMeter } from './apply-progress.js';
import { renderPlan } from './index.js';

/** Where a view writes: stdout carries what the run did, stderr what happens meanwhile. */
export interface ApplyViewOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The output formats of `apply`. */
export const APPLY_FORMATS = ['human', 'json'] as const;
export type ApplyFormat = (typeof APPLY_FORMATS)[number];

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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What `apply plan.json` prints instead of the whole plan again (docs/apply.md, "The flow"): the plan
 * was reviewed already, so a summary and where to see it in full. The file's own hazard list is shown as what it
 * claims; apply gates on the hazards of the plan it makes again (docs/apply.md).
 */
function planSummaryLines(plan: Plan, planFile: string): string[] {
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

/** How often an unchanged wait is reported again: a long wait (a tenant disable: up to 72 h) polls thousands of times. */
const WAIT_REPEAT_MS = 60_000;

/**
 * The view for people: the plan made now in full (or a saved plan's summary) and the closing report
 * on stdout with one line per step; progress, waits, warnings and interruptions on stderr.
 */
export function humanApplyView(out: ApplyViewOutput, opts: { color: boolean; now: () => Date }): (e: ApplySessionEvent) => void {
  const meter = new ProgressMeter(opts.now, (l) => out.stderr(`${l}\n`));
  let lastWait: { message: string; at: number } | null = null;
  return (e) => {
    switch (e.type) {
      case 'saved-plan':
        out.stdout(`${planSummaryLines(e.plan, e.file).join('\n')}\n`);
        return;
      case 'new-plan':
        out.stdout(renderPlan(e.plan, 'human', { color: opts.color }));
        return;
      case 'no-changes':
        out.stdout('No changes: nothing to apply.\n');
        return;
      case 'resuming':
        out.stderr(`Resuming from the journal ${e.journal}: steps it records done are not run again.\n`);
        return;
      case 'interrupt-requested':
        out.stderr(
          e.signal === 'SIGINT'
            ? '\nInterrupted: finishing the running steps and recording them (press Ctrl-C again to stop at once).\n'
            : `\nInterrupted (${e.signal}): finishing the running steps and recording them (a second signal stops at once).\n`,
        );
        return;
      case 'lock-lost':
        out.stderr(`\nThe lock of the journal ${e.journal} was lost (another process took it, or it could not be refreshed): stopping.\n`);
        return;
      case 'start':
      case 'step-started':
        meter.onEvent(e);
        return;
      case 'step-finished':
        meter.onEvent(e);
        out.stdout(`${formatStepResult(e.result)}\n`);
        return;
      case 'waiting': {
        // Said when it changes, else once a minute.
        const t = opts.now().getTime();
        if (!lastWait || lastWait.message !== e.message || t - lastWait.at >= WAIT_REPEAT_MS) {
          lastWait = { message: e.message, at: t };
          const who = e.stepIds.length === 1 ? e.stepIds[0] : `${e.stepIds[0]} and ${e.stepIds.length - 1} more`;
          out.stderr(`${who}: ${e.message} (next check in ${Math.round(e.nextCheckInS)}s)\n`);
        }
        return;
      }
      case 'warning':
        out.stderr(`warning: ${e.message}\n`);
        return;
      case 'interrupted':
        out.stderr(`Stopping: ${e.running} running step(s) finish first.\n`);
        return;
      case 'report': {
        const lines = summaryLines(e.report, { resumeCommand: e.resumeCommand });
        if (e.report.refusal) {
          out.stderr(`${lines.join('\n')}\n`);
          return;
        }
        out.stdout(`\n${lines.join('\n')}\n`);
        out.stderr(`Journal: ${e.journal}\n`);
        return;
      }
    }
  };
}

/**
 * The view for programs (`apply --format json`): every event as one JSON object per line on stdout,
 * `type` first. A plan made now is carried as its plan document (what `plan --format json` prints);
 * a saved plan by its file and summary. Nothing else goes to stdout.
 */
export function jsonApplyView(out: ApplyViewOutput): (e: ApplySessionEvent) => void {
  const line = (value: unknown) => out.stdout(`${JSON.stringify(value)}\n`);
  return (e) => {
    switch (e.type) {
      case 'saved-plan':
        line({ type: e.type, file: e.file, createdAt: e.plan.createdAt, summary: e.plan.summary, steps: e.plan.steps.length });
        return;
      case 'new-plan':
        line({ type: e.type, plan: JSON.parse(encodePlan(e.plan)) as unknown });
        return;
      default:
        line(e);
    }
  };
}
