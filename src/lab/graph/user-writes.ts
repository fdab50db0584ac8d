/**
 * User writes: `POST /users` (user-create) and `PATCH /users/{id}` (user-update), with Graph's
 * checks and refusals (docs/lab-graph.md, "Semantics").
 */
import type { LabUser, LabUserPatch } from '../tenant/records.js';
import { authorize, type GraphOperation } from './authorization.js';
import { badRequest, bodyObject, json, noContent, type LabRequest, type LabResponse } from './protocol.js';
import { contextUrl, type RouteContext } from './route-context.js';
import { checkedPasswordProfile, disablesStrongPassword } from './password-policy.js';
import { AD_MASTERED, CLEARABLE_ON_PREMISES_ATTRIBUTES, DEFAULT_USER_PROPERTIES, IGNORED_WRITABLE, userProperties } from './user-properties.js';
import { MASTERED_MESSAGE, checkImmutableIdValue, invalidUserValue, isSyncedUser, readOnly, unverifiedDomain, verifiedDomain } from './user-errors.js';
import { userView } from './user-view.js';

/** What a PATCH body needs permission for (authorization.ts): password, on-premises attributes, the rest. */
function patchOperations(ctx: RouteContext, u: Readonly<LabUser>, keys: readonly string[]): GraphOperation[] {
  const ops = new Set<GraphOperation>();
  for (const k of keys) {
    if (k === 'passwordProfile') {
      // Resetting an administrator's password needs a higher role ("Who can reset passwords"); the lab
      // counts any active or eligible directory role as making the user an administrator.
      const admin = ctx.tenant.rolesOfUser(u.id).length > 0 || ctx.tenant.eligibleRolesOfUser(u.id).length > 0;
      ops.add(admin ? 'users.resetAdminPassword' : 'users.resetPassword');
    } else if (k === 'onPremisesObjectIdentifier') {
      ops.add('users.updateOnPremises').add('users.updateObjectIdentifier');
    } else if ((CLEARABLE_ON_PREMISES_ATTRIBUTES as readonly string[]).includes(k)) {
      ops.add('users.updateOnPremises');
    } else if (k !== '@odata.type') {
      ops.add('users.update');
    }
  }
  return [...ops];
}

/** `S-1-5-21-...`: Microsoft asks for "the correct Security Identifier format" when one is set. */
const SID_FORMAT = /^S-1-\d+(-\d+)+$/;

/**
 * PATCH /users/{id} (user-update; learn.microsoft.com/graph/api/user-update). Order of checks:
 * caller's permission (403); unknown property (400); synced user + AD-mastered property → the
 * mastered message; read-only properties; immutable id rules (null clears on beta only; v1.0 null
 * and `""` are accepted and ignored; `$`/`_` refused); the other on-premises attributes (beta,
 * cloud-owned users, the seven Microsoft lists); password policy; UPN domain and uniqueness.
 */
