/**
 * What every drift format shows, independent of the format: the headline, and each drifted object
 * as before → after lines taken from the plan's steps (the same step views the plan renderers use).
 */
import type { DriftReport, DriftRule, DriftStatus, UnreadSubject } from '../model/drift-report.js';
import type { PlannedStep } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import { viewStep, type DetailLine } from './step-view.js';

/** One attribute as it is (before) and as the manifest wants it (after). */
export interface ChangeLine {
  name: string;
  before: string;
  after: string;
  note?: string;
}

/** One step that would repair the drift, as a reviewer reads it. */
export interface RepairView {
  id: string;
  action: PlannedStep['action'];
  description: string;
  changes: ChangeLine[];
  notes: string[];
}

/** A drifted object with its rule and what differs. */
export interface DriftObjectView {
  objectKey: string;
  /** A name for people when the key does not carry one (a group's display name). */
  label?: string;
  rule: string;
  repairs: RepairView[];
  /** Blocking hazard codes: drift the plan cannot repair as things are. */
  blockedBy: string[];
}

/** Shown where a value is not set. */
export const UNSET = '(not set)';

function changeLine(d: DetailLine): ChangeLine | string {
  switch (d.kind) {
    case 'attr':
      return d.note !== undefined ? { name: d.name, before: d.from, after: d.to, note: d.note } : { name: d.name, before: d.from, after: d.to };
    case 'set':
      return { name: d.name, before: UNSET, after: d.value };
    case 'list': {
      const before = d.entries.filter((e) => e.op !== '+').map((e) => e.value);
      const after = d.entries.filter((e) => e.op !== '-').map((e) => e.value);
      return { name: d.name, before: before.length > 0 ? before.join(', ') : UNSET, after: after.length > 0 ? after.join(', ') : UNSET };
    }
    case 'note':
      return d.text;
    default:
      return assertNever(d, 'detail line');
  }
}

/** The drifted objects of a report as views, in report order. */
export function driftObjectViews(report: DriftReport): DriftObjectView[] {
  const steps = new Map((report.plan?.steps ?? []).map((s) => [s.id, s] as const));
  return report.drifted.map((o) => {
    const view: DriftObjectView = { objectKey: o.objectKey, rule: o.rule, repairs: [], blockedBy: [...o.blockedBy] };
    for (const id of o.stepIds) {
      const s = steps.get(id);
      if (s === undefined) continue;
      if (view.label === undefined && s.step.kind === 'entra.setGroupCloudManaged') view.label = s.step.displayName;
      const v = viewStep(s);
      const repair: RepairView = { id: v.id, action: v.action, description: v.description, changes: [], notes: [] };
      for (const d of v.details) {
        const line = changeLine(d);
        if (typeof line === 'string') repair.notes.push(line);
        else repair.changes.push(line);
      }
      view.repairs.push(repair);
    }
    return view;
  });
}

/** The status as one word a reader sees without colour. */
export function statusWord(status: DriftStatus): string {
  switch (status) {
    case 'in-sync':
      return 'IN SYNC';
    case 'drifted':
      return 'DRIFTED';
    case 'incomplete':
      return 'INCOMPLETE';
    default:
      return assertNever(status, 'status');
  }
}

/** What an unread subject is called in a sentence. */
export function unreadSubjectText(subject: UnreadSubject): string {
  switch (subject) {
    case 'directories':
      return 'the directories';
    case 'tenant-sync-features':
      return 'the tenant sync features';
    case 'deletion-threshold':
      return 'the accidental-deletion threshold';
    case 'plan':
      return 'the plan';
    default:
      return assertNever(subject, 'unread subject');
  }
}

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/** The one-sentence verdict every format leads with. */
export function driftHeadline(report: DriftReport): string {
  const s = report.summary;
  const driftedRules = report.rules.filter((r) => r.drifted > 0).length;
  const drift = `${plural(s.drifted, 'object')} drifted in ${n(driftedRules)} of ${plural(s.rules, 'rule')}`;
  switch (report.status) {
    case 'in-sync':
      return `In sync: the ${plural(s.checked, 'object')} ${s.rules === 1 ? 'the rule' : `${n(s.rules)} rules`} govern match the manifest.`;
    case 'drifted':
      return `Drifted: ${drift}.`;
    case 'incomplete': {
      const reads = [...new Set(report.unread.filter((u) => u.subject !== 'plan').map((u) => unreadSubjectText(u.subject)))];
      const parts = reads.length > 0 ? [`could not read ${reads.join(', ')}`] : [];
      if (report.unread.some((u) => u.subject === 'plan')) parts.push('could not plan every rule');
      return `Incomplete: ${parts.join(' and ')}${report.plan !== null ? `; in what could be compared, ${drift}` : ''}.`;
    }
    default:
      return assertNever(report.status, 'status');
  }
}

/** The rule's verdict as words (no colour needed). */
export function ruleStatusText(r: DriftRule): string {
  switch (r.status) {
    case 'in-sync':
      return 'in sync';
    case 'drifted':
      return 'drifted';
    case 'unread':
      return r.drifted > 0 ? 'could not read (and drifted)' : 'could not read';
    default:
      return assertNever(r.status, 'rule status');
  }
}

/** `manifest.yaml:12:5`, or an empty string. */
export function ruleWhere(r: DriftRule): string {
  return r.location === null ? '' : `${r.location.file}:${r.location.line}:${r.location.col}`;
}

export { n as formatCount };
