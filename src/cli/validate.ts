import type { CommandModule } from 'yargs';
import { formatDiagnostics } from '../manifest/load.js';
import type { CliIo } from './io.js';
import { EXIT, errorLine } from './io.js';
import { manifestArgument, manifestPathOf, type ManifestArgs } from './options.js';
import { readManifest } from './read-document.js';

/** Arguments of `entra-soa validate <manifest>` (or `validate -f <manifest>`). */
export type ValidateArgs = ManifestArgs;

/**
 * `entra-soa validate <manifest>`: loads the manifest offline (no directory access), prints every
 * diagnostic to stderr, and on success `<manifest>: valid (N user rules, M group rules)` to stdout.
 * A plan, snapshot, journal or drift report given instead is named as such (read-document.ts). Exit 0 when valid (warnings
 * allowed), 1 on any error.
 */
export function validateCommand(io: CliIo, done: (code: number) => void): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate [manifest]',
    describe: 'Check a manifest (YAML syntax, schema, rule conflicts) without contacting any directory',
    builder: (y) => manifestArgument(y, 'The manifest (YAML)'),
    handler: async (argv) => {
      done(await runValidate(io, manifestPathOf(argv)));
    },
  };
}

export async function runValidate(io: CliIo, shown: string): Promise<number> {
  const loaded = await readManifest(io, shown);
  if ('wrongKind' in loaded) {
    io.stderr(errorLine('validate', loaded.wrongKind));
    return EXIT.error;
  }
  const { desired, diagnostics } = loaded;
  if (diagnostics.length > 0) io.stderr(formatDiagnostics(diagnostics));
  if (!desired) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr(`${shown}: invalid (${plural(errors, 'error')})\n`);
    return EXIT.error;
  }
  io.stdout(`${shown}: valid (${plural(desired.users.length, 'user rule')}, ${plural(desired.groups.length, 'group rule')})\n`);
  return EXIT.ok;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