export function patchUser(ctx: RouteContext, req: LabRequest, u: Readonly<LabUser>): LabResponse {
  const body = bodyObject(req.body);
  const keys = Object.keys(body);
  authorize(ctx.caller, ...patchOperations(ctx, u, keys));
  const synced = isSyncedUser(u);
  const known = userProperties(req);
  const bypassOverrides = ctx.tenant.features().bypassDirSyncOverridesEnabled;
  for (const k of keys) {
    if (!known.has(k) && !IGNORED_WRITABLE.has(k) && k !== 'passwordProfile' && k !== '@odata.type') {
      throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
    if (synced && (AD_MASTERED.has(k) || (k === 'mobilePhone' && bypassOverrides))) throw badRequest(MASTERED_MESSAGE);
  }
  const patch: LabUserPatch = {};
  let passwordReset = false;
  for (const [k, v] of Object.entries(body)) {
    switch (k) {
      case '@odata.type':
        break;
      case 'displayName':
      case 'givenName':
      case 'surname':
      case 'mail':
      case 'mailNickname':
        if (v !== null && typeof v !== 'string') throw invalidUserValue(k);
        patch[k] = v;
        break;
      case 'accountEnabled':
        if (typeof v !== 'boolean') throw invalidUserValue(k);
        patch.accountEnabled = v;
        break;
      case 'passwordPolicies':
        if (v !== null && typeof v !== 'string') throw invalidUserValue(k);
        patch.passwordPolicies = v;
        break;
      case 'userPrincipalName':
        if (typeof v !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(v)) throw invalidUserValue('userPrincipalName');
        if (!verifiedDomain(ctx, v)) throw unverifiedDomain();
        patch.userPrincipalName = v;
        break;
      case 'onPremisesImmutableId':
        if (v === null) {
          // v1.0 accepts null and leaves the value (reported behaviour, unconfirmed); beta clears it.
          if (req.version === 'beta') patch.onPremisesImmutableId = null;
        } else if (typeof v !== 'string') {
          throw invalidUserValue('onPremisesImmutableId');
        } else if (v !== '') {
          // "" does not clear (what SDK clients that cannot send null end up sending): ignored.
          checkImmutableIdValue(v);
          patch.onPremisesImmutableId = v;
        }
        break;
      case 'passwordProfile': {
        const policies = 'passwordPolicies' in body ? body.passwordPolicies : u.passwordPolicies;
        const profile = checkedPasswordProfile(v, disablesStrongPassword(policies));
        if (synced && !ctx.tenant.features().passwordWritebackEnabled) throw badRequest(MASTERED_MESSAGE);
        if (profile.forceChangePasswordNextSignIn !== undefined) patch.forceChangePasswordNextSignIn = profile.forceChangePasswordNextSignIn;
        passwordReset = true;
        break;
      }
      default:
        if ((CLEARABLE_ON_PREMISES_ATTRIBUTES as readonly string[]).includes(k)) {
          // beta only: on v1.0 these are read-only (onPremisesObjectIdentifier is not even known there).
          if (req.version !== 'beta') throw readOnly(k);
          if (v === null) (patch as Record<string, unknown>)[k] = null;
          else if (k === 'onPremisesObjectIdentifier' || typeof v !== 'string') {
            // "System-generated attribute. Clearing it is supported, but setting a specific value can fail."
            throw readOnly(k);
          } else {
            if (k === 'onPremisesSecurityIdentifier' && !SID_FORMAT.test(v)) throw invalidUserValue(k);
            (patch as Record<string, unknown>)[k] = v;
          }
        } else if (IGNORED_WRITABLE.has(k)) {
          // accepted, not modelled
        } else {
          throw readOnly(k);
        }
    }
  }
  if (Object.keys(patch).length > 0) ctx.tenant.updateUser(u.id, patch);
  if (passwordReset) ctx.tenant.recordPasswordReset(u.id);
  return noContent();
}

export function createUser(ctx: RouteContext, req: LabRequest): LabResponse {
  authorize(ctx.caller, 'users.create');
  const b = bodyObject(req.body);
  for (const k of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
    if (b[k] === undefined || b[k] === null) throw invalidUserValue(k);
  }
  const str = (k: string): string | null => {
    const v = b[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw invalidUserValue(k);
    return v;
  };
  const upn = str('userPrincipalName') ?? '';
  if (!verifiedDomain(ctx, upn)) throw unverifiedDomain();
  const immutableId = str('onPremisesImmutableId');
  if (immutableId !== null) checkImmutableIdValue(immutableId);
  const profile = checkedPasswordProfile(b.passwordProfile, disablesStrongPassword(b.passwordPolicies));
  if (typeof b.accountEnabled !== 'boolean') throw invalidUserValue('accountEnabled');
  const u = ctx.tenant.createUser({
    userPrincipalName: upn,
    displayName: str('displayName'),
    givenName: str('givenName'),
    surname: str('surname'),
    mail: str('mail'),
    mailNickname: str('mailNickname'),
    accountEnabled: b.accountEnabled,
    onPremisesImmutableId: immutableId === '' ? null : immutableId,
    passwordLastResetAt: ctx.tenant.nowIso(),
    passwordPolicies: str('passwordPolicies'),
    forceChangePasswordNextSignIn: profile.forceChangePasswordNextSignIn ?? false,
  });
  const body = { '@odata.context': contextUrl(ctx, req, 'users/$entity'), ...userView(ctx.tenant, u, null, DEFAULT_USER_PROPERTIES) };
  return json(201, body, { location: `${ctx.origin}/${req.version}/users/${u.id}` });
}
