import type { AllowOptions } from './desired.js';
import type { Diagnostic } from './diagnostic.js';
import type { JoinOptions } from './identity.js';
import type { Step } from './step.js';

/**
 * Something a reviewer must see. `code` is stable; `blocking` hazards make the plan (or the
 * step) unable to succeed; `consent` says which `allow` option apply needs before it runs it.
 */
export interface Hazard {
  code: HazardCode;
  severity: 'info' | 'warning' | 'danger';
  message: string;
  /** The step ids this hazard concerns (empty for plan-wide hazards). */
  stepIds: string[];
  /** Identity / object keys concerned. */
  objectKeys: string[];
  /** True when the step cannot succeed as things are (the plan is then not applyable). */
  blocking: boolean;
  /** Which explicit consent apply requires (manifest `allow.*` or the matching flag), if any. */
  consent?: 'disruptive' | 'irreversible' | 'exceedDeletionThreshold';
}

/** Every hazard code, in document order. `HazardCode` is derived from this list. */
export const HAZARD_CODES = [
  /** Scope removal deletes the user in Entra until restored: mail, Teams, sign-in break. */
  'user-disruption',
  /** The restored user's password must be reset (password hash no longer flows). */
  'password-reset',
  /** Tenant-wide disable: up to 72 h, cannot be cancelled, sync cannot be re-enabled until done. */
  'irreversible-tenant-disable',
  /** Entra Connect must be stopped before a tenant-wide disable, or it resumes when re-enabled. */
  'stop-connect-first',
  /** A tenant-wide disable is already pending: a second change is refused. */
  'tenant-disable-pending',
  /** blockCloudObjectTakeoverThroughHardMatch is on: the hard match will fail (InvalidHardMatch). */
  'hard-match-blocked',
  /** blockSoftMatch is on: the soft match will not happen. */
  'soft-match-blocked',
  /** Soft match needs UPN matching but softMatchOnUpn is off, and SMTP does not match. */
  'soft-match-upn-disabled',
  /** The primary SMTP address matches only with an Exchange Online mailbox: none (blocking) or unknown (warning), and softMatchOnUpn is off. */
  'soft-match-no-mailbox',
  /** The target holds (or is eligible for) a privileged role: matching is refused; SOA switch not for admins. */
  'privileged-role',
  /** The cloud user already has an immutable id: soft match refused (InvalidSoftMatch). */
  'soft-match-has-immutable-id',
  /** The cloud user has onPremisesObjectIdentifier / is otherwise refused for hard match (AttributeUpdateNotAllowed). */
  'hard-match-refused',
  /** Two objects collide (same anchor, UPN or address). */
  'collision',
  /** The plan would delete more objects than the accidental-deletion threshold. */
  'deletion-threshold',
  /** A change the manifest asks for would be a cloud-side write to an AD-owned attribute. */
  'synced-user-write',
  /** An object the manifest names does not exist (user, AD counterpart, OU). */
  'missing-object',
  /** The step waits for Entra Connect's next cycle (default every 30 min) or a trigger command. */
  'waits-for-sync',
  /** A change of a tenant sync feature affects every object, not just the manifest's users. */
  'tenant-wide-setting',
  /** Rolling back a cloud-managed user temporarily lifts the hard-match takeover block. */
  'takeover-block-lifted',
  /** After the match the sync engine changes the user's sign-in name (userPrincipalName). */
  'sign-in-name-change',
  /** After the match the sync engine disables the account (the AD account is disabled). */
  'account-disabled',
  /** After the match the cloud password is replaced by the AD one (password hash sync). */
  'password-replaced',
  /** Whether password hash sync is on is neither readable nor stated in the manifest. */
  'password-sync-unknown',
  /** A soft-deleted user's 30-day restore window has ended (or ends before the plan's waits can finish). */
  'restore-window',
  /** The cloud user is mapped to another AD object (onPremisesObjectIdentifier): the plan clears it so the hard match can remap it. */
  'object-identifier-remap',
  /** Tenant sync settings could not be read (delegated-only API) and the manifest does not state them. */
  'tenant-settings-unknown',
  /** Scope removals are split into waves of at most the accidental-deletion threshold per sync cycle. */
  'deletion-waves',
  /** Anything else the planner cannot do (e.g. federated users and the SOA switch). */
  'unsupported',
] as const;

export type HazardCode = (typeof HAZARD_CODES)[number];

/** The cloud attributes the sync engine overwrites with the AD value after a match, in document order. */
export const SYNC_EFFECT_ATTRIBUTES = ['userPrincipalName', 'accountEnabled', 'displayName', 'givenName', 'surname', 'mail', 'proxyAddresses'] as const;
/** A cloud attribute the sync engine overwrites with the AD value after a match. */
export type SyncEffectAttribute = (typeof SYNC_EFFECT_ATTRIBUTES)[number];
/** How a cycle takes a cloud user over. */
export const SYNC_MATCHES = ['hard', 'soft', 'rollback'] as const;
/** What becomes of the cloud password after a match. */
export const SYNC_PASSWORD_OUTCOMES = ['replaced', 'unchanged', 'unknown'] as const;
/** The kinds of change a planned step makes, as the summary counts them. */
export const PLAN_ACTIONS = ['add', 'change', 'remove', 'wait'] as const;

