/**
 * One entry point for every plan format. All formats start from the public JSON document
 * (`encodePlan`), decoded again, so the human and Markdown views show exactly what a saved plan
 * file holds and cannot drift from it.
 */
import { escapeControlCharsDeep } from '../model/escape-text.js';
import type { Plan } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import { renderHuman } from './human.js';
import { renderMarkdown } from './markdown.js';
import { decodePlan, encodePlan } from '../document/plan-document.js';

export { decodePlan, encodePlan, PLAN_FORMAT_VERSION, PLAN_KIND, HAZARD_CODES } from '../document/plan-document.js';
export type { DecodedPlan } from '../document/plan-document.js';
export { renderHuman } from './human.js';
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
  const document = encodePlan(plan);
  if (format === 'json') return document;
  const decoded = decodePlan(document, '<plan>');
  if (decoded.plan === null) {
    // encodePlan wrote something decodePlan refuses: a bug in this module, not a user error.
    throw new Error(`plan document does not round-trip: ${decoded.diagnostics.map((d) => d.message).join('; ')}`);
  }
  // Names, DNs, UPNs and reasons come from the directories and the manifest: no raw control characters on a terminal.
  const shown = escapeControlCharsDeep(decoded.plan);
  switch (format) {
    case 'human':
      return renderHuman(shown, { color: opts.color });
    case 'markdown':
      return renderMarkdown(shown, opts.planFile !== undefined ? { planFile: opts.planFile } : {});
    default:
      return assertNever(format, 'format');
  }
}
