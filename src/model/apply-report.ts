/**
 * What an apply tells its caller: the report at its end and the events while it runs. Contract types
 * shared by the executor (src/apply) and its views (src/render/apply-view.ts). Never carries a secret.
 */
import type { Plan } from './plan.js';
import type { StepKind } from './step.js';

/**
 * What became of one step:
 * - `done`: this run changed something;
 * - `skipped`: nothing to do — the postcondition already held, or an earlier run recorded it done;
 * - `refused`: not attempted: its object changed since the plan was made (stale), planning again does not
 *   reproduce it (see src/apply/authorize.ts), or it depends on such a step;
 * - `failed`: attempted and failed (`message` says why and what to do);
 * - `not-run`: a step it depends on did not succeed, or apply was interrupted.
 */
export type StepStatus = 'done' | 'skipped' | 'refused' | 'failed' | 'not-run';

export interface StepResult {
  id: string;
  objectKey: string;
  kind: StepKind;
  status: StepStatus;
  /** A sentence for people: what happened, on which object, what to do next. Never a secret. */
  message: string;
}

/** Why a whole plan was refused before any step ran. */
export interface ApplyRefusal {
  code: 'not-applyable' | 'consent-required' | 'journal-mismatch' | 'manifest-changed' | 'recompute-failed' | 'delegated-sign-in-required' | 'read-only-sign-in';
  /** One message per reason; each names the objects and the fix. */
  messages: string[];
}

/** What the sync-wait loop did (for reports and benchmarks). */
export interface SyncWaitStats {
  /** Looks at Graph (each one reads every waiting step's object, in batches). */
  rounds: number;
  triggers: number;
  /** Looks that failed transiently and were simply repeated. */
  readFailures: number;
  /** Most steps waiting at once. */
  maxWaiting: number;
}

export interface ApplyReport {
  /** sha256 of the plan document, i.e. of the plan file's bytes (keys the journal). */
  planDigest: string;
  /** Set when nothing ran because the plan as a whole was refused. */
  refusal: ApplyRefusal | null;
  /** In plan order. */
  results: StepResult[];
  counts: Record<StepStatus, number>;
  /** True when apply stopped early (SIGINT / abort): resume by running it again. */
  interrupted: boolean;
  /** The file holding generated passwords, when any was generated. */
  secretsFile: string | null;
  /** What the sync waits did (one poll loop for all of them); null when nothing ran. */
  waits: SyncWaitStats | null;
}

/** What the executor (`applyPlan`) tells its caller while it runs (progress display, logs). */
export type ApplyEvent =
  | { type: 'start'; total: number; toRun: number; resumed: number }
  | { type: 'step-started'; stepId: string; title: string }
  | { type: 'step-finished'; result: StepResult }
  /** sync.await steps are waiting (all in one poll loop); `message` says what for. */
  | { type: 'waiting'; stepIds: string[]; message: string; nextCheckInS: number }
  | { type: 'warning'; message: string }
  | { type: 'interrupted'; running: number };

/**
 * What an apply session (src/apply/session.ts: journal, lock, interruption, the executor) tells its
 * caller, in order: the plan it will apply, then the executor's events, then its report. A view
 * (src/render/apply-view.ts) turns these into lines for people or into JSON lines.
 */
export type ApplySessionEvent =
  /** A saved plan, reviewed already (`file` as the user named it); the session applies it. */
  | { type: 'saved-plan'; plan: Plan; file: string }
  /** A plan made now from the manifest (apply -f): shown whole before approval. */
  | { type: 'new-plan'; plan: Plan }
  /** The plan has nothing to do: the session ends here. */
  | { type: 'no-changes' }
  /** The journal records an earlier run of this plan: its finished steps are not run again. */
  | { type: 'resuming'; journal: string }
  /** The first interruption (Ctrl-C, SIGTERM, or the caller's signal): running steps finish and are recorded. */
  | { type: 'interrupt-requested'; signal: string }
  /** Another process took the journal's lock, or it could not be refreshed: the session stops. */
  | { type: 'lock-lost'; journal: string }
  | ApplyEvent
  /** The end: what was done, where the journal is, and the command that resumes. */
  | { type: 'report'; report: ApplyReport; journal: string; resumeCommand: string };
