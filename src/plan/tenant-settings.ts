import { FEATURE_GRAPH_NAME, type ManifestFeatureName } from '../model/desired.js';
import { assertNever, type Step } from '../model/step.js';
import { where, type PlanContext, type TenantSteps } from './context.js';

/** Manifest feature names in the order their steps are emitted. */
const FEATURE_ORDER = ['blockSoftMatch', 'blockCloudObjectTakeoverThroughHardMatch', 'softMatchOnUpn'] as const satisfies readonly ManifestFeatureName[];

const FEATURE_EFFECT: Record<ManifestFeatureName, string> = {
  blockSoftMatch: 'soft match (primary SMTP / UPN) of every cloud user',
  blockCloudObjectTakeoverThroughHardMatch: 'hard match (immutable id) takeover of every cloud-managed user',
  softMatchOnUpn: 'soft match by UPN for every cloud user',
};

/**
 * Microsoft's default accidental-deletion threshold ("enabled by default and configured to not allow
 * an export with more than 500 deletes",
 * https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-prevent-accidental-deletes).
 * Assumed (and said so) when the tenant's setting cannot be read and the manifest does not state it.
 */
const DEFAULT_DELETION_THRESHOLD = 500;

/** How to give the planner what an application sign-in cannot read. */
export const DELEGATED_SIGN_IN_HINT =
  "GET /directory/onPremisesSynchronization accepts only a Global Administrator's delegated sign-in: sign in with --auth device-code or --auth interactive as a Global Administrator";

/** The tenant's accidental-deletion threshold as a number of deletions per export, and how it is known. */
function observedThreshold(ctx: PlanContext): { value: number | null; source: TenantSteps['thresholdSource'] } {
  const p = ctx.observed.tenant.accidentalDeletionPrevention;
  if (p === null) {
    const stated = ctx.desired.tenant.accidentalDeletionThreshold;
    return stated !== undefined ? { value: stated, source: 'manifest' } : { value: DEFAULT_DELETION_THRESHOLD, source: 'assumed-default' };
  }
  if (p.alertThreshold === null) return { value: null, source: 'none' };
  switch (p.synchronizationPreventionType) {
    case 'disabled':
      return { value: null, source: 'none' };
    case 'enabledForCount':
      return { value: p.alertThreshold, source: 'tenant' };
    case 'enabledForPercentage': {
      // Graph: "The threshold is either an absolute number of objects or a percentage number of objects"
      // (https://learn.microsoft.com/graph/api/resources/onpremisesaccidentaldeletionprevention). Of which
      // objects is not documented (unconfirmed): the synced users are taken as the base, which gives the
      // lowest threshold of the candidates (users alone, or users with groups and contacts): the safe side.
      const synced = ctx.observed.entra.users.filter((u) => u.onPremisesSyncEnabled === true).length;
      return { value: Math.floor((synced * p.alertThreshold) / 100), source: 'percentage' };
    }
    default:
      return { value: null, source: 'none' };
  }
}

/**
 * Tenant feature flags and the deletion threshold (docs/planning.md, Tenant settings). Feature steps come first so that
 * workflows can depend on them. With rollbacks in the plan the takeover block is lifted here and
 * put back by `finishTakeoverBlock` after the rollbacks' sync waits.
 *
 * When the tenant's settings cannot be read (`features` / `accidentalDeletionPrevention` null: the API
 * is delegated-only), a value the manifest states is taken as the one in force and nothing is changed;
 * a value neither read nor stated is unknown (`unknownFeatures`): decisions assume `false` and every
 * step that relies on it is named in a `tenant-settings-unknown` hazard (`unknownSettingsHazards`).
 */
