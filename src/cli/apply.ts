/**
 * `entra-soa apply <plan.json> | -f <manifest> [--auto-approve] [--format human|json] …`: reads the
 * plan (or the manifest), then runs one apply session (src/apply/session.ts: journal, lock,
 * interruptions, the executor) with the view the format names (src/render/apply-view.ts), and turns
 * how it ended into the exit code: 0 done, 3 some steps did not finish, 1 anything else.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { generatePassword } from '../ad/password.js';
import { DEFAULT_AD_OUTAGE_WAIT_MS } from '../apply/executor.js';
import { processInterrupts } from '../apply/interrupts.js';
import { runApplySession, type ApplySessionResult } from '../apply/session.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Plan } from '../model/plan.js';
import { APPLY_FORMATS, humanApplyView, jsonApplyView, type ApplyFormat } from '../render/apply-view.js';
import { decodePlan } from '../render/index.js';
import { accessOptions, connectFailure, LAB_STATE_DIR, openAccess, type AccessArgs } from './access-options.js';
import { EXIT, errorLine, useColor, type CliIo } from './io.js';
import { COLOR_OPTION, OWN_OPTIONS, wholeNumber } from './options.js';
import { readDocument, readManifest } from './read-document.js';
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
  /** What stdout carries: lines for people (default) or one JSON event per line. */
  format?: ApplyFormat;
  color?: boolean;
  /** With -f: plan only these rules or objects (as `plan --target`). */
  target?: string[];
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
        .option('format', {
          choices: APPLY_FORMATS,
          default: 'human',
          group: OWN_OPTIONS,
          describe: 'stdout: lines for people, or json: one JSON object per event (the plan, each step, the report) per line',
        })
        .option('color', COLOR_OPTION) as unknown as Argv<ApplyArgs>,
    handler: async (args) => {
      done(await runApply(io, args));
    },
  };
}

async function runApply(io: CliIo, args: ApplyArgs): Promise<number> {
  const fail = (message: string) => {
    io.stderr(errorLine('apply', message));
    return EXIT.error;
  };
  if ((args.plan === undefined) === (args.file === undefined)) {
    return fail('give either a plan file (apply plan.json) or a manifest (apply -f manifest.yaml), not both');
  }
  if (args.plan !== undefined && args.target !== undefined && args.target.length > 0) {
    return fail(`--target narrows a plan made now (apply -f); the saved plan ${args.plan} has the targets it was made with: plan again with --target to narrow it`);
  }
  const syncTriggerTimeoutS = args.syncTriggerTimeout ?? 600;
  const adOutageWaitS = args.adOutageWait ?? DEFAULT_AD_OUTAGE_WAIT_MS / 1000;
  for (const [flag, v] of [['--sync-trigger-timeout', syncTriggerTimeoutS], ['--ad-outage-wait', adOutageWaitS]] as const) {
    if (!Number.isFinite(v) || v < 0) return fail(`${flag} must be a number of seconds, 0 or more (got ${String(v)})`);
  }

  // The plan, and the manifest: given with -f, or the one the plan was made from.
  let saved: { plan: Plan; file: string } | null = null;
  let manifestPath: string;
  if (args.plan !== undefined) {
    const read = await readSavedPlan(io, args.plan);
    if (typeof read === 'string') return fail(read);
    if (read === null) return EXIT.error;
    saved = { plan: read, file: args.plan };
    manifestPath = manifestOfPlan(io, read, args.plan);
  } else {
    manifestPath = args.file as string;
  }
  const loaded = await readManifest(io, manifestPath);
  if ('wrongKind' in loaded) return fail(loaded.wrongKind);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!loaded.desired) return fail(`the manifest ${manifestPath} has errors (above): fix them and plan again`);
  const desired = loaded.desired;

  const format = args.format ?? 'human';
  const result = await runApplySession({
    saved,
    desired,
    ...(args.target !== undefined && args.target.length > 0 ? { targets: args.target } : {}),
    openAccess: (signal) =>
      openAccess(args, desired, io, { trigger: { signal, timeoutMs: syncTriggerTimeoutS * 1000 } }).catch((err: unknown) => {
        throw new Error(connectFailure(err));
      }),
    ...(args.journal !== undefined ? { journal: args.journal } : {}),
    cwd: io.cwd,
    ...(args.secretsDir !== undefined ? { secretsDir: args.secretsDir } : {}),
    consent: { disruptive: args.allowDisruptive, irreversible: args.allowIrreversible, exceedDeletionThreshold: args.allowExceedDeletionThreshold },
    concurrency: args.concurrency,
    adOutageWaitMs: adOutageWaitS * 1000,
    tool: TOOL,
    now: io.now,
    generatePassword: () => generatePassword(),
    ...(args.autoApprove ? {} : { approve: () => approve(io) }),
    onEvent: format === 'json' ? jsonApplyView(io) : humanApplyView(io, { color: useColor(io, args.color), now: io.now }),
    interrupts: processInterrupts,
    rerunOptions: args.lab ? ['--lab'] : [],
  });
  return exitCodeOf(result, io);
}

/** The saved plan, or a message (what is wrong with the file), or null when its diagnostics were printed. */
async function readSavedPlan(io: CliIo, shown: string): Promise<Plan | string | null> {
  if (!existsSync(resolve(io.cwd, shown))) return `the plan file ${shown} does not exist: run \`entra-soa plan -f <manifest> --out ${shown}\` first`;
  const read = await readDocument(io, shown, 'plan');
  if (!read.ok) {
    return `${read.message}${read.found === 'manifest' ? `; \`entra-soa apply -f ${shown}\` plans and applies it at once` : ''}`;
  }
  const decoded = decodePlan(read.bytes.toString('utf8'), shown);
  if (!decoded.plan) {
    for (const d of decoded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return null;
  }
  return decoded.plan;
}

/** The plan names the manifest as given to `plan` (relative to where it ran): tried next to the plan too. */
function manifestOfPlan(io: CliIo, plan: Plan, planShown: string): string {
  const named = plan.manifest.file;
  const besidePlan = join(dirname(resolve(io.cwd, planShown)), named);
  if (!isAbsolute(named) && !existsSync(resolve(io.cwd, named)) && existsSync(besidePlan)) return relative(io.cwd, besidePlan) || besidePlan;
  return named;
}

/** Asks at the terminal; false (after saying why) when there is none or the answer is not `yes`. */
async function approve(io: CliIo): Promise<boolean> {
  if (!io.stdinIsTTY) {
    io.stderr(errorLine('apply', 'no terminal to ask for approval: review the plan and run again with --auto-approve (e.g. in a pipeline)'));
    return false;
  }
  const answer = await io.prompt("\nApply this plan? Only 'yes' will be accepted: ");
  if (answer.trim() === 'yes') return true;
  io.stderr('Apply cancelled: nothing was changed.\n');
  return false;
}

function exitCodeOf(result: ApplySessionResult, io: CliIo): number {
  switch (result.status) {
    case 'no-changes':
      return EXIT.ok;
    case 'refused':
      return EXIT.error;
    case 'stopped':
      if (result.message !== null) io.stderr(errorLine('apply', result.message));
      return EXIT.error;
    case 'applied': {
      const { report } = result;
      const n = report.counts;
      return report.interrupted || n.failed > 0 || n.refused > 0 || n['not-run'] > 0 ? EXIT.applyFailed : EXIT.ok;
    }
  }
}
