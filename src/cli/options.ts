/**
 * Option definitions and checks the commands share: how a manifest is named (first argument or
 * `-f`), whole-number options, options that name an environment variable, colour and `--force`.
 * A value that fails a check throws a `UsageError`, which stops the command with exit 1 before
 * anything is read or written (run-cli.ts).
 */
import type { Argv, Options } from 'yargs';
import { ENV_NAME } from '../graph/credentials.js';

/** The command line itself is wrong (unknown option, bad value, missing argument). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The help group of a command's own options (listed before the shared "Live access:" group). */
export const OWN_OPTIONS = 'Options:';

/**
 * Every option whose name ends in `-env` names an environment variable. A value that is not a
 * variable name is refused, and the message never repeats it: it may be the secret itself, given in
 * place of its variable's name.
 */
export function checkEnvNameOptions(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (!key.endsWith('-env') || value === undefined) continue;
    const flag = `--${key}`;
    if (Array.isArray(value)) throw new UsageError(`${flag} was given more than once: give it once`);
    if (typeof value !== 'string' || value === '') {
      throw new UsageError(`${flag} needs the NAME of an environment variable, e.g. ${flag} ${exampleEnvName(key)}`);
    }
    if (!ENV_NAME.test(value)) {
      throw new UsageError(
        `${flag} takes the NAME of an environment variable (letters, digits and _, not starting with a digit), ` +
          `not its value; the value given is not repeated here. Put the value in a variable and name it: ` +
          `export ${exampleEnvName(key)}=… and pass ${flag} ${exampleEnvName(key)}`,
      );
    }
  }
}

function exampleEnvName(key: string): string {
  return `ENTRA_SOA_${key.replace(/-env$/, '').replace(/-/g, '_').toUpperCase()}`;
}

/**
 * An option given twice becomes an array in yargs; an option of ours takes one value unless it is
 * declared `array` (listed in `arrays`), so a repeated one is refused instead of half-used
 * (`--out a --out b`). One-letter aliases and yargs' camelCase copies carry the same array as the
 * long name, which is the one reported.
 */
export function checkRepeatedOptions(argv: Record<string, unknown>, arrays: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (key === '_' || key.length === 1 || /[A-Z]/.test(key) || !Array.isArray(value) || arrays.has(key)) continue;
    throw new UsageError(`--${key} was given more than once: give it once`);
  }
}

/** A number option (`type: 'number'`) given something that is not a number arrives as NaN: refuse it. */
export function checkNumberOptions(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (key.length > 1 && !/[A-Z]/.test(key) && typeof value === 'number' && Number.isNaN(value)) throw new UsageError(`--${key} needs a number`);
  }
}

/** A yargs `coerce` for a whole-number option (`--concurrency`, `--port`): says what it expected. */
export function wholeNumber(flag: string, min: number): (value: unknown) => number {
  return (value: unknown) => {
    if (Array.isArray(value)) throw new UsageError(`${flag} was given more than once: give it once`);
    const text = String(value);
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`${flag} must be a whole number of at least ${min} (got ${text})`);
    }
    return n;
  };
}

/** Arguments of a command that reads a manifest: as its first argument, or with `-f`. */
export interface ManifestArgs {
  manifest?: string;
  file?: string;
}

/**
 * Adds the manifest as an optional first argument and as `-f/--file`; exactly one is required
 * (checked before the command runs). `command` is e.g. `plan [manifest]`.
 */
export function manifestArgument<T>(y: Argv<T>, describe: string): Argv<T & ManifestArgs> {
  return y
    .positional('manifest', { type: 'string', describe: `${describe} (or give it with -f)` })
    .option('file', { alias: 'f', type: 'string', group: OWN_OPTIONS, describe: `${describe} (the same as giving it as the first argument)` })
    .check((a) => {
      manifestPathOf(a as ManifestArgs);
      return true;
    }) as unknown as Argv<T & ManifestArgs>;
}

/** The manifest named on the command line (first argument or -f). Throws a UsageError when none or two differ. */
export function manifestPathOf(a: ManifestArgs): string {
  const { manifest, file } = a;
  if (manifest !== undefined && file !== undefined && manifest !== file) {
    throw new UsageError(`the manifest is named twice (${manifest} and -f ${file}): give one`);
  }
  const path = file ?? manifest;
  if (path === undefined || path === '') throw new UsageError('name the manifest: as the first argument (manifest.yaml) or with -f manifest.yaml');
  return path;
}

/** `--color` / `--no-color` (see useColor in io.ts for the rules). */
export const COLOR_OPTION: Options = {
  type: 'boolean',
  group: OWN_OPTIONS,
  describe: 'Colour the human output: --color forces it, --no-color turns it off (default: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)',
};

/** `--force`: let --out replace a file that is not a document of the same kind. */
export const FORCE_OPTION: Options = {
  type: 'boolean',
  default: false,
  group: OWN_OPTIONS,
  describe: 'Let --out replace a file that is not an entra-soa document of the same kind (or is the manifest or the input snapshot)',
};
