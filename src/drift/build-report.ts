/**
 * desired × observed × plan → the drift report (pure: no I/O, no clock; the caller passes the time).
 * The plan says what would bring the directories back to the manifest; this module says which rule
 * each difference belongs to, what could not be read, and what changed since a previous report.
 */
import type { DesiredState } from '../model/desired.js';
import {
  DRIFT_REPORT_FORMAT_VERSION,
  DRIFT_REPORT_KIND,
  type DriftedObject,
  type DriftKindCount,
  type DriftReport,
  type DriftRule,
  type DriftStatus,
  type UnreadItem,
} from '../model/drift-report.js';
import type { SourceLocation } from '../model/diagnostic.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import type { StepKind } from '../model/step.js';
import { stepTenantSetting } from '../steps/index.js';
import { NO_RULE, TENANT_RULE, attributeRules, type Governed } from './rule-attribution.js';
import { compareWithPrevious, type PreviousReport } from './since.js';

export interface DriftInput {
  desired: DesiredState;
  /** What was read and planned; `read: false` when nothing could be read (the message says why). */
  outcome: { read: true; observed: ObservedState; plan: Plan; source: string } | { read: false; message: string };
  createdAt: string;
  tool: { name: string; version: string };
  /** The previous report (`--since`), when given. */
  previous?: PreviousReport;
}

/** Which tenant settings the manifest manages, by the name a reviewer knows them by. */
function managedTenantSettings(desired: DesiredState): string[] {
  const t = desired.tenant;
  const out: string[] = [];
  if (t.directorySync !== undefined) out.push('directorySync');
  out.push(...Object.keys(t.features).sort());
  if (t.accidentalDeletionThreshold !== undefined) out.push('accidentalDeletionThreshold');
  return out;
}

const sameLocation = (a: SourceLocation, b: SourceLocation) => a.file === b.file && a.line === b.line && a.col === b.col;

/** The manifest's rules as report rows, before counting. */
function ruleRows(desired: DesiredState): DriftRule[] {
  const rows: DriftRule[] = [];
  const settings = managedTenantSettings(desired);
  if (settings.length > 0) {
    rows.push({ name: TENANT_RULE, kind: 'tenant', location: desired.tenant.location, intent: settings.join(', '), checked: settings.length, drifted: 0, unread: 0, status: 'in-sync' });
  }
  for (const r of desired.users) {
    const intent = r.authority === 'cloud' ? `cloud via ${r.method}` : `onPremises via ${r.link} link`;
    rows.push({ name: r.name, kind: 'users', location: r.location, intent, checked: 0, drifted: 0, unread: 0, status: 'in-sync' });
  }
  for (const r of desired.groups) {
    rows.push({ name: r.name, kind: 'groups', location: r.location, intent: 'cloud via sourceOfAuthority', checked: 0, drifted: 0, unread: 0, status: 'in-sync' });
  }
  return rows;
}

