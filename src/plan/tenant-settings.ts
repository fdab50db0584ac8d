import { FEATURE_GRAPH_NAME, type ManifestFeatureName } from '../model/desired.js';
import type { Step } from '../model/step.js';
import { where, type PlanContext, type TenantSteps } from './context.js';

/** Manifest feature names in the order their steps are emitted. */
export const FEATURE_ORDER = ['blockSoftMatch', 'blockCloudObjectTakeoverThroughHardMatch', 'softMatchOnUpn'] as const satisfies readonly ManifestFeatureName[];

const FEATURE_EFFECT: Record<ManifestFeatureName, string> = {
  blockSoftMatch: 'soft match (primary SMTP / UPN) of every cloud user',
  blockCloudObjectTakeoverThroughHardMatch: 'hard match (immutable id) takeover of every cloud-managed user',
  softMatchOnUpn: 'soft match by UPN for every cloud user',
};

// TRANSITIONAL (issue 8 §3, being replaced): features that could not be read are planned as off.
const UNREAD_FEATURES = {
  blockSoftMatchEnabled: false,
  blockCloudObjectTakeoverThroughHardMatchEnabled: false,
  softMatchOnUpnEnabled: false,
  passwordSyncEnabled: null,
} as const;

/** The accidental-deletion threshold as observed (null when prevention is off or by percentage). */
export function observedThreshold(ctx: PlanContext): number | null {
  const p = ctx.observed.tenant.accidentalDeletionPrevention;
  if (p === null) return null;
  return p.synchronizationPreventionType === 'enabledForCount' ? p.alertThreshold : null;
}

/**
 * Tenant feature flags and the deletion threshold (issue "e"). Feature steps come first so that
 * workflows can depend on them. With rollbacks in the plan the takeover block is lifted here and
 * put back by `finishTakeoverBlock` after the rollbacks' sync waits.
 */
export function planTenantSettings(ctx: PlanContext, rollbacksPlanned: boolean): TenantSteps {
  const t = ctx.desired.tenant;
  const observed = ctx.observed.tenant.features ?? UNREAD_FEATURES;
  const reasonPrefix = `tenant (${where(t.location)})`;
  const out: TenantSteps = {
    effective: {
      blockSoftMatch: t.features.blockSoftMatch ?? observed.blockSoftMatchEnabled,
      blockCloudObjectTakeoverThroughHardMatch:
        t.features.blockCloudObjectTakeoverThroughHardMatch ?? observed.blockCloudObjectTakeoverThroughHardMatchEnabled,
      softMatchOnUpn: t.features.softMatchOnUpn ?? observed.softMatchOnUpnEnabled,
    },
    featureStep: {},
    effectiveThreshold: t.accidentalDeletionThreshold ?? observedThreshold(ctx),
  };
  for (const f of FEATURE_ORDER) {
    const from = observed[FEATURE_GRAPH_NAME[f]];
    const want = t.features[f];
    const takeover = f === 'blockCloudObjectTakeoverThroughHardMatch';
    if (takeover && rollbacksPlanned) {
      if (from) {
        const permanent = want === false;
        const step: Step = { kind: 'entra.setSyncFeature', feature: f, from: true, to: false };
        const id = ctx.addStep(
          'tenant',
          step,
          [],
          permanent
            ? `${reasonPrefix}: turn ${f} off as the manifest says (also lets the planned rollbacks hard-match)`
            : `${reasonPrefix}: lift ${f} while cloud-managed users are handed back to AD; it is turned back on after their sync`,
        );
        out.takeoverLift = id;
        if (permanent) out.featureStep[f] = id;
        ctx.addHazards([tenantWide(f, true, false)], [id]);
        ctx.addHazard({
          code: 'takeover-block-lifted',
          severity: 'warning',
          message: `${f} is off ${permanent ? 'from now on' : 'until the rollbacks have synced'}: meanwhile any cloud user whose immutable id equals an in-scope AD user's anchor can be taken over by hard match`,
          stepIds: [id],
          objectKeys: ['tenant'],
          blocking: false,
        });
      }
      // When off now and the manifest wants it on, `finishTakeoverBlock` turns it on after the rollbacks.
      continue;
    }
    if (want === undefined || want === from) continue;
    const step: Step = { kind: 'entra.setSyncFeature', feature: f, from, to: want };
    const id = ctx.addStep('tenant', step, [], `${reasonPrefix}: set ${f} to ${String(want)} as the manifest says`);
    out.featureStep[f] = id;
    ctx.addHazards([tenantWide(f, from, want)], [id]);
  }
  const fromThreshold = observedThreshold(ctx);
  if (t.accidentalDeletionThreshold !== undefined && t.accidentalDeletionThreshold !== fromThreshold) {
    const step: Step = { kind: 'entra.setDeletionThreshold', from: fromThreshold, to: t.accidentalDeletionThreshold };
    out.thresholdStep = ctx.addStep('tenant', step, [], `${reasonPrefix}: set the accidental-deletion threshold to ${t.accidentalDeletionThreshold} as the manifest says`);
    ctx.addHazards(
      [
        {
          code: 'tenant-wide-setting',
          severity: 'info',
          message: `the accidental-deletion threshold applies to every sync export, not just this manifest's users (${fromThreshold ?? 'none'} → ${t.accidentalDeletionThreshold})`,
          objectKeys: ['tenant'],
          blocking: false,
        },
      ],
      [out.thresholdStep],
    );
  }
  return out;

  function tenantWide(f: ManifestFeatureName, from: boolean, to: boolean) {
    return {
      code: 'tenant-wide-setting' as const,
      severity: 'warning' as const,
      message: `${f} ${String(from)} → ${String(to)} changes ${FEATURE_EFFECT[f]} in the tenant, not just this manifest's users`,
      objectKeys: ['tenant'],
      blocking: false,
    };
  }
}

/** After the rollbacks: put the takeover block back on (or turn it on as the manifest asks). */
export function finishTakeoverBlock(ctx: PlanContext): void {
  if (ctx.rollbackAwaits.length === 0) return;
  const f = 'blockCloudObjectTakeoverThroughHardMatch' as const;
  const want = ctx.desired.tenant.features[f];
  const observed = ctx.observed.tenant.features?.blockCloudObjectTakeoverThroughHardMatchEnabled ?? false;
  const restore = observed ? want !== false : want === true;
  if (!restore) return;
  const step: Step = { kind: 'entra.setSyncFeature', feature: f, from: false, to: true };
  const id = ctx.addStep(
    'tenant',
    step,
    ctx.rollbackAwaits,
    `tenant (${where(ctx.desired.tenant.location)}): ${observed ? 'put' : 'turn'} ${f} back on once the rolled-back users have synced`,
  );
  ctx.addHazards(
    [
      {
        code: 'tenant-wide-setting',
        severity: 'warning',
        message: `${f} false → true blocks hard-match takeover of every cloud-managed user in the tenant`,
        objectKeys: ['tenant'],
        blocking: false,
      },
    ],
    [id],
  );
}