export function planTenantSettings(ctx: PlanContext, rollbacksPlanned: boolean): TenantSteps {
  const t = ctx.desired.tenant;
  const read = ctx.observed.tenant.features;
  const reasonPrefix = `tenant (${where(t.location)})`;
  const inForce = {} as Record<ManifestFeatureName, boolean | null>;
  for (const f of FEATURE_ORDER) inForce[f] = read ? read[FEATURE_GRAPH_NAME[f]] : (t.features[f] ?? null);
  const threshold = observedThreshold(ctx);
  const out: TenantSteps = {
    effective: {
      blockSoftMatch: t.features.blockSoftMatch ?? inForce.blockSoftMatch ?? false,
      blockCloudObjectTakeoverThroughHardMatch: t.features.blockCloudObjectTakeoverThroughHardMatch ?? inForce.blockCloudObjectTakeoverThroughHardMatch ?? false,
      softMatchOnUpn: t.features.softMatchOnUpn ?? inForce.softMatchOnUpn ?? false,
    },
    featureStep: {},
    effectiveThreshold: t.accidentalDeletionThreshold ?? threshold.value,
    thresholdSource: t.accidentalDeletionThreshold !== undefined ? 'manifest' : threshold.source,
    unknownFeatures: new Set(FEATURE_ORDER.filter((f) => inForce[f] === null)),
    passwordSync: passwordSyncInForce(ctx),
  };
  for (const f of FEATURE_ORDER) {
    const from = inForce[f];
    if (from === null) continue;
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
    // Unread settings are never changed: the manifest's value is the one assumed in force.
    if (!read || want === undefined || want === from) continue;
    const step: Step = { kind: 'entra.setSyncFeature', feature: f, from, to: want };
    const id = ctx.addStep('tenant', step, [], `${reasonPrefix}: set ${f} to ${String(want)} as the manifest says`);
    out.featureStep[f] = id;
    ctx.addHazards([tenantWide(f, from, want)], [id]);
  }
  const fromThreshold = threshold.source === 'tenant' ? threshold.value : null;
  const thresholdRead = ctx.observed.tenant.accidentalDeletionPrevention !== null;
  if (thresholdRead && t.accidentalDeletionThreshold !== undefined && (threshold.source !== 'tenant' || t.accidentalDeletionThreshold !== fromThreshold)) {
    const step: Step = { kind: 'entra.setDeletionThreshold', from: fromThreshold, to: t.accidentalDeletionThreshold };
    out.thresholdStep = ctx.addStep('tenant', step, [], `${reasonPrefix}: set the accidental-deletion threshold to ${t.accidentalDeletionThreshold} as the manifest says`);
    ctx.addHazards(
      [
        {
          code: 'tenant-wide-setting',
          severity: 'info',
          message: `the accidental-deletion threshold applies to every sync export, not just this manifest's users (${thresholdWords(ctx, threshold)} → ${t.accidentalDeletionThreshold})`,
          objectKeys: ['tenant'],
          blocking: false,
        },
      ],
      [out.thresholdStep],
    );
  }
  assumedSettingsHazard(ctx, read === null, !thresholdRead);
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

/** Words for a threshold and where it comes from (`none` when there is none). */
export function thresholdWords(ctx: PlanContext, t: { value: number | null; source: TenantSteps['thresholdSource'] }): string {
  if (t.value === null) return 'none';
  switch (t.source) {
    case 'assumed-default':
      return `${t.value} (Microsoft's default, assumed: the tenant's setting could not be read; ${DELEGATED_SIGN_IN_HINT}, or state tenant.accidentalDeletionThreshold)`;
    case 'percentage':
      return `${t.value} (the tenant's percentage of its ${ctx.observed.entra.users.filter((u) => u.onPremisesSyncEnabled === true).length} synced users)`;
    case 'manifest':
    case 'tenant':
    case 'none':
      return String(t.value);
    default:
      return assertNever(t.source, 'threshold source');
  }
}

/**
 * Password hash sync in force: the tenant's `features.passwordSyncEnabled` when read, else the
 * manifest's `tenant.passwordHashSync`, else null (unknown: the plan says so rather than guess). When
 * both are known and differ, the tenant wins and a warning says so.
 */
function passwordSyncInForce(ctx: PlanContext): boolean | null {
  const read = ctx.observed.tenant.features?.passwordSyncEnabled ?? null;
  const stated = ctx.desired.tenant.passwordHashSync;
  if (read !== null && stated !== undefined && read !== stated) {
    ctx.diagnostics.push({
      severity: 'warning',
      code: 'password-hash-sync-mismatch',
      message: `tenant.passwordHashSync says ${String(stated)} but the tenant reports password hash sync ${read ? 'on' : 'off'}; the plan uses the tenant's value: fix the manifest`,
      location: ctx.desired.tenant.location,
    });
  }
  return read ?? stated ?? null;
}

/** The settings the manifest states and the plan assumes in force because the tenant's could not be read. */
function assumedSettingsHazard(ctx: PlanContext, featuresUnread: boolean, thresholdUnread: boolean): void {
  const t = ctx.desired.tenant;
  const assumed: string[] = [];
  if (featuresUnread) for (const f of FEATURE_ORDER) if (t.features[f] !== undefined) assumed.push(`${f}: ${String(t.features[f])}`);
  if (thresholdUnread && t.accidentalDeletionThreshold !== undefined) assumed.push(`accidentalDeletionThreshold: ${t.accidentalDeletionThreshold}`);
  if (assumed.length === 0) return;
  ctx.addHazard({
    code: 'tenant-settings-unknown',
    severity: 'warning',
    message:
      `the tenant's sync settings could not be read, so the plan takes what the manifest states as the values in force and changes none of them (${assumed.join(', ')}); ` +
      `if the tenant differs, matches fail or the plan is wrong: ${DELEGATED_SIGN_IN_HINT} to check and change them`,
    objectKeys: ['tenant'],
    blocking: false,
  });
  ctx.touch('tenant');
}

/** After the rollbacks: put the takeover block back on (or turn it on as the manifest asks). */
export function finishTakeoverBlock(ctx: PlanContext): void {
  if (ctx.rollbackAwaits.length === 0) return;
  const f = 'blockCloudObjectTakeoverThroughHardMatch' as const;
  const want = ctx.desired.tenant.features[f];
  const lifted = ctx.tenant.takeoverLift !== undefined;
  const restore = lifted ? want !== false : want === true && !ctx.tenant.unknownFeatures.has(f);
  if (!restore) return;
  const step: Step = { kind: 'entra.setSyncFeature', feature: f, from: false, to: true };
  const id = ctx.addStep(
    'tenant',
    step,
    ctx.rollbackAwaits,
    `tenant (${where(ctx.desired.tenant.location)}): ${lifted ? 'put' : 'turn'} ${f} back on once the rolled-back users have synced`,
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

/** What each unknown feature decides, for the hazard that names the steps relying on it. */
const UNKNOWN_FEATURE_EFFECT: Record<ManifestFeatureName, string> = {
  blockSoftMatch: 'if it is on, Entra Connect does not soft-match and the new AD object collides with the cloud user',
  blockCloudObjectTakeoverThroughHardMatch: 'if it is on, the hard match fails with InvalidHardMatch (a rollback needs it off while it syncs)',
  softMatchOnUpn: 'if it is off, a user without a primary SMTP address cannot be soft-matched by UPN',
};

/**
 * One `tenant-settings-unknown` hazard per unknown feature that steps rely on, naming those steps
 * and how to give the planner the value.
 */
export function unknownSettingsHazards(ctx: PlanContext): void {
  for (const f of FEATURE_ORDER) {
    const use = ctx.unknownFeatureUses.get(f);
    if (!use) continue;
    ctx.addHazard({
      code: 'tenant-settings-unknown',
      severity: 'warning',
      message:
        `whether ${f} is on could not be read and the manifest does not state it; the plan assumes it is off: ${UNKNOWN_FEATURE_EFFECT[f]}. ` +
        `${DELEGATED_SIGN_IN_HINT}, or state tenant.features.${f} in the manifest`,
      stepIds: use.stepIds,
      objectKeys: use.keys,
      blocking: false,
    });
  }
}