/** Builds the report. Same inputs give a deep-equal report. */
export function buildDriftReport(input: DriftInput): DriftReport {
  const { desired, outcome } = input;
  const rows = ruleRows(desired);
  const unread: UnreadItem[] = [];
  let drifted: DriftedObject[] = [];
  let byKind: DriftKindCount[] = [];
  let plan: Plan | null = null;
  let source: string | null = null;

  if (!outcome.read) {
    unread.push({ subject: 'directories', message: outcome.message, rules: rows.map((r) => r.name) });
  } else {
    plan = outcome.plan;
    source = outcome.source;
    const observed = outcome.observed;
    const tenantRow = rows.find((r) => r.kind === 'tenant');
    const unreadSettings = new Set<string>();
    if (observed.tenant.features === null) {
      const managed = Object.keys(desired.tenant.features).sort();
      for (const f of managed) unreadSettings.add(f);
      if (managed.length > 0) {
        unread.push({
          subject: 'tenant-sync-features',
          message:
            `the tenant's sync features (${managed.join(', ')}) could not be read: GET /directory/onPremisesSynchronization is delegated-only ` +
            '(a signed-in Global Administrator); an application sign-in cannot read it. Run drift signed in as a Global Administrator ' +
            '(docs/graph-access.md), or leave tenant.features out of the manifest this pipeline checks.',
          rules: [TENANT_RULE],
        });
      }
    }
    if (observed.tenant.accidentalDeletionPrevention === null && desired.tenant.accidentalDeletionThreshold !== undefined) {
      unreadSettings.add('accidentalDeletionThreshold');
      unread.push({
        subject: 'deletion-threshold',
        message:
          'the accidental-deletion threshold could not be read (the same delegated-only resource, /directory/onPremisesSynchronization): ' +
          'run drift signed in as a Global Administrator, or leave tenant.accidentalDeletionThreshold out of the manifest this pipeline checks.',
        rules: [TENANT_RULE],
      });
    }
    if (tenantRow) tenantRow.unread = unreadSettings.size;

    const errors = plan.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const located = rows.filter((r) =>
        errors.some((d) => r.location !== null && [d.location, ...(d.related ?? [])].some((l) => l !== undefined && sameLocation(l, r.location as SourceLocation))),
      );
      const shown = errors.slice(0, 5).map((d) => `${d.code}: ${d.message}`);
      unread.push({
        subject: 'plan',
        message: `the plan has ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}, so the objects involved were not compared: ${shown.join('; ')}${errors.length > shown.length ? '; …' : ''}. Fix the manifest and run drift again.`,
        rules: (located.length > 0 ? located : rows).map((r) => r.name),
      });
    }

    const attribution = attributeRules(desired, observed, plan.steps);
    for (const r of rows) if (r.kind !== 'tenant') r.checked = attribution.checked.get(r.name) ?? 0;
    const result = driftedObjects(plan, attribution.ofStep, attribution.ruleOfObject, {
      features: observed.tenant.features === null,
      threshold: observed.tenant.accidentalDeletionPrevention === null,
    });
    drifted = result.objects;
    byKind = result.byKind;
    countDrift(rows, drifted, result.tenantDrifted);
  }

  for (const item of unread) for (const name of item.rules) {
    const row = rows.find((r) => r.name === name);
    if (row) row.status = 'unread';
  }
  for (const r of rows) if (r.status !== 'unread' && r.drifted > 0) r.status = 'drifted';

  const status: DriftStatus = unread.length > 0 ? 'incomplete' : drifted.length > 0 ? 'drifted' : 'in-sync';
  const sum = (f: (r: DriftRule) => number) => rows.reduce((n, r) => n + f(r), 0);
  const checked = sum((r) => r.checked);
  const driftedCount = sum((r) => r.drifted);
  const unreadCount = sum((r) => r.unread);
  return {
    kind: DRIFT_REPORT_KIND,
    formatVersion: DRIFT_REPORT_FORMAT_VERSION,
    tool: { name: input.tool.name, version: input.tool.version },
    createdAt: input.createdAt,
    manifest: { file: desired.file, digest: desired.digest },
    source,
    status,
    summary: {
      rules: rows.length,
      checked,
      inSync: Math.max(0, checked - driftedCount - unreadCount),
      drifted: driftedCount,
      unread: unreadCount,
      hazards: plan?.hazards.length ?? 0,
      blockingHazards: plan?.hazards.filter((h) => h.blocking).length ?? 0,
    },
    rules: rows,
    unread,
    drifted,
    byKind,
    since: input.previous ? compareWithPrevious(input.previous, drifted, rows) : null,
    plan,
  };
}

/**
 * Groups the plan's steps and blocking hazards into drifted objects. A tenant step whose setting could
 * not be read is not drift (the planner could only guess its current value): it is reported as unread.
 */
