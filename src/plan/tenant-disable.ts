import type { CloudUserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { Step } from '../model/step.js';
import { planClears } from './clears.js';
import { where, type PlanContext } from './context.js';
import { isSyncedUser } from '../identity/join.js';

/** 72 hours: how long Microsoft says a tenant-wide disable can take. */
export const TENANT_DISABLE_TIMEOUT_S = 72 * 3600;

/**
 * Tenant-wide directory sync (issue "b"): disable when the manifest says `directorySync: disabled`
 * or a rule uses method `tenantDisable`; enable when it says `enabled`. Returns the ids of the
 * `sync.await tenantSyncDisabled` step (disable) or of the enable step, when planned.
 */
export function planTenantSync(ctx: PlanContext): { disableAwait?: string; enable?: string } {
  const t = ctx.desired.tenant;
  const obs = ctx.observed.tenant;
  const disableRule = ctx.desired.users.find((r) => r.authority === 'cloud' && r.method === 'tenantDisable');
  const wantDisabled = t.directorySync === 'disabled' || (disableRule !== undefined && t.directorySync !== 'enabled');
  const origin = disableRule && t.directorySync !== 'disabled'
    ? `rule ${disableRule.name} (${where(disableRule.location)})`
    : `tenant (${where(t.location)})`;
  if (obs.disablePending) {
    if (wantDisabled || t.directorySync === 'enabled') {
      ctx.addHazard({
        code: 'tenant-disable-pending',
        severity: 'danger',
        message: `a tenant-wide disable of directory sync is still in progress${obs.disableRequestedAt ? ` (requested ${obs.disableRequestedAt})` : ''}; Entra ID refuses any further change until it completes (up to 72 h): wait and plan again`,
        objectKeys: ['tenant'],
        blocking: true,
      });
      ctx.touch('tenant');
    }
    return {};
  }
  const on = obs.onPremisesSyncEnabled === true;
  if (wantDisabled && on) {
    const step: Step = { kind: 'entra.setTenantSync', tenantId: obs.tenantId, enabled: false };
    const s = ctx.addStep('tenant', step, [], `${origin}: turn off directory synchronization for the whole tenant (every synced object becomes cloud-owned)`);
    ctx.addHazards(
      [
        {
          code: 'irreversible-tenant-disable',
          severity: 'danger',
          message: `turning off directory sync for tenant ${obs.tenantId} takes up to 72 h, cannot be cancelled, and sync cannot be turned back on until it completes; allow with allow.irreversible or --allow-irreversible`,
          objectKeys: ['tenant'],
          blocking: false,
          consent: 'irreversible',
        },
        {
          code: 'stop-connect-first',
          severity: 'warning',
          message: `stop (or uninstall) Entra Connect / Cloud Sync before applying: otherwise it resumes exporting if sync is ever turned back on`,
          objectKeys: ['tenant'],
          blocking: false,
        },
      ],
      [s],
    );
    const wait: Step = { kind: 'sync.await', until: { kind: 'tenantSyncDisabled', tenantId: obs.tenantId }, timeoutS: TENANT_DISABLE_TIMEOUT_S };
    const w = ctx.addStep('tenant', wait, [s], `${origin}: wait until the tenant-wide disable has completed (up to 72 h)`);
    ctx.addHazards(
      [{ code: 'waits-for-sync', severity: 'info', message: `waits (up to 72 h) until Entra ID reports directory sync off for tenant ${obs.tenantId}`, objectKeys: ['tenant'], blocking: false }],
      [w],
    );
    return { disableAwait: w };
  }
  if (t.directorySync === 'enabled' && !on) {
    const step: Step = { kind: 'entra.setTenantSync', tenantId: obs.tenantId, enabled: true };
    const s = ctx.addStep('tenant', step, [], `tenant (${where(t.location)}): turn on directory synchronization for the tenant as the manifest says`);
    ctx.addHazards(
      [{ code: 'tenant-wide-setting', severity: 'warning', message: `turning on directory sync lets Entra Connect match and take over cloud users across tenant ${obs.tenantId}`, objectKeys: ['tenant'], blocking: false }],
      [s],
    );
    return { enable: s };
  }
  return {};
}

/**
 * A user under a `tenantDisable` rule: the disable itself is tenant-wide (planTenantSync); per user
 * only the rule's clears remain, once the user is cloud-owned (now, or after the disable completed).
 */
export function planTenantDisableUser(ctx: PlanContext, id: Identity, rule: CloudUserRule): void {
  const e = id.entra;
  if (!e) return;
  const target = { userId: e.id, upn: e.userPrincipalName, immutableId: e.onPremisesImmutableId, leftovers: e };
  if (!isSyncedUser(e)) {
    planClears(ctx, id.key, rule, target, rule.clear, []);
    return;
  }
  const wait = ctx.tenant.tenantDisableAwait;
  if (wait) planClears(ctx, id.key, rule, target, rule.clear, [wait]);
}
