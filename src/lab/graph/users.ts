/**
 * `/users`, `/users/{id | userPrincipalName}`, `/users/delta`, `/users/$count`,
 * `/users/{id}/onPremisesSyncBehavior` and the deleted-users views, with Graph's semantics
 * (shared/domain.md §1, §4, §5).
 */
import type { LabTenant, LabUser, LabUserPatch } from '../tenant.js';
import { authorize, type GraphOperation, type LabCaller } from './authorization.js';
import {
  GraphHttpError,
  badRequest,
  bodyObject,
  json,
  noContent,
  notFound,
  type GraphVersion,
  type LabRequest,
  type LabResponse,
} from './protocol.js';
import {
  decodeToken,
  encodeToken,
  isEventual,
  linkWith,
  MAX_PAGE_SIZE,
  pageSize,
  parseFilter,
  selectList,
  wantsCount,
} from './odata.js';

export interface RouteContext {
  tenant: LabTenant;
  /** `http://127.0.0.1:<port>`: used in `@odata.context`, nextLink and deltaLink. */
  origin: string;
  /** Who is calling (authorization.ts decides what it may do). */
  caller: LabCaller;
}

/** Graph's default user property set (v1.0; the lab serves the same set on beta). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/**
 * The on-premises attributes Microsoft lists as clearable (and settable) on cloud-only users with a
 * beta `PATCH /users/{id}`, in its order: learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes.
 * `onPremisesLastSyncDateTime` is not among them: it stays read-only.
 */
export const CLEARABLE_ON_PREMISES_ATTRIBUTES = [
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesImmutableId',
  'onPremisesObjectIdentifier',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesUserPrincipalName',
] as const;

/**
 * Every user property the lab can return on v1.0 `$select`: only properties of the v1.0 user schema
 * (Microsoft's CSDL, 2026-08; test/integration/lab-graph/conformance.test.ts checks the list against it).
 */
const V1_USER_PROPERTIES: readonly string[] = [
  ...DEFAULT_USER_PROPERTIES,
  'mailNickname',
  'proxyAddresses',
  'accountEnabled',
  'createdDateTime',
  'deletedDateTime',
  'lastPasswordChangeDateTime',
  'passwordPolicies',
  'passwordProfile',
  'provisionedPlans',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesUserPrincipalName',
  'onPremisesLastSyncDateTime',
  'onPremisesProvisioningErrors',
];

/**
 * Beta adds `onPremisesObjectIdentifier`: Microsoft documents reading and clearing it with beta calls
 * (the clear-on-premises-attributes page; the 2026-07-01 hard-match hardening), though it is in
 * neither published CSDL (2026-08). v1.0 answers 400 for it, as Graph does for a property outside
 * the v1.0 schema.
 */
const BETA_ONLY_USER_PROPERTIES: readonly string[] = ['onPremisesObjectIdentifier'];

export const USER_PROPERTIES_BY_VERSION: Readonly<Record<GraphVersion, ReadonlySet<string>>> = {
  'v1.0': new Set(V1_USER_PROPERTIES),
  beta: new Set([...V1_USER_PROPERTIES, ...BETA_ONLY_USER_PROPERTIES]),
};


/** The user properties `$select` accepts on this request's version. */
export function userProperties(req: Pick<LabRequest, 'version'>): ReadonlySet<string> {
  return USER_PROPERTIES_BY_VERSION[req.version];
}

/** $filter support on users: `default` = plain query; `advanced` = needs ConsistencyLevel + $count. */
const USER_FILTERABLE: ReadonlyMap<string, 'default' | 'advanced'> = new Map([
  ['id', 'default'],
  ['userPrincipalName', 'default'],
  ['mail', 'default'],
  ['mailNickname', 'default'],
  ['displayName', 'default'],
  ['givenName', 'default'],
  ['surname', 'default'],
  ['accountEnabled', 'default'],
  ['onPremisesImmutableId', 'default'],
  ['onPremisesSyncEnabled', 'default'],
  ['proxyAddresses', 'default'],
  ['onPremisesSamAccountName', 'advanced'],
  ['onPremisesUserPrincipalName', 'advanced'],
]);