function driftedObjects(
  plan: Plan,
  ofStep: ReadonlyMap<string, Governed>,
  ruleOfObject: ReadonlyMap<string, string>,
  unreadTenant: { features: boolean; threshold: boolean },
): { objects: DriftedObject[]; byKind: DriftKindCount[]; tenantDrifted: Set<string> } {
  const objects = new Map<string, DriftedObject>();
  const tenantDrifted = new Set<string>();
  const objectOf = (g: Governed): DriftedObject => {
    const id = `${g.rule}\u0000${g.objectKey}`;
    let o = objects.get(id);
    if (o === undefined) {
      o = { objectKey: g.objectKey, rule: g.rule, stepIds: [], blockedBy: [] };
      objects.set(id, o);
    }
    return o;
  };
  const kinds = new Map<StepKind, { objects: Set<string>; steps: number }>();
  for (const s of plan.steps) {
    const setting = s.objectKey === 'tenant' ? stepTenantSetting(s.step) : null;
    if ((s.step.kind === 'entra.setSyncFeature' && unreadTenant.features) || (s.step.kind === 'entra.setDeletionThreshold' && unreadTenant.threshold)) continue;
    const g = ofStep.get(s.id) ?? { rule: NO_RULE, objectKey: s.objectKey };
    if (setting !== null && g.rule === TENANT_RULE) tenantDrifted.add(setting);
    const o = objectOf(g);
    o.stepIds.push(s.id);
    if (s.step.kind === 'sync.await') continue;
    const k = kinds.get(s.step.kind) ?? { objects: new Set<string>(), steps: 0 };
    k.objects.add(`${g.rule}\u0000${g.objectKey}`);
    k.steps++;
    kinds.set(s.step.kind, k);
  }
  for (const h of plan.hazards) {
    if (!h.blocking) continue;
    for (const key of h.objectKeys) {
      const rule = key === 'tenant' ? TENANT_RULE : ruleOfObject.get(key);
      if (rule === undefined) continue;
      if (key === 'tenant' && h.code === 'tenant-disable-pending') tenantDrifted.add('directorySync');
      const o = objectOf({ rule, objectKey: key });
      if (!o.blockedBy.includes(h.code)) o.blockedBy.push(h.code);
    }
  }
  const byKind = [...kinds.entries()]
    .map(([kind, v]) => ({ kind, objects: v.objects.size, steps: v.steps }))
    .sort((a, b) => b.objects - a.objects || (a.kind < b.kind ? -1 : 1));
  return { objects: [...objects.values()], byKind, tenantDrifted };
}

/** Per-rule drift counts; `(no rule)` gets a row only when something landed there. */
function countDrift(rows: DriftRule[], drifted: readonly DriftedObject[], tenantDrifted: ReadonlySet<string>): void {
  const byRule = new Map<string, number>();
  for (const o of drifted) byRule.set(o.rule, (byRule.get(o.rule) ?? 0) + 1);
  for (const r of rows) {
    // tenant rows count settings; a tenant object drifted in no managed setting (e.g. blocked) counts once
    r.drifted = r.kind === 'tenant' ? Math.min(r.checked, tenantDrifted.size || (byRule.has(TENANT_RULE) ? 1 : 0)) : (byRule.get(r.name) ?? 0);
    if (r.kind !== 'tenant') r.checked = Math.max(r.checked, r.drifted);
  }
  const orphans = byRule.get(NO_RULE) ?? 0;
  if (orphans > 0) {
    rows.push({ name: NO_RULE, kind: 'users', location: null, intent: 'steps no rule of the manifest claims', checked: orphans, drifted: orphans, unread: 0, status: 'drifted' });
  }
  if (!rows.some((r) => r.kind === 'tenant') && byRule.has(TENANT_RULE)) {
    const n = Math.max(1, tenantDrifted.size);
    rows.unshift({ name: TENANT_RULE, kind: 'tenant', location: null, intent: 'tenant settings other steps depend on', checked: n, drifted: n, unread: 0, status: 'drifted' });
  }
}
