import type { DesiredState, ManifestFeatureName, UserRule } from '../model/desired.js';
import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { dnKey } from '../model/dn.js';
import type { Identity, JoinResult } from '../model/identity.js';
import { HARD_MATCH_RESTRICTION_DATE, type AdUser, type EntraUser, type ObservedState } from '../model/observed.js';
import type { Hazard, HazardCode, PlannedStep } from '../model/plan.js';
import { assertNever, type Step } from '../model/step.js';
import { primarySmtp } from '../observe/join.js';

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
}

/** Everything a workflow reads, plus the emitter it writes steps and hazards through. */
export class PlanContext {
  readonly steps: PlannedStep[] = [];
  readonly hazards: Hazard[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Object keys whose fingerprints the plan records (beyond the steps' own keys). */
  readonly touched = new Set<string>();
  /** Steps that delete a user in Entra (scope removal), for the deletion-threshold check. */
  readonly deletionSteps: { stepId: string; key: string }[] = [];
  /** sync.await steps of rollbacks (the takeover block goes back on after them). */
  readonly rollbackAwaits: string[] = [];
  /** setCloudManaged{to:false} steps of rollbacks (they run while the takeover block is lifted). */
  readonly rollbackSwitches: string[] = [];
  tenant!: TenantSteps;

  private readonly adByUpn = new Map<string, Identity[]>();
  private readonly adByMail = new Map<string, Identity[]>();
  private readonly adBySam = new Map<string, Identity[]>();
  private adByAddress: Map<string, Identity[]> | null = null;
  readonly entraByImmutable = new Map<string, EntraUser[]>();
  readonly ouSet = new Set<string>();
  /**
   * The hard-match hardening (domain.md §3) is in force for this plan: its `createdAt` is on or
   * after HARD_MATCH_RESTRICTION_DATE (the planner reads no clock, so the plan's creation time
   * stands for "when it is applied"). An unparsable createdAt counts as in force (the safe side).
   */
  readonly hardMatchHardened: boolean;

  constructor(
    readonly desired: DesiredState,
    readonly observed: ObservedState,
    readonly join: JoinResult,
    createdAt: string,
  ) {
    const created = Date.parse(createdAt);
    this.hardMatchHardened = Number.isNaN(created) || created >= Date.parse(HARD_MATCH_RESTRICTION_DATE);
    for (const i of join.identities) {
      if (!i.ad) continue;
      if (i.ad.userPrincipalName) push(this.adByUpn, i.ad.userPrincipalName.toLowerCase(), i);
      if (i.ad.mail) push(this.adByMail, i.ad.mail.toLowerCase(), i);
      push(this.adBySam, i.ad.samAccountName.toLowerCase(), i);
    }
    for (const e of observed.entra.users) if (e.onPremisesImmutableId) push(this.entraByImmutable, e.onPremisesImmutableId, e);
    for (const ou of observed.ad.organizationalUnits) this.ouSet.add(dnKey(ou.dn));
  }

  /** Identities whose AD user matches `value` by the rule's counterpart attribute. */
  counterparts(by: 'upn' | 'mail' | 'samAccountName', entra: EntraUser): Identity[] {
    switch (by) {
      case 'upn':
        return this.adByUpn.get(entra.userPrincipalName.toLowerCase()) ?? [];
      case 'mail':
        return entra.mail ? (this.adByMail.get(entra.mail.toLowerCase()) ?? []) : [];
      case 'samAccountName': {
        const local = entra.userPrincipalName.split('@')[0] ?? '';
        return this.adBySam.get(local.toLowerCase()) ?? [];
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
    return this.adBySam.get(sam.toLowerCase()) ?? [];
  }

  ouExists(dn: string): boolean {
    return this.ouSet.has(dnKey(dn));
  }

  /** Appends a step; returns its id (`s001`, ...). */
  addStep(objectKey: string, step: Step, dependsOn: readonly string[], reason: string, action?: PlannedStep['action']): string {
    const id = `s${String(this.steps.length + 1).padStart(3, '0')}`;
    this.steps.push({
      id,
      objectKey,
      step,
      dependsOn: [...new Set(dependsOn)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
      hazardCodes: [],
      reason,
      action: action ?? actionOf(step),
    });
    return id;
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

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** The terraform-style action of a step kind (scope-removal moves are marked 'remove' by their workflow). */
export function actionOf(step: Step): PlannedStep['action'] {
  switch (step.kind) {
    case 'entra.restoreDeleted':
    case 'ad.createUser':
      return 'add';
    case 'sync.await':
      return 'wait';
    case 'entra.setCloudManaged':
    case 'entra.setGroupCloudManaged':
    case 'entra.setImmutableId':
    case 'entra.clearOnPremisesAttributes':
    case 'entra.resetPassword':
    case 'entra.setTenantSync':
    case 'entra.setSyncFeature':
    case 'entra.setDeletionThreshold':
    case 'ad.move':
    case 'ad.modify':
      return 'change';
    default:
      return assertNever(step, 'step');
  }
}

/** `manifest.yaml:14:5` */
export function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** "rule NAME (file:line:col): text" — the reason format every step uses. */
export function ruleReason(rule: { name: string; location: SourceLocation }, text: string): string {
  return `rule ${rule.name} (${where(rule.location)}): ${text}`;
}

/** True when Entra Connect owns the user now (synced and not switched to cloud management). */
export function isSynced(e: EntraUser): boolean {
  return e.onPremisesSyncEnabled === true && e.isCloudManaged !== true;
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

/**
 * Why Entra ID will refuse to hard-match the AD user `adDn` onto cloud user `e` (hard link or
 * rollback), under the hardening in force from 2026-07-01 (domain.md §3, `AttributeUpdateNotAllowed`):
 * `onPremisesObjectIdentifier` set → `hard-match-refused`; a privileged role held or PIM-eligible →
 * `privileged-role`. Nothing when the plan was created before that date (`ctx.hardMatchHardened`).
 * `action` names the operation in the messages (e.g. "linking it to CN=bob,...").
 */
export function hardMatchRefusals(ctx: PlanContext, e: EntraUser, action: string, ad: AdUser): { code: HazardCode; message: string }[] {
  if (!ctx.hardMatchHardened) return [];
  const out: { code: HazardCode; message: string }[] = [];
  // Microsoft blocks re-mapping a user "to a different on-premises identity"; mapped to this same AD
  // object (a rollback) it is not affected (https://learn.microsoft.com/entra/fundamentals/whats-new).
  if (e.onPremisesObjectIdentifier !== null && e.onPremisesObjectIdentifier.toLowerCase() !== ad.objectGuid.toLowerCase()) {
    out.push({
      code: 'hard-match-refused',
      message:
        `${e.userPrincipalName} has onPremisesObjectIdentifier ${e.onPremisesObjectIdentifier} (it was synced from an AD object before): ` +
        `from 2026-07-01 Entra ID refuses to hard-match such a cloud user, so ${action} fails with AttributeUpdateNotAllowed. ` +
        `Microsoft's documented recovery is to clear it first (beta PATCH /users/${e.id} {"onPremisesObjectIdentifier": null}, ` +
        `Hybrid Identity Administrator or Global Administrator), which entra-soa does not do for you; then plan again. ` +
        `Otherwise link a different cloud user or keep this one cloud-managed`,
    });
  }
  if (holdsPrivilegedRole(e)) {
    out.push({
      code: 'privileged-role',
      message:
        `${e.userPrincipalName} has the privileged role ${privilegedRoleNames(e)}: from 2026-07-01 Entra ID refuses to hard-match a cloud user ` +
        `that holds or is eligible for a privileged role, so ${action} fails with AttributeUpdateNotAllowed. ` +
        `Remove the role assignment and any PIM eligibility first, and grant them again after the match`,
    });
  }
  return out;
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
