import type { DesiredState, ManifestFeatureName, UserRule } from '../model/desired.js';
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { dnKey } from '../model/dn.js';
import type { Identity, JoinResult } from '../model/identity.js';
import { HARD_MATCH_RESTRICTION_DATE, type AdUser, type EntraUser, type ObservedState } from '../model/observed.js';
import type { Hazard, HazardCode, PlannedStep } from '../model/plan.js';
import { assertNever, type Step } from '../model/step.js';
import { isDelegatedOnly, stepAction } from '../steps/index.js';
import { primarySmtp } from '../identity/join.js';
import { ValueIndex } from '../identity/value-index.js';

/** A hazard before it is added to the plan (field order fixed for canonical JSON). */
export interface HazardDraft {
  code: HazardCode;
  severity: Hazard['severity'];
  message: string;
  stepIds?: string[];
  objectKeys: string[];
  blocking: boolean;
  consent?: Hazard['consent'];
}

/** Which step ids the tenant-level phase produced, for workflows to depend on. */
export interface TenantSteps {
  /** Feature values once the manifest's feature steps ran (manifest value, else observed). */
  effective: Record<ManifestFeatureName, boolean>;
  /** The step that sets a feature to its effective value, when the plan changes it first. */
  featureStep: Partial<Record<ManifestFeatureName, string>>;
  /** The step that lifts the takeover block for rollbacks (temporary, or the manifest's own change). */
  takeoverLift?: string;
  /** The setDeletionThreshold step, when the plan changes the threshold. */
  thresholdStep?: string;
  /** The accidental-deletion threshold in force once the plan's threshold step ran; null = none/unknown. */
  effectiveThreshold: number | null;
  /** The `sync.await tenantSyncDisabled` step, when the plan disables directory sync. */
  tenantDisableAwait?: string;
  /** The `entra.setTenantSync{enabled:true}` step, when the plan turns directory sync on. */
  tenantSyncEnable?: string;
  /**
   * Features whose value in force is not known: the tenant's settings could not be read (delegated-only
   * API) and the manifest does not state them. `effective` holds `false` for them (what lets a plan
   * proceed); every workflow that relies on one reports it through `ctx.reliesOnUnknown`.
   */
  unknownFeatures: ReadonlySet<ManifestFeatureName>;
  /** How the threshold in `effectiveThreshold` is known, for messages. */
  thresholdSource: 'tenant' | 'manifest' | 'percentage' | 'assumed-default' | 'none';
  /** Password hash sync in force: read from the tenant, else as the manifest states it; null = unknown. */
  passwordSync: boolean | null;
}

