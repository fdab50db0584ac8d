/**
 * `entra-soa plan -f <manifest> [--snapshot F | --lab | live options] [--out plan.json]
 * [--format human|json|markdown] [--detailed-exitcode] [--no-color]`
 *
 * Loads the manifest, obtains the observed state (one seam: `obtainObservedState`), builds the
 * plan, saves the plan document (--out) and prints it. Exit codes: 0 no changes (or changes
 * without --detailed-exitcode), 2 changes with --detailed-exitcode, 1 on any error, including a
 * plan that carries error diagnostics.
 */
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { readInputFile } from '../manifest/input-file.js';
import { loadManifestFile } from '../manifest/load.js';
import type { DesiredState } from '../model/desired.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { ObservedState } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { observeLive } from '../observe/live.js';
import { parseSnapshot } from '../observe/snapshot.js';
import { buildPlan } from '../plan/index.js';
import { encodePlan, PLAN_FORMATS, renderPlan, type PlanFormat } from '../render/index.js';
import { accessOptions, openLabAccess, openLiveAccess, type AccessArgs } from './access-options.js';
import { LAB_STATE_DIR } from './apply.js';
import { EXIT, useColor, type CliIo } from './io.js';
import { readFailureMessage } from './snapshot.js';
import { TOOL } from './version.js';

/** Arguments of `entra-soa plan`. */
export interface PlanArgs extends AccessArgs {
  file: string;
  snapshot?: string;
  lab?: boolean;
  out?: string;
  format: PlanFormat;
  detailedExitcode: boolean;
  /** yargs turns `--no-color` into `color: false`. */
  color?: boolean;
}

/** The observed state and a description of where it came from (recorded in the plan as `source`). */
export type ObservedResult = { ok: true; observed: ObservedState; source: string } | { ok: false; message: string };

export function planCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, PlanArgs> {
  return {
    command: 'plan',
    describe: 'Compare the manifest with the directories and show the steps apply would take',
    builder: (y: Argv) =>
      accessOptions(y)
        .option('file', { alias: 'f', type: 'string', demandOption: true, describe: 'The manifest (YAML)' })
        .option('snapshot', { type: 'string', describe: 'Plan against a saved state (entra-soa snapshot --out) instead of reading the directories' })
        .option('lab', { type: 'boolean', describe: `Read the local lab (state in ${LAB_STATE_DIR})` })
        .option('out', { alias: 'o', type: 'string', describe: 'Save the plan document here (for show and apply)' })
        .option('format', { choices: PLAN_FORMATS, default: 'human', describe: 'Output format on stdout' })
        .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 2 when the plan has changes (0 none, 1 error)' })
        .option('color', { type: 'boolean', describe: 'Colour the human output (default: on a terminal without NO_COLOR; --no-color turns it off)' }) as unknown as Argv<PlanArgs>,
    handler: async (args) => {
      done(await runPlan(io, args));
    },
  };
}

/**
 * Where the observed state comes from: a snapshot file, the lab, or the live directories.
 * The only place `plan` decides that; everything after it is the same for every source.
 */
export async function obtainObservedState(args: PlanArgs, desired: DesiredState, io: CliIo): Promise<ObservedResult> {
  if (args.snapshot !== undefined) return readSnapshotFile(args.snapshot, io);
  let access;
  try {
    access = args.lab === true ? await openLabAccess(desired, io, resolve(io.cwd, LAB_STATE_DIR)) : await openLiveAccess(args, desired, io);
  } catch (err) {
    return {
      ok: false,
      message: `cannot connect: ${readFailureMessage(err)}. To plan without directory access, pass --snapshot <file> (from entra-soa snapshot --out).`,
    };
  }
  try {
    const observed = await observeLive({ entra: access.entra, directory: access.directory });
    return { ok: true, observed, source: args.lab === true ? `lab (${access.source})` : access.source };
  } catch (err) {
    return { ok: false, message: readFailureMessage(err) };
  } finally {
    await access.close().catch(() => undefined);
  }
}

async function readSnapshotFile(shown: string, io: CliIo): Promise<ObservedResult> {
  const read = await readInputFile(resolve(io.cwd, shown), shown, 'snapshot');
  if (!read.ok) return { ok: false, message: read.message };
  const text = read.bytes.toString('utf8');
  const parsed = parseSnapshot(text, shown);
  for (const d of parsed.diagnostics.filter((x) => x.severity === 'warning')) io.stderr(`${formatDiagnostic(d)}\n`);
  if (parsed.snapshot === null) {
    const lines = parsed.diagnostics.map(formatDiagnostic).join('\n');
    return { ok: false, message: `the snapshot ${shown} cannot be used:\n${lines}` };
  }
  const s = parsed.snapshot;
  return { ok: true, observed: s.state, source: `snapshot ${shown} (captured ${s.capturedAt} from ${s.source})` };
}

/** The plan command's work, returning the exit code. */
export async function runPlan(io: CliIo, args: PlanArgs): Promise<number> {
  // checked here rather than with yargs' conflicts(): main's fail handler does not stop the handler
  if (args.snapshot !== undefined && args.lab === true) {
    io.stderr('entra-soa plan: --snapshot and --lab both name where the state comes from: pass one of them.\n');
    return EXIT.error;
  }
  const loaded = await loadManifestFile(resolve(io.cwd, args.file), args.file);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (loaded.desired === null) {
    io.stderr(`entra-soa plan: the manifest ${args.file} has errors (above): fix them and plan again.\n`);
    return EXIT.error;
  }
  const desired = loaded.desired;

  const observed = await obtainObservedState(args, desired, io);
  if (!observed.ok) {
    io.stderr(`entra-soa plan: ${observed.message}\n`);
    return EXIT.error;
  }

  const plan: Plan = buildPlan({
    desired,
    observed: observed.observed,
    createdAt: io.now().toISOString(),
    tool: TOOL,
    source: observed.source,
  });

  if (args.out !== undefined) {
    const written = await writePlanFile(io, args.out, plan);
    if (written !== null) {
      io.stderr(`entra-soa plan: ${written}\n`);
      return EXIT.error;
    }
  }

  const color = args.format === 'human' && useColor(io, args.color);
  io.stdout(renderPlan(plan, args.format, { color, ...(args.out !== undefined ? { planFile: args.out } : {}) }));
  if (args.out !== undefined) {
    io.stderr(`Saved the plan to ${args.out}. Review it with \`entra-soa show ${args.out}\`; apply it with \`entra-soa apply ${args.out}\`.\n`);
  }
  return planExitCode(plan, args.detailedExitcode);
}

/** 1 when the plan has error diagnostics; 2 for changes with --detailed-exitcode; else 0. */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.diagnostics.some((d) => d.severity === 'error')) return EXIT.error;
  return detailed && plan.steps.length > 0 ? EXIT.changes : EXIT.ok;
}

/** Writes the plan document atomically; returns an error message or null. */
async function writePlanFile(io: CliIo, shown: string, plan: Plan): Promise<string | null> {
  const target = resolve(io.cwd, shown);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, encodePlan(plan), 'utf8');
    await rename(tmp, target);
    return null;
  } catch (err) {
    return `cannot write the plan to ${shown}: ${err instanceof Error ? err.message : String(err)}. Check that the folder exists and is writable.`;
  }
}
