/**
 * Reading the tenant's sync state: `organization` (sync on or off, a disable in progress) and
 * `directory/onPremisesSynchronization` (sync features, accidental-deletion threshold), both asked
 * for together with the other fixed reads of a plan (graph-reader.ts).
 */
import { GraphError } from '../model/entra.js';
import type { TenantSyncState } from '../model/observed.js';
import { boolOrNull, str, type Json } from './graph-json.js';
import type { GraphReader } from './graph-reader.js';

/**
 * Whether a tenant-wide disable is pending. Graph documents no property for it (unconfirmed how the
 * service shows it); the lab's emulator reports it on the organization, which we accept in either of
 * the shapes below. Absent → not pending.
 */
function pendingDisableOf(org: Json): { requestedAt: string | null } | null {
  const p = org['onPremisesSyncDisablePending'] ?? org['pendingDisable'];
  if (p === true) return { requestedAt: str(org['onPremisesSyncDisableRequestedDateTime']) };
  if (p && typeof p === 'object') return { requestedAt: str((p as Json)['requestedAt']) ?? str((p as Json)['requestedDateTime']) };
  return null;
}

export class TenantReads {
  #syncSettingsNoted = false;

  constructor(
    private readonly reader: GraphReader,
    private readonly tenantId: string,
    private readonly progress: (message: string) => void,
  ) {}

  async getTenantSyncState(): Promise<TenantSyncState> {
    const [orgs, sync] = await Promise.all([this.reader.getAllTogether('/organization'), this.#readSyncSettings()]);
    const org = orgs.find((o) => String(o['id']).toLowerCase() === this.tenantId.toLowerCase()) ?? orgs[0];
    if (!org) throw new GraphError(404, 'Request_ResourceNotFound', 'GET /organization returned no organization');
    const pending = pendingDisableOf(org) ?? (org['onPremisesSyncEnabled'] === false ? await this.#syncedUsersRemain() : null);
    const base = {
      tenantId: String(org['id']),
      onPremisesSyncEnabled: boolOrNull(org['onPremisesSyncEnabled']),
      disablePending: pending !== null,
      disableRequestedAt: pending?.requestedAt ?? null,
      onPremisesLastSyncDateTime: str(org['onPremisesLastSyncDateTime']),
    };
    if (sync === null) return { ...base, features: null, accidentalDeletionPrevention: null };
    const features = (sync['features'] ?? {}) as Json;
    const prevention = (((sync['configuration'] ?? {}) as Json)['accidentalDeletionPrevention'] ?? {}) as Json;
    const type = prevention['synchronizationPreventionType'];
    return {
      ...base,
      features: {
        blockSoftMatchEnabled: features['blockSoftMatchEnabled'] === true,
        blockCloudObjectTakeoverThroughHardMatchEnabled: features['blockCloudObjectTakeoverThroughHardMatchEnabled'] === true,
        softMatchOnUpnEnabled: features['softMatchOnUpnEnabled'] === true,
        passwordSyncEnabled: typeof features['passwordSyncEnabled'] === 'boolean' ? features['passwordSyncEnabled'] : null,
      },
      accidentalDeletionPrevention: {
        synchronizationPreventionType: type === 'enabledForCount' || type === 'enabledForPercentage' ? type : 'disabled',
        alertThreshold: typeof prevention['alertThreshold'] === 'number' ? prevention['alertThreshold'] : null,
      },
    };
  }

  /**
   * `GET /directory/onPremisesSynchronization`, or null when the sign-in may not read it. Microsoft's
   * permission table supports delegated permissions only (a signed-in Global Administrator);
   * application permissions are "Not supported"
   * (https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get), so an app-only sign-in
   * gets 403: the sync features and the accidental-deletion threshold are then unknown (null), with a
   * note, instead of a failed read.
   */
  async #readSyncSettings(): Promise<Json | null> {
    try {
      const syncs = await this.reader.getAllTogether('/directory/onPremisesSynchronization');
      return syncs.find((x) => String(x['id']).toLowerCase() === this.tenantId.toLowerCase()) ?? syncs[0] ?? {};
    } catch (err) {
      if (!(err instanceof GraphError && err.status === 403)) throw err;
      if (!this.#syncSettingsNoted) {
        this.#syncSettingsNoted = true;
        this.progress(
          `note: the tenant's sync features and accidental-deletion threshold were not read (Graph ${err.status} ${err.code}): ` +
            `GET /directory/onPremisesSynchronization accepts only a signed-in Global Administrator (delegated): no application, and no other role ` +
            `(https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-get); ` +
            `they count as unknown. Sign in as a Global Administrator (--auth device-code or --auth interactive) to read or change them`,
        );
      }
      return null;
    }
  }

  /**
   * A tenant-wide disable in progress: organization.onPremisesSyncEnabled already reads false while
   * users are still synced (it completes within 72 h, when they turn false). Graph has no property
   * for "pending" (unconfirmed how the service shows it); this inference is what the lab emulates.
   * Asked only when the organization reads false (one request more for such a tenant).
   */
  async #syncedUsersRemain(): Promise<{ requestedAt: string | null } | null> {
    const filter = encodeURIComponent('onPremisesSyncEnabled eq true');
    const body = await this.reader.getTogether(`/users?$filter=${filter}&$select=id&$top=1&$count=true`, { ConsistencyLevel: 'eventual' });
    const value = Array.isArray(body['value']) ? body['value'] : [];
    return value.length > 0 ? { requestedAt: null } : null;
  }
}
