/** Reading Entra groups, with the beta sync behaviour of the groups that were synced before. */
import type { EntraGroup } from '../model/observed.js';
import { boolOrNull, fmt, str, type Json } from './graph-json.js';
import type { GraphReader } from './graph-reader.js';
import type { SyncBehaviorReads } from './sync-behavior-reads.js';

/** Group properties: EntraGroup's, plus two used only to decide whether the sync behaviour can matter. */
export const GROUP_SELECT = [
  'id',
  'displayName',
  'mailNickname',
  'onPremisesSyncEnabled',
  'securityEnabled',
  'mailEnabled',
  'onPremisesLastSyncDateTime',
  'onPremisesSecurityIdentifier',
] as const;

/** A Graph group record (GROUP_SELECT) → EntraGroup; `behavior` is its onPremisesSyncBehavior.isCloudManaged when read. */
function toEntraGroup(g: Json, behavior: boolean | null): EntraGroup {
  return {
    id: String(g['id']),
    displayName: str(g['displayName']) ?? '',
    mailNickname: str(g['mailNickname']),
    onPremisesSyncEnabled: boolOrNull(g['onPremisesSyncEnabled']),
    isCloudManaged: g['onPremisesSyncEnabled'] === true ? false : behavior,
    securityEnabled: g['securityEnabled'] === true,
    mailEnabled: g['mailEnabled'] === true,
  };
}

/** Like needsSyncBehavior for users: synced before, not synced now. */
function groupNeedsSyncBehavior(g: Json): boolean {
  if (g['onPremisesSyncEnabled'] === true) return false;
  return g['onPremisesSyncEnabled'] === false || g['onPremisesLastSyncDateTime'] != null || g['onPremisesSecurityIdentifier'] != null;
}

export class GroupReads {
  constructor(
    private readonly reader: GraphReader,
    private readonly beta: SyncBehaviorReads,
    private readonly progress: (message: string) => void,
  ) {}

  async listGroups(): Promise<EntraGroup[]> {
    const raw = await this.reader.getAllTogether(`/groups?$select=${GROUP_SELECT.join(',')}&$top=999`);
    const candidates = raw.filter(groupNeedsSyncBehavior).map((g) => String(g['id']));
    const behaviors = (await this.beta.read('groups', candidates, false)).behaviors;
    this.progress(`read ${fmt(raw.length)} Entra group(s)`);
    return raw.map((g) => toEntraGroup(g, behaviors.get(String(g['id'])) ?? null));
  }

  async getGroup(id: string): Promise<EntraGroup | null> {
    const g = await this.reader.getOne(`/groups/${encodeURIComponent(id)}?$select=${GROUP_SELECT.join(',')}`);
    if (g === null) return null;
    // The same beta read as listGroups (404: no behaviour recorded → null).
    const behavior = groupNeedsSyncBehavior(g) ? ((await this.beta.read('groups', [id], false)).behaviors.get(id) ?? null) : null;
    return toEntraGroup(g, behavior);
  }
}
