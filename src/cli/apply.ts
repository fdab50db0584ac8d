import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { generatePassword } from '../ad/password.js';
import type { SignInKind } from '../apply/delegated.js';
import type { SignIn } from '../model/sign-in.js';
import { applyPlan, DEFAULT_AD_OUTAGE_WAIT_MS } from '../apply/executor.js';
import { describeFailure } from '../apply/errors.js';
import type { ApplyEvent } from '../apply/events.js';
import { openJournal, JournalMismatchError, JournalPermissionError, type Journal } from '../apply/journal.js';
import { JournalLockedError, lockJournal, type JournalLock } from '../apply/journal-lock.js';
import { planDigest } from '../apply/plan-digest.js';
import { ProgressMeter } from '../apply/progress.js';
import { formatStepResult, summaryLines } from '../apply/report.js';
import { fileSecretSink } from '../apply/secrets.js';
import { commandTrigger } from '../apply/trigger-command.js';
import { readInputFile } from '../manifest/input-file.js';
import { loadManifestFile } from '../manifest/load.js';
import type { AllowOptions, DesiredState } from '../model/desired.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { DirectoryError, type DirectoryAccess } from '../model/directory.js';
import { GraphError, type EntraAccess } from '../model/entra.js';
import { GraphEntraAccess } from '../graph/entra-access.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { observeLive } from '../observe/live.js';
import { buildPlan } from '../plan/index.js';
import { decodePlan, renderPlan } from '../render/index.js';
import { planSummaryLines } from './apply-summary.js';
import { documentKindOf, wrongDocumentMessage } from './document-kind.js';
import { tenantMismatch } from '../identity/tenant-match.js';
import { accessOptions, LAB_STATE_DIR, openLiveAccess, openLabAccess, type AccessArgs } from './access-options.js';
import { EXIT, errorLine, useColor, type CliIo } from './io.js';
import { wholeNumber } from './options.js';
import { TOOL } from '../meta/version.js';

export interface ApplyArgs extends AccessArgs {
  plan?: string;
  file?: string;
  autoApprove: boolean;
  journal?: string;
  secretsDir?: string;
  allowDisruptive: boolean;
  allowIrreversible: boolean;
  allowExceedDeletionThreshold: boolean;
  concurrency: number;
  /** Seconds; default 600. */
  syncTriggerTimeout?: number;
  /** Seconds; default DEFAULT_AD_OUTAGE_WAIT_MS / 1000. */
  adOutageWait?: number;
  lab: boolean;
  color?: boolean;
  /** With -f: plan only these rules or objects (as `plan --target`). */
  target?: string[];
}

export { LAB_STATE_DIR };

interface Access {
  entra: EntraAccess;
  directory: DirectoryAccess;
  source: string;
  triggerSync?: () => Promise<void>;
  close(): Promise<void>;
}

export function applyCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, ApplyArgs> {
  return {
    command: 'apply [plan]',
    describe: 'Apply a saved plan (or plan and apply a manifest with -f)',
    builder: (y: Argv) =>
      accessOptions(y)
        .positional('plan', { type: 'string', describe: 'A plan file written by `plan --out`' })
        .option('file', { alias: 'f', type: 'string', describe: 'Plan from this manifest now, show it, then apply it' })
        .option('target', {
          type: 'string',
          array: true,
          describe: 'With -f: plan and apply only this rule (by name), object key or user (UPN); repeatable. The plan is then partial',
        })
        .option('auto-approve', { type: 'boolean', default: false, describe: 'Apply without asking (pipelines)' })
        .option('journal', { type: 'string', describe: 'Journal file (default <plan>.journal, or .entra-soa/journal-<digest>.jsonl with -f)' })
        .option('secrets-dir', { type: 'string', describe: 'Folder for the 0600 file of generated passwords (default .entra-soa/secrets)' })
        .option('allow-disruptive', { type: 'boolean', default: false, describe: 'Consent to steps that interrupt users (scope removal, password reset)' })
        .option('allow-irreversible', { type: 'boolean', default: false, describe: 'Consent to irreversible steps (tenant-wide sync disable)' })
        .option('allow-exceed-deletion-threshold', { type: 'boolean', default: false, describe: 'Consent to more deletions than the accidental-deletion threshold' })
        .option('concurrency', { default: 4, requiresArg: true, coerce: wholeNumber('--concurrency', 1), describe: 'Steps that change something run at once (a whole number, at least 1; sync waits take no slot)' })
        .option('sync-trigger-timeout', { type: 'number', default: 600, describe: 'Seconds sync.triggerCommand may run before it is stopped (its whole process group)' })
        .option('ad-outage-wait', { type: 'number', default: DEFAULT_AD_OUTAGE_WAIT_MS / 1000, describe: 'Seconds AD steps wait for an unreachable domain controller to come back' })
        .option('lab', { type: 'boolean', default: false, describe: `Apply to the local lab (state in ${LAB_STATE_DIR})` })
        .option('color', { type: 'boolean', describe: 'Colour (default on a terminal; --no-color)' }) as unknown as Argv<ApplyArgs>,
    handler: async (args) => {
      done(await runApply(io, args));
    },
  };
}

