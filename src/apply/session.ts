/**
 * An apply session: everything `entra-soa apply` does around the executor, as a library function a
 * caller can use without the command line. It locks the journal (one apply of a plan at a time), opens
 * the directories through the caller, plans now (apply -f) or takes the saved plan, asks for approval,
 * chooses and opens the journal, listens for interruptions, runs `applyPlan`, and reports. It prints
 * nothing: it tells the caller what happens as events (a view from src/render/apply-view.ts turns
 * them into lines) and returns how it ended. docs/apply.md describes the behaviour.
 */
import { join, relative, resolve } from 'node:path';
import type { ApplyReport, ApplySessionEvent } from '../model/apply-report.js';
import type { AllowOptions, DesiredState } from '../model/desired.js';
import { DirectoryError, type DirectoryAccess } from '../model/directory.js';
import { GraphError, type EntraAccess } from '../model/entra.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import type { SignIn } from '../model/sign-in.js';
import { tenantMismatch } from '../identity/tenant-match.js';
import { observeLive } from '../observe/live.js';
import { buildPlan } from '../plan/index.js';
import { describeFailure } from './errors.js';
import { applyPlan, DEFAULT_AD_OUTAGE_WAIT_MS } from './executor.js';
import { checkSavedPlan } from './gate.js';
import type { InterruptSource } from './interrupts.js';
import { JournalLockedError, lockJournal, type JournalLock } from './journal-lock.js';
import { JournalMismatchError, JournalPermissionError, openJournal, type Journal } from './journal.js';
import { planDigest } from './plan-digest.js';
import { fileSecretSink } from './secrets.js';

/** The directories an apply reads and changes, opened by the caller. */
export interface ApplyAccess {
  entra: EntraAccess;
  directory: DirectoryAccess;
  /** Where the state comes from, for people and plans: "graph.microsoft.com + ldaps://dc1.contoso.com". */
  source: string;
  /** Start a sync cycle now (operator command, or the lab's cycle). */
  triggerSync?: () => Promise<void>;
  /** Who the Graph side signed in as (its credential's token, decoded). Absent: unknown, nothing is refused for it. */
  signIn?: () => Promise<SignIn>;
  close(): Promise<void>;
}

export interface ApplySessionInput {
  /** The saved plan (decoded by the caller) and its file as the user named it; null: plan now from `desired` (apply -f). */
  saved: { plan: Plan; file: string } | null;
  /** The manifest (for a saved plan: the one it was made from; its digest is checked). */
  desired: DesiredState;
  /** With no saved plan: plan only these rules, object keys or users (as `plan --target`). */
  targets?: readonly string[];
  /** Opens the directories. `signal` aborts when the session is interrupted (a sync trigger command listens to it). */
  openAccess: (signal: AbortSignal) => Promise<ApplyAccess>;
  /** The journal file as the user named it; default `<plan file>.journal`, or `.entra-soa/journal-<digest>.jsonl` for a plan made now. */
  journal?: string;
  /** The folder relative paths are resolved against and shown relative to. */
  cwd: string;
  /** Folder of the 0600 file of generated passwords (default `.entra-soa/secrets`). */
  secretsDir?: string;
  /** Consent given by the caller (flags), OR'ed with the manifest's `allow`. */
  consent: AllowOptions;
  /** Steps that change something run at once (at least 1). */
  concurrency: number;
  /** How long AD steps wait for an unreachable domain controller (ms). Default DEFAULT_AD_OUTAGE_WAIT_MS. */
  adOutageWaitMs?: number;
  /** This tool (recorded in the plans made now). */
  tool: { name: string; version: string };
  now: () => Date;
  generatePassword: () => string;
  /** Asked after the plan is shown, before anything changes: false stops (the caller said why). Absent: approved. */
  approve?: () => Promise<boolean>;
  /** What happens, in order (see ApplySessionEvent). */
  onEvent: (e: ApplySessionEvent) => void;
  /** Stop requests while steps run (processInterrupts: SIGINT and SIGTERM). Absent: only a lost journal lock stops it. */
  interrupts?: InterruptSource;
  /** Options that name the same directories again (e.g. `--lab`), for the command that resumes. */
  rerunOptions?: readonly string[];
}

/**
 * How a session ended:
 * - `applied`: the executor ran (the report says whether every step finished);
 * - `refused`: the plan as a whole was refused, nothing changed (the report says why);
 * - `no-changes`: nothing to apply;
 * - `stopped`: nothing changed; `message` says why and what to do (null: the approval was declined and the caller said so).
 */