/** One cloud attribute a match changes: values as lists (`[]` = no value; accountEnabled as `"true"`/`"false"`). */
export interface SyncAttributeEffect {
  attribute: SyncEffectAttribute;
  from: string[];
  to: string[];
}

/**
 * What Entra Connect does to the cloud user when the match a `sync.await` waits for happens. These
 * are effects of the sync engine, not writes of entra-soa: after a hard or soft match (and the
 * re-match of a rollback) every cloud attribute that has an on-premises value is overwritten, and
 * with password hash sync the password too
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant).
 */
export interface SyncEffects {
  /** How the cycle takes the cloud user over. */
  match: (typeof SYNC_MATCHES)[number];
  /** The AD object whose values flow: its DN (for a user this plan creates, the DN the plan gives it). */
  source: string;
  /** The cloud attributes that change, before → after, computed from the AD values after this plan's own AD writes. */
  changes: SyncAttributeEffect[];
  /**
   * The cloud password after the match: `replaced` by the AD password (password hash sync on),
   * `unchanged` (off), `unknown` (neither read from the tenant nor stated in the manifest).
   */
  password: (typeof SYNC_PASSWORD_OUTCOMES)[number];
}

/** One step of a plan, with its ordering and the reason a person reads. */
export interface PlannedStep {
  /** Stable within the plan, e.g. `s003`; steps are numbered in emission order. */
  id: string;
  /** The identity / object key the step acts on (`user/alice@contoso.com`, `group/<id>`, `tenant`). */
  objectKey: string;
  step: Step;
  /** Ids of steps that must have succeeded before this one starts. */
  dependsOn: string[];
  /** Codes of hazards attached to this step (the full hazards are in `Plan.hazards`). */
  hazardCodes: HazardCode[];
  /** Why, for people; never branched on. e.g. "rule retire-sales (manifest.yaml:14:5): synced user → cloud". */
  reason: string;
  /** 'add' | 'change' | 'remove' | 'wait': the terraform-style action symbol the renderers use. */
  action: (typeof PLAN_ACTIONS)[number];
  /**
   * Present (true) when Graph accepts this step only from a signed-in user (`DELEGATED_ONLY_STEP_KINDS` in src/steps,
   * a Global Administrator for `/directory/onPremisesSynchronization`): apply refuses it under an
   * application sign-in.
   */
  requiresDelegatedSignIn?: true;
  /** On a `sync.await` that waits for a match: what the sync engine will change on the cloud user. */
  syncEffects?: SyncEffects;
}

/** The public, versioned plan document (`plan --out plan.json`, `show`, `apply`). */
export interface Plan {
  kind: 'entra-soa/plan';
  formatVersion: 1;
  tool: { name: string; version: string };
  /** ISO 8601; passed in (the planner reads no clock). */
  createdAt: string;
  /** Manifest path as given and its sha256. */
  manifest: { file: string; digest: string };
  /** Where the observed state came from (snapshot file or live endpoints, for people). */
  source: string;
  /**
   * How identities were joined for this plan (source anchor; softMatchOnUpn as read, else as the
   * manifest states it). Apply joins with these when it checks fingerprints, instead of deriving them again.
   */
  join: JoinOptions;
  /** Object key → sha256 of the canonical JSON of what was read for it; apply refuses objects whose fingerprint changed. */
  fingerprints: Record<string, string>;
  /** Short per-attribute digests that let a stale refusal name what changed; absent in older plans. */
  fingerprintDetails?: FingerprintDetails;
  steps: PlannedStep[];
  hazards: Hazard[];
  diagnostics: Diagnostic[];
  /** False when any blocking hazard or error diagnostic exists. */
  applyable: boolean;
  /**
   * The consents the manifest's `allow:` block grants, recorded so a reviewer sees them. Apply
   * re-reads the manifest (its digest must match) and adds the command-line flags to these.
   */
  consentGiven: AllowOptions;
  summary: { add: number; change: number; remove: number; wait: number };
  /**
   * Present when the plan was narrowed with `plan --target`: the targets as given (rule names, object
   * keys or UPNs). Such a plan is partial: it covers only those objects and what their steps need.
   */
  targets?: string[];
}

/**
 * What a plan keeps of each fingerprinted object, attribute by attribute: per kind of object, the
 * attribute labels (`AD mail`, `Entra displayName`, `group displayName`, `tenant features`, …), and per
 * object key a string of 4-hex-digit digests, one per label in that order (`----`: not read). Apply
 * compares them with what it reads to name the attributes that changed.
 */
export interface FingerprintDetails {
  labels: { user: string[]; group: string[]; tenant: string[] };
  digests: Record<string, string>;
}
