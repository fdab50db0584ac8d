/**
 * What one step kind means, as pure facts: one `StepKindSpec` per kind (one file each in this folder),
 * collected in `STEP_SPECS` (index.ts), whose mapped type makes the registry complete. The planner,
 * the plan document, the renderers, apply, drift and the permissions table read these facts instead of
 * each keeping its own switch, so the plan and apply cannot word the same step differently.
 *
 * Pure: imports only `src/model` (no I/O; apply's Graph and LDAP calls stay in src/apply/handlers.ts).
 */
import type { AdUser, EntraUser, ObservedState } from '../model/observed.js';
import type { PlannedStep } from '../model/plan.js';
import type { Step, StepKind } from '../model/step.js';

/** The step of one kind. */
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/** The type of one field of a step, as the plan document stores it (src/document/plan-document.ts). */
export type StepFieldType =
  | 'string'
  | 'string?'
  | 'boolean'
  | 'number'
  | 'number?'
  | 'feature'
  | 'attrChanges'
  | 'newAdUser'
  | 'expectation'
  | 'clearedAttributes';

/** Every field of a step kind except `kind`, in document order. The mapped type makes the table complete and exact. */
export type StepFields<K extends StepKind> = { [F in Exclude<keyof StepOf<K>, 'kind'>]-?: StepFieldType };

/** What a step needs: Graph permissions and Entra roles, or AD rights (docs/graph-access.md shows the table). */
export interface PermissionRequirement {
  /** The Graph calls made. */
  calls: string[];
  /**
   * Application permissions; any one suffices (least privileged first), unless `allRequired`.
   * Empty for AD-only steps and for APIs Microsoft supports with delegated permissions only (`delegatedOnly`).
   */
  graphPermissions: string[];
  /** Every permission listed is needed (each covers a different call). */
  allRequired?: boolean;
  /** Microsoft supports no application permission for these calls: only a signed-in administrator can make them. */
  delegatedOnly?: boolean;
  /** Microsoft Entra roles the application itself must be assigned (app-only sign-in); any one suffices. */
  applicationRoles?: string[];
  /** Delegated permissions (scopes) for a signed-in administrator; same any-one / all-of rule as `graphPermissions`. */
  delegatedPermissions: string[];
  /** Entra roles a signed-in (delegated) user needs; any one suffices (least privileged first). */
  entraRoles: string[];
  /** AD rights, for steps done over LDAP. */
  adRights?: string;
  note?: string;
}

/** One line under a step in the plan's views. */
export type DetailLine =
  /** A single value changing: `name: before -> after` (values already quoted / formatted). */
  | { kind: 'attr'; name: string; from: string; to: string; note?: string }
  /** A value being set on something new: `name: value`. */
  | { kind: 'set'; name: string; value: string }
  /** A multi-valued attribute, as a line diff of its values (`+` added, `-` removed, ` ` kept). */
  | { kind: 'list'; name: string; entries: { op: '+' | '-' | ' '; value: string }[] }
  /** Free text for the reviewer. */
  | { kind: 'note'; text: string };

/** What the plan says about a step: a sentence fragment and the values it changes. */
export interface StepDescription {
  /** What the step does ("switch the source of authority to the cloud"). */
  description: string;
  details: DetailLine[];
}

/** What an outcome sentence may name besides the step: where apply wrote generated passwords. */
export interface OutcomeFacts {
  secretsFile: string | null;
}

/** The state apply read, indexed once, for saying what changed on a stale object. */
export interface StateIndex {
  tenant: ObservedState['tenant'];
  entraById: ReadonlyMap<string, EntraUser>;
  /** By DN, lower case. */
  adByDn: ReadonlyMap<string, AdUser>;
  /** By UPN, lower case. */
  adByUpn: ReadonlyMap<string, AdUser>;
  deletedIds: ReadonlySet<string>;
}

/** The pure facts of one step kind. */
export interface StepKindSpec<K extends StepKind> {
  /** The step's fields as the plan document stores them. */
  fields: StepFields<K>;
  /** The terraform-style action (a workflow may mark a scope-removal move `remove` instead). */
  action: PlannedStep['action'];
  /** What the step needs from the sign-in or the AD account; `delegatedOnly` = a signed-in user only. */
  permissions: PermissionRequirement;
  /** The object's name for people: its upn, dn or display name. */
  subject(step: StepOf<K>): string;
  /** What the plan shows for the step. */
  describe(step: StepOf<K>): StepDescription;
  /** Imperative, for progress and failures: "convert alice@contoso.com to cloud authority". */
  title(step: StepOf<K>): string;
  /** The sentence that says the step is in effect: "alice@contoso.com was converted to cloud authority". */
  outcome(step: StepOf<K>, facts: OutcomeFacts): string;
  /**
   * What the step does to its object, without what it only reports: the old values a step carries for
   * the reviewer (`from`, the values of the attributes it clears) drift with no change worth a review
   * and change nothing. Everything that decides the effect stays (ids, names, targets, the wait).
   */
  effect(step: StepOf<K>): unknown;
  /**
   * Why the step's object is stale, from what the step still knows (its old values) against the state
   * read now, `before -> after`; empty when the step carries nothing to compare.
   */
  staleDetail(step: StepOf<K>, now: StateIndex): string[];
  /** The tenant setting the step changes (drift and export name it), or null. */
  tenantSetting(step: StepOf<K>): string | null;
}
