import type { SourceLocation } from './diagnostic.js';
import type { Plan } from './plan.js';
import type { StepKind } from './step.js';

/** The `kind` of a drift report document (`entra-soa drift --report-dir`, report.json). */
export const DRIFT_REPORT_KIND = 'entra-soa/drift-report';
/** The only drift report format version this build reads and writes. */
export const DRIFT_REPORT_FORMAT_VERSION = 1;

/**
 * The verdict of a drift run, and its exit code: `in-sync` 0, `drifted` 2, `incomplete` 1.
 * `incomplete` means something the manifest manages could not be read or planned: such a run never
 * says "in sync", and it may still list drift found in what could be read.
 */
export type DriftStatus = 'in-sync' | 'drifted' | 'incomplete';
export const DRIFT_STATUSES = ['in-sync', 'drifted', 'incomplete'] as const satisfies readonly DriftStatus[];

/** What a report row stands for: the manifest's tenant settings, a user rule, or a group rule. */
export type DriftRuleKind = 'tenant' | 'users' | 'groups';
export const DRIFT_RULE_KINDS = ['tenant', 'users', 'groups'] as const satisfies readonly DriftRuleKind[];

/** A rule's verdict. `unread` wins over `drifted`: part of what the rule governs could not be read. */
export type DriftRuleStatus = 'in-sync' | 'drifted' | 'unread';
export const DRIFT_RULE_STATUSES = ['in-sync', 'drifted', 'unread'] as const satisfies readonly DriftRuleStatus[];

/** One row of the per-rule summary (one JUnit test case). */
export interface DriftRule {
  /** The rule's name (`users[N]` when unnamed); `tenant` for the tenant settings; `(no rule)` for steps no rule claims. */
  name: string;
  kind: DriftRuleKind;
  /** Where the rule is in the manifest; null for `(no rule)`. */
  location: SourceLocation | null;
  /** What the rule wants, for people ("cloud via sourceOfAuthority", "blockSoftMatch, accidentalDeletionThreshold"). */
  intent: string;
  /**
   * How many objects the rule governs as read: users or groups it selects (each object counts under the
   * first rule that selects it, as the planner assigns them); for `tenant`, the settings it manages.
   */
  checked: number;
  /** Of `checked`: how many differ from the manifest (have planned steps or a blocking hazard). */
  drifted: number;
  /** Of `checked`: how many could not be read (neither in sync nor drifted). */
  unread: number;
  status: DriftRuleStatus;
}

/** Something that could not be read or planned; each names the rules it leaves unverified. */
export type UnreadSubject =
  /** Neither directory could be read (connection or read failure, unreadable snapshot): nothing was compared. */
  | 'directories'
  /** `/directory/onPremisesSynchronization` features (delegated-only: an application sign-in cannot read them). */
  | 'tenant-sync-features'
  /** The accidental-deletion threshold (the same delegated-only resource). */
  | 'deletion-threshold'
  /** The planner reported errors (e.g. two rules with different intents select one user). */
  | 'plan';
export const UNREAD_SUBJECTS = ['directories', 'tenant-sync-features', 'deletion-threshold', 'plan'] as const satisfies readonly UnreadSubject[];

export interface UnreadItem {
  subject: UnreadSubject;
  /** What failed and what to do next (no secret, no stack trace). */
  message: string;
  /** Names of the rules this leaves unverified. */
  rules: string[];
}

/** One object that differs from the manifest, under the rule that governs it. */
export interface DriftedObject {
  /** The governed object's key (`user/…`, `group/…`, `tenant`). Steps on its AD counterpart count here too. */
  objectKey: string;
  rule: string;
  /** The plan's steps that would bring it back (ids in `plan.steps`), in plan order. */
  stepIds: string[];
  /** Codes of blocking hazards on the object: drift the plan cannot repair as things are. */
  blockedBy: string[];
}

/** Drift by step kind (the chart "drift by kind"); sync waits are consequences, not differences, and are left out. */
export interface DriftKindCount {
  kind: StepKind;
  objects: number;
  steps: number;
}

/** An object in the comparison with a previous report. */
export interface DriftChange {
  objectKey: string;
  rule: string;
}

/** `--since previous/report.json`: what changed since that report. */
export interface DriftSince {
  /** The previous report's file as given, and its creation time and status. */
  file: string;
  createdAt: string;
  status: DriftStatus;
  /** Drifted now, not in the previous report. */
  newlyDrifted: DriftChange[];
  /** Drifted in the previous report, in sync now. */
  resolved: DriftChange[];
  /** Drifted in the previous report, unknown now (its rule could not be read this time). */
  unknownNow: DriftChange[];
  /** Drifted in both. */
  stillDrifted: number;
  /**
   * False when the previous report could not read everything: "newly drifted" then includes objects
   * that may have drifted before without being seen.
   */
  previousComplete: boolean;
}

/** The versioned drift report (report.json); the Markdown, HTML and JUnit files are rendered from it. */
export interface DriftReport {
  kind: typeof DRIFT_REPORT_KIND;
  formatVersion: typeof DRIFT_REPORT_FORMAT_VERSION;
  tool: { name: string; version: string };
  /** ISO 8601; passed in. */
  createdAt: string;
  manifest: { file: string; digest: string };
  /** Where the observed state came from; null when nothing could be read. */
  source: string | null;
  status: DriftStatus;
  summary: {
    rules: number;
    checked: number;
    inSync: number;
    drifted: number;
    unread: number;
    hazards: number;
    blockingHazards: number;
  };
  rules: DriftRule[];
  unread: UnreadItem[];
  drifted: DriftedObject[];
  byKind: DriftKindCount[];
  since: DriftSince | null;
  /** The plan document the comparison came from; null when nothing could be read. */
  plan: Plan | null;
}