export type ApplySessionResult =
  | { status: 'applied' | 'refused'; report: ApplyReport }
  | { status: 'no-changes' }
  | { status: 'stopped'; message: string | null };

/** The directories read are another tenant than the manifest's: nothing is planned or changed. */
class TenantMismatchError extends Error {
  override name = 'TenantMismatchError';
}

const stopped = (message: string | null): ApplySessionResult => ({ status: 'stopped', message });

export async function runApplySession(input: ApplySessionInput): Promise<ApplySessionResult> {
  const { saved, desired } = input;
  if (saved && saved.plan.manifest.digest !== desired.digest) {
    return stopped(
      `the manifest ${desired.file} changed since the plan ${saved.file} was made from it: ` +
        `run \`entra-soa plan -f ${desired.file} --out ${saved.file}\` again and review the new plan`,
    );
  }
  // A lost journal lock, or the first interruption, ends waits and the sync trigger's whole process group.
  const controller = new AbortController();
  // One apply of a saved plan at a time: its journal is locked before anything is read or changed.
  let lock: JournalLock | null = null;
  if (saved) {
    const taken = await takeLock(input, journalPathOf(input, saved.plan), controller);
    if (!('release' in taken)) return taken;
    lock = taken;
  }
  try {
    let access: ApplyAccess;
    try {
      access = await input.openAccess(controller.signal);
    } catch (e) {
      return stopped(e instanceof Error ? e.message : String(e));
    }
    try {
      return await planAndApply(input, access, controller, lock);
    } catch (e) {
      // Reading the directories failed (Graph unreachable, token refused, sign-in failed, DC down): what and what to do.
      const read = e instanceof GraphError || e instanceof DirectoryError;
      return stopped(read ? describeFailure('read Entra ID and AD', e) : e instanceof Error ? e.message : String(e));
    } finally {
      await access.close().catch(() => undefined);
    }
  } finally {
    await lock?.release();
  }
}

/** The journal of a plan: the one named, else next to the plan file, else .entra-soa/journal-<digest>.jsonl. */
function journalPathOf(input: ApplySessionInput, plan: Plan): string {
  if (input.journal !== undefined) return resolve(input.cwd, input.journal);
  if (input.saved) return `${resolve(input.cwd, input.saved.file)}.journal`;
  return resolve(input.cwd, '.entra-soa', `journal-${planDigest(plan).slice(0, 16)}.jsonl`);
}

const shownPath = (cwd: string, path: string): string => relative(cwd, path) || path;

async function takeLock(input: ApplySessionInput, journalPath: string, controller: AbortController): Promise<JournalLock | ApplySessionResult> {
  try {
    return await lockJournal(journalPath, {
      now: input.now,
      onCompromised: () => {
        input.onEvent({ type: 'lock-lost', journal: shownPath(input.cwd, journalPath) });
        controller.abort();
      },
    });
  } catch (e) {
    if (e instanceof JournalLockedError) return stopped(e.message);
    throw e;
  }
}

async function planAndApply(input: ApplySessionInput, access: ApplyAccess, controller: AbortController, lock: JournalLock | null): Promise<ApplySessionResult> {
  const { desired, saved } = input;
  // Every read checks that the directories are the tenant the manifest names (before anything is planned or changed).
  const observe = async (): Promise<ObservedState> => {
    const observed = await observeLive({ entra: access.entra, directory: access.directory });
    const mismatch = tenantMismatch({ manifestFile: desired.file, manifestTenantId: desired.tenant.id, observedTenantId: observed.tenant.tenantId, source: access.source });
    if (mismatch !== null) throw new TenantMismatchError(mismatch);
    return observed;
  };
  let plan: Plan;
  /** The state a plan made now was made from: the executor need not read it again (see below). */
  let madeFrom: ObservedState | null = null;
  if (saved) {
    plan = saved.plan;
    // A saved plan was reviewed already: a summary and where to see it in full.
    input.onEvent({ type: 'saved-plan', plan, file: saved.file });
  } else {
    madeFrom = await observe();
    const targets = input.targets ?? [];
    plan = buildPlan({ desired, observed: madeFrom, createdAt: input.now().toISOString(), source: access.source, tool: input.tool, ...(targets.length > 0 ? { targets: [...targets] } : {}) });
    input.onEvent({ type: 'new-plan', plan });
  }
  if (plan.steps.length === 0 && checkSavedPlan(plan) === null) {
    input.onEvent({ type: 'no-changes' });
    return { status: 'no-changes' };
  }
  if (input.approve) {
    if (!(await input.approve())) return stopped(null);
    // A person took time to review the plan: the directories are read again before anything changes.
    madeFrom = null;
  }

  const journalPath = journalPathOf(input, plan);
  const ownLock = lock === null ? await takeLock(input, journalPath, controller) : null;
  if (ownLock !== null && !('release' in ownLock)) return ownLock;
  try {
    let journal: Journal;
    try {
      journal = openJournal(journalPath, planDigest(plan));
    } catch (e) {
      if (e instanceof JournalMismatchError || e instanceof JournalPermissionError) return stopped(e.message);
      throw e;
    }
    const shown = shownPath(input.cwd, journalPath);
    if (journal.history.steps.size > 0) {
      input.onEvent({ type: 'resuming', journal: shown });
      // An earlier run of this very plan changed the directories: read them again.
      madeFrom = null;
    }
    return await run(input, { plan, access, observe, madeFrom, controller, journal, shownJournal: shown });
  } finally {
    await ownLock?.release();
  }
}

