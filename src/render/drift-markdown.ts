/**
 * The drift report as Markdown for `$GITHUB_STEP_SUMMARY` or an issue body (GitHub caps both near
 * 65,536 characters): the verdict, the per-rule summary first, what could not be read, the change
 * since the previous report, hazards, then one collapsible section per drifted object, cut from the
 * end to stay under `DRIFT_MARKDOWN_LIMIT`.
 */
import type { DriftChange, DriftReport } from '../model/drift-report.js';
import { assertNever } from '../model/step.js';
import { driftHeadline, driftObjectViews, formatCount, ruleStatusText, ruleWhere, statusWord, unreadSubjectText, type DriftObjectView } from './drift-view.js';
import { MARKDOWN_LIMIT } from './markdown.js';
import { groupHazards } from './step-view.js';

/** Maximum length of the Markdown report: the plan comment's cap (GitHub caps bodies at 65,536). */
export const DRIFT_MARKDOWN_LIMIT = MARKDOWN_LIMIT;

export interface DriftMarkdownOptions {
  /** Override the size limit (tests). */
  limit?: number;
  /** Where the full report is, for the "not shown" notes (default `report.json`). */
  fullReport?: string;
}

const LIST_SHOWN = 20;
const RULES_BUDGET = 30_000;

const md = {
  /** Plain text: escape what Markdown or HTML would interpret; no line breaks inside table cells. */
  text: (s: string) => s.replace(/[\\`*_<>[\]|]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' '),
  /** Inline code that survives backticks inside. */
  code: (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``).replace(/\|/g, '\\|'),
  html: (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
};

function statusMark(status: DriftReport['status']): string {
  switch (status) {
    case 'in-sync':
      return '✅';
    case 'drifted':
      return '⚠️';
    case 'incomplete':
      return '⛔';
    default:
      return assertNever(status, 'status');
  }
}

function changeList(title: string, items: readonly DriftChange[], more: string): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, LIST_SHOWN).map((c) => `${md.code(c.objectKey)} (${md.text(c.rule)})`);
  const rest = items.length - shown.length;
  return [`- **${title}** (${formatCount(items.length)}): ${shown.join(', ')}${rest > 0 ? ` and ${formatCount(rest)} more ${more}` : ''}`];
}

function objectSection(o: DriftObjectView): string {
  const body: string[] = [];
  for (const r of o.repairs) {
    body.push(`  ${r.id} ${r.description}`);
    for (const c of r.changes) body.push(`-     ${c.name}: ${c.before}`, `+     ${c.name}: ${c.after}${c.note !== undefined ? `   (${c.note})` : ''}`);
    for (const t of r.notes) body.push(`      (${t})`);
  }
  if (o.blockedBy.length > 0) body.push(`  blocked: ${o.blockedBy.join(', ')} (the plan cannot repair this as things are; see the hazards)`);
  const longest = Math.max(2, ...[...body.join('\n').matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const label = o.label !== undefined ? ` ${md.html(o.label)}` : '';
  return [
    `<details><summary><code>${md.html(o.objectKey)}</code>${label} — rule ${md.html(o.rule)}</summary>`,
    '',
    `${fence}diff`,
    ...body,
    fence,
    '',
    '</details>',
    '',
  ].join('\n');
}

/** The drift report as Markdown (at most `opts.limit ?? DRIFT_MARKDOWN_LIMIT` characters). */
export function renderDriftMarkdown(report: DriftReport, opts: DriftMarkdownOptions = {}): string {
  const limit = opts.limit ?? DRIFT_MARKDOWN_LIMIT;
  const full = opts.fullReport ?? 'report.json';
  const s = report.summary;
  const head: string[] = [
    `## ${statusMark(report.status)} entra-soa drift: ${statusWord(report.status)}`,
    '',
    md.text(driftHeadline(report)),
    '',
    `Manifest ${md.code(report.manifest.file)} (sha256 ${md.code(report.manifest.digest.slice(0, 12))}) · source ${md.text(report.source ?? 'none (not read)')} · ${report.createdAt} · ${md.text(`${report.tool.name} ${report.tool.version}`)}`,
    '',
    '### Rules',
    '',
    '| Rule | Kind | What it wants | Checked | In sync | Drifted | Not read | Status |',
    '|---|---|---|--:|--:|--:|--:|---|',
  ];
  // A manifest with hundreds of rules: the rules that are not in sync first, the rest while they fit.
  const ordered = report.rules.length > 100 ? [...report.rules.filter((r) => r.status !== 'in-sync'), ...report.rules.filter((r) => r.status === 'in-sync')] : report.rules;
  let rulesBudget = RULES_BUDGET;
  for (const [i, r] of ordered.entries()) {
    const where = ruleWhere(r);
    const inSync = Math.max(0, r.checked - r.drifted - r.unread);
    const row = `| ${md.code(r.name)}${where !== '' ? ` <sub>${md.html(where)}</sub>` : ''} | ${r.kind} | ${md.text(r.intent)} | ${formatCount(r.checked)} | ${formatCount(inSync)} | ${formatCount(r.drifted)} | ${formatCount(r.unread)} | ${ruleStatusText(r)} |`;
    rulesBudget -= row.length + 1;
    if (rulesBudget < 0) {
      head.push(`| … ${formatCount(ordered.length - i)} more rules not shown: see report.html or ${full} | | | | | | | |`);
      break;
    }
    head.push(row);
  }
  if (report.rules.length === 0) head.push('| (none) | | the manifest manages nothing | 0 | 0 | 0 | 0 | in sync |');
  head.push(
    `| **total** | | | **${formatCount(s.checked)}** | **${formatCount(s.inSync)}** | **${formatCount(s.drifted)}** | **${formatCount(s.unread)}** | |`,
    '',
  );
  if (report.unread.length > 0) {
    head.push('### Could not read', '');
    for (const u of report.unread) head.push(`- **${md.text(unreadSubjectText(u.subject))}** (rules ${u.rules.map(md.code).join(', ')}): ${md.text(u.message.slice(0, 1500))}`);
    head.push('');
  }
  if (report.since !== null) {
    const since = report.since;
    head.push(`### Since the report of ${since.createdAt} (${statusWord(since.status).toLowerCase()})`, '');
    head.push(
      `${formatCount(since.newlyDrifted.length)} newly drifted, ${formatCount(since.resolved.length)} resolved, ${formatCount(since.stillDrifted)} still drifted` +
        (since.unknownNow.length > 0 ? `, ${formatCount(since.unknownNow.length)} unknown now (not read this time)` : '') +
        '.',
      '',
    );
    if (!since.previousComplete) head.push('> The previous report could not read everything: some "newly drifted" objects may have drifted before unseen.', '');
    head.push(...changeList('Newly drifted', since.newlyDrifted, `in ${full}`), ...changeList('Resolved', since.resolved, `in ${full}`));
    head.push(...changeList('Unknown now', since.unknownNow, `in ${full}`), '');
  }
  const hazards = report.plan?.hazards ?? [];
  if (hazards.length > 0) {
    head.push('### Hazards', '', '| Severity | Code | Blocking | Objects | What it means |', '|---|---|---|--:|---|');
    for (const g of groupHazards(hazards).slice(0, 30)) {
      const first = g.hazards[0]?.message ?? '';
      head.push(`| ${g.severity} | ${md.code(g.code)}${g.hazards.length > 1 ? ` ×${g.hazards.length}` : ''} | ${g.blocking ? 'yes' : 'no'} | ${formatCount(g.objectKeys.length)} | ${md.text(first.slice(0, 400))} |`);
    }
    head.push('');
  }

  const headText = `${head.join('\n')}\n`;
  if (report.drifted.length === 0) return headText.replace(/\n+$/, '\n');
  const objects = driftObjectViews(report);
  let body = `### Drifted objects (${formatCount(objects.length)})\n\n`;
  const footer = (cut: number) => `… ${formatCount(cut)} more drifted ${cut === 1 ? 'object' : 'objects'} not shown: see report.html or ${full}.\n`;
  let shown = 0;
  for (const o of objects) {
    const section = `${objectSection(o)}\n`;
    const reserve = shown + 1 < objects.length ? footer(objects.length).length : 0;
    if (headText.length + body.length + section.length + reserve > limit) break;
    body += section;
    shown++;
  }
  if (shown < objects.length) body += footer(objects.length - shown);
  return `${headText}${body}`.replace(/\n+$/, '\n');
}
