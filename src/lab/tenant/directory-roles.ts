/**
 * The tenant's activated directory roles: active members, PIM-eligible members, and which users
 * hold (or may activate) a role Microsoft labels privileged.
 */
import type { LabDirectoryRole, LabRoleEligibility } from './records.js';
import { ROLE_TEMPLATES, isPrivilegedRoleTemplate } from './role-templates.js';
import { LabTenantError } from './tenant-error.js';

const lower = (s: string): string => s.toLowerCase();

/** The roles of one tenant. User ids are lower-case; a role is named by template id or display name. */
export class DirectoryRoles {
  private roles: LabDirectoryRole[];

  /** Takes `roles` (not copied). Stored data from before the lab had PIM carries no eligibleMemberIds. */
  constructor(
    roles: readonly LabDirectoryRole[],
    private readonly newId: () => string,
  ) {
    this.roles = roles.map((r) => ({ ...r, eligibleMemberIds: (r as Partial<LabDirectoryRole>).eligibleMemberIds ?? [] }));
  }

  list(): readonly Readonly<LabDirectoryRole>[] {
    return this.roles;
  }

  /** Roles the user is an active member of. */
  activeOf(userId: string): Readonly<LabDirectoryRole>[] {
    const id = lower(userId);
    return this.roles.filter((r) => r.memberIds.includes(id));
  }

  /** Roles the user is eligible for through PIM (not active until activated). */
  eligibleOf(userId: string): Readonly<LabDirectoryRole>[] {
    const id = lower(userId);
    return this.roles.filter((r) => r.eligibleMemberIds.includes(id));
  }

  /** True when the user holds, or is PIM-eligible for, a role Microsoft labels privileged. */
  isPrivileged(userId: string): boolean {
    return [...this.activeOf(userId), ...this.eligibleOf(userId)].some((r) => isPrivilegedRoleTemplate(r.roleTemplateId));
  }

  /**
   * PIM eligibilities as `roleEligibilityScheduleInstances`, ordered by role then user. Lab
   * simplifications: directory-wide scope, direct membership, no end date, and the start time is
   * `since` (the organization's creation time: the lab does not record when an eligibility was granted).
   */
  eligibilities(since: string): LabRoleEligibility[] {
    const out: LabRoleEligibility[] = [];
    for (const r of this.roles) {
      for (const principalId of r.eligibleMemberIds) {
        out.push({
          // Graph's instance ids are opaque; the lab's are stable: role template + principal.
          id: `${r.roleTemplateId}_${principalId}`,
          principalId,
          roleDefinitionId: r.roleTemplateId,
          directoryScopeId: '/',
          memberType: 'Direct',
          startDateTime: since,
          endDateTime: null,
        });
      }
    }
    return out;
  }

  /** Add an active (`member`) or PIM-eligible (`eligible`) member; activates a known template if needed. */
  add(role: string, userId: string, as: 'member' | 'eligible'): void {
    const r = this.findOrActivate(role);
    const ids = as === 'member' ? r.memberIds : r.eligibleMemberIds;
    if (!ids.includes(userId)) ids.push(userId);
  }

  remove(role: string, userId: string, as: 'member' | 'eligible'): void {
    const r = this.find(role);
    if (!r) return;
    if (as === 'member') r.memberIds = r.memberIds.filter((m) => m !== lower(userId));
    else r.eligibleMemberIds = r.eligibleMemberIds.filter((m) => m !== lower(userId));
  }

  /** Drop a user from every role (the user was deleted). */
  dropUser(userId: string): void {
    for (const r of this.roles) {
      r.memberIds = r.memberIds.filter((m) => m !== userId);
      r.eligibleMemberIds = r.eligibleMemberIds.filter((m) => m !== userId);
    }
  }

  private find(role: string): LabDirectoryRole | undefined {
    const key = lower(role);
    return this.roles.find((x) => x.roleTemplateId === key || lower(x.displayName) === key);
  }

  private findOrActivate(role: string): LabDirectoryRole {
    const found = this.find(role);
    if (found) return found;
    const key = lower(role);
    const tpl = ROLE_TEMPLATES.find((t) => t.roleTemplateId === key || lower(t.displayName) === key);
    if (!tpl) throw new LabTenantError(404, 'Request_ResourceNotFound', `Directory role '${role}' is not known to the lab.`);
    const r: LabDirectoryRole = { id: this.newId(), displayName: tpl.displayName, roleTemplateId: tpl.roleTemplateId, description: tpl.displayName, memberIds: [], eligibleMemberIds: [] };
    this.roles.push(r);
    return r;
  }
}
