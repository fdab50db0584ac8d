/**
 * Who a Graph client is signed in as, as the access token's payload says (src/graph/sign-in.ts reads
 * it; apply refuses what that sign-in cannot do before changing anything).
 */

/** How the client signed in: an application (app-only token), a user (delegated), or unknown (not a JWT). */
export type SignInKind = 'application' | 'user' | 'unknown';

export interface SignIn {
  kind: SignInKind;
  /** Delegated scopes (`scp`), for user tokens. */
  scopes: string[];
  /** Application permissions (`roles`), for app-only tokens. */
  roles: string[];
  /** Active directory role template ids of the signed-in user (`wids`). */
  directoryRoles: string[];
}