async function runApply(io: CliIo, args: ApplyArgs): Promise<number> {
  if ((args.plan === undefined) === (args.file === undefined)) {
    io.stderr('entra-soa apply: give either a plan file (apply plan.json) or a manifest (apply -f manifest.yaml), not both.\n');
    return EXIT.error;
  }
  if (args.plan !== undefined && args.target !== undefined && args.target.length > 0) {
    io.stderr(errorLine('apply', `--target narrows a plan made now (apply -f); the saved plan ${args.plan} has the targets it was made with: plan again with --target to narrow it`));
    return EXIT.error;
  }
  const syncTriggerTimeoutS = args.syncTriggerTimeout ?? 600;
  const adOutageWaitS = args.adOutageWait ?? DEFAULT_AD_OUTAGE_WAIT_MS / 1000;
  for (const [flag, v] of [['--sync-trigger-timeout', syncTriggerTimeoutS], ['--ad-outage-wait', adOutageWaitS]] as const) {
    if (!Number.isFinite(v) || v < 0) {
      io.stderr(`entra-soa apply: ${flag} must be a number of seconds, 0 or more (got ${String(v)}).\n`);
      return EXIT.error;
    }
  }
  const color = useColor(io, args.color);

  // The manifest: given with -f, or the one the plan was made from.
  let planFile: string | null = null;
  let plan: Plan | null = null;
  let manifestPath: string;
  if (args.plan !== undefined) {
    planFile = resolve(io.cwd, args.plan);
    if (!existsSync(planFile)) {
      io.stderr(`entra-soa apply: the plan file ${args.plan} does not exist: run \`entra-soa plan -f <manifest> --out ${args.plan}\` first.\n`);
      return EXIT.error;
    }
    const read = await readInputFile(planFile, args.plan, 'plan');
    if (!read.ok) {
      io.stderr(`entra-soa apply: ${read.message}\n`);
      return EXIT.error;
    }
    const text = read.bytes.toString('utf8');
    const kind = documentKindOf(text);
    if (kind === 'manifest' || kind === 'snapshot' || kind === 'journal') {
      io.stderr(errorLine('apply', `${wrongDocumentMessage('plan', kind, args.plan)}${kind === 'manifest' ? `; \`entra-soa apply -f ${args.plan}\` plans and applies it at once` : ''}`));
      return EXIT.error;
    }
    const decoded = decodePlan(text, args.plan);
    if (!decoded.plan) {
      for (const d of decoded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.error;
    }
    plan = decoded.plan;
    manifestPath = plan.manifest.file;
    // The plan names the manifest as given to `plan` (relative to where it ran): try next to the plan too.
    const besidePlan = join(dirname(planFile), manifestPath);
    if (!isAbsolute(manifestPath) && !existsSync(resolve(io.cwd, manifestPath)) && existsSync(besidePlan)) {
      manifestPath = relative(io.cwd, besidePlan) || besidePlan;
    }
  } else {
    manifestPath = args.file as string;
  }
  const loaded = await loadManifestFile(resolve(io.cwd, manifestPath), manifestPath);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!loaded.desired) {
    io.stderr(`entra-soa apply: the manifest ${manifestPath} has errors (above): fix them and plan again.\n`);
    return EXIT.error;
  }
  const desired = loaded.desired;
  if (plan && plan.manifest.digest !== desired.digest) {
    io.stderr(
      `entra-soa apply: the manifest ${manifestPath} changed since the plan ${args.plan} was made from it: ` +
        `run \`entra-soa plan -f ${manifestPath} --out ${args.plan}\` again and review the new plan.\n`,
    );
    return EXIT.error;
  }

  // Ctrl-C (or a lost journal lock) ends waits and the sync trigger's whole process group.
  const controller = new AbortController();
  // One apply of a saved plan at a time: its journal is locked before anything is read or changed.
  let lock: JournalLock | null = null;
  if (plan && planFile) {
    const taken = await takeJournalLock(io, journalPathFor(io, args, planFile, plan), controller);
    if (typeof taken === 'number') return taken;
    lock = taken;
  }
  try {
    return await openAndApply(io, args, { plan, planFile, desired, color, controller, lock, syncTriggerTimeoutS });
  } finally {
    await lock?.release();
  }
}

/** The journal of a plan: --journal, else next to the plan file, else .entra-soa/journal-<digest>.jsonl. */
function journalPathFor(io: CliIo, args: ApplyArgs, planFile: string | null, plan: Plan): string {
  if (args.journal) return resolve(io.cwd, args.journal);
  if (planFile) return `${planFile}.journal`;
  return resolve(io.cwd, '.entra-soa', `journal-${planDigest(plan).slice(0, 16)}.jsonl`);
}

async function takeJournalLock(io: CliIo, journalPath: string, controller: AbortController): Promise<JournalLock | number> {
  const shown = relative(io.cwd, journalPath) || journalPath;
  try {
    return await lockJournal(journalPath, {
      now: io.now,
      onCompromised: () => {
        io.stderr(`\nThe lock of the journal ${shown} was lost (another process took it, or it could not be refreshed): stopping.\n`);
        controller.abort();
      },
    });
  } catch (e) {
    if (e instanceof JournalLockedError) {
      io.stderr(`entra-soa apply: ${e.message}\n`);
      return EXIT.error;
    }
    throw e;
  }
}

async function openAndApply(
  io: CliIo,
  args: ApplyArgs,
  o: { plan: Plan | null; planFile: string | null; desired: DesiredState; color: boolean; controller: AbortController; lock: JournalLock | null; syncTriggerTimeoutS: number },
): Promise<number> {
  const { desired, color, controller, planFile } = o;
  let plan = o.plan;
  let access: Access;
  try {
    access = args.lab
      ? await openLab(io, desired, args.labIdentity)
      : await openLive(io, args, desired, { signal: controller.signal, timeoutMs: o.syncTriggerTimeoutS * 1000 });
  } catch (e) {
    io.stderr(`entra-soa apply: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.error;
  }
  try {
    // Every read checks that the directories are the tenant the manifest names (before anything is planned or changed).
    const observe = async (): Promise<ObservedState> => {
      const observed = await observeLive({ entra: access.entra, directory: access.directory });
      const mismatch = tenantMismatch({ manifestFile: desired.file, manifestTenantId: desired.tenant.id, observedTenantId: observed.tenant.tenantId, source: access.source });
      if (mismatch !== null) throw new TenantMismatchError(mismatch);
      return observed;
    };
    if (!plan) {
      const observed = await observe();
      const targets = args.target ?? [];
      plan = buildPlan({ desired, observed, createdAt: io.now().toISOString(), source: access.source, tool: TOOL, ...(targets.length > 0 ? { targets } : {}) });
    }
    const allow: AllowOptions = {
      disruptive: desired.allow.disruptive || args.allowDisruptive,
      irreversible: desired.allow.irreversible || args.allowIrreversible,
      exceedDeletionThreshold: desired.allow.exceedDeletionThreshold || args.allowExceedDeletionThreshold,
    };
    return await approveAndApply(io, args, { plan, planFile, desired, access, allow, color, observe, controller, lock: o.lock });
  } catch (e) {
    // Reading the directories failed (Graph unreachable, token refused, sign-in failed, DC down): what and what to do.
    const read = e instanceof GraphError || e instanceof DirectoryError;
    io.stderr(errorLine('apply', read ? describeFailure('read Entra ID and AD', e) : e instanceof Error ? e.message : String(e)));
    return EXIT.error;
  } finally {
    await access.close().catch(() => undefined);
  }
}

async function approveAndApply(
  io: CliIo,
  args: ApplyArgs,
  c: {
    plan: Plan;
    planFile: string | null;
    desired: DesiredState;
    access: Access;
    allow: AllowOptions;
    color: boolean;
    observe: () => Promise<ObservedState>;
    controller: AbortController;
    /** Held already (a saved plan's journal is locked before access is opened). */
    lock: JournalLock | null;
  },
): Promise<number> {
  const { plan, controller } = c;
  // A saved plan was reviewed already: a summary and where to see it in full. A plan made now is shown whole.
  if (args.plan !== undefined) io.stdout(`${planSummaryLines(plan, args.plan).join('\n')}\n`);
  else io.stdout(renderPlan(plan, 'human', { color: c.color }));
  if (plan.steps.length === 0 && plan.hazards.every((h) => !h.blocking) && plan.diagnostics.every((d) => d.severity !== 'error')) {
    io.stdout('No changes: nothing to apply.\n');
    return EXIT.ok;
  }
  if (!args.autoApprove) {
    if (!io.stdinIsTTY) {
      io.stderr('entra-soa apply: no terminal to ask for approval: review the plan and run again with --auto-approve (e.g. in a pipeline).\n');
      return EXIT.error;
    }
    const answer = await io.prompt("\nApply this plan? Only 'yes' will be accepted: ");
    if (answer.trim() !== 'yes') {
      io.stderr('Apply cancelled: nothing was changed.\n');
      return EXIT.error;
    }
  }

  const digest = planDigest(plan);
  const journalPath = journalPathFor(io, args, c.planFile, plan);
  const shownJournal = relative(io.cwd, journalPath) || journalPath;
  let ownLock: JournalLock | null = null;
  if (c.lock === null) {
    const taken = await takeJournalLock(io, journalPath, controller);
    if (typeof taken === 'number') return taken;
    ownLock = taken;
  }
  try {
    let journal: Journal;
    try {
      journal = openJournal(journalPath, digest);
    } catch (e) {
      if (e instanceof JournalMismatchError || e instanceof JournalPermissionError) {
        io.stderr(`entra-soa apply: ${e.message}.\n`);
        return EXIT.error;
      }
      throw e;
    }
    if (journal.history.steps.size > 0) io.stderr(`Resuming from the journal ${shownJournal}: steps it records done are not run again.\n`);
    return await runWithJournal(io, args, c, journal, shownJournal);
  } finally {
    await ownLock?.release();
  }
}

async function runWithJournal(
  io: CliIo,
  args: ApplyArgs,
  c: { plan: Plan; planFile: string | null; desired: DesiredState; access: Access; allow: AllowOptions; observe: () => Promise<ObservedState>; controller: AbortController },
  journal: Journal,
  shownJournal: string,
): Promise<number> {
  const { plan, controller } = c;
  const secrets = fileSecretSink(resolve(io.cwd, args.secretsDir ?? join('.entra-soa', 'secrets')), io.now);
  const resumeCommand = c.planFile
    ? `entra-soa apply ${args.plan}${args.lab ? ' --lab' : ''}${args.journal ? ` --journal ${args.journal}` : ''}`
    : `entra-soa apply -f ${args.file}${args.lab ? ' --lab' : ''} (it plans again from the current state)`;

  const onSigint = () => {
    process.removeListener('SIGINT', onSigint);
    io.stderr('\nInterrupted: finishing the running steps and recording them (press Ctrl-C again to stop at once).\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const meter = new ProgressMeter(io.now, (l) => io.stderr(`${l}\n`));
  let lastWait: { message: string; at: number } | null = null;
  const onEvent = (e: ApplyEvent) => {
    meter.onEvent(e);
    switch (e.type) {
      case 'step-finished':
        io.stdout(`${formatStepResult(e.result)}\n`);
        break;
      case 'waiting': {
        // A long wait (a tenant disable: up to 72 h) polls thousands of times: say it when it changes, else once a minute.
        const t = io.now().getTime();
        if (!lastWait || lastWait.message !== e.message || t - lastWait.at >= 60_000) {
          lastWait = { message: e.message, at: t };
          const who = e.stepIds.length === 1 ? e.stepIds[0] : `${e.stepIds[0]} and ${e.stepIds.length - 1} more`;
          io.stderr(`${who}: ${e.message} (next check in ${Math.round(e.nextCheckInS)}s)\n`);
        }
        break;
      }
      case 'warning':
        io.stderr(`warning: ${e.message}\n`);
        break;
      case 'interrupted':
        io.stderr(`Stopping: ${e.running} running step(s) finish first.\n`);
        break;
      case 'start':
      case 'step-started':
        break;
    }
  };
  // Unknown when no token comes (the first read then says why the sign-in failed).
  const signIn: SignIn | SignInKind = (c.access.entra instanceof GraphEntraAccess ? await c.access.entra.signIn().catch(() => null) : null) ?? 'unknown';
  try {
    const report = await applyPlan({
      plan,
      desired: c.desired,
      entra: c.access.entra,
      directory: c.access.directory,
      observe: c.observe,
      tool: TOOL,
      journal,
      allow: c.allow,
      concurrency: args.concurrency,
      ...(c.access.triggerSync ? { triggerSync: c.access.triggerSync } : {}),
      pollIntervalS: c.desired.sync.pollIntervalS,
      signIn,
      adOutageWaitMs: (args.adOutageWait ?? DEFAULT_AD_OUTAGE_WAIT_MS / 1000) * 1000,
      secrets,
      generatePassword: () => generatePassword(),
      // Ends early (releasing its timer) on Ctrl-C or when the waits no longer need it, so that a long poll
      // interval does not keep a finished process alive.
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
      now: io.now,
      signal: controller.signal,
      onEvent,
    });
    const lines = summaryLines(report, { resumeCommand });
    if (report.refusal) {
      io.stderr(`${lines.join('\n')}\n`);
      return EXIT.error;
    }
    io.stdout(`\n${lines.join('\n')}\n`);
    io.stderr(`Journal: ${shownJournal}\n`);
    const n = report.counts;
    return report.interrupted || n.failed > 0 || n.refused > 0 || n['not-run'] > 0 ? EXIT.applyFailed : EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await journal.close();
    secrets.close();
  }
}

async function openLive(io: CliIo, args: ApplyArgs, desired: DesiredState, trigger: { signal: AbortSignal; timeoutMs: number }): Promise<Access> {
  const live = await openLiveAccess(args, desired, io);
  const argv = desired.sync.triggerCommand;
  return {
    ...live,
    ...(argv && argv.length > 0
      ? { triggerSync: commandTrigger(argv, { cwd: io.cwd, env: io.env, onOutput: (l) => io.stderr(`sync trigger: ${l}\n`), ...trigger }) }
      : {}),
  };
}

async function openLab(io: CliIo, desired: DesiredState, identity: string | undefined): Promise<Access> {
  return openLabAccess(desired, io, resolve(io.cwd, LAB_STATE_DIR), identity !== undefined ? { identity } : {});
}

/** The directories read are another tenant than the manifest's: nothing is planned or changed. */
class TenantMismatchError extends Error {
  override name = 'TenantMismatchError';
}
