/**
 * The plan for a terminal, in the manner of `terraform plan`: a header, one block per object
 * with its steps and attribute changes, the hazards, the diagnostics and the summary line.
 * Colour (ANSI) only when asked; the caller decides (TTY and no NO_COLOR).
 */
import picocolors from 'picocolors';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import type { DetailLine, HazardGroup, StepView } from './step-view.js';
import { consentText, consentsLine, groupHazards, notApplyableLine, objectReasons, summaryLine } from './step-view.js';
import { ChunkedWriter, planObjects, shownObject, shownOverview } from './shown-plan.js';

/** Options of the human renderer. */
export interface HumanOptions {
  /** Emit ANSI colour codes. */
  color: boolean;
}

const ACTION_LEGEND: readonly (readonly [PlannedStep['action'], string])[] = [
  ['add', 'add'],
  ['change', 'change'],
  ['remove', 'remove'],
  ['wait', 'wait for a sync cycle'],
];

/** How many affected objects a hazard lists before it says "and N more". */
const HAZARD_OBJECTS_SHOWN = 10;

const { createColors } = picocolors;

type Paint = (s: string) => string;
interface Palette {
  green: Paint;
  yellow: Paint;
  red: Paint;
  cyan: Paint;
  bold: Paint;
  dim: Paint;
}

function palette(color: boolean): Palette {
  // createColors(flag) decides nothing itself: the caller's flag alone turns colour on (pure).
  const c = createColors(color);
  return { green: c.green, yellow: c.yellow, red: c.red, cyan: c.cyan, bold: c.bold, dim: c.dim };
}

/** The terraform-style symbol of an action. */
export function actionSymbol(action: PlannedStep['action']): string {
  switch (action) {
    case 'add':
      return '+';
    case 'change':
      return '~';
    case 'remove':
      return '-';
    case 'wait':
      return '⏳';
    default:
      return assertNever(action, 'action');
  }
}

function paintAction(p: Palette, action: PlannedStep['action'], s: string): string {
  switch (action) {
    case 'add':
      return p.green(s);
    case 'change':
      return p.yellow(s);
    case 'remove':
      return p.red(s);
    case 'wait':
      return p.cyan(s);
    default:
      return assertNever(action, 'action');
  }
}

function detailLines(p: Palette, d: DetailLine, indent: string): string[] {
  switch (d.kind) {
    case 'attr':
      return [`${indent}${d.name}: ${d.from} -> ${d.to}${d.note !== undefined ? p.dim(`  (${d.note})`) : ''}`];
    case 'set':
      return [`${indent}${d.name}: ${d.value}`];
    case 'list':
      return [
        `${indent}${d.name}:`,
        ...d.entries.map((e) => {
          const line = `${indent}  ${e.op} ${e.value}`;
          return e.op === '+' ? p.green(line) : e.op === '-' ? p.red(line) : line;
        }),
      ];
    case 'note':
      return [p.dim(`${indent}(${d.text})`)];
    default:
      return assertNever(d, 'detail line');
  }
}

function stepLines(p: Palette, s: StepView, hazardCodes: readonly string[]): string[] {
  const deps = s.dependsOn.length > 0 ? p.dim(` (depends on ${s.dependsOn.join(', ')})`) : '';
  const head = `      ${paintAction(p, s.action, actionSymbol(s.action))} ${p.bold(s.id)} ${s.description}${deps}`;
  const indent = '           ';
  const lines = [head, ...s.details.flatMap((d) => detailLines(p, d, indent))];
  if (s.syncEffects !== undefined) {
    lines.push(`${indent}${p.cyan(s.syncEffects.heading)}`);
    lines.push(...s.syncEffects.lines.flatMap((d) => detailLines(p, d, `${indent}  `)));
  }
  if (s.delegatedSignIn !== undefined) lines.push(`${indent}${p.yellow(s.delegatedSignIn)}`);
  if (hazardCodes.length > 0) lines.push(`${indent}${p.yellow(`hazards: ${hazardCodes.join(', ')}`)}`);
  return lines;
}

