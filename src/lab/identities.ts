/**
 * Who calls the lab's Graph emulator. Every lab token is an identity, as in Microsoft Entra ID:
 *
 * - an **application** (app-only, client credentials): Graph *application permissions* (the token's
 *   `roles` claim) and, optionally, Microsoft Entra roles assigned to its service principal (`wids`);
 * - a **signed-in user** (delegated): the *delegated permissions* (scopes) the app was consented for
 *   (`scp`), and the user's *active* Microsoft Entra roles (`wids`). Roles the user is only
 *   PIM-eligible for grant nothing until activated, so they are not in `wids`
 *   (learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-activate-role).
 *
 * Tokens are shaped like Entra's v2 access tokens (learn.microsoft.com/entra/identity-platform/access-token-claims-reference):
 * base64url `header.payload.signature` with the claims `tid`, `oid`, `idtyp` (`app` | `user`), `roles`,
 * `scp` (space-separated), `wids`, `appid`. The lab signs them with HMAC-SHA256 and a key made when the
 * emulator starts (Entra signs with RS256): a client may decode the payload, and only the emulator that
 * issued a token accepts it. The emulator authorises from the claims (src/lab/graph/authorization.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Built-in Microsoft Entra role template ids the lab's permission rules use (the same in every tenant). */
export const ENTRA_ROLE_TEMPLATE_IDS = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Hybrid Identity Administrator': '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Password Administrator': '966707d0-3269-4727-9be2-8c3a10f19b9d',
  'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'Security Operator': '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f',
  'Groups Administrator': 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
} as const;
export type EntraRoleName = keyof typeof ENTRA_ROLE_TEMPLATE_IDS;

/** An application signing in with its own credentials (app-only). */
export interface LabApplicationIdentity {
  kind: 'application';
  /** The name the lab knows it by (`application`). */
  name: string;
  /** Who it is, for people (`lab up` prints it). */
  description: string;
  /** Application (client) id: the token's `appid`; also the throttling key. */
  appId: string;
  /** Object id of its service principal: the token's `oid`. */
  objectId: string;
  /** Graph application permissions (the token's `roles`). */
  applicationPermissions: string[];
  /** Microsoft Entra roles assigned to the service principal (the token's `wids`). */
  roles: EntraRoleName[];
}

/** A person signed in to an app (delegated). */
export interface LabUserIdentity {
  kind: 'user';
  name: string;
  description: string;
  /** The client app the user signed in to: the token's `appid`; also the throttling key. */
  appId: string;
  /** The user's object id: the token's `oid`. */
  objectId: string;
  /** Local part of the user's UPN; the domain is the tenant's default verified domain. */
  userName: string;
  /** Delegated permissions consented for the app (the token's `scp`). */
  scopes: string[];
  /** Active Microsoft Entra roles (the token's `wids`). */
  roles: EntraRoleName[];
  /** Roles the user is only PIM-eligible for: they grant nothing and are not in the token. */
  eligibleRoles: EntraRoleName[];
}

export type LabIdentity = LabApplicationIdentity | LabUserIdentity;

/** The claims of a lab access token (the subset of Entra's v2 claims the lab issues and reads). */
export interface LabTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  idtyp: 'app' | 'user';
  appid: string;
  /** Application permissions (app tokens). */
  roles?: string[];
  /** Delegated scopes, space-separated (user tokens). */
  scp?: string;
  /** Active directory role template ids. */
  wids: string[];
  /** The signed-in user's UPN (user tokens). */
  upn?: string;
  name?: string;
  /** The lab identity's name (lab extension, for messages). */
  lab_identity: string;
}

/**
 * The application permissions entra-soa documents for an app-only pipeline, as the lab grants them
 * to its `application` identity: the least privileged permission of each Graph call entra-soa makes
 * that application permissions can make (Microsoft's permission table of each API; see
 * src/lab/graph/authorization.ts). The sync settings (`/directory/onPremisesSynchronization`) are not
 * among them: Microsoft supports no application permission for that API.
 */
const PIPELINE_APPLICATION_PERMISSIONS = [
  'User.Read.All',
  'User.ReadWrite.All',
  'User-PasswordProfile.ReadWrite.All',
  'User-OnPremisesSyncBehavior.ReadWrite.All',
  'Group-OnPremisesSyncBehavior.ReadWrite.All',
  'GroupMember.Read.All',
  'RoleManagement.Read.Directory',
  'Organization.Read.All',
  'Organization.ReadWrite.All',
] as const;

