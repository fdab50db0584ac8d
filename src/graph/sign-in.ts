/**
 * Who the Graph client is signed in as, read from the access token's payload (decoded, never verified:
 * Graph verifies it; this only decides what to refuse before changing anything). Microsoft's access
 * token claims (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference):
 * `idtyp` is `app` for an application's own token and `user` for a signed-in user's; `scp` holds the
 * delegated scopes and is only in user tokens; `roles` holds the application permissions of an
 * app-only token; `wids` the active directory roles of the signed-in user. Nothing of the token is
 * kept or shown.
 */
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { SignIn, SignInKind } from '../model/sign-in.js';

export type { SignIn, SignInKind };

const UNKNOWN: SignIn = { kind: 'unknown', scopes: [], roles: [], directoryRoles: [] };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The sign-in an access token stands for. A token that is not a JWT (an opaque token) gives `unknown`. */
export function signInFromToken(token: string): SignIn {
  const parts = token.split('.');
  if (parts.length !== 3) return UNKNOWN;
  let payload: Record<string, unknown>;
  try {
    const parsed = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return UNKNOWN;
    payload = parsed as Record<string, unknown>;
  } catch {
    return UNKNOWN;
  }
  const scopes = typeof payload['scp'] === 'string' ? payload['scp'].split(' ').filter(Boolean) : [];
  const roles = strings(payload['roles']);
  const idtyp = payload['idtyp'];
  const kind: SignInKind =
    idtyp === 'app' ? 'application' : idtyp === 'user' ? 'user' : scopes.length > 0 ? 'user' : roles.length > 0 ? 'application' : 'unknown';
  return { kind, scopes, roles, directoryRoles: strings(payload['wids']) };
}

/** The sign-in of an authentication provider: asks it for a token and decodes it (the caller keeps the provider it made). */
export async function signInOf(provider: AuthenticationProvider): Promise<SignIn> {
  return signInFromToken(await provider.getAccessToken());
}