/**
 * User properties Entra Connect Sync writes from AD (learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-sync-attributes-synchronized,
 * mapped to Graph's names: company → companyName, department, physicalDeliveryOfficeName →
 * officeLocation, telephoneNumber → businessPhones, facsimileTelephoneNumber → faxNumber, title →
 * jobTitle, l → city, c/co → country, st → state, employeeID → employeeId, extensionAttribute1-15 →
 * onPremisesExtensionAttributes, ...). On a synced user Graph refuses a cloud write to any of them.
 * `mobilePhone` is AD's `mobile`, but Microsoft keeps a cloud value unless the feature
 * `bypassDirSyncOverridesEnabled` is on (learn.microsoft.com/graph/api/resources/onpremisesdirectorysynchronizationfeature),
 * so it is mastered only then. `usageLocation` is left writable (unconfirmed: Connect syncs
 * msExchUsageLocation only where it is set).
 */
const AD_MASTERED: ReadonlySet<string> = new Set([
  'accountEnabled',
  'businessPhones',
  'city',
  'companyName',
  'country',
  'department',
  'displayName',
  'employeeId',
  'faxNumber',
  'givenName',
  'jobTitle',
  'mail',
  'mailNickname',
  'officeLocation',
  'onPremisesExtensionAttributes',
  'postalCode',
  'preferredLanguage',
  'proxyAddresses',
  'state',
  'streetAddress',
  'surname',
  'userPrincipalName',
  'onPremisesImmutableId',
  ...CLEARABLE_ON_PREMISES_ATTRIBUTES,
  'onPremisesLastSyncDateTime',
]);

/** Properties accepted and ignored by the lab (writable in Graph, not modelled). */
const IGNORED_WRITABLE: ReadonlySet<string> = new Set([
  'jobTitle',
  'mobilePhone',
  'officeLocation',
  'businessPhones',
  'faxNumber',
  'preferredLanguage',
  'usageLocation',
  'department',
  'companyName',
  'city',
  'country',
  'state',
  'streetAddress',
  'postalCode',
  'employeeId',
  'employeeType',
  'otherMails',
  'onPremisesExtensionAttributes',
]);

export const MASTERED_MESSAGE =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';

/** Graph's answer to a password outside the tenant's password policy (message as users report it; unconfirmed). */
export const PASSWORD_COMPLEXITY_MESSAGE = 'The specified password does not comply with password complexity requirements. Please provide a different password.';

/**
 * Microsoft Entra's password policy for cloud accounts (learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#password-policies-that-only-apply-to-cloud-user-accounts):
 * 8 to 256 characters; three of lowercase, uppercase, digits and symbols; no characters outside the
 * allowed set (letters, digits, the listed symbols and the blank space). `DisableStrongPassword` in the
 * user's passwordPolicies lifts the three-of-four rule, not the length (unconfirmed).
 */