/** Everything a workflow reads, plus the emitter it writes steps and hazards through. */
export class PlanContext {
  readonly steps: PlannedStep[] = [];
  readonly hazards: Hazard[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Object keys whose fingerprints the plan records (beyond the steps' own keys). */
  readonly touched = new Set<string>();
  /**
   * Scope removals, for the deletion-threshold check and waves: the step that starts the deletion (the
   * move, or the wait when the AD user is out of scope already), its soft-delete wait, and whether it moves.
   */
  readonly deletionSteps: { stepId: string; waitId: string; key: string; moved: boolean }[] = [];
  /** sync.await steps of rollbacks (the takeover block goes back on after them). */
  readonly rollbackAwaits: string[] = [];
  /** setCloudManaged{to:false} steps of rollbacks (they run while the takeover block is lifted). */
  readonly rollbackSwitches: string[] = [];
  /** Group conversion steps: a user's conversion to the cloud depends on them (groups before members). */
  readonly groupSteps: string[] = [];
  /** Restores of users soft-deleted before this plan, with the end of their restore window (checked once all waits are known). */
  readonly restores: { stepId: string; key: string; upn: string; endsAt: string }[] = [];
  /** Steps that rely on a tenant feature whose value is unknown, per feature. */
  readonly unknownFeatureUses = new Map<ManifestFeatureName, { stepIds: string[]; keys: string[] }>();
  /** The object the workflow now running plans for (an identity key, a group key or `tenant`): every step records it. */
  owner = 'tenant';
  private readonly byId = new Map<string, PlannedStep>();
  /** Step id → the owner that planned it (for `--target`). */
  readonly stepOwner = new Map<string, string>();
  tenant!: TenantSteps;

  /** AD identities by lower-case UPN, mail and sAMAccountName; built on first use (many plans never ask). */
  private readonly adBy = new Map<'upn' | 'mail' | 'sam', ValueIndex<Identity>>();
  private adByAddress: Map<string, Identity[]> | null = null;
  private entraByAnchor: ValueIndex<EntraUser> | null = null;
  readonly ouSet = new Set<string>();
  /**
   * The hard-match hardening (docs/planning.md, `link: hard`) is in force for this plan: its `createdAt` is on or
   * after HARD_MATCH_RESTRICTION_DATE (the planner reads no clock, so the plan's creation time
   * stands for "when it is applied"). An unparsable createdAt counts as in force (the safe side).
   */
  readonly hardMatchHardened: boolean;

  constructor(
    readonly desired: DesiredState,
    readonly observed: ObservedState,
    readonly join: JoinResult,
    readonly createdAt: string,
  ) {
    const created = Date.parse(createdAt);
    this.hardMatchHardened = Number.isNaN(created) || created >= Date.parse(HARD_MATCH_RESTRICTION_DATE);
    for (const ou of observed.ad.organizationalUnits) this.ouSet.add(dnKey(ou.dn));
  }

  /** Entra users by immutable id (all holders of an anchor); built on first use. */
  get entraByImmutable(): { get(anchor: string): EntraUser[] | undefined } {
    if (this.entraByAnchor === null) {
      const index = new ValueIndex<EntraUser>();
      for (const e of this.observed.entra.users) if (e.onPremisesImmutableId) index.add(e.onPremisesImmutableId, e);
      this.entraByAnchor = index;
    }
    return this.entraByAnchor;
  }

  /** The AD identities by one attribute (lower case); each index is built on first use. */
  private adIndex(by: 'upn' | 'mail' | 'sam'): ValueIndex<Identity> {
    let index = this.adBy.get(by);
    if (index === undefined) {
      index = new ValueIndex<Identity>();
      for (const i of this.join.identities) {
        if (!i.ad) continue;
        const value = by === 'upn' ? i.ad.userPrincipalName : by === 'mail' ? i.ad.mail : i.ad.samAccountName;
        if (value) index.add(value.toLowerCase(), i);
      }
      this.adBy.set(by, index);
    }
    return index;
  }

  /** Identities whose AD user matches `value` by the rule's counterpart attribute. */
  counterparts(by: 'upn' | 'mail' | 'samAccountName', entra: EntraUser): Identity[] {
    switch (by) {
      case 'upn':
        return this.adIndex('upn').get(entra.userPrincipalName.toLowerCase()) ?? [];
      case 'mail':
        return entra.mail ? (this.adIndex('mail').get(entra.mail.toLowerCase()) ?? []) : [];
      case 'samAccountName': {
        const local = entra.userPrincipalName.split('@')[0] ?? '';
        return this.adIndex('sam').get(local.toLowerCase()) ?? [];
      }
      default:
        return assertNever(by, 'counterpart kind');
    }
  }

  /** AD identities holding `address` (lower case) as mail or any proxy address. */
  adHoldingAddress(address: string): Identity[] {
    if (!this.adByAddress) {
      this.adByAddress = new Map();
      for (const i of this.join.identities) {
        if (!i.ad) continue;
        const addrs = new Set<string>();
        if (i.ad.mail) addrs.add(i.ad.mail.toLowerCase());
        for (const p of i.ad.proxyAddresses) if (/^smtp:/i.test(p)) addrs.add(p.slice(5).toLowerCase());
        for (const a of addrs) push(this.adByAddress, a, i);
      }
    }
    return this.adByAddress.get(address.toLowerCase()) ?? [];
  }

  adHoldingSam(sam: string): Identity[] {
    return this.adIndex('sam').get(sam.toLowerCase()) ?? [];
  }

  ouExists(dn: string): boolean {
    return this.ouSet.has(dnKey(dn));
  }

  /** Records that the current workflow read `key` (its fingerprint goes into the plan). */
  touch(key: string): void {
    this.touched.add(key);
  }

  /** Appends a step; returns its id (`s001`, ...). Steps Graph accepts only from a signed-in user are marked. */
  addStep(objectKey: string, step: Step, dependsOn: readonly string[], reason: string, action?: PlannedStep['action']): string {
    const id = `s${String(this.steps.length + 1).padStart(3, '0')}`;
    const planned: PlannedStep = {
      id,
      objectKey,
      step,
      dependsOn: sortStepIds(new Set(dependsOn)),
      hazardCodes: [],
      reason,
      action: action ?? stepAction(step),
    };
    if (isDelegatedOnly(step.kind)) planned.requiresDelegatedSignIn = true;
    this.steps.push(planned);
    this.byId.set(id, planned);
    this.stepOwner.set(id, this.owner);
    return id;
  }

  /** The planned step with this id. */
  step(id: string): PlannedStep | undefined {
    return this.byId.get(id);
  }

  /** Notes that steps rely on a tenant feature whose value is unknown (reported once per feature). */
  reliesOnUnknown(feature: ManifestFeatureName, stepIds: readonly string[], keys: readonly string[]): void {
    if (!this.tenant.unknownFeatures.has(feature)) return;
    const use = this.unknownFeatureUses.get(feature);
    if (use) {
      use.stepIds.push(...stepIds);
      use.keys.push(...keys);
    } else this.unknownFeatureUses.set(feature, { stepIds: [...stepIds], keys: [...keys] });
  }

  addHazard(h: HazardDraft): void {
    const out: Hazard = {
      code: h.code,
      severity: h.severity,
      message: h.message,
      stepIds: [...(h.stepIds ?? [])],
      objectKeys: [...new Set(h.objectKeys)].sort(),
      blocking: h.blocking,
    };
    if (h.consent) out.consent = h.consent;
    this.hazards.push(out);
  }

  /** Adds hazards that concern a set of steps. */
  addHazards(hs: readonly HazardDraft[], stepIds: readonly string[]): void {
    for (const h of hs) this.addHazard({ ...h, stepIds: [...(h.stepIds ?? []), ...stepIds] });
  }

  sync(): number {
    return this.desired.sync.timeoutS;
  }
}

/** Step ids in numeric order (`s2` before `s10`). */
export function sortStepIds(ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** `manifest.yaml:14:5` */
export function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** "rule NAME (file:line:col): text" — the reason format every step uses. */
export function ruleReason(rule: { name: string; location: SourceLocation }, text: string): string {
  return `rule ${rule.name} (${where(rule.location)}): ${text}`;
}

/** Holds an active directory role, or a privileged one (active or eligible). */
export function holdsAdminRole(e: EntraUser): boolean {
  return (e.roles ?? []).some((r) => r.state === 'active' || r.privileged);
}

/** Holds or is eligible for a privileged role (hard match refused from 2026-07-01). */
export function holdsPrivilegedRole(e: EntraUser): boolean {
  return (e.roles ?? []).some((r) => r.privileged);
}

/** The privileged roles held or eligible, e.g. "Global Administrator (eligible), User Administrator (active)". */
export function privilegedRoleNames(e: EntraUser): string {
  return [...new Set((e.roles ?? []).filter((r) => r.privileged).map((r) => `${r.role} (${r.state})`))].sort().join(', ');
}

export function roleNames(e: EntraUser): string {
  return [...new Set((e.roles ?? []).map((r) => `${r.role} (${r.state})`))].sort().join(', ');
}

/** The primary SMTP address of an Entra user (proxyAddresses `SMTP:`, else mail), lower case. */
export function entraPrimary(e: EntraUser): string | null {
  return primarySmtp(e.proxyAddresses, e.mail);
}

export function adLabel(ad: AdUser): string {
  return ad.userPrincipalName ?? ad.dn;
}

/** The intent of a rule, for conflict detection. */
export function intentOf(rule: UserRule): string {
  return rule.authority === 'cloud' ? `cloud via ${rule.method}` : `onPremises via ${rule.link} link`;
}
