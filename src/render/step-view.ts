/**
 * What a reviewer reads about one step, independent of the output format: a one-line
 * description and the attribute changes it makes. The human and Markdown renderers both lay
 * out these views, so they describe every step the same way.
 */
import { diffArrays } from 'diff';
import { immutableIdToGuid } from '../model/anchor.js';
import { firstRdn } from '../model/dn.js';
import type { Hazard, PlannedStep, SyncEffects } from '../model/plan.js';
import type { AttrChange, Expectation, Step } from '../model/step.js';
import { assertNever, CLEARABLE_ON_PREMISES_ATTRIBUTES } from '../model/step.js';

/** One line under a step. */
export type DetailLine =
  /** A single value changing: `name: before -> after` (values already quoted / formatted). */
  | { kind: 'attr'; name: string; from: string; to: string; note?: string }
  /** A value being set on something new: `name: value`. */
  | { kind: 'set'; name: string; value: string }
  /** A multi-valued attribute, as a line diff of its values (`+` added, `-` removed, ` ` kept). */
  | { kind: 'list'; name: string; entries: { op: '+' | '-' | ' '; value: string }[] }
  /** Free text for the reviewer. */
  | { kind: 'note'; text: string };

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
export const DELEGATED_SIGN_IN_NOTE =
  "needs a Global Administrator's delegated sign-in (--auth device-code or --auth interactive); an application sign-in cannot make this change";

/** The sync engine's effects of a match as detail lines (single values as `before -> after`, lists as a diff). */
export function syncEffectsView(e: SyncEffects): SyncEffectsView {
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
  }
  if (e.changes.length === 0 && e.password !== 'replaced') lines.unshift({ kind: 'note', text: 'no attribute changes: the cloud values equal the AD ones' });
  return { heading: `then Entra Connect ${how} from ${e.source} and changes (sync engine, not entra-soa's writes):`, lines };
}

/** A value in the way the renderers quote it: strings in double quotes, null and numbers bare. */
export function formatValue(v: string | number | boolean | null): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** The immutable id with the GUID it encodes, so a reviewer can compare it with AD. */
function immutableIdNote(id: string | null): string | undefined {
  if (id === null) return undefined;
  const guid = immutableIdToGuid(id);
  return guid === null ? undefined : `anchor GUID ${guid}`;
}

const MULTI_VALUED: readonly AttrChange['attribute'][] = ['proxyAddresses'];

/**
 * Attribute changes as detail lines; multi-valued ones (those named in `multiValued`, or any with more
 * than one value) as a value diff (jsdiff's diffArrays).
 */
export function attrChangeLines(
  changes: readonly { name: string; from: readonly string[]; to: readonly string[] }[],
  multiValued: readonly string[] = MULTI_VALUED,
): DetailLine[] {
  return changes.map((c): DetailLine => {
    if (multiValued.includes(c.name) || c.from.length > 1 || c.to.length > 1) {
      const entries: { op: '+' | '-' | ' '; value: string }[] = [];
      for (const part of diffArrays([...c.from], [...c.to])) {
        const op = part.added ? '+' : part.removed ? '-' : ' ';
        for (const value of part.value) entries.push({ op, value });
      }
      return { kind: 'list', name: c.name, entries };
    }
    return { kind: 'attr', name: c.name, from: formatValue(c.from[0] ?? null), to: formatValue(c.to[0] ?? null) };
  });
}

/** AD attribute changes (`ad.modify`) as detail lines. */
function adChangeLines(changes: readonly AttrChange[]): DetailLine[] {
  return attrChangeLines(changes.map((c) => ({ name: c.attribute, from: c.from, to: c.to })));
}

function expectationText(e: Expectation): string {
  switch (e.kind) {
    case 'userSoftDeleted':
      return `${e.upn} is soft-deleted in Entra ID (it left the sync scope)`;
    case 'userSynced':
      // a user created by this plan has no anchor yet: its immutable id is known only after the match
      return e.immutableId === ''
        ? `${e.upn} is synced from AD (matched to the AD user this plan creates)`
        : `${e.upn} is synced from AD with immutable id ${e.immutableId}`;
    case 'tenantSyncDisabled':
      return 'the tenant-wide disable of directory synchronization has completed (up to 72 h)';
    default:
      return assertNever(e, 'expectation');
  }
}

