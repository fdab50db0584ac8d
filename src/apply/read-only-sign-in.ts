/**
 * A signed-in user whose active Microsoft Entra roles are all read-only can read the tenant (plan,
 * snapshot, drift) but Graph refuses every change they ask for (403 Authorization_RequestDenied). Apply
 * refuses such a run before anything changes, when the plan has a Graph write: otherwise the AD steps
 * run first and, say, a scope removal leaves the user soft-deleted in Entra ID when the restore is refused.
 *
 * Read-only roles, from Microsoft's built-in roles reference
 * (https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference): Global
 * Reader ("can read settings and administrative information across Microsoft services but can't take
 * management actions"), Security Reader, Reports Reader, Directory Readers. The roles come from the
 * token's `wids` claim (active roles only; https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
 * `wids` is optional in a token, so a sign-in without it, or with any other role, is not refused: Graph decides.
 */
import { stepTitle } from '../steps/index.js';
import type { SignIn } from '../model/sign-in.js';
import type { PlannedStep } from '../model/plan.js';
import type { ApplyRefusal } from '../model/apply-report.js';

/** Read-only built-in roles, by role template id (the same in every tenant). */
export const READ_ONLY_ROLE_TEMPLATES: Readonly<Record<string, string>> = {
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  '5d6b6bb7-de71-4623-b4af-96380a352509': 'Security Reader',
  '4a5d8f65-41da-4de4-8968-e035b65339cf': 'Reports Reader',
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': 'Directory Readers',
};

/** The refusal, or null when the sign-in may try the plan's steps. */
export function readOnlySignInRefusal(steps: readonly PlannedStep[], signIn: SignIn): ApplyRefusal | null {
  if (signIn.kind !== 'user' || signIn.directoryRoles.length === 0) return null;
  const roles = signIn.directoryRoles.map((id) => READ_ONLY_ROLE_TEMPLATES[id.toLowerCase()]);
  if (roles.some((r) => r === undefined)) return null;
  const writes = steps.filter((s) => s.step.kind.startsWith('entra.'));
  if (writes.length === 0) return null;
  const held = [...new Set(roles)].join(', ');
  return {
    code: 'read-only-sign-in',
    messages: [
      ...writes.map((s) => `${s.id} ${stepTitle(s.step)}: Graph refuses this change from the signed-in user, whose only active roles are read-only (${held})`),
      'Nothing was changed. Run apply again signed in as an administrator who may make these changes (the "Entra role" column in docs/graph-access.md; ' +
        'with PIM, activate the role before signing in), or as the application entra-soa documents.',
    ],
  };
}
