/**
 * The plan as a pull-request comment (GitHub / Azure DevOps Markdown): the summary as the
 * title, hazards first, then one collapsible section per object with a `diff` block.
 * Comments are capped (GitHub: 65,536 characters), so the output stays under `MARKDOWN_LIMIT`:
 * hazards, diagnostics and the summary are always kept, per-object sections are cut from the
 * end, and the comment says how many objects were left out and how to see them.
 */
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Hazard, Plan } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import { actionSymbol } from './human.js';
import type { DetailLine, HazardGroup, ObjectView } from './step-view.js';
import { consentText, consentsLine, groupHazards, notApplyableLine, objectReasons, summaryLine } from './step-view.js';
import { planObjects, shownObject, shownOverview } from './shown-plan.js';

/** Maximum length of the Markdown output, in characters. */
export const MARKDOWN_LIMIT = 65_000;

/** Options of the Markdown renderer. */
export interface MarkdownOptions {
  /**
   * The saved plan file named in the "run `entra-soa show …`" hint when sections are cut. When the
   * plan was not saved, the hint says to save it with `--out` first.
   */
  planFile?: string;
  /** Override the size limit (tests). Default `MARKDOWN_LIMIT`. */
  limit?: number;
}

const HAZARD_OBJECTS_SHOWN = 10;
const DIAGNOSTICS_SHOWN = 50;

