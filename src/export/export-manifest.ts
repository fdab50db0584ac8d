/**
 * Export with a proof: the written manifest is loaded back and planned against the state it was
 * exported from; any object the plan would change (or that a blocking hazard names) is left out of the
 * rules, with the reason in a comment, and the manifest is built again. So `plan` of an exported
 * manifest against the same state plans no changes, whatever the state holds.
 */
import { loadManifestText } from '../manifest/load.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { buildPlan } from '../plan/index.js';
import { stepTenantSetting } from '../steps/index.js';
import { buildExportManifest, type ExportGiven, type ExportResult, type LeaveOut } from './build-manifest.js';

export interface ExportManifestInput {
  observed: ObservedState;
  given: ExportGiven;
  source: string;
  createdAt: string;
  tool: { name: string; version: string };
  /** The file name diagnostics and the plan check use. */
  file: string;
}

/** The manifest, or why it could not be made to plan no changes. */
export type ExportOutcome = (ExportResult & { ok: true; rounds: number }) | { ok: false; message: string };

const MAX_ROUNDS = 5;

/** Adds to `leaveOut` what the plan would change; returns false when nothing new was found. */
function leaveOutChanges(plan: Plan, leaveOut: LeaveOut): boolean {
  const before = leaveOut.objects.size + leaveOut.tenantSettings.size;
  for (const s of plan.steps) {
    if (s.objectKey === 'tenant') {
      const setting = stepTenantSetting(s.step);
      if (setting !== null && !leaveOut.tenantSettings.has(setting)) leaveOut.tenantSettings.set(setting, `the plan would run ${s.step.kind}`);
    } else if (!leaveOut.objects.has(s.objectKey)) {
      leaveOut.objects.set(s.objectKey, `a rule for it would plan ${s.step.kind}; it is left to you`);
    }
  }
  for (const h of plan.hazards) {
    if (!h.blocking) continue;
    for (const k of h.objectKeys) {
      if (k === 'tenant') leaveOut.tenantSettings.set('directorySync', `blocking hazard ${h.code}`);
      else if (!leaveOut.objects.has(k)) leaveOut.objects.set(k, `a rule for it would meet the blocking hazard ${h.code}; it is left to you`);
    }
  }
  return leaveOut.objects.size + leaveOut.tenantSettings.size > before;
}

export function exportManifest(input: ExportManifestInput): ExportOutcome {
  const leaveOut: LeaveOut = { objects: new Map(), tenantSettings: new Map() };
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const result = buildExportManifest({ ...input, leaveOut });
    const loaded = loadManifestText(result.text, input.file);
    if (loaded.desired === null) {
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
      return { ok: false, message: `the exported manifest does not load (${errors.slice(0, 3).join('; ')}): this is a bug in entra-soa export; please report it` };
    }
    const plan = buildPlan({ desired: loaded.desired, observed: input.observed, createdAt: input.createdAt, tool: input.tool, source: input.source });
    const errors = plan.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      return { ok: false, message: `the exported manifest does not plan cleanly (${errors.map((d) => d.code).join(', ')}): this is a bug in entra-soa export; please report it` };
    }
    if (plan.steps.length === 0 && plan.applyable) return { ...result, ok: true, rounds: round };
    if (!leaveOutChanges(plan, leaveOut)) break;
  }
  return { ok: false, message: `could not make the exported manifest plan no changes within ${MAX_ROUNDS} rounds: this is a bug in entra-soa export; please report it` };
}