/** A duration in seconds as people write it (`2h`, `90m`, `45s`). */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function describe(step: Step): { description: string; details: DetailLine[] } {
  switch (step.kind) {
    case 'entra.setCloudManaged':
      return step.to
        ? {
            description: 'switch the source of authority to the cloud (Entra ID owns the user; AD edits stop flowing)',
            details: [{ kind: 'attr', name: 'isCloudManaged', from: 'false', to: 'true' }],
          }
        : {
            description: 'hand the source of authority back to AD (roll back the switch; the next sync cycle takes over)',
            details: [{ kind: 'attr', name: 'isCloudManaged', from: 'true', to: 'false' }],
          };
    case 'entra.setGroupCloudManaged':
      return {
        description: step.to
          ? `switch the source of authority of group "${step.displayName}" to the cloud`
          : `hand the source of authority of group "${step.displayName}" back to AD`,
        details: [{ kind: 'attr', name: 'isCloudManaged', from: String(!step.to), to: String(step.to) }],
      };
    case 'entra.setImmutableId': {
      const line: DetailLine = { kind: 'attr', name: 'onPremisesImmutableId', from: formatValue(step.from), to: formatValue(step.to) };
      const note = immutableIdNote(step.to) ?? immutableIdNote(step.from);
      if (note !== undefined) line.note = note;
      return {
        description:
          step.to === null
            ? 'clear the immutable id (on-premises leftover of a converted user)'
            : 'set the immutable id so that the next sync cycle hard-matches the AD user',
        details: [line],
      };
    }
    case 'entra.clearOnPremisesAttributes': {
      const details: DetailLine[] = [];
      for (const name of CLEARABLE_ON_PREMISES_ATTRIBUTES) {
        const value = step.attributes[name];
        if (value === undefined) continue;
        const line: DetailLine = { kind: 'attr', name, from: formatValue(value), to: 'null' };
        const note = name === 'onPremisesImmutableId' ? immutableIdNote(value) : undefined;
        if (note !== undefined) line.note = note;
        details.push(line);
      }
      const onlyIdentifier = Object.keys(step.attributes).every((a) => a === 'onPremisesObjectIdentifier');
      return {
        description: onlyIdentifier
          ? 'clear onPremisesObjectIdentifier so that the next sync cycle can hard-match the user to another AD object (2026-07-01 hardening)'
          : 'clear the on-premises leftovers (the user is cloud-owned now)',
        details,
      };
    }
    case 'entra.restoreDeleted':
      return {
        description: 'restore the soft-deleted Entra user as a cloud-only user',
        details: [{ kind: 'set', name: 'deletedItem', value: formatValue(step.deletedId) }],
      };
    case 'entra.resetPassword':
      return {
        description: 'reset the password (password hash sync no longer reaches this user)',
        details: [
          { kind: 'note', text: 'new password generated at apply time; never shown in a plan or log' },
          { kind: 'set', name: 'forceChangePasswordNextSignIn', value: String(step.forceChangeAtNextSignIn) },
        ],
      };
    case 'entra.setTenantSync':
      return step.enabled
        ? {
            description: 'turn directory synchronization on for the whole tenant',
            details: [{ kind: 'attr', name: 'onPremisesSyncEnabled', from: 'false', to: 'true' }],
          }
        : {
            description: 'turn directory synchronization off for the whole tenant (every synced user becomes cloud-owned)',
            details: [
              { kind: 'attr', name: 'onPremisesSyncEnabled', from: 'true', to: 'false' },
              { kind: 'note', text: 'takes up to 72 h and cannot be cancelled; sync cannot be turned on again until it completes' },
            ],
          };
    case 'entra.setSyncFeature':
      return {
        description: `${step.to ? 'turn on' : 'turn off'} the tenant sync feature ${step.feature}`,
        details: [{ kind: 'attr', name: step.feature, from: String(step.from), to: String(step.to) }],
      };
    case 'entra.setDeletionThreshold':
      return {
        description: 'set the accidental-deletion threshold of the sync engine',
        details: [
          { kind: 'attr', name: 'accidentalDeletionThreshold', from: step.from === null ? 'off' : String(step.from), to: String(step.to) },
        ],
      };
    case 'ad.move':
      return {
        description: `move the AD user to ${step.toOu}`,
        details: [{ kind: 'attr', name: 'distinguishedName', from: formatValue(step.dn), to: formatValue(`${firstRdn(step.dn)},${step.toOu}`) }],
      };
    case 'ad.modify':
      return { description: `update the AD user ${step.dn}`, details: adChangeLines(step.changes) };
    case 'ad.createUser': {
      const u = step.user;
      const details: DetailLine[] = [
        { kind: 'set', name: 'distinguishedName', value: formatValue(step.dn) },
        { kind: 'set', name: 'sAMAccountName', value: formatValue(u.samAccountName) },
        { kind: 'set', name: 'userPrincipalName', value: formatValue(u.userPrincipalName) },
      ];
      if (u.mail !== null) details.push({ kind: 'set', name: 'mail', value: formatValue(u.mail) });
      if (u.givenName !== null) details.push({ kind: 'set', name: 'givenName', value: formatValue(u.givenName) });
      if (u.surname !== null) details.push({ kind: 'set', name: 'sn', value: formatValue(u.surname) });
      if (u.displayName !== null) details.push({ kind: 'set', name: 'displayName', value: formatValue(u.displayName) });
      if (u.proxyAddresses.length > 0) {
        details.push({ kind: 'list', name: 'proxyAddresses', entries: u.proxyAddresses.map((value) => ({ op: '+' as const, value })) });
      }
      details.push({ kind: 'note', text: 'password generated at apply time and written only to a 0600 file' });
      if (u.mustChangePassword === true) details.push({ kind: 'note', text: 'must change the password at next logon (pwdLastSet 0)' });
      return { description: `create the AD user in ${step.ou} (so that the next sync cycle soft-matches it)`, details };
    }
    case 'sync.await':
      return {
        description: `wait for Entra Connect's next sync cycle, until ${expectationText(step.until)}`,
        details: [{ kind: 'set', name: 'timeout', value: formatDuration(step.timeoutS) }],
      };
    default:
      return assertNever(step, 'step');
  }
}

/** The reviewer's view of one planned step. */
export function viewStep(s: PlannedStep): StepView {
  const { description, details } = describe(s.step);
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
export function consentOption(consent: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold'): { manifest: string; flag: string } {
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
export function neededConsents(
  hazards: readonly { consent?: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold' }[],
): ('disruptive' | 'irreversible' | 'exceedDeletionThreshold')[] {
  const order = ['disruptive', 'irreversible', 'exceedDeletionThreshold'] as const;
  const present = new Set(hazards.map((h) => h.consent));
  return order.filter((c) => present.has(c));
}
