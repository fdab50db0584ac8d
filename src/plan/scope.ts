import type { Identity } from '../model/identity.js';
import type { AdUser } from '../model/observed.js';
import { deletedUserUpn } from '../identity/join.js';
import { dnComponents, parentDn } from '../model/dn.js';
import { inSyncScope } from '../identity/select.js';
import type { PlanContext } from './context.js';

/** Whether an AD user must be moved into Entra Connect's scope, and where. */
export type ScopeMove =
  | { kind: 'in-scope' }
  | { kind: 'move'; toOu: string }
  | { kind: 'no-target'; message: string };

/** True when the AD object at `dn` is in the manifest's sync scope. */
export function adInScope(ctx: PlanContext, dn: string): boolean {
  const ad = ctx.desired.activeDirectory;
  return inSyncScope(dn, ad.syncScope, ad.connection.baseDn);
}

/**
 * Where to move an out-of-scope AD user so Connect picks it up: the first include OU (in manifest
 * order) that is itself in scope. With no include list there is no OU to pick, so the plan says so.
 */
export function scopeMoveFor(ctx: PlanContext, ad: AdUser): ScopeMove {
  if (adInScope(ctx, ad.dn)) return { kind: 'in-scope' };
  const rdn = dnComponents(ad.dn)[0] ?? 'cn=x';
  for (const ou of ctx.desired.activeDirectory.syncScope.include) {
    if (adInScope(ctx, `${rdn},${ou}`)) return { kind: 'move', toOu: ou };
  }
  return {
    kind: 'no-target',
    message: `AD user ${ad.dn} is outside the sync scope and the manifest lists no include OU to move it into: move it into a synced OU (its container is ${parentDn(ad.dn)}) or list one in activeDirectory.syncScope.include`,
  };
}

/**
 * Whether Entra Connect will be exporting when a link workflow waits for it: directory sync must be
 * on for the tenant (now, or by the plan's own enable step, which the workflow then depends on).
 */
export function tenantSyncForLinks(ctx: PlanContext): { ok: true; deps: string[] } | { ok: false; message: string } {
  if (ctx.tenant.tenantSyncEnable) return { ok: true, deps: [ctx.tenant.tenantSyncEnable] };
  if (ctx.observed.tenant.onPremisesSyncEnabled === true && !ctx.tenant.tenantDisableAwait && !ctx.observed.tenant.disablePending) {
    return { ok: true, deps: [] };
  }
  return {
    ok: false,
    message: `directory sync is off (or being turned off) for tenant ${ctx.observed.tenant.tenantId}, so Entra Connect will never match the user: set tenant.directorySync: enabled once no disable is pending`,
  };
}

/**
 * A soft-deleted Entra user other than `entraId` that carries the AD user's anchor: on the next cycle
 * Entra ID would bring that deleted user back instead of matching the intended cloud user.
 */
export function deletedAnchorHolder(ctx: PlanContext, adIdentity: Identity, entraId: string): string | null {
  const d = adIdentity.deleted;
  if (!d || d.id === entraId) return null;
  return `the soft-deleted Entra user ${deletedUserUpn(d)} (${d.id}) carries the anchor of ${adIdentity.ad?.dn ?? adIdentity.key}, so the next sync cycle would match it instead: remove it permanently from deleted users first`;
}