async function run(
  input: ApplySessionInput,
  c: { plan: Plan; access: ApplyAccess; observe: () => Promise<ObservedState>; madeFrom: ObservedState | null; controller: AbortController; journal: Journal; shownJournal: string },
): Promise<ApplySessionResult> {
  const { plan, access, controller, journal } = c;
  const desired = input.desired;
  const secrets = fileSecretSink(resolve(input.cwd, input.secretsDir ?? join('.entra-soa', 'secrets')), input.now);
  // Unknown when no token comes (the first read then says why the sign-in failed).
  const signIn = (access.signIn ? await access.signIn().catch(() => null) : null) ?? 'unknown';
  const stopListening =
    input.interrupts?.((signal) => {
      input.onEvent({ type: 'interrupt-requested', signal });
      controller.abort();
    }) ?? (() => undefined);
  try {
    const report = await applyPlan({
      plan,
      desired,
      entra: access.entra,
      directory: access.directory,
      observe: c.observe,
      ...(c.madeFrom !== null ? { madeFrom: c.madeFrom } : {}),
      tool: input.tool,
      journal,
      allow: {
        disruptive: desired.allow.disruptive || input.consent.disruptive,
        irreversible: desired.allow.irreversible || input.consent.irreversible,
        exceedDeletionThreshold: desired.allow.exceedDeletionThreshold || input.consent.exceedDeletionThreshold,
      },
      concurrency: input.concurrency,
      ...(access.triggerSync ? { triggerSync: access.triggerSync } : {}),
      pollIntervalS: desired.sync.pollIntervalS,
      signIn,
      adOutageWaitMs: input.adOutageWaitMs ?? DEFAULT_AD_OUTAGE_WAIT_MS,
      secrets,
      generatePassword: input.generatePassword,
      // Ends early (releasing its timer) on an interruption or when the waits no longer need it, so that a
      // long poll interval does not keep a finished process alive.
      sleep: (ms, cancel) =>
        new Promise<void>((r) => {
          const end = () => {
            clearTimeout(t);
            controller.signal.removeEventListener('abort', end);
            cancel?.removeEventListener('abort', end);
            r();
          };
          const t = setTimeout(end, ms);
          controller.signal.addEventListener('abort', end, { once: true });
          cancel?.addEventListener('abort', end, { once: true });
        }),
      now: input.now,
      signal: controller.signal,
      onEvent: input.onEvent,
    });
    input.onEvent({ type: 'report', report, journal: c.shownJournal, resumeCommand: resumeCommand(input) });
    return { status: report.refusal ? 'refused' : 'applied', report };
  } finally {
    stopListening();
    await journal.close();
    secrets.close();
  }
}

/** The command that runs this apply again (a saved plan resumes; a manifest plans again from the current state). */
function resumeCommand(input: ApplySessionInput): string {
  const options = (input.rerunOptions ?? []).map((o) => ` ${o}`).join('');
  return input.saved
    ? `entra-soa apply ${input.saved.file}${options}${input.journal !== undefined ? ` --journal ${input.journal}` : ''}`
    : `entra-soa apply -f ${input.desired.file}${options} (it plans again from the current state)`;
}
