import type { StepKindSpec } from './spec.js';
import { entraUserGone } from './stale-text.js';

/**
 * Reset the password of a restored user: the new password is generated at apply time and never shown.
 * Graph: https://learn.microsoft.com/graph/api/user-update (passwordProfile needs
 * User-PasswordProfile.ReadWrite.All and, app-only, at least the User Administrator role).
 */
export const RESET_PASSWORD: StepKindSpec<'entra.resetPassword'> = {
  fields: { userId: 'string', upn: 'string', forceChangeAtNextSignIn: 'boolean' },
  action: 'change',
  permissions: {
    calls: ['PATCH /v1.0/users/{id} {"passwordProfile":…}'],
    graphPermissions: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All'],
    applicationRoles: ['User Administrator', 'Privileged Authentication Administrator (for admins)'],
    delegatedPermissions: ['User-PasswordProfile.ReadWrite.All', 'User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Privileged Authentication Administrator (for admins)'],
    note: 'An application also needs a role assigned: at least User Administrator; resetting an administrator’s password needs Privileged Authentication Administrator.',
  },
  subject: (s) => s.upn,
  describe: (s) => ({
    description: 'reset the password (password hash sync no longer reaches this user)',
    details: [
      { kind: 'note', text: 'new password generated at apply time; never shown in a plan or log' },
      { kind: 'set', name: 'forceChangePasswordNextSignIn', value: String(s.forceChangeAtNextSignIn) },
    ],
  }),
  title: (s) => `reset the password of ${s.upn}`,
  outcome: (s, f) => `the password of ${s.upn} was reset; the new password is the newest line for it in ${f.secretsFile ?? 'the secrets file'}`,
  effect: (s) => s,
  staleDetail: (s, now) => (now.entraById.has(s.userId) ? [] : [entraUserGone(s.upn, s.userId)]),
  tenantSetting: () => null,
};
