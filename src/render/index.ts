/**
 * One entry point for every plan format. json is the public plan document (`encodePlan`); the human
 * and Markdown views show exactly what that document holds: they read the plan through the
 * decoder's own reader (`documentedOverview`, `documentedStep`), without writing and parsing the
 * text again, so they cannot drift from a saved plan file.
 */
import type { Plan } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import { renderMarkdown } from './markdown.js';
import { writeHuman } from './human.js';
import { ChunkedWriter } from './shown-plan.js';
import { encodePlanChunks } from '../document/plan-document.js';

export { decodePlan, encodePlan, encodePlanChunks, PLAN_FORMAT_VERSION, PLAN_KIND, HAZARD_CODES } from '../document/plan-document.js';
export type { DecodedPlan } from '../document/plan-document.js';
export { renderHuman, writeHuman } from './human.js';
export type { HumanOptions } from './human.js';
export { renderMarkdown, MARKDOWN_LIMIT } from './markdown.js';
export type { MarkdownOptions } from './markdown.js';

/** The output formats of `plan` and `show`. */
export type PlanFormat = 'human' | 'json' | 'markdown';
export const PLAN_FORMATS = ['human', 'json', 'markdown'] as const satisfies readonly PlanFormat[];

/** Options shared by the formats. */
export interface RenderOptions {
  /** ANSI colour (human format only). */
  color: boolean;
  /** The plan file to name in hints ("run `entra-soa show plan.json`"). */
  planFile?: string;
}

/** Render a plan in one format. json is the plan document itself. */
export function renderPlan(plan: Plan, format: PlanFormat, opts: RenderOptions): string {
  const parts: string[] = [];
  writePlan(plan, format, opts, (chunk) => parts.push(chunk));
  return parts.join('');
}

/**
 * `renderPlan`, written to `write` in pieces (about 64 KB each) as it is produced: the output of a
 * million-user plan is never one string. Markdown is capped in size and written at once.
 */
export function writePlan(plan: Plan, format: PlanFormat, opts: RenderOptions, write: (chunk: string) => void): void {
  switch (format) {
    case 'json': {
      const out = new ChunkedWriter(write);
      for (const chunk of encodePlanChunks(plan)) out.add(chunk);
      out.flush();
      return;
    }
    case 'human':
      return writeHuman(plan, { color: opts.color }, write);
    case 'markdown':
      return write(renderMarkdown(plan, opts.planFile !== undefined ? { planFile: opts.planFile } : {}));
    default:
      return assertNever(format, 'format');
  }
}
