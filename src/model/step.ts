import type { ManifestFeatureName } from './desired.js';
import type { OnPremisesLeftovers } from './observed.js';

/** One AD attribute change. Multi-valued attributes carry the full value lists. */
export interface AttrChange {
  attribute: 'mail' | 'proxyAddresses' | 'givenName' | 'sn' | 'displayName' | 'userPrincipalName';
  from: string[];
  to: string[];
}

/** The attributes of an AD user to be created (soft-match preparation). */
export interface NewAdUser {
  /** RDN value, i.e. the CN. */
  cn: string;
  samAccountName: string;
  userPrincipalName: string;
  mail: string | null;
  proxyAddresses: string[];
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
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
      /** The attributes to set to null, with the values they had (for the reviewer). */
      attributes: Partial<Record<keyof OnPremisesLeftovers | 'onPremisesImmutableId' | 'onPremisesObjectIdentifier', string | null>>;
    }
  | { kind: 'entra.restoreDeleted'; deletedId: string; upn: string }
  /** Reset the password of a restored user; the new password is generated at apply time and never shown in the plan. */
  | { kind: 'entra.resetPassword'; userId: string; upn: string; forceChangeAtNextSignIn: boolean }
  | { kind: 'entra.setTenantSync'; tenantId: string; enabled: boolean }
  | { kind: 'entra.setSyncFeature'; feature: ManifestFeatureName; from: boolean; to: boolean }
  | { kind: 'entra.setDeletionThreshold'; from: number | null; to: number }
  | { kind: 'ad.move'; dn: string; toOu: string; upn: string | null }
  | { kind: 'ad.modify'; dn: string; upn: string | null; changes: AttrChange[] }
  /** Create an AD user with a generated password (a secret: written only to a 0600 file at apply time). */
  | { kind: 'ad.createUser'; ou: string; user: NewAdUser }
  | { kind: 'sync.await'; until: Expectation; timeoutS: number };

export type StepKind = Step['kind'];

/**
 * Step kinds whose Graph API accepts only a signed-in user (delegated permissions; Microsoft's
 * permission table lists application permissions as not supported). `/directory/onPremisesSynchronization`
 * is delegated-only (Global Administrator). Apply refuses these steps under an application sign-in,
 * before changing anything.
 */
export const DELEGATED_ONLY_STEP_KINDS = ['entra.setSyncFeature', 'entra.setDeletionThreshold'] as const satisfies readonly StepKind[];

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