function hazardLines(p: Palette, g: HazardGroup): string[] {
  const sev = g.severity === 'danger' ? p.red('danger ') : g.severity === 'warning' ? p.yellow('warning') : 'info   ';
  const tags: string[] = [];
  if (g.blocking) tags.push(p.red('BLOCKING: the plan cannot be applied'));
  if (g.consent !== undefined) tags.push(consentText(g.consent));
  const count = g.hazards.length > 1 ? ` ×${g.hazards.length}` : '';
  const head = `  ${sev} ${p.bold(g.code)}${count}${tags.length > 0 ? `  [${tags.join('; ')}]` : ''}`;
  const lines = [head];
  if (g.hazards.length === 1) lines.push(`          ${g.hazards[0]?.message ?? ''}`);
  else for (const h of g.hazards) lines.push(`          - ${h.message}`);
  if (g.objectKeys.length > 0) {
    const shown = g.objectKeys.slice(0, HAZARD_OBJECTS_SHOWN);
    const more = g.objectKeys.length - shown.length;
    lines.push(p.dim(`          affects: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`));
  }
  return lines;
}

/** The summary, the consents and why the plan cannot be applied: first and last in the output. */
function summaryLines(p: Palette, plan: Plan): string[] {
  const out = [p.bold(summaryLine(plan))];
  const consents = consentsLine(plan);
  if (consents !== null) out.push(p.yellow(consents));
  const refused = notApplyableLine(plan);
  if (refused !== null) out.push(p.red(refused));
  return out;
}

/** The plan as terminal text (ends with a newline): the summary first, then the details, and the summary again. */
export function renderHuman(plan: Plan, opts: HumanOptions): string {
  const parts: string[] = [];
  writeHuman(plan, opts, (chunk) => parts.push(chunk));
  return parts.join('');
}

/**
 * `renderHuman`, written to `write` in pieces of about 64 KB as it is laid out (one object at a
 * time): the text of a million-user plan is never one string. What is shown is what the plan
 * document holds (`shown-plan.ts`).
 */
export function writeHuman(plan: Plan, opts: HumanOptions, write: (chunk: string) => void): void {
  const p = palette(opts.color);
  const out = new ChunkedWriter(write);
  const line = (text: string): void => out.add(`${text}\n`);
  const shown = shownOverview(plan);
  line(p.bold('entra-soa plan'));
  line(`  manifest: ${shown.manifest.file} (sha256 ${shown.manifest.digest.slice(0, 12)})`);
  line(`  source:   ${shown.source}`);
  line(`  created:  ${shown.createdAt} by ${shown.tool.name} ${shown.tool.version}`);
  if (shown.targets !== undefined) line(p.yellow(`  partial:  only ${shown.targets.join(', ')} (--target); the rest of the manifest is not planned`));
  line('');
  if (plan.steps.length + shown.hazards.length + shown.diagnostics.length > 0) [...summaryLines(p, shown), ''].forEach(line);

  const objects = planObjects(plan.steps);
  if (objects.keys.length > 0) {
    // like terraform: explain only the symbols this plan uses
    const used = new Set(plan.steps.map((s) => s.action));
    if (objects.mixed) used.add('change');
    const legend = ACTION_LEGEND.filter(([action]) => used.has(action))
      .map(([action, words]) => `${paintAction(p, action, actionSymbol(action))} ${words}`)
      .join('  ');
    line(`Symbols: ${legend}`);
    line('');
    line(`entra-soa will perform the following actions on ${objects.keys.length} ${objects.keys.length === 1 ? 'object' : 'objects'}:`);
    for (const key of objects.keys) {
      const { view: obj, hazardCodes } = shownObject(objects, key);
      line('');
      line(`  ${paintAction(p, obj.action, `${actionSymbol(obj.action)} ${obj.objectKey}`)}${obj.label !== undefined ? ` (${obj.label})` : ''}`);
      for (const reason of objectReasons(obj.steps)) line(p.dim(`      reason: ${reason}`));
      obj.steps.forEach((s, i) => stepLines(p, s, hazardCodes[i] ?? []).forEach(line));
    }
    line('');
  }

  if (shown.hazards.length > 0) {
    line(p.bold(`Hazards (${shown.hazards.length}):`));
    for (const g of groupHazards(shown.hazards)) hazardLines(p, g).forEach(line);
    line('');
  }

  if (shown.diagnostics.length > 0) {
    line(p.bold(`Diagnostics (${shown.diagnostics.length}):`));
    for (const d of shown.diagnostics) {
      const text = formatDiagnostic(d);
      line(`  ${d.severity === 'error' ? p.red(text) : p.yellow(text)}`);
    }
    line('');
  }

  summaryLines(p, shown).forEach(line);
  out.flush();
}