export function passwordMeetsPolicy(password: string, disableStrongPassword: boolean): boolean {
  if (password.length < 8 || password.length > 256) return false;
  if (!/^[A-Za-z0-9@#$%^&*\-_!+=[\]{}|\\:',.?/`~"();<> ]+$/.test(password)) return false;
  if (disableStrongPassword) return true;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

const SUCCESS_EXCHANGE_PLAN = { capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' } as const;

/**
 * A user as Graph shows it (all properties the lab knows). `onPremisesProvisioningErrors` is looked
 * up only when `select` asks for it. `provisionedPlans` holds an Exchange Online plan provisioned
 * with `Success` when the user has a mailbox (learn.microsoft.com/graph/api/resources/provisionedplan).
 */
export function graphUserRecord(
  t: LabTenant,
  u: Readonly<LabUser> & { deletedDateTime?: string },
  select: readonly string[] | null = null,
): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    mailNickname: u.mailNickname,
    proxyAddresses: [...u.proxyAddresses],
    accountEnabled: u.accountEnabled,
    createdDateTime: u.createdDateTime,
    deletedDateTime: u.deletedDateTime ?? null,
    lastPasswordChangeDateTime: u.passwordLastResetAt ?? u.createdDateTime,
    passwordPolicies: u.passwordPolicies,
    // Graph never returns the password itself.
    passwordProfile: { password: null, forceChangePasswordNextSignIn: u.forceChangePasswordNextSignIn, forceChangePasswordNextSignInWithMfa: false },
    // Exchange Online's plan when the user has a mailbox (https://learn.microsoft.com/graph/api/resources/provisionedplan)
    provisionedPlans: u.exchangeMailbox ? [{ ...SUCCESS_EXCHANGE_PLAN }] : [],
    onPremisesSyncEnabled: u.onPremisesSyncEnabled,
    onPremisesImmutableId: u.onPremisesImmutableId,
    onPremisesDistinguishedName: u.onPremisesDistinguishedName,
    onPremisesDomainName: u.onPremisesDomainName,
    onPremisesSamAccountName: u.onPremisesSamAccountName,
    onPremisesSecurityIdentifier: u.onPremisesSecurityIdentifier,
    onPremisesUserPrincipalName: u.onPremisesUserPrincipalName,
    onPremisesLastSyncDateTime: u.onPremisesLastSyncDateTime,
    onPremisesObjectIdentifier: u.onPremisesObjectIdentifier,
  };
  if (select?.includes('onPremisesProvisioningErrors')) {
    rec.onPremisesProvisioningErrors = t.listProvisioningErrors(u.id).map((e) => ({
      category: e.category,
      occurredDateTime: e.occurredDateTime,
      propertyCausingError: e.propertyCausingError,
      value: e.value,
    }));
  }
  return rec;
}

/** Keep the selected properties (id always), or Graph's default set. */
export function project(rec: Record<string, unknown>, select: readonly string[] | null, defaults: readonly string[]): Record<string, unknown> {
  const keys = select ?? defaults;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = rec[k] ?? (k in rec ? rec[k] : null);
  if (!('id' in out)) out.id = rec.id;
  return out;
}

export function contextUrl(ctx: RouteContext, req: LabRequest, fragment: string): string {
  return `${ctx.origin}/${req.version}/$metadata#${fragment}`;
}

function selectSuffix(select: readonly string[] | null): string {
  return select ? `(${select.join(',')})` : '';
}

interface SkipState {
  o: number;
}
const isSkip = (v: unknown): v is SkipState => typeof v === 'object' && v !== null && typeof (v as SkipState).o === 'number';

/** Shared list logic for users and deleted users: filter, $count, paging. */
function listUsers(
  ctx: RouteContext,
  req: LabRequest,
  source: readonly (Readonly<LabUser> & { deletedDateTime?: string })[],
  basePath: string,
  contextFragment: string,
  extraDefaults: readonly string[] = [],
): LabResponse {
  const top = pageSize(req.query);
  const select = selectList(req.query, userProperties(req), 'microsoft.graph.user');
  const count = wantsCount(req.query);
  const eventual = isEventual(req.headers);
  if (count && !eventual) throw badRequest('$count is not currently supported.');
  const filterSrc = req.query.get('$filter');
  let items = source;
  if (filterSrc !== null && filterSrc.trim() !== '') {
    const f = parseFilter(filterSrc, USER_FILTERABLE, 'User');
    if (f.advanced && !(eventual && count)) {
      throw new GraphHttpError(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${f.advancedProp ?? ''}' of resource 'User'.`,
      );
    }
    items = source.filter((u) => f.test(u as unknown as Record<string, unknown>));
  }
  const token = req.query.get('$skiptoken');
  const offset = token === null ? 0 : decodeToken(token, isSkip).o;
  const page = items.slice(offset, offset + top);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `${contextFragment}${selectSuffix(select)}`) };
  if (count) body['@odata.count'] = items.length;
  if (offset + top < items.length) {
    body['@odata.nextLink'] = linkWith(`${ctx.origin}/${req.version}${basePath}`, req.query, '$skiptoken', encodeToken({ o: offset + top }));
  }
  const defaults = [...DEFAULT_USER_PROPERTIES, ...extraDefaults];
  body.value = page.map((u) => project(graphUserRecord(ctx.tenant, u, select), select, defaults));
  return json(200, body);
}

