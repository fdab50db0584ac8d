import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { loadManifestFile, formatDiagnostics } from '../manifest/load.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';

/** Arguments of `entra-soa validate <manifest>`. */
export interface ValidateArgs {
  manifest: string;
}

/**
 * `entra-soa validate <manifest>`: loads the manifest offline (no directory access), prints every
 * diagnostic to stderr, and on success `<manifest>: valid (N user rules, M group rules)` to stdout.
 * Exit 0 when valid (warnings allowed), 1 on any error.
 */
export function validateCommand(io: CliIo, done: (code: number) => void): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate <manifest>',
    describe: 'Check a manifest (YAML syntax, schema, rule conflicts) without contacting any directory',
    builder: (y) =>
      y.positional('manifest', {
        type: 'string',
        demandOption: true,
        describe: 'Path to the manifest YAML file',
      }),
    handler: async (argv) => {
      const shown = argv.manifest;
      const { desired, diagnostics } = await loadManifestFile(resolve(io.cwd, shown), shown);
      if (diagnostics.length > 0) io.stderr(formatDiagnostics(diagnostics));
      if (!desired) {
        const errors = diagnostics.filter((d) => d.severity === 'error').length;
        io.stderr(`${shown}: invalid (${plural(errors, 'error')})\n`);
        done(EXIT.error);
        return;
      }
      io.stdout(`${shown}: valid (${plural(desired.users.length, 'user rule')}, ${plural(desired.groups.length, 'group rule')})\n`);
      done(EXIT.ok);
    },
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
