/**
 * What a reviewer reads about one step, independent of the output format: a one-line
 * description and the attribute changes it makes. The human and Markdown renderers both lay
 * out these views, so they describe every step the same way.
 */
import type { Hazard, PlannedStep, SyncEffects } from '../model/plan.js';
import { assertNever } from '../model/step.js';
import { describeStep, type DetailLine } from '../steps/index.js';
import { attrChangeLines } from '../steps/detail.js';

export type { DetailLine } from '../steps/index.js';

/** What the sync engine does after the match a wait is for: a heading and its lines (not entra-soa's writes). */
export interface SyncEffectsView {
  heading: string;
  lines: DetailLine[];
}

/** A step as a reviewer reads it. */
export interface StepView {
  id: string;
  action: PlannedStep['action'];
  /** What the step does, as a sentence fragment ("switch the source of authority to the cloud"). */
  description: string;
  details: DetailLine[];
  dependsOn: string[];
  reason: string;
  /** Set when Graph accepts the step only from a signed-in Global Administrator: the sentence that says so. */
  delegatedSignIn?: string;
  /** On a wait for a match: what Entra Connect then changes on the cloud user. */
  syncEffects?: SyncEffectsView;
}

/** The note on steps apply runs only under a delegated sign-in. */
const DELEGATED_SIGN_IN_NOTE =
  "needs a Global Administrator's delegated sign-in (--auth device-code or --auth interactive); an application sign-in cannot make this change";

/** The sync engine's effects of a match as detail lines (single values as `before -> after`, lists as a diff). */
function syncEffectsView(e: SyncEffects): SyncEffectsView {
  const how = e.match === 'rollback' ? 'takes the user back' : `${e.match}-matches the user`;
  const lines: DetailLine[] = e.changes.flatMap((c): DetailLine[] =>
    c.attribute === 'accountEnabled'
      ? [{ kind: 'attr', name: c.attribute, from: c.from[0] ?? 'null', to: c.to[0] ?? 'null' }]
      : attrChangeLines([{ name: c.attribute, from: c.from, to: c.to }], ['proxyAddresses']),
  );
  switch (e.password) {
    case 'replaced':
      lines.push({ kind: 'attr', name: 'password', from: 'the cloud password', to: 'the AD password (password hash sync)' });
      break;
    case 'unchanged':
      lines.push({ kind: 'note', text: 'password unchanged: password hash sync is off' });
      break;
    case 'unknown':
      lines.push({ kind: 'note', text: 'password: replaced by the AD password if password hash sync is on (not known)' });
      break;
    default:
      assertNever(e.password, 'password outcome');
  }
  if (e.changes.length === 0 && e.password !== 'replaced') lines.unshift({ kind: 'note', text: 'no attribute changes: the cloud values equal the AD ones' });
  return { heading: `then Entra Connect ${how} from ${e.source} and changes (sync engine, not entra-soa's writes):`, lines };
}

/** The reviewer's view of one planned step. */
export function viewStep(s: PlannedStep): StepView {
  const { description, details } = describeStep(s.step);
  const view: StepView = { id: s.id, action: s.action, description, details, dependsOn: s.dependsOn, reason: s.reason };
  if (s.requiresDelegatedSignIn === true) view.delegatedSignIn = DELEGATED_SIGN_IN_NOTE;
  if (s.syncEffects !== undefined) view.syncEffects = syncEffectsView(s.syncEffects);
  return view;
}

/**
 * The reasons of an object's steps, each rule's (or the tenant's) once: a reason reads
 * `rule NAME (file:line:col): text`, and the first step's reason stands for all steps of that origin.
 */
export function objectReasons(steps: readonly StepView[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of steps) {
    const cut = s.reason.indexOf('): ');
    const origin = cut >= 0 ? s.reason.slice(0, cut + 1) : s.reason;
    if (seen.has(origin)) continue;
    seen.add(origin);
    out.push(s.reason);
  }
  return out;
}

/** Steps grouped by the object they act on, objects in the order of their first step. */
export interface ObjectView {
  objectKey: string;
  /** A name for people when the key does not carry one (a group's display name). */
  label?: string;
  /** The object's symbol: its steps' common action, or `change` when they differ. */
  action: PlannedStep['action'];
  steps: StepView[];
}

export function groupByObject(steps: readonly PlannedStep[]): ObjectView[] {
  const byKey = new Map<string, ObjectView>();
  for (const s of steps) {
    let obj = byKey.get(s.objectKey);
    if (obj === undefined) {
      obj = { objectKey: s.objectKey, action: s.action, steps: [] };
      byKey.set(s.objectKey, obj);
    }
    if (obj.label === undefined && s.step.kind === 'entra.setGroupCloudManaged') {
      obj.label = s.step.displayName;
    }
    if (obj.action !== s.action) obj.action = 'change';
    obj.steps.push(viewStep(s));
  }
  return [...byKey.values()];
}

/**
 * `Plan: 3 to add, 5 to change, 1 to remove, 2 waits.`; with nothing to do, either the
 * no-changes sentence or, when problems kept the planner from planning, a sentence that says so.
 */
