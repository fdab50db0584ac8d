/**
 * `entra-soa show <plan.json> [--format human|json|markdown] [--color|--no-color]`: print a saved plan
 * document. Exit 0 when it was read, 1 when it is missing, not a plan, or from a newer entra-soa.
 */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { readInputFile } from '../manifest/input-file.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { decodePlan, PLAN_FORMATS, renderPlan, type PlanFormat } from '../render/index.js';
import { documentKindOf, wrongDocumentMessage } from './document-kind.js';
import { EXIT, errorLine, useColor, type CliIo } from './io.js';
import { COLOR_OPTION, OWN_OPTIONS } from './options.js';

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
  const read = await readInputFile(resolve(io.cwd, args.plan), args.plan, 'plan');
  if (!read.ok) {
    io.stderr(errorLine('show', read.message));
    return EXIT.error;
  }
  const text = read.bytes.toString('utf8');
  const kind = documentKindOf(text);
  if (kind === 'manifest' || kind === 'snapshot' || kind === 'journal') {
    io.stderr(errorLine('show', wrongDocumentMessage('plan', kind, args.plan)));
    return EXIT.error;
  }
  const decoded = decodePlan(text, args.plan);
  for (const d of decoded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (decoded.plan === null) return EXIT.error;
  const color = args.format === 'human' && useColor(io, args.color);
  io.stdout(renderPlan(decoded.plan, args.format, { color, planFile: args.plan }));
  return EXIT.ok;
}
