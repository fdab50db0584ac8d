/** Microsoft Entra's password policy for cloud accounts, as Graph applies it to a `passwordProfile`. */
import { badRequest } from './protocol.js';
import { invalidUserValue } from './user-errors.js';

/** Graph's answer to a password outside the tenant's password policy (message as users report it; unconfirmed). */
const PASSWORD_COMPLEXITY_MESSAGE = 'The specified password does not comply with password complexity requirements. Please provide a different password.';

/**
 * Microsoft Entra's password policy for cloud accounts (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#password-policies-that-only-apply-to-cloud-user-accounts):
 * 8 to 256 characters; three of lowercase, uppercase, digits and symbols; no characters outside the
 * allowed set (letters, digits, the listed symbols and the blank space). `DisableStrongPassword` in the
 * user's passwordPolicies lifts the three-of-four rule, not the length (unconfirmed).
 */
function passwordMeetsPolicy(password: string, disableStrongPassword: boolean): boolean {
  if (password.length < 8 || password.length > 256) return false;
  if (!/^[A-Za-z0-9@#$%^&*\-_!+=[\]{}|\\:',.?/`~"();<> ]+$/.test(password)) return false;
  if (disableStrongPassword) return true;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

/** The password of a `passwordProfile`, checked against the password policy; throws Graph's 400 otherwise. */
export function checkedPasswordProfile(v: unknown, disableStrongPassword: boolean): { forceChangePasswordNextSignIn: boolean | undefined } {
  const p = v as { password?: unknown; forceChangePasswordNextSignIn?: unknown; forceChangePasswordNextSignInWithMfa?: unknown } | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p) || typeof p.password !== 'string' || p.password === '') throw invalidUserValue('passwordProfile');
  for (const flag of ['forceChangePasswordNextSignIn', 'forceChangePasswordNextSignInWithMfa'] as const) {
    if (p[flag] !== undefined && typeof p[flag] !== 'boolean') throw invalidUserValue('passwordProfile');
  }
  if (!passwordMeetsPolicy(p.password, disableStrongPassword)) throw badRequest(PASSWORD_COMPLEXITY_MESSAGE);
  return { forceChangePasswordNextSignIn: p.forceChangePasswordNextSignIn as boolean | undefined };
}

/** True when a user's passwordPolicies hold `DisableStrongPassword`. */
export const disablesStrongPassword = (policies: unknown): boolean => typeof policies === 'string' && /(^|,)\s*DisableStrongPassword\s*($|,)/i.test(policies);
