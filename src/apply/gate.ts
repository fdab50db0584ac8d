import type { AllowOptions } from '../model/desired.js';
import type { Hazard, Plan } from '../model/plan.js';
import type { ApplyRefusal } from './report.js';

const FLAG: Record<NonNullable<Hazard['consent']>, string> = {
  disruptive: '--allow-disruptive',
  irreversible: '--allow-irreversible',
  exceedDeletionThreshold: '--allow-exceed-deletion-threshold',
};

function objects(h: Hazard): string {
  if (h.objectKeys.length === 0) return 'the tenant';
  const shown = h.objectKeys
    .slice(0, 5)
    .map((k) => (k === 'tenant' ? 'the tenant' : k))
    .join(', ');
  return h.objectKeys.length > 5 ? `${shown} and ${h.objectKeys.length - 5} more` : shown;
}

/**
 * Whether a plan may run at all: it must be applyable (no blocking hazard, no error diagnostic), and
 * every hazard that needs consent must have it (manifest `allow.*` or the CLI flag). Returns null when
 * it may run.
 */
export function checkPlanGate(plan: Plan, allow: AllowOptions): ApplyRefusal | null {
  if (!plan.applyable) {
    const messages = [
      ...plan.hazards
        .filter((h) => h.blocking)
        .map((h) => `blocking hazard ${h.code} on ${objects(h)}: ${h.message}`),
      ...plan.diagnostics.filter((d) => d.severity === 'error').map((d) => `error ${d.code}${d.objectKey ? ` on ${d.objectKey}` : ''}: ${d.message}`),
    ];
    if (messages.length === 0) messages.push('the plan is marked not applyable');
    messages.push('Fix these (in the manifest or the directories), then run plan again.');
    return { code: 'not-applyable', messages };
  }
  const missing = plan.hazards.filter((h) => h.consent !== undefined && !allow[h.consent]);
  if (missing.length > 0) {
    return {
      code: 'consent-required',
      messages: missing.map((h) => {
        const c = h.consent as NonNullable<Hazard['consent']>;
        return `hazard ${h.code} on ${objects(h)} needs consent: ${h.message.replace(/[.;:,]?\s*$/, ".")} To accept it, pass ${FLAG[c]} or set allow.${c}: true in the manifest.`;
      }),
    };
  }
  return null;
}
