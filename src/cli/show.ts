/**
 * `entra-soa show <plan.json> [--format human|json|markdown] [--color|--no-color]`: print a saved plan
 * document. Exit 0 when it was read, 1 when it is missing, not a plan, or from a newer entra-soa.
 */
import type { Argv, CommandModule } from 'yargs';
import { formatDiagnostic } from '../model/diagnostic.js';
import { decodePlan, PLAN_FORMATS, renderPlan, type PlanFormat } from '../render/index.js';
import { EXIT, errorLine, useColor, type CliIo } from './io.js';
import { COLOR_OPTION, OWN_OPTIONS } from './options.js';
import { readDocument } from './read-document.js';

/** Arguments of `entra-soa show`. */
export interface ShowArgs {
  plan: string;
  format: PlanFormat;
  color?: boolean;
}

export function showCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, ShowArgs> {
  return {
    command: 'show <plan>',
    describe: 'Print a saved plan (from plan --out) as text, JSON or Markdown',
    builder: (y: Argv) =>
      y
        .positional('plan', { type: 'string', demandOption: true, describe: 'The plan file (plan --out)' })
        .option('format', { choices: PLAN_FORMATS, default: 'human', group: OWN_OPTIONS, describe: 'Output format' })
        .option('color', COLOR_OPTION) as unknown as Argv<ShowArgs>,
    handler: async (args) => {
      done(await runShow(io, args));
    },
  };
}

export async function runShow(io: CliIo, args: ShowArgs): Promise<number> {
  const read = await readDocument(io, args.plan, 'plan');
  if (!read.ok) {
    io.stderr(errorLine('show', read.message));
    return EXIT.error;
  }
  const decoded = decodePlan(read.bytes.toString('utf8'), args.plan);
  for (const d of decoded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (decoded.plan === null) return EXIT.error;
  const color = args.format === 'human' && useColor(io, args.color);
  io.stdout(renderPlan(decoded.plan, args.format, { color, planFile: args.plan }));
  return EXIT.ok;
}
