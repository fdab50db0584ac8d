import type { DeletedEntraUser, EntraGroup, EntraUser, TenantSyncState, SyncFeatureFlags } from './observed.js';

/**
 * Access to an Entra tenant through Microsoft Graph. Implemented by `src/graph/` with the official
 * `@microsoft/microsoft-graph-client` (pointed at graph.microsoft.com, a national cloud, or the lab's
 * emulator on 127.0.0.1). The observer and the executor use only this interface.
 *
 * Every method maps Graph failures to `GraphError` (below). Writes are paced by the implementation
 * (429/Retry-After, including inner 429s of $batch, and the documented write budget).
 */
export interface EntraAccess {
  /** All users with every property the planner uses (`$select`, `$top=999`, nextLink followed). `isCloudManaged` read only where it can matter; `roles` filled from role memberships. */
  listUsers(): Promise<EntraUser[]>;
  /** One user by id, or null when it does not exist (404). Same shape as listUsers. */
  getUser(id: string): Promise<EntraUser | null>;
  /** Soft-deleted users (`/directory/deletedItems/microsoft.graph.user`). */
  listDeletedUsers(): Promise<DeletedEntraUser[]>;
  /** All groups with their sync state. */
  listGroups(): Promise<EntraGroup[]>;
  /** One group by id, or null when it does not exist (404). Same shape as listGroups. */
  getGroup(id: string): Promise<EntraGroup | null>;
  /** organization + directory/onPremisesSynchronization. */
  getTenantSyncState(): Promise<TenantSyncState>;
  /**
   * What a sync wait needs of many users at once, in few requests (`$batch` of 20, or the paged user
   * lists for many ids): where each user is now and its sync fields. Users that are neither active nor
   * soft-deleted are absent from the result.
   */
  readSyncStates(ids: readonly string[]): Promise<Map<string, UserSyncState>>;

  /** beta `PATCH /users/{id}/onPremisesSyncBehavior {isCloudManaged}`. */
  setUserCloudManaged(userId: string, isCloudManaged: boolean): Promise<void>;
  /** beta `PATCH /groups/{id}/onPremisesSyncBehavior {isCloudManaged}`. */
  setGroupCloudManaged(groupId: string, isCloudManaged: boolean): Promise<void>;
  /** `PATCH /users/{id} {onPremisesImmutableId}`; null clears (beta, cloud-managed users only). */
  setImmutableId(userId: string, immutableId: string | null): Promise<void>;
  /** beta `PATCH /users/{id}` setting the named onPremises* attributes to null. */
  clearOnPremisesAttributes(userId: string, attributes: readonly string[]): Promise<void>;
  /** `POST /directory/deletedItems/{id}/restore`. */
  restoreDeletedUser(deletedId: string): Promise<void>;
  /** `PATCH /users/{id} {passwordProfile}`. The password is a secret: never logged. */
  resetPassword(userId: string, password: string, forceChangeAtNextSignIn: boolean): Promise<void>;
  /** `PATCH /organization/{tenantId} {onPremisesSyncEnabled}` (beta). */
  setTenantSyncEnabled(tenantId: string, enabled: boolean): Promise<void>;
  /** `PATCH /directory/onPremisesSynchronization/{tenantId}` features. */
  setSyncFeatures(tenantId: string, features: Partial<SyncFeatureFlags>): Promise<void>;
  /** `PATCH /directory/onPremisesSynchronization/{tenantId}` accidentalDeletionPrevention (enabledForCount). */
  setDeletionThreshold(tenantId: string, threshold: number): Promise<void>;
}

/** A user as a sync wait sees it: active or soft-deleted, with its sync fields. */
export interface UserSyncState {
  id: string;
  where: 'active' | 'deleted';
  userPrincipalName: string;
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
}

/** A Graph failure, mapped from Graph's error body. Branch on `status` and `code`, never on `message`. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GraphError';
  }
}

/**
 * A Graph failure that says nothing about the request or the service's state: no answer (but not a
 * failed sign-in: code `SignInFailed`), 500, 502, 503, 504. Reads are retried after one; a write is read
 * back before it is retried (apply).
 */
export function isTransientGraphError(e: unknown): boolean {
  return e instanceof GraphError && e.code !== 'SignInFailed' && [0, 500, 502, 503, 504].includes(e.status);
}