export function summaryLine(
  plan: {
    summary: { add: number; change: number; remove: number; wait: number };
    applyable: boolean;
  },
  problemsAre: 'above' | 'below' = 'above',
): string {
  const { add, change, remove, wait } = plan.summary;
  if (add + change + remove + wait === 0) {
    return plan.applyable
      ? 'No changes. The directories match the manifest.'
      : `No steps planned: the problems listed ${problemsAre} must be resolved first.`;
  }
  return `Plan: ${add} to add, ${change} to change, ${remove} to remove, ${wait} ${wait === 1 ? 'wait' : 'waits'}.`;
}

/** Hazards of one kind (same code, severity, blocking and consent), shown together. */
export interface HazardGroup {
  code: Hazard['code'];
  severity: Hazard['severity'];
  blocking: boolean;
  consent?: Hazard['consent'];
  hazards: Hazard[];
  /** Every object the group's hazards concern, in first-seen order, without repeats. */
  objectKeys: string[];
}

const SEVERITY_RANK: Record<Hazard['severity'], number> = { danger: 0, warning: 1, info: 2 };

/** Groups hazards of one kind; blocking groups first, then by severity, otherwise in plan order. */
export function groupHazards(hazards: readonly Hazard[]): HazardGroup[] {
  const groups = new Map<string, HazardGroup>();
  const seen = new Map<HazardGroup, Set<string>>();
  for (const h of hazards) {
    const key = `${h.code}|${h.severity}|${h.blocking}|${h.consent ?? ''}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { code: h.code, severity: h.severity, blocking: h.blocking, hazards: [], objectKeys: [] };
      if (h.consent !== undefined) g.consent = h.consent;
      groups.set(key, g);
    }
    g.hazards.push(h);
    let keys = seen.get(g);
    if (keys === undefined) {
      keys = new Set();
      seen.set(g, keys);
    }
    for (const k of h.objectKeys) {
      if (!keys.has(k)) {
        keys.add(k);
        g.objectKeys.push(k);
      }
    }
  }
  const rank = (g: HazardGroup) => (g.blocking ? -1 : SEVERITY_RANK[g.severity]);
  return [...groups.values()].map((g, i) => ({ g, i })).sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i).map((x) => x.g);
}

/** The manifest option and the command-line flag that give a consent. */
function consentOption(consent: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold'): { manifest: string; flag: string } {
  switch (consent) {
    case 'disruptive':
      return { manifest: 'allow.disruptive', flag: '--allow-disruptive' };
    case 'irreversible':
      return { manifest: 'allow.irreversible', flag: '--allow-irreversible' };
    case 'exceedDeletionThreshold':
      return { manifest: 'allow.exceedDeletionThreshold', flag: '--allow-exceed-deletion-threshold' };
    default:
      return assertNever(consent, 'consent');
  }
}

/** How to give the consent a hazard needs: `needs allow.disruptive or --allow-disruptive`. */
export function consentText(consent: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold'): string {
  const o = consentOption(consent);
  return `needs ${o.manifest} or ${o.flag}`;
}

/**
 * The sentence about the consents the plan's hazards need: which the manifest already gives, and
 * which apply will still ask for (as a manifest option or a flag). Null when none is needed.
 */
export function consentsLine(plan: {
  hazards: readonly { consent?: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold' }[];
  consentGiven: Readonly<Record<'disruptive' | 'irreversible' | 'exceedDeletionThreshold', boolean>>;
}): string | null {
  const needed = neededConsents(plan.hazards);
  if (needed.length === 0) return null;
  const given = needed.filter((c) => plan.consentGiven[c]).map((c) => consentOption(c).manifest);
  const missing = needed.filter((c) => !plan.consentGiven[c]).map((c) => {
    const o = consentOption(c);
    return `${o.manifest} (or ${o.flag})`;
  });
  const parts: string[] = [];
  if (given.length > 0) parts.push(`Consent given by the manifest: ${given.join(' and ')}.`);
  if (missing.length > 0) parts.push(`Apply will refuse this plan without consent: set ${missing.join(' and ')}.`);
  return parts.join(' ');
}

/** Why the plan cannot be applied, or null when it can. */
export function notApplyableLine(plan: {
  applyable: boolean;
  hazards: readonly { blocking: boolean; code: string }[];
  diagnostics: readonly { severity: string }[];
}): string | null {
  if (plan.applyable) return null;
  const blocking = plan.hazards.filter((h) => h.blocking);
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  const parts: string[] = [];
  if (blocking.length > 0) {
    const codes = [...new Set(blocking.map((h) => h.code))].join(', ');
    parts.push(`${blocking.length} blocking ${blocking.length === 1 ? 'hazard' : 'hazards'} (${codes})`);
  }
  if (errors > 0) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
  const why = parts.length > 0 ? parts.join(' and ') : 'the planner marked it as not applyable';
  return `This plan cannot be applied: ${why}. Fix the cause in the manifest or in the directories, then plan again.`;
}

/** Consents the plan needs before apply runs it, in a fixed order. */
function neededConsents(
  hazards: readonly { consent?: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold' }[],
): ('disruptive' | 'irreversible' | 'exceedDeletionThreshold')[] {
  const order = ['disruptive', 'irreversible', 'exceedDeletionThreshold'] as const;
  const present = new Set(hazards.map((h) => h.consent));
  return order.filter((c) => present.has(c));
}
