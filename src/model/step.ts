import type { ManifestFeatureName } from './desired.js';

/**
 * The on-premises attributes Microsoft documents as clearable on a cloud-only user (beta
 * `PATCH /users/{id}` with null), in its order. `onPremisesLastSyncDateTime` is not one of them:
 * entra-soa never sends it.
 * https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes
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

/** One attribute of `CLEARABLE_ON_PREMISES_ATTRIBUTES`. */
export type ClearableOnPremisesAttribute = (typeof CLEARABLE_ON_PREMISES_ATTRIBUTES)[number];

/** The same values in any order (multi-valued attributes are sets; the case of an `SMTP:` prefix counts). */
export function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/** One AD attribute change. Multi-valued attributes carry the full value lists. */
/** The AD attributes an `ad.modify` step may change, in document order. */
export const AD_CHANGE_ATTRIBUTES = ['mail', 'proxyAddresses', 'givenName', 'sn', 'displayName', 'userPrincipalName'] as const;

export interface AttrChange {
  attribute: (typeof AD_CHANGE_ATTRIBUTES)[number];
  from: string[];
  to: string[];
}

/** The attributes of an AD user to be created (soft-match preparation). */
export interface NewAdUser {
  /** RDN value, i.e. the CN (from the display name; made unique in its OU by the planner). */
  cn: string;
  samAccountName: string;
  userPrincipalName: string;
  mail: string | null;
  proxyAddresses: string[];
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  /** Require a password change at next logon (AD `pwdLastSet` 0). Absent = false; the planner always sets it. */
  mustChangePassword?: boolean;
}

/**
 * What a sync.await step waits for. Each is checked by reading Graph; none is a timer.
 */
export type Expectation =
  /** The Entra user is soft-deleted (after leaving sync scope). */
  | { kind: 'userSoftDeleted'; userId: string; upn: string }
  /** The Entra user is synced from AD with this immutable id (hard or soft match, or rollback). */
  | { kind: 'userSynced'; userId: string; upn: string; immutableId: string }
  /** A tenant-wide disable has completed: organization.onPremisesSyncEnabled is no longer true and nothing is pending. */
  | { kind: 'tenantSyncDisabled'; tenantId: string };

/**
 * A closed union of everything apply can do. The executor switches on `kind` exhaustively.
 * Every step names the object by id and by a human name (upn / dn / displayName) so that
 * messages and renderers never need to look anything up.
 */
export type Step =
  | { kind: 'entra.setCloudManaged'; userId: string; upn: string; to: boolean }
  | { kind: 'entra.setGroupCloudManaged'; groupId: string; displayName: string; to: boolean }
  | { kind: 'entra.setImmutableId'; userId: string; upn: string; from: string | null; to: string | null }
  | {
      kind: 'entra.clearOnPremisesAttributes';
      userId: string;
      upn: string;
      /** The attributes to set to null, with the values they had (for the reviewer; null when not known). */
      attributes: Partial<Record<ClearableOnPremisesAttribute, string | null>>;
    }
  | { kind: 'entra.restoreDeleted'; deletedId: string; upn: string }
  /** Reset the password of a restored user; the new password is generated at apply time and never shown in the plan. */
  | { kind: 'entra.resetPassword'; userId: string; upn: string; forceChangeAtNextSignIn: boolean }
  | { kind: 'entra.setTenantSync'; tenantId: string; enabled: boolean }
  | { kind: 'entra.setSyncFeature'; feature: ManifestFeatureName; from: boolean; to: boolean }
  | { kind: 'entra.setDeletionThreshold'; from: number | null; to: number }
  | { kind: 'ad.move'; dn: string; toOu: string; upn: string | null }
  | { kind: 'ad.modify'; dn: string; upn: string | null; changes: AttrChange[] }
  /**
   * Create an AD user with a generated password (a secret: written only to a 0600 file at apply time).
   * `dn` is the user's DN, derived once by the planner (`CN=<cn>,<ou>`); apply uses it verbatim.
   */
  | { kind: 'ad.createUser'; ou: string; dn: string; user: NewAdUser }
  | { kind: 'sync.await'; until: Expectation; timeoutS: number };

export type StepKind = Step['kind'];

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
