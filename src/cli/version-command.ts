/** `entra-soa version`: the tool's name and version (the same line `--version` prints). */
import type { CommandModule } from 'yargs';
import { EXIT, type CliIo } from './io.js';
import { VERSION_LINE } from './version.js';

export function versionCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, object> {
  return {
    command: 'version',
    describe: 'Print the version of entra-soa',
    builder: (y) => y,
    handler: () => {
      io.stdout(`${VERSION_LINE}\n`);
      done(EXIT.ok);
    },
  };
}
