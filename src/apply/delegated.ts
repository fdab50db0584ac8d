import type { PlannedStep } from '../model/plan.js';
import type { SignInKind } from '../model/sign-in.js';
import { isDelegatedOnly, stepTitle } from '../steps/index.js';
import type { ApplyRefusal } from '../model/apply-report.js';

export type { SignInKind };

/**
 * Steps Graph accepts only from a signed-in user (DELEGATED_ONLY_STEP_KINDS: `PATCH
 * /directory/onPremisesSynchronization` supports delegated permissions only, a Global Administrator;
 * https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update) cannot succeed under an
 * application sign-in. They are refused before anything is changed, naming them and how to sign in,
 * rather than failing half-way. `unknown` (an opaque token) is not refused: Graph decides.
 */
export function delegatedOnlyRefusal(toRun: readonly PlannedStep[], signIn: SignInKind): ApplyRefusal | null {
  if (signIn !== 'application') return null;
  const needing = toRun.filter((s) => isDelegatedOnly(s.step.kind));
  if (needing.length === 0) return null;
  return {
    code: 'delegated-sign-in-required',
    messages: [
      ...needing.map((s) => `${s.id} ${stepTitle(s.step)}: Graph accepts this change only from a signed-in Global Administrator, not from an application`),
      `Nothing was changed. Run apply again signed in as a Global Administrator (--auth device-code, or --auth interactive where a browser is available), ` +
        `or make these changes in the Entra admin center and plan again. See docs/graph-access.md.`,
    ],
  };
}