/** Delegated scopes a signed-in admin consents to for entra-soa (every call it makes, sync settings included). */
const ADMIN_DELEGATED_SCOPES = [
  'User.Read',
  ...PIPELINE_APPLICATION_PERMISSIONS,
  'RoleEligibilitySchedule.Read.Directory',
  'OnPremDirectorySynchronization.Read.All',
  'OnPremDirectorySynchronization.ReadWrite.All',
] as const;

/** Client id of the public client app admins sign in to (a lab value). */
const ADMIN_CLIENT_APP_ID = '5e0a1c2b-0000-4000-8000-00000000c11e';

/**
 * The lab's identities. `application` and `global-admin` are the contract (docs/contracts.md);
 * `hybrid-admin` is a Hybrid Identity Administrator who is only *eligible* for Global Administrator
 * (so cannot read the sync settings), `global-reader` reads everything and writes nothing.
 */
export function defaultLabIdentities(): LabIdentity[] {
  return [
    {
      kind: 'application',
      name: 'application',
      description: 'application (app-only) with the application permissions entra-soa documents, and the User Administrator role for password resets',
      appId: '5e0a1c2b-0000-4000-8000-0000000a9901',
      objectId: '5e0a1c2b-0000-4000-8000-0000000059a1',
      applicationPermissions: [...PIPELINE_APPLICATION_PERMISSIONS],
      roles: ['User Administrator'],
    },
    {
      kind: 'user',
      name: 'global-admin',
      description: 'signed-in Global Administrator (delegated)',
      appId: ADMIN_CLIENT_APP_ID,
      objectId: '5e0a1c2b-0000-4000-8000-00000000ad01',
      userName: 'lab-global-admin',
      scopes: [...ADMIN_DELEGATED_SCOPES],
      roles: ['Global Administrator'],
      eligibleRoles: [],
    },
    {
      kind: 'user',
      name: 'hybrid-admin',
      description: 'signed-in Hybrid Identity Administrator, eligible (not active) for Global Administrator (delegated)',
      appId: ADMIN_CLIENT_APP_ID,
      objectId: '5e0a1c2b-0000-4000-8000-00000000ad02',
      userName: 'lab-hybrid-admin',
      scopes: [...ADMIN_DELEGATED_SCOPES],
      roles: ['Hybrid Identity Administrator'],
      eligibleRoles: ['Global Administrator'],
    },
    {
      kind: 'user',
      name: 'global-reader',
      description: 'signed-in Global Reader (delegated)',
      appId: ADMIN_CLIENT_APP_ID,
      objectId: '5e0a1c2b-0000-4000-8000-00000000ad03',
      userName: 'lab-global-reader',
      scopes: [...ADMIN_DELEGATED_SCOPES],
      roles: ['Global Reader'],
      eligibleRoles: [],
    },
  ];
}

/** The identity every lab hands out first (`Lab.token`, `POST /_lab/token` without a body). */
export const DEFAULT_LAB_IDENTITY = 'global-admin';

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

/** Issues and verifies lab tokens for one tenant (one signing key per emulator). */
export class LabTokenIssuer {
  readonly #key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  /** A token for `identity` in tenant `tenantId`; `domain` makes a user's UPN. Times are real time (seconds). */
  issue(identity: LabIdentity, tenantId: string, domain: string, nowSeconds: number = Math.floor(Date.now() / 1000)): string {
    const claims: LabTokenClaims = {
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + 24 * 3600,
      tid: tenantId,
      oid: identity.objectId,
      idtyp: identity.kind === 'application' ? 'app' : 'user',
      appid: identity.appId,
      wids: identity.roles.map((r) => ENTRA_ROLE_TEMPLATE_IDS[r]),
      lab_identity: identity.name,
      ...(identity.kind === 'application'
        ? { roles: [...identity.applicationPermissions] }
        : { scp: identity.scopes.join(' '), upn: `${identity.userName}@${domain}`, name: identity.description }),
    };
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
    const body = b64url(JSON.stringify(claims));
    return `${head}.${body}.${this.#sign(`${head}.${body}`)}`;
  }

  /** The claims of a token this issuer signed, or null (malformed, or signed by another key). */
  verify(token: string): LabTokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [head, body, sig] = parts as [string, string, string];
    const want = Buffer.from(this.#sign(`${head}.${body}`));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LabTokenClaims;
    } catch {
      return null;
    }
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url');
  }
}

/** Decode a token's payload without verifying it (what a client may do to learn who it runs as). */
export function decodeLabToken(token: string): LabTokenClaims | null {
  const body = token.split('.')[1];
  if (body === undefined) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LabTokenClaims;
  } catch {
    return null;
  }
}
