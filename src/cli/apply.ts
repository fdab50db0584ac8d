import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { generatePassword } from '../ad/password.js';
import { applyPlan } from '../apply/executor.js';
import type { ApplyEvent } from '../apply/events.js';
import { checkPlanGate } from '../apply/gate.js';
import { openJournal, JournalMismatchError, type Journal } from '../apply/journal.js';
import { planDigest } from '../apply/plan-digest.js';
import { ProgressMeter } from '../apply/progress.js';
import { formatStepResult, summaryLines, type ApplyReport } from '../apply/report.js';
import { fileSecretSink } from '../apply/secrets.js';
import { commandTrigger } from '../apply/trigger-command.js';
import { readInputFile } from '../manifest/input-file.js';
import { loadManifestFile } from '../manifest/load.js';
import type { AllowOptions, DesiredState } from '../model/desired.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { observeLive } from '../observe/live.js';
import { buildPlan } from '../plan/index.js';
import { decodePlan, renderPlan } from '../render/index.js';
import { accessOptions, LAB_STATE_DIR, openLiveAccess, openLabAccess, type AccessArgs } from './access-options.js';
import { EXIT, useColor, type CliIo } from './io.js';
import { wholeNumber } from './options.js';
import { TOOL } from './version.js';

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
  lab: boolean;
  color?: boolean;
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
        .option('auto-approve', { type: 'boolean', default: false, describe: 'Apply without asking (pipelines)' })
        .option('journal', { type: 'string', describe: 'Journal file (default <plan>.journal, or .entra-soa/journal-<digest>.jsonl with -f)' })
        .option('secrets-dir', { type: 'string', describe: 'Folder for the 0600 file of generated passwords (default .entra-soa/secrets)' })
        .option('allow-disruptive', { type: 'boolean', default: false, describe: 'Consent to steps that interrupt users (scope removal, password reset)' })
        .option('allow-irreversible', { type: 'boolean', default: false, describe: 'Consent to irreversible steps (tenant-wide sync disable)' })
        .option('allow-exceed-deletion-threshold', { type: 'boolean', default: false, describe: 'Consent to more deletions than the accidental-deletion threshold' })
        .option('concurrency', { default: 4, requiresArg: true, coerce: wholeNumber('--concurrency', 1), describe: 'Steps run at once (a whole number, at least 1)' })
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
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) {
    io.stderr(`entra-soa apply: --concurrency must be a whole number of at least 1 (got ${String(args.concurrency)}).\n`);
    return EXIT.error;
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
    const decoded = decodePlan(read.bytes.toString('utf8'), args.plan);
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

  let access: Access;
  try {
    access = args.lab ? await openLab(io, desired, args.labIdentity) : await openLive(io, args, desired);
  } catch (e) {
    io.stderr(`entra-soa apply: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.error;
  }
  try {
    const observe = (): Promise<ObservedState> => observeLive({ entra: access.entra, directory: access.directory });
    if (!plan) {
      const observed = await observe();
      plan = buildPlan({ desired, observed, createdAt: io.now().toISOString(), source: access.source, tool: TOOL });
    }
    const allow: AllowOptions = {
      disruptive: desired.allow.disruptive || args.allowDisruptive,
      irreversible: desired.allow.irreversible || args.allowIrreversible,
      exceedDeletionThreshold: desired.allow.exceedDeletionThreshold || args.allowExceedDeletionThreshold,
    };
    return await approveAndApply(io, args, { plan, planFile, desired, access, allow, color, observe });
  } catch (e) {
    io.stderr(`entra-soa apply: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.error;
  } finally {
    await access.close();
  }
}

async function approveAndApply(
  io: CliIo,
  args: ApplyArgs,
  c: { plan: Plan; planFile: string | null; desired: DesiredState; access: Access; allow: AllowOptions; color: boolean; observe: () => Promise<ObservedState> },
): Promise<number> {
  const { plan } = c;
  io.stdout(renderPlan(plan, 'human', { color: c.color, ...(args.plan ? { planFile: args.plan } : {}) }));
  const refusal = checkPlanGate(plan, c.allow);
  if (refusal) {
    io.stderr(`${summaryLines({ planDigest: '', refusal, results: [], counts: { done: 0, skipped: 0, refused: 0, failed: 0, 'not-run': 0 }, interrupted: false, secretsFile: null }).join('\n')}\n`);
    return EXIT.error;
  }
  if (plan.steps.length === 0) {
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
  const journalPath = args.journal
    ? resolve(io.cwd, args.journal)
    : c.planFile
      ? `${c.planFile}.journal`
      : resolve(io.cwd, '.entra-soa', `journal-${digest.slice(0, 16)}.jsonl`);
  let journal: Journal;
  try {
    journal = openJournal(journalPath, digest);
  } catch (e) {
    if (e instanceof JournalMismatchError) {
      io.stderr(`entra-soa apply: ${e.message}.\n`);
      return EXIT.error;
    }
    throw e;
  }
  const shownJournal = relative(io.cwd, journalPath) || journalPath;
  if (journal.previous.size > 0) io.stderr(`Resuming from the journal ${shownJournal}: steps it records done are not run again.\n`);
  const secrets = fileSecretSink(resolve(io.cwd, args.secretsDir ?? join('.entra-soa', 'secrets')), io.now);
  const resumeCommand = c.planFile
    ? `entra-soa apply ${args.plan}${args.lab ? ' --lab' : ''}${args.journal ? ` --journal ${args.journal}` : ''}`
    : `entra-soa apply -f ${args.file}${args.lab ? ' --lab' : ''} (it plans again from the current state)`;

  const controller = new AbortController();
  const onSigint = () => {
    process.removeListener('SIGINT', onSigint);
    io.stderr('\nInterrupted: finishing the running steps and recording them (press Ctrl-C again to stop at once).\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const meter = new ProgressMeter(io.now, (l) => io.stderr(`${l}\n`));
  const lastWait = new Map<string, { message: string; at: number }>();
  const onEvent = (e: ApplyEvent) => {
    meter.onEvent(e);
    switch (e.type) {
      case 'step-finished':
        io.stdout(`${formatStepResult(e.result)}\n`);
        break;
      case 'waiting': {
        // A long wait (a tenant disable: up to 72 h) polls thousands of times: say it when it changes, else once a minute.
        const t = io.now().getTime();
        const last = lastWait.get(e.stepId);
        if (!last || last.message !== e.message || t - last.at >= 60_000) {
          lastWait.set(e.stepId, { message: e.message, at: t });
          io.stderr(`${e.stepId}: ${e.message} (next check in ${Math.round(e.nextCheckInS)}s)\n`);
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
  let report: ApplyReport;
  try {
    report = await applyPlan({
      plan,
      entra: c.access.entra,
      directory: c.access.directory,
      observe: c.observe,
      joinOptions: { sourceAnchor: c.desired.activeDirectory.sourceAnchor },
      journal,
      allow: c.allow,
      concurrency: args.concurrency,
      ...(c.access.triggerSync ? { triggerSync: c.access.triggerSync } : {}),
      pollIntervalS: c.desired.sync.pollIntervalS,
      secrets,
      generatePassword: () => generatePassword(),
      // Ends early on Ctrl-C so that a long poll interval does not keep the process alive.
      sleep: (ms) =>
        new Promise<void>((r) => {
          const t = setTimeout(r, ms);
          controller.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        }),
      now: io.now,
      signal: controller.signal,
      onEvent,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    journal.close();
    secrets.close();
  }
  const lines = summaryLines(report, { resumeCommand });
  io.stdout(`\n${lines.join('\n')}\n`);
  io.stderr(`Journal: ${shownJournal}\n`);
  if (report.refusal) return EXIT.error;
  const c2 = report.counts;
  return report.interrupted || c2.failed > 0 || c2.refused > 0 || c2['not-run'] > 0 ? EXIT.applyFailed : EXIT.ok;
}

async function openLive(io: CliIo, args: ApplyArgs, desired: DesiredState): Promise<Access> {
  const live = await openLiveAccess(args, desired, io);
  const argv = desired.sync.triggerCommand;
  return {
    ...live,
    ...(argv && argv.length > 0
      ? { triggerSync: commandTrigger(argv, { cwd: io.cwd, env: io.env, onOutput: (l) => io.stderr(`sync trigger: ${l}\n`) }) }
      : {}),
  };
}

async function openLab(io: CliIo, desired: DesiredState, identity: string | undefined): Promise<Access> {
  return openLabAccess(desired, io, resolve(io.cwd, LAB_STATE_DIR), identity !== undefined ? { identity } : {});
}
