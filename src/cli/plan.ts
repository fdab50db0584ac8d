/**
 * `entra-soa plan <manifest> [--snapshot F | --lab | live options] [--out plan.json [--force]]
 * [--format human|json|markdown] [--detailed-exitcode] [--color|--no-color]`
 *
 * Loads the manifest, obtains the observed state (one seam: `obtainObservedState`), checks that it
 * is the manifest's tenant, builds the plan, saves the plan document (--out) and prints it. Exit
 * codes: 0 no changes (or changes without --detailed-exitcode), 2 changes with --detailed-exitcode,
 * 4 with --detailed-exitcode when blocking hazards keep the plan from being applied, 1 on any error,
 * including a plan that carries error diagnostics. `--target` (repeatable) narrows the plan to rules,
 * objects or users.
 */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Plan } from '../model/plan.js';
import { buildPlan } from '../plan/index.js';
import { encodePlanChunks, PLAN_FORMATS, writePlan, type PlanFormat } from '../render/index.js';
import { accessOptions, LAB_STATE_DIR, type AccessArgs } from './access-options.js';
import { conflictingSources, obtainObservedState } from './source.js';
import { EXIT, errorLine, useColor, withoutFullStop, type CliIo } from './io.js';
import { COLOR_OPTION, FORCE_OPTION, manifestArgument, manifestPathOf, OWN_OPTIONS, type ManifestArgs } from './options.js';
import { tenantMismatch } from '../identity/tenant-match.js';
import { TOOL } from '../meta/version.js';
import { readManifest } from './read-document.js';
import { checkOutTarget, writeDocumentChunks } from './write-document.js';

/** Arguments of `entra-soa plan`. */
export interface PlanArgs extends AccessArgs {
  /** The manifest (first argument or -f). */
  file: string;
  snapshot?: string;
  lab?: boolean;
  out?: string;
  /** Let --out replace a file that is not a plan (or is an input). */
  force?: boolean;
  format: PlanFormat;
  detailedExitcode: boolean;
  /** Rule names, object keys or UPNs to narrow the plan to (`--target`, repeatable). */
  target?: string[];
  /** yargs turns `--no-color` into `color: false`. */
  color?: boolean;
}

export function planCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, Omit<PlanArgs, 'file'> & ManifestArgs> {
  return {
    command: 'plan [manifest]',
    describe: 'Compare the manifest with the directories and show the steps apply would take',
    builder: (y: Argv) =>
      accessOptions(manifestArgument(y, 'The manifest (YAML)'))
        .option('snapshot', { type: 'string', group: OWN_OPTIONS, describe: 'Plan against a saved state (entra-soa snapshot --out) instead of reading the directories' })
        .option('lab', { type: 'boolean', group: OWN_OPTIONS, describe: `Read the local lab (state in ${LAB_STATE_DIR})` })
        .option('out', { alias: 'o', type: 'string', group: OWN_OPTIONS, describe: 'Save the plan document here (for show and apply); never replaces a file that is not a plan' })
        .option('force', FORCE_OPTION)
        .option('format', { choices: PLAN_FORMATS, default: 'human', group: OWN_OPTIONS, describe: 'Output format on stdout' })
        .option('detailed-exitcode', {
          type: 'boolean',
          default: false,
          group: OWN_OPTIONS,
          describe: 'Exit 2 when the plan has changes, 4 when it has changes or problems that cannot be applied (0 none, 1 error)',
        })
        .option('target', {
          type: 'string',
          array: true,
          group: OWN_OPTIONS,
          describe: 'Plan only this rule (by name), object key (user/<upn>, group/<id>, tenant) or user (UPN); repeatable. The plan is then partial',
        })
        .option('color', COLOR_OPTION) as unknown as Argv<Omit<PlanArgs, 'file'> & ManifestArgs>,
    handler: async (args) => {
      done(await runPlan(io, { ...args, file: manifestPathOf(args) }));
    },
  };
}

/** The plan command's work, returning the exit code. */
export async function runPlan(io: CliIo, args: PlanArgs): Promise<number> {
  const fail = (message: string) => {
    io.stderr(errorLine('plan', message));
    return EXIT.error;
  };
  const conflict = conflictingSources(args);
  if (conflict !== null) return fail(conflict);
  const out = args.out !== undefined ? { path: resolve(io.cwd, args.out), shown: args.out } : undefined;
  if (out !== undefined) {
    const refused = await checkOutTarget(out, 'plan', {
      force: args.force === true,
      inputs: [
        { path: resolve(io.cwd, args.file), role: 'the manifest' },
        ...(args.snapshot !== undefined ? [{ path: resolve(io.cwd, args.snapshot), role: 'the input snapshot' }] : []),
      ],
    });
    if (refused !== null) return fail(refused);
  }
  const loaded = await readManifest(io, args.file);
  if ('wrongKind' in loaded) return fail(loaded.wrongKind);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (loaded.desired === null) return fail(`the manifest ${args.file} has errors (above): fix them and plan again`);
  const desired = loaded.desired;

  const observed = await obtainObservedState(args, desired, io);
  if (!observed.ok) return fail(observed.message);
  const mismatch = tenantMismatch({
    manifestFile: args.file,
    manifestTenantId: desired.tenant.id,
    observedTenantId: observed.observed.tenant.tenantId,
    source: observed.source,
  });
  if (mismatch !== null) return fail(mismatch);

  const plan: Plan = buildPlan({
    desired,
    observed: observed.observed,
    createdAt: io.now().toISOString(),
    tool: TOOL,
    source: observed.source,
    ...(args.target !== undefined && args.target.length > 0 ? { targets: args.target } : {}),
  });

  if (out !== undefined) {
    try {
      await writeDocumentChunks(out.path, encodePlanChunks(plan));
    } catch (err) {
      return fail(`cannot write the plan to ${out.shown}: ${withoutFullStop(err instanceof Error ? err.message : String(err))}. Check that the folder exists and is writable`);
    }
  }

  const color = args.format === 'human' && useColor(io, args.color);
  writePlan(plan, args.format, { color, ...(out !== undefined ? { planFile: out.shown } : {}) }, io.stdout);
  if (out !== undefined) {
    io.stderr(`Saved the plan to ${out.shown}. Review it with \`entra-soa show ${out.shown}\`; apply it with \`entra-soa apply ${out.shown}\`.\n`);
  }
  return planExitCode(plan, args.detailedExitcode);
}

/**
 * 1 when the plan has error diagnostics. With --detailed-exitcode: 4 when the plan is not applyable
 * (blocking hazards: changes that cannot be applied, even when no step could be planned, so a
 * pipeline never reads them as "no changes"), 2 for applyable changes, 0 for none. Else 0.
 */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.diagnostics.some((d) => d.severity === 'error')) return EXIT.error;
  if (!detailed) return EXIT.ok;
  if (!plan.applyable) return EXIT.notApplyable;
  return plan.steps.length > 0 ? EXIT.changes : EXIT.ok;
}