/** Text for a table cell: no line breaks, pipes escaped. */
function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code that survives backticks inside. */
function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Text outside code: escape what Markdown / HTML would interpret. */
function text(s: string): string {
  return s.replace(/[\\`*_<>[\]]/g, (c) => `\\${c}`);
}

function severityIcon(h: HazardGroup): string {
  if (h.blocking) return '⛔';
  switch (h.severity) {
    case 'danger':
      return '🔴';
    case 'warning':
      return '🟡';
    case 'info':
      return 'ℹ️';
    default:
      return assertNever(h.severity, 'severity');
  }
}

function hazardsTable(hazards: readonly Hazard[], budget: number, showHint: string): string[] {
  const groups = groupHazards(hazards);
  const lines = ['### Hazards', '', '| | Severity | Code | What it means | Objects | Needs |', '|---|---|---|---|---|---|'];
  let used = lines.join('\n').length;
  for (const [i, h] of groups.entries()) {
    const shown = h.objectKeys.slice(0, HAZARD_OBJECTS_SHOWN).map(code);
    const more = h.objectKeys.length - shown.length;
    const first = h.hazards[0]?.message ?? '';
    const message = h.hazards.length > 1 ? `${first} (and ${h.hazards.length - 1} more like it)` : first;
    const objects = shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
    const needs = [h.blocking ? '**blocking**: cannot be applied' : '', h.consent !== undefined ? consentText(h.consent) : '']
      .filter((x) => x !== '')
      .join('; ');
    const row = `| ${severityIcon(h)} | ${h.severity} | ${code(h.code)}${h.hazards.length > 1 ? ` ×${h.hazards.length}` : ''} | ${cell(text(message))} | ${cell(objects || '—')} | ${cell(needs || '—')} |`;
    if (used + row.length + 1 > budget) {
      lines.push('', `… ${groups.length - i} more kinds of hazard not shown; ${showHint} for all of them.`);
      break;
    }
    lines.push(row);
    used += row.length + 1;
  }
  lines.push('');
  return lines;
}

function diffLines(d: DetailLine): string[] {
  switch (d.kind) {
    case 'attr':
      return [`-     ${d.name}: ${d.from}`, `+     ${d.name}: ${d.to}${d.note !== undefined ? `   (${d.note})` : ''}`];
    case 'set':
      return [`      ${d.name}: ${d.value}`];
    case 'list':
      return [`      ${d.name}:`, ...d.entries.map((e) => `${e.op}       ${e.value}`)];
    case 'note':
      return [`      (${d.text})`];
    default:
      return assertNever(d, 'detail line');
  }
}

function objectSection(obj: ObjectView): string {
  const count = `${obj.steps.length} ${obj.steps.length === 1 ? 'step' : 'steps'}`;
  const body: string[] = [];
  for (const reason of objectReasons(obj.steps)) body.push(`  reason: ${reason}`);
  for (const s of obj.steps) {
    const deps = s.dependsOn.length > 0 ? ` (depends on ${s.dependsOn.join(', ')})` : '';
    // a leading space keeps the step line neutral in a diff block; only attribute lines are +/-
    body.push(`  ${actionSymbol(s.action)} ${s.id} ${s.description}${deps}`);
    for (const d of s.details) body.push(...diffLines(d));
    if (s.syncEffects !== undefined) {
      body.push(`      ${s.syncEffects.heading}`);
      for (const d of s.syncEffects.lines) body.push(...diffLines(d));
    }
    if (s.delegatedSignIn !== undefined) body.push(`      ${s.delegatedSignIn}`);
  }
  // A fence longer than any backtick run inside keeps the block closed.
  const longest = Math.max(2, ...[...body.join('\n').matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [
    `<details><summary><code>${actionSymbol(obj.action)} ${escapeHtml(obj.objectKey)}</code>${obj.label !== undefined ? ` ${escapeHtml(obj.label)}` : ''} — ${count}</summary>`,
    '',
    `${fence}diff`,
    ...body,
    fence,
    '',
    '</details>',
    '',
  ].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The plan as Markdown for a pull-request comment (at most `opts.limit ?? MARKDOWN_LIMIT` characters). */
export function renderMarkdown(planned: Plan, opts: MarkdownOptions = {}): string {
  // what the document holds, as shown; the steps one object at a time, only as many as fit
  const plan = shownOverview(planned);
  const limit = opts.limit ?? MARKDOWN_LIMIT;
  const showHint =
    opts.planFile !== undefined
      ? `run \`entra-soa show ${opts.planFile}\``
      : 'save the plan with `entra-soa plan … --out plan.json` and run `entra-soa show plan.json`';
  const head: string[] = [];
  head.push(`## entra-soa plan: ${summaryLine(plan, 'below').replace(/^Plan: /, '')}`);
  head.push('');
  const refused = notApplyableLine(plan);
  if (refused !== null) head.push(`> **⛔ ${text(refused)}**`, '');
  const consents = consentsLine(plan);
  if (consents !== null) head.push(`> ⚠️ ${text(consents)}`, '');
  if (plan.targets !== undefined) {
    head.push(`> ⚠️ Partial plan: only ${plan.targets.map(code).join(', ')} (\`--target\`); the rest of the manifest is not planned.`, '');
  }
  head.push(
    `Manifest ${code(plan.manifest.file)} (sha256 ${code(plan.manifest.digest.slice(0, 12))}) · source ${text(plan.source)} · created ${plan.createdAt} by ${plan.tool.name} ${plan.tool.version}`,
  );
  head.push('');
  // hazards are kept before any object section; leave room for diagnostics and the cut notice
  const hazardBudget = Math.max(0, limit - head.join('\n').length - 1000);
  if (plan.hazards.length > 0) head.push(...hazardsTable(plan.hazards, hazardBudget, showHint));
  if (plan.diagnostics.length > 0) {
    head.push('### Diagnostics', '');
    const shown = plan.diagnostics.slice(0, DIAGNOSTICS_SHOWN).map((d) => ({ ...d, message: d.message.slice(0, 400) }));
    head.push('```text', ...shown.map((d) => formatDiagnostic(d).replace(/`{3,}/g, "'''")), '```', '');
    const more = plan.diagnostics.length - shown.length;
    if (more > 0) head.push(`… ${more} more diagnostics not shown; ${showHint} for all of them.`, '');
  }

  const objects = planObjects(planned.steps);
  const count = objects.keys.length;
  const sections: string[] = [];
  if (count > 0) {
    sections.push(`### Changes (${count} ${count === 1 ? 'object' : 'objects'})`, '');
  }
  const headText = `${head.join('\n')}\n`;
  const footerFor = (n: number) =>
    `… ${n} more ${n === 1 ? 'object' : 'objects'} not shown; ${showHint} for the full plan.\n`;
  let body = sections.length > 0 ? `${sections.join('\n')}\n` : '';
  let shown = 0;
  for (const key of objects.keys) {
    const section = `${objectSection(shownObject(objects, key).view)}\n`;
    const remaining = count - shown - 1;
    const reserve = remaining > 0 ? footerFor(count).length : 0;
    if (headText.length + body.length + section.length + reserve > limit) break;
    body += section;
    shown += 1;
  }
  const cut = count - shown;
  if (cut > 0) body += footerFor(cut);
  return `${headText}${body}`.replace(/\n+$/, '\n');
}