interface DeltaState {
  /** Changes after this sequence number are included (-1 = initial round: everything). */
  since: number;
  /** Sequence number at the start of the round (becomes the next deltaLink's `since`). */
  upTo: number;
  o: number;
  sel: string[] | null;
}
const isDelta = (v: unknown): v is DeltaState =>
  typeof v === 'object' && v !== null && typeof (v as DeltaState).since === 'number' && typeof (v as DeltaState).upTo === 'number';

/** Users delta page size: `Prefer: odata.maxpagesize=N` (as Graph documents), default 100. */
function deltaPageSize(req: LabRequest): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(req.headers['prefer'] ?? '');
  return m?.[1] ? Math.min(Math.max(Number(m[1]), 1), MAX_PAGE_SIZE) : 100;
}

function usersDelta(ctx: RouteContext, req: LabRequest): LabResponse {
  const t = ctx.tenant;
  const skip = req.query.get('$skiptoken');
  const delta = req.query.get('$deltatoken');
  let st: DeltaState;
  if (skip !== null) st = decodeToken(skip, isDelta);
  else if (delta !== null) {
    const d = decodeToken(delta, isDelta);
    st = { since: d.upTo, upTo: t.changeSequence(), o: 0, sel: d.sel };
  } else {
    st = { since: -1, upTo: t.changeSequence(), o: 0, sel: selectList(req.query, userProperties(req), 'microsoft.graph.user') };
  }
  const entries: (Readonly<LabUser> | string)[] = [];
  if (st.since < 0) {
    entries.push(...t.listUsers());
  } else {
    const { changed, removedIds } = t.usersChangedSince(st.since);
    entries.push(...changed, ...removedIds);
  }
  const size = deltaPageSize(req);
  const page = entries
    .slice(st.o, st.o + size)
    .map((e) =>
      typeof e === 'string'
        ? { '@odata.type': '#microsoft.graph.user', id: e, '@removed': { reason: 'changed' } }
        : project(graphUserRecord(t, e, st.sel), st.sel, DEFAULT_USER_PROPERTIES),
    );
  const base = `${ctx.origin}/${req.version}/users/delta`;
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `users${selectSuffix(st.sel)}`) };
  if (st.o + size < entries.length) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...st, o: st.o + size })}`;
  } else {
    body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ since: st.upTo, upTo: st.upTo, o: 0, sel: st.sel })}`;
  }
  body.value = page;
  return json(200, body);
}

function userRef(ctx: RouteContext, idOrUpn: string): Readonly<LabUser> {
  const u = ctx.tenant.findUser(idOrUpn);
  if (!u) throw notFound(idOrUpn);
  return u;
}

/** True when Entra Connect owns the user now. */
export function isSyncedUser(u: Readonly<LabUser>): boolean {
  return u.onPremisesSyncEnabled === true && !u.isCloudManaged;
}

function verifiedDomain(ctx: RouteContext, upn: string): boolean {
  const domain = upn.split('@')[1]?.toLowerCase();
  return domain !== undefined && ctx.tenant.getOrganization().verifiedDomains.some((d) => d.name.toLowerCase() === domain);
}

function checkImmutableIdValue(v: string): void {
  if (/[$_]/.test(v)) {
    // Graph refuses these characters (domain.md §2); the message is our choice (unconfirmed).
    throw badRequest("Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.");
  }
}

