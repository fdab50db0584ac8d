/**
 * `EntraAccess` over Microsoft Graph with the official SDK client (see client.ts): the reads and
 * writes of the files next to it, behind one object.
 *
 * Reading is cheap by design: one `$select`ed list of users at 999 per page (user-reads.ts); the
 * fixed reads of a plan (organization, sync settings, deleted users, groups, role holders, PIM
 * eligibilities) in one `$batch` (graph-reader.ts); the beta `onPremisesSyncBehavior` only for users
 * and groups that were synced before, in `$batch`es of 20 (sync-behavior-reads.ts). Writes are the
 * bodies docs/graph-access.md lists, paced (entra-writes.ts).
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { EntraAccess, UserSyncState } from '../model/entra.js';
import type { DeletedEntraUser, EntraGroup, EntraUser, SyncFeatureFlags, TenantSyncState } from '../model/observed.js';
import { newBatchStats, type BatchStats } from './batch.js';
import { EntraWrites } from './entra-writes.js';
import { GraphReader } from './graph-reader.js';
import { GroupReads } from './group-reads.js';
import { WritePacer } from './pacer.js';
import { RoleReads } from './role-reads.js';
import { SyncBehaviorReads, type BetaReadStats } from './sync-behavior-reads.js';
import { TenantReads } from './tenant-reads.js';
import { UserReads, type UserReadStats } from './user-reads.js';

export interface GraphEntraAccessOptions {
  client: Client;
  tenantId: string;
  /** Write pacing (default: Graph's 3,000 writes / 150 s, with the same clock). */
  pacer?: WritePacer;
  /** Waits (ms) for read retries and inner $batch retries when no pacer applies (reads). Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds clock (for the default pacer and the role cache). */
  now?: () => number;
  /** Progress lines for people ("read 12,345 Entra users (13 pages)"). */
  onProgress?: (message: string) => void;
  /** $batch requests in flight at once when reading sync behaviours (default 4). */
  readConcurrency?: number;
}

/** What the reads cost (for progress output and benchmarks). */
export interface ReadStats extends UserReadStats, BetaReadStats {
  /** The `$batch`es of sync-behaviour reads (beta) and of a sync wait's state reads. */
  batch: BatchStats;
  /** The `$batch`es of the fixed reads that went out together (organization, sync settings, deleted users, groups, roles). */
  together: BatchStats;
}

export class GraphEntraAccess implements EntraAccess {
  readonly client: Client;
  readonly tenantId: string;
  readonly pacer: WritePacer;
  readonly stats: ReadStats = { userPages: 0, users: 0, syncBehaviorReads: 0, objectIdentifierReads: 0, objectIdentifierPages: 0, batch: newBatchStats(), together: newBatchStats() };
  readonly #users: UserReads;
  readonly #groups: GroupReads;
  readonly #tenant: TenantReads;
  readonly #writes: EntraWrites;

  constructor(opts: GraphEntraAccessOptions) {
    this.client = opts.client;
    this.tenantId = opts.tenantId;
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = opts.now ?? (() => Date.now());
    const progress = opts.onProgress ?? (() => undefined);
    this.pacer = opts.pacer ?? new WritePacer({}, { sleep, ...(opts.now ? { now: opts.now } : {}) });
    const reader = new GraphReader(this.client, sleep, opts.readConcurrency ?? 4, this.stats.batch, this.stats.together);
    const beta = new SyncBehaviorReads(reader, this.stats, progress);
    this.#users = new UserReads(reader, new RoleReads(reader, now, progress), beta, this.stats, progress);
    this.#groups = new GroupReads(reader, beta, progress);
    this.#tenant = new TenantReads(reader, this.tenantId, progress);
    this.#writes = new EntraWrites(this.client, this.pacer);
  }

  listUsers(): Promise<EntraUser[]> {
    return this.#users.listUsers();
  }
  getUser(id: string): Promise<EntraUser | null> {
    return this.#users.getUser(id);
  }
  listDeletedUsers(): Promise<DeletedEntraUser[]> {
    return this.#users.listDeletedUsers();
  }
  readSyncStates(ids: readonly string[]): Promise<Map<string, UserSyncState>> {
    return this.#users.readSyncStates(ids);
  }
  listGroups(): Promise<EntraGroup[]> {
    return this.#groups.listGroups();
  }
  getGroup(id: string): Promise<EntraGroup | null> {
    return this.#groups.getGroup(id);
  }
  getTenantSyncState(): Promise<TenantSyncState> {
    return this.#tenant.getTenantSyncState();
  }

  setUserCloudManaged(userId: string, isCloudManaged: boolean): Promise<void> {
    return this.#writes.setUserCloudManaged(userId, isCloudManaged);
  }
  setGroupCloudManaged(groupId: string, isCloudManaged: boolean): Promise<void> {
    return this.#writes.setGroupCloudManaged(groupId, isCloudManaged);
  }
  setImmutableId(userId: string, immutableId: string | null): Promise<void> {
    return this.#writes.setImmutableId(userId, immutableId);
  }
  clearOnPremisesAttributes(userId: string, attributes: readonly string[]): Promise<void> {
    return this.#writes.clearOnPremisesAttributes(userId, attributes);
  }
  restoreDeletedUser(deletedId: string): Promise<void> {
    return this.#writes.restoreDeletedUser(deletedId);
  }
  resetPassword(userId: string, password: string, forceChangeAtNextSignIn: boolean): Promise<void> {
    return this.#writes.resetPassword(userId, password, forceChangeAtNextSignIn);
  }
  setTenantSyncEnabled(tenantId: string, enabled: boolean): Promise<void> {
    return this.#writes.setTenantSyncEnabled(tenantId, enabled);
  }
  setSyncFeatures(tenantId: string, features: Partial<SyncFeatureFlags>): Promise<void> {
    return this.#writes.setSyncFeatures(tenantId, features);
  }
  setDeletionThreshold(tenantId: string, threshold: number): Promise<void> {
    return this.#writes.setDeletionThreshold(tenantId, threshold);
  }
}
