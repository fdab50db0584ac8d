/**
 * Who holds which directory role: active assignments from activated directory roles
 * (`directoryRoles?$expand=members`) and PIM eligibilities (`roleEligibilityScheduleInstances`), both
 * asked for together (graph-reader.ts), each flagged privileged or not from the one privileged-role
 * table (roles.ts).
 */
import { GraphError } from '../model/entra.js';
import type { RoleAssignment } from '../model/observed.js';
import { str, type Json } from './graph-json.js';
import type { GraphReader } from './graph-reader.js';
import { PRIVILEGED_ROLE_TEMPLATES, isPrivilegedRoleTemplate } from './roles.js';

/** How long role memberships read once are reused by `getUser` (apply's per-step re-reads). */
export const ROLES_TTL_MS = 60_000;

/** Graph expands at most 20 directory objects; a role with that many may have more. */
const EXPAND_LIMIT = 20;

/**
 * Eligible role assignments by user, from `roleEligibilityScheduleInstances` items (any scope: an
 * eligibility scoped to an administrative unit still counts; built-in role definition ids equal their
 * template ids). Names come from the activated roles, else the privileged-role table, else the id.
 */
export function eligibleRolesFrom(items: readonly Record<string, unknown>[], namesByTemplate: ReadonlyMap<string, string | null>): Map<string, RoleAssignment[]> {
  const out = new Map<string, RoleAssignment[]>();
  for (const it of items) {
    const principal = str(it['principalId']);
    const def = str(it['roleDefinitionId'])?.toLowerCase();
    if (!principal || !def) continue;
    const role = namesByTemplate.get(def) ?? PRIVILEGED_ROLE_TEMPLATES[def] ?? def;
    const list = out.get(principal) ?? [];
    if (!list.some((r) => r.role === role)) list.push({ role, state: 'eligible', privileged: isPrivilegedRoleTemplate(def) });
    out.set(principal, list);
  }
  return out;
}

export class RoleReads {
  /** Role holders as last read; `cachedOrRead` reuses them for ROLES_TTL_MS. */
  #last: { at: number; byUser: Map<string, RoleAssignment[]> } | null = null;
  #eligibleNoted = false;

  constructor(
    private readonly reader: GraphReader,
    private readonly now: () => number,
    private readonly progress: (message: string) => void,
  ) {}

  /** The role holders read less than ROLES_TTL_MS ago, else a new read. */
  cachedOrRead(): Promise<Map<string, RoleAssignment[]>> {
    const last = this.#last;
    return last && this.now() - last.at < ROLES_TTL_MS ? Promise.resolve(last.byUser) : this.read();
  }

  /** userId → roles held (active and eligible), sorted by role then state. */
  async read(): Promise<Map<string, RoleAssignment[]>> {
    const eligibleP = this.#readEligible();
    eligibleP.catch(() => undefined); // awaited below
    const roles = await this.reader.getAllTogether('/directoryRoles?$expand=members($select=id)');
    const members = await Promise.all(
      roles.map((role) => {
        const expanded = Array.isArray(role['members']) ? (role['members'] as Json[]) : [];
        // Read the full list when the expansion may be cut; those reads go out together too.
        return expanded.length >= EXPAND_LIMIT || typeof role['members@odata.nextLink'] === 'string'
          ? this.reader.getAllTogether(`/directoryRoles/${String(role['id'])}/members?$select=id&$top=999`)
          : Promise.resolve(expanded);
      }),
    );
    const byUser = new Map<string, RoleAssignment[]>();
    roles.forEach((role, i) => {
      const assignment: RoleAssignment = {
        role: str(role['displayName']) ?? String(role['roleTemplateId'] ?? role['id']),
        state: 'active',
        privileged: isPrivilegedRoleTemplate(str(role['roleTemplateId'])),
      };
      for (const m of members[i] ?? []) {
        const id = String(m['id']);
        const list = byUser.get(id) ?? [];
        list.push({ ...assignment });
        byUser.set(id, list);
      }
    });
    const namesByTemplate = new Map(roles.map((r) => [(str(r['roleTemplateId']) ?? '').toLowerCase(), str(r['displayName'])]));
    for (const [userId, list] of eligibleRolesFrom(await eligibleP, namesByTemplate)) {
      const held = byUser.get(userId) ?? [];
      for (const e of list) if (!held.some((h) => h.role === e.role && h.state === e.state)) held.push(e);
      byUser.set(userId, held);
    }
    for (const list of byUser.values()) list.sort((a, b) => a.role.localeCompare(b.role) || a.state.localeCompare(b.state));
    this.#last = { at: this.now(), byUser };
    return byUser;
  }

  /**
   * PIM eligibilities (`roleEligibilityScheduleInstances`): hard match is refused for users *eligible*
   * for a privileged role too. Needs Entra ID P2 and RoleManagement.Read.Directory; when the tenant or
   * the app cannot read them (400/403/404), roles hold active assignments only and a note says so.
   */
  async #readEligible(): Promise<Json[]> {
    try {
      return await this.reader.getAllTogether('/roleManagement/directory/roleEligibilityScheduleInstances?$select=principalId,roleDefinitionId');
    } catch (err) {
      if (!(err instanceof GraphError && (err.status === 400 || err.status === 403 || err.status === 404))) throw err;
      if (!this.#eligibleNoted) {
        this.#eligibleNoted = true;
        this.progress(`note: PIM role eligibilities not read (Graph ${err.status} ${err.code}); roles show active assignments only`);
      }
      return [];
    }
  }
}