function readOnly(prop: string): GraphHttpError {
  return badRequest(`Property '${prop}' is read-only and cannot be set.`);
}

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

function invalidValue(prop: string): GraphHttpError {
  return badRequest(`Invalid value specified for property '${prop}' of resource 'User'.`);
}

/** The password of a `passwordProfile`, checked against the password policy; throws Graph's 400 otherwise. */
function checkedPasswordProfile(v: unknown, disableStrongPassword: boolean): { forceChangePasswordNextSignIn: boolean | undefined } {
  const p = v as { password?: unknown; forceChangePasswordNextSignIn?: unknown; forceChangePasswordNextSignInWithMfa?: unknown } | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p) || typeof p.password !== 'string' || p.password === '') throw invalidValue('passwordProfile');
  for (const flag of ['forceChangePasswordNextSignIn', 'forceChangePasswordNextSignInWithMfa'] as const) {
    if (p[flag] !== undefined && typeof p[flag] !== 'boolean') throw invalidValue('passwordProfile');
  }
  if (!passwordMeetsPolicy(p.password, disableStrongPassword)) throw badRequest(PASSWORD_COMPLEXITY_MESSAGE);
  return { forceChangePasswordNextSignIn: p.forceChangePasswordNextSignIn as boolean | undefined };
}

const disablesStrongPassword = (policies: unknown): boolean => typeof policies === 'string' && /(^|,)\s*DisableStrongPassword\s*($|,)/i.test(policies);

/** `S-1-5-21-...`: Microsoft asks for "the correct Security Identifier format" when one is set. */
const SID_FORMAT = /^S-1-\d+(-\d+)+$/;

/**
 * PATCH /users/{id} (user-update; learn.microsoft.com/graph/api/user-update). Order of checks:
 * caller's permission (403); unknown property (400); synced user + AD-mastered property → the
 * mastered message; read-only properties; immutable id rules (null clears on beta only; v1.0 null
 * and `""` are accepted and ignored; `$`/`_` refused); the other on-premises attributes (beta,
 * cloud-owned users, the seven Microsoft lists); password policy; UPN domain and uniqueness.
 */
