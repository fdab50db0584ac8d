import type { AllowOptions } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Hazard, Plan } from '../model/plan.js';
import type { ApplyRefusal } from '../model/apply-report.js';

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

/** What decides whether steps may run: blocking hazards, error diagnostics, and hazards that need consent. */
export interface GateInput {
  blocking: readonly Hazard[];
  errors: readonly Diagnostic[];
  /** Hazards with a `consent` that concern what would run. */
  needConsent: readonly Hazard[];
}

/**
 * Whether steps may run at all: no blocking hazard, no error diagnostic, and every hazard that needs
 * consent has it (manifest `allow.*` or the CLI flag). Returns null when they may run.
 */
export function checkGate(g: GateInput, allow: AllowOptions): ApplyRefusal | null {
  if (g.blocking.length > 0 || g.errors.length > 0) {
    const messages = [
      ...g.blocking.map((h) => `blocking hazard ${h.code} on ${objects(h)}: ${h.message}`),
      ...g.errors.map((d) => `error ${d.code}${d.objectKey ? ` on ${d.objectKey}` : ''}: ${d.message}`),
      'Fix these (in the manifest or the directories), then run plan again.',
    ];
    return { code: 'not-applyable', messages };
  }
  const missing = g.needConsent.filter((h) => h.consent !== undefined && !allow[h.consent]);
  if (missing.length > 0) {
    return {
      code: 'consent-required',
      messages: missing.map((h) => {
        const c = h.consent as NonNullable<Hazard['consent']>;
        return `hazard ${h.code} on ${objects(h)} needs consent: ${h.message.replace(/[.;:,]?\s*$/, '.')} To accept it, pass ${FLAG[c]} or set allow.${c}: true in the manifest.`;
      }),
    };
  }
  return null;
}

const NOT_APPLYABLE: ApplyRefusal = {
  code: 'not-applyable',
  messages: ['the plan is marked not applyable', 'Fix these (in the manifest or the directories), then run plan again.'],
};

/**
 * The gate over a whole plan as it stands (every hazard counts): `checkSavedPlan`, then the consent of
 * every hazard that needs it. Apply itself does not let the hazards a plan file carries decide what
 * runs: it gates on the plan it recomputes (authorize.ts), after `checkSavedPlan`.
 */
export function checkPlanGate(plan: Plan, allow: AllowOptions): ApplyRefusal | null {
  return checkSavedPlan(plan) ?? checkGate({ blocking: [], errors: [], needConsent: plan.hazards }, allow);
}

/**
 * A saved plan that says it cannot be applied (not applyable, a blocking hazard or an error) is refused
 * as it is, whatever planning again finds: the reviewer approved a plan that does nothing, so apply does
 * nothing (e.g. a restore window that ended: by apply time the user may be gone for good, and planning
 * again would no longer see why).
 */
export function checkSavedPlan(plan: Plan): ApplyRefusal | null {
  const blocking = plan.hazards.filter((h) => h.blocking);
  const errors = plan.diagnostics.filter((d) => d.severity === 'error');
  if (plan.applyable && blocking.length === 0 && errors.length === 0) return null;
  return checkGate({ blocking, errors, needConsent: [] }, { disruptive: false, irreversible: false, exceedDeletionThreshold: false }) ?? NOT_APPLYABLE;
}
