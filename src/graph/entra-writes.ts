/**
 * Writes to Entra: the PATCH/POST bodies docs/graph-access.md lists, one request each, paced by a `WritePacer`
 * (Graph's documented write budget) on top of the SDK's RetryHandler (outer 429/503/504 with
 * Retry-After). A write is never retried here after another failure: it may have been applied.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { SyncFeatureFlags } from '../model/observed.js';
import { CLEARABLE_ON_PREMISES_ATTRIBUTES } from '../model/step.js';
import { retryAfterSecondsOf, toGraphError } from './errors.js';
import type { WritePacer } from './pacer.js';

export class EntraWrites {
  constructor(
    private readonly client: Client,
    private readonly pacer: WritePacer,
  ) {}

  async #write<T>(fn: () => Promise<T>): Promise<T> {
    await this.pacer.acquire(1);
    try {
      return await fn();
    } catch (err) {
      const e = toGraphError(err);
      // The SDK's retries ran out: hold every writer (Retry-After, else 30 s) before the next attempt.
      if (e.status === 429) this.pacer.penalise(retryAfterSecondsOf(e) ?? 30);
      throw e;
    }
  }

  async setUserCloudManaged(userId: string, isCloudManaged: boolean): Promise<void> {
    await this.#write(() => this.client.api(`/users/${encodeURIComponent(userId)}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged }));
  }

  async setGroupCloudManaged(groupId: string, isCloudManaged: boolean): Promise<void> {
    await this.#write(() => this.client.api(`/groups/${encodeURIComponent(groupId)}/onPremisesSyncBehavior`).version('beta').patch({ isCloudManaged }));
  }

  async setImmutableId(userId: string, immutableId: string | null): Promise<void> {
    // Clearing with null is documented on beta only (SDKs that send "" do not clear it).
    const version = immutableId === null ? 'beta' : 'v1.0';
    await this.#write(() => this.client.api(`/users/${encodeURIComponent(userId)}`).version(version).patch({ onPremisesImmutableId: immutableId }));
  }

  /**
   * Sets the named onPremises* attributes to null: only those Microsoft documents as clearable
   * (CLEARABLE_ON_PREMISES_ATTRIBUTES; not onPremisesLastSyncDateTime).
   * https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes
   */
  async clearOnPremisesAttributes(userId: string, attributes: readonly string[]): Promise<void> {
    const clearable: readonly string[] = CLEARABLE_ON_PREMISES_ATTRIBUTES;
    const unknown = attributes.filter((a) => !clearable.includes(a));
    if (unknown.length > 0) throw new Error(`clearOnPremisesAttributes: not an on-premises attribute: ${unknown.join(', ')}`);
    if (attributes.length === 0) return;
    const body = Object.fromEntries(attributes.map((a) => [a, null]));
    await this.#write(() => this.client.api(`/users/${encodeURIComponent(userId)}`).version('beta').patch(body));
  }

  async restoreDeletedUser(deletedId: string): Promise<void> {
    await this.#write(() => this.client.api(`/directory/deletedItems/${encodeURIComponent(deletedId)}/restore`).version('v1.0').post({}));
  }

  async resetPassword(userId: string, password: string, forceChangeAtNextSignIn: boolean): Promise<void> {
    await this.#write(() =>
      this.client
        .api(`/users/${encodeURIComponent(userId)}`)
        .version('v1.0')
        .patch({ passwordProfile: { password, forceChangePasswordNextSignIn: forceChangeAtNextSignIn } }),
    );
  }

  async setTenantSyncEnabled(tenantId: string, enabled: boolean): Promise<void> {
    // v1.0 answered "Property 'onPremisesSyncEnabled' is read-only"; beta documents the update.
    await this.#write(() => this.client.api(`/organization/${encodeURIComponent(tenantId)}`).version('beta').patch({ onPremisesSyncEnabled: enabled }));
  }

  async setSyncFeatures(tenantId: string, features: Partial<SyncFeatureFlags>): Promise<void> {
    await this.#write(() =>
      this.client.api(`/directory/onPremisesSynchronization/${encodeURIComponent(tenantId)}`).version('v1.0').patch({ features }),
    );
  }

  async setDeletionThreshold(tenantId: string, threshold: number): Promise<void> {
    if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`deletion threshold must be an integer >= 1, got ${threshold}`);
    await this.#write(() =>
      this.client
        .api(`/directory/onPremisesSynchronization/${encodeURIComponent(tenantId)}`)
        .version('v1.0')
        .patch({ configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: threshold } } }),
    );
  }
}