function patchUser(ctx: RouteContext, req: LabRequest, u: Readonly<LabUser>): LabResponse {
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
        if (v !== null && typeof v !== 'string') throw invalidValue(k);
        patch[k] = v;
        break;
      case 'accountEnabled':
        if (typeof v !== 'boolean') throw invalidValue(k);
        patch.accountEnabled = v;
        break;
      case 'passwordPolicies':
        if (v !== null && typeof v !== 'string') throw invalidValue(k);
        patch.passwordPolicies = v;
        break;
      case 'userPrincipalName':
        if (typeof v !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(v)) throw invalidValue('userPrincipalName');
        if (!verifiedDomain(ctx, v)) {
          throw badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
        }
        patch.userPrincipalName = v;
        break;
      case 'onPremisesImmutableId':
        if (v === null) {
          // v1.0 accepts null and leaves the value (reported behaviour, unconfirmed); beta clears it.
          if (req.version === 'beta') patch.onPremisesImmutableId = null;
        } else if (typeof v !== 'string') {
          throw invalidValue('onPremisesImmutableId');
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
            if (k === 'onPremisesSecurityIdentifier' && !SID_FORMAT.test(v)) throw invalidValue(k);
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

function createUser(ctx: RouteContext, req: LabRequest): LabResponse {
  authorize(ctx.caller, 'users.create');
  const b = bodyObject(req.body);
  for (const k of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
    if (b[k] === undefined || b[k] === null) throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
  }
  const str = (k: string): string | null => {
    const v = b[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
    return v;
  };
  const upn = str('userPrincipalName') ?? '';
  if (!verifiedDomain(ctx, upn)) {
    throw badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
  }
  const immutableId = str('onPremisesImmutableId');
  if (immutableId !== null) checkImmutableIdValue(immutableId);
  const profile = checkedPasswordProfile(b.passwordProfile, disablesStrongPassword(b.passwordPolicies));
  if (typeof b.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
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
  const body = { '@odata.context': contextUrl(ctx, req, 'users/$entity'), ...project(graphUserRecord(ctx.tenant, u), null, DEFAULT_USER_PROPERTIES) };
  return json(201, body, { location: `${ctx.origin}/${req.version}/users/${u.id}` });
}

/** GET/PATCH …/onPremisesSyncBehavior for a user or a group. */
export function syncBehaviorRoute(
  ctx: RouteContext,
  req: LabRequest,
  kind: 'users' | 'groups',
  id: string,
  read: () => boolean,
  write: (v: boolean) => void,
): LabResponse {
  if (req.method === 'GET') {
    authorize(ctx.caller, kind === 'users' ? 'userSyncBehavior.read' : 'groupSyncBehavior.read');
    const entity = { '@odata.type': '#microsoft.graph.onPremisesSyncBehavior', id, isCloudManaged: read() };
    // beta: the shape of Microsoft's documented response, the entity wrapped in "value"
    // (learn.microsoft.com/graph/api/onpremisessyncbehavior-get?view=graph-rest-beta, example response);
    // v1.0: the entity itself, as the v1.0 OpenAPI description types this path.
    if (req.version === 'beta') return json(200, { '@odata.context': contextUrl(ctx, req, `${kind}('${id}')/onPremisesSyncBehavior/$entity`), value: entity });
    return json(200, { '@odata.context': contextUrl(ctx, req, `${kind}('${id}')/onPremisesSyncBehavior/$entity`), ...entity });
  }
  if (req.method === 'PATCH') {
    authorize(ctx.caller, kind === 'users' ? 'userSyncBehavior.update' : 'groupSyncBehavior.update');
    const b = bodyObject(req.body);
    for (const k of Object.keys(b)) {
      if (k !== 'isCloudManaged' && k !== '@odata.type') throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`, 'BadRequest');
    }
    if (typeof b.isCloudManaged !== 'boolean') throw badRequest("Invalid value specified for property 'isCloudManaged' of resource 'onPremisesSyncBehavior'.");
    write(b.isCloudManaged);
    return noContent();
  }
  throw methodNotAllowed();
}

export function methodNotAllowed(): GraphHttpError {
  return new GraphHttpError(405, 'Request_BadRequest', 'The specified HTTP method is not allowed for the request target.');
}

/** Routes under `/users`. `rest` = segments after `users`. */
export function usersRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [first, second, ...more] = rest;
  if (req.method === 'GET' && !(second?.toLowerCase() === 'onpremisessyncbehavior')) authorize(ctx.caller, 'users.read');
  if (first === undefined) {
    if (req.method === 'GET') return listUsers(ctx, req, t.listUsers(), '/users', 'users');
    if (req.method === 'POST') return createUser(ctx, req);
    throw methodNotAllowed();
  }
  if (first === '$count' && second === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    if (!isEventual(req.headers)) throw badRequest('$count is not currently supported.');
    const src = req.query.get('$filter');
    const f = src ? parseFilter(src, USER_FILTERABLE, 'User') : null;
    const n = f ? t.listUsers().filter((u) => f.test(u as unknown as Record<string, unknown>)).length : t.userCount();
    return { status: 200, headers: { 'content-type': 'text/plain;charset=utf-8' }, text: String(n) };
  }
  const lf = first.toLowerCase();
  if ((lf === 'delta' || lf === 'delta()' || lf === 'microsoft.graph.delta' || lf === 'microsoft.graph.delta()') && second === undefined) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return usersDelta(ctx, req);
  }
  const u = userRef(ctx, first);
  if (second === undefined) {
    if (req.method === 'GET') {
      const select = selectList(req.query, userProperties(req), 'microsoft.graph.user');
      return json(200, {
        '@odata.context': contextUrl(ctx, req, `users${selectSuffix(select)}/$entity`),
        ...project(graphUserRecord(t, u, select), select, DEFAULT_USER_PROPERTIES),
      });
    }
    if (req.method === 'PATCH') return patchUser(ctx, req, u);
    if (req.method === 'DELETE') {
      authorize(ctx.caller, 'users.delete');
      // Deleting a synced user in the cloud is refused like any other write (unconfirmed wording).
      if (isSyncedUser(u)) throw badRequest(MASTERED_MESSAGE);
      t.deleteUser(u.id);
      return noContent();
    }
    throw methodNotAllowed();
  }
  if (second.toLowerCase() === 'onpremisessyncbehavior' && more.length === 0) {
    return syncBehaviorRoute(ctx, req, 'users', u.id, () => u.isCloudManaged, (v) => t.setUserCloudManaged(u.id, v));
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
}

/**
 * A deleted user as Graph shows it: Entra prefixes a deleted user's UPN with its object id without
 * dashes (`33e89bc6…maria@contoso.com`), freeing the UPN; a restore brings the original back.
 */
function deletedView<T extends Readonly<LabUser>>(u: T): T {
  return { ...u, userPrincipalName: `${u.id.replace(/-/g, '')}${u.userPrincipalName}` };
}

/** `/directory/deletedItems/...`. The type cast is required for listing. */
export function deletedItemsRoute(ctx: RouteContext, req: LabRequest, rest: string[]): LabResponse {
  const t = ctx.tenant;
  const [first, second, ...more] = rest;
  if (req.method === 'GET') authorize(ctx.caller, 'deletedUsers.read');
  if (first === undefined) {
    // Graph needs the cast segment to list deleted items; message is ours (unconfirmed).
    throw badRequest('A type cast segment is required to list deleted items, e.g. /directory/deletedItems/microsoft.graph.user.');
  }
  const lf = first.toLowerCase();
  if (lf === 'microsoft.graph.user' || lf === 'graph.user') {
    if (second !== undefined) throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
    if (req.method !== 'GET') throw methodNotAllowed();
    return listUsers(ctx, req, t.listDeletedUsers().map(deletedView), `/directory/deletedItems/${first}`, 'directoryObjects/microsoft.graph.user', ['deletedDateTime']);
  }
  if (lf.startsWith('microsoft.graph.') || lf.startsWith('graph.')) {
    if (req.method !== 'GET') throw methodNotAllowed();
    return json(200, { '@odata.context': contextUrl(ctx, req, `directoryObjects/${first}`), value: [] });
  }
  const del = t.getDeletedUser(first);
  if (second === undefined) {
    if (!del) throw notFound(first);
    if (req.method === 'GET') {
      return json(200, {
        '@odata.context': contextUrl(ctx, req, 'directoryObjects/$entity'),
        '@odata.type': '#microsoft.graph.user',
        ...((sel) => project(graphUserRecord(t, deletedView(del), sel), sel, [...DEFAULT_USER_PROPERTIES, 'deletedDateTime']))(
          selectList(req.query, userProperties(req), 'microsoft.graph.user'),
        ),
      });
    }
    if (req.method === 'DELETE') {
      authorize(ctx.caller, 'deletedUsers.purge');
      t.purgeDeletedUser(del.id);
      return noContent();
    }
    throw methodNotAllowed();
  }
  if (second.toLowerCase() === 'restore' && more.length === 0) {
    if (req.method !== 'POST') throw methodNotAllowed();
    authorize(ctx.caller, 'deletedUsers.restore');
    const u = t.restoreUser(first);
    return json(200, {
      '@odata.context': contextUrl(ctx, req, 'directoryObjects/$entity'),
      '@odata.type': '#microsoft.graph.user',
      ...project(graphUserRecord(t, u), null, [...DEFAULT_USER_PROPERTIES, 'deletedDateTime']),
    });
  }
  throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${second}'.`);
}
