/**
 * The command line, parsed so that it fails closed: an unknown or misspelt option, an unknown
 * command, a missing or repeated argument, or a value of the wrong shape stops the command with
 * exit 1 before its handler runs, so nothing is read or written. Help and version go to stdout.
 */
import yargs, { type Argv, type CommandModule } from 'yargs';
import { closestName } from '../model/closest-name.js';
import { COMMANDS, type CommandFactory } from './commands.js';
import { EXIT, errorLine, type CliIo } from './io.js';
import { checkEnvNameOptions, checkNumberOptions, checkRepeatedOptions, OWN_OPTIONS, UsageError } from './options.js';
import { VERSION_LINE } from './version.js';

/** Options that users reach for but entra-soa does not have, and what to do instead. */
const MISSING_OPTION_HINTS: Readonly<Record<string, string>> = {
  'dry-run': 'a plan is the dry run: `entra-soa plan <manifest>` shows what apply would do, and apply does exactly a saved plan',
};

/** Runs `entra-soa <argv>` and returns the exit code. Never exits the process itself. */
export async function runCli(given: readonly string[], io: CliIo, commands: readonly CommandFactory[] = COMMANDS): Promise<number> {
  const argv = withDashValues(given);
  let code: number = EXIT.ok;
  const setCode = (c: number) => {
    code = c;
  };
  const modules = commands.map((f) => f(io, setCode));
  const names = modules.map((m) => commandName(m));
  /** The options each command declares (filled in as yargs builds the command that runs); '' is the top level. */
  const declared = new Map<string, DeclaredOptions>([['', { names: ['help', 'version'], keys: new Set(['help', 'h', 'version']), arrays: new Set() }]]);

  const parser = yargs([...argv])
    .scriptName('entra-soa')
    .locale('en')
    .usage('entra-soa <command> [options]\n\nDeclarative source of authority between on-premises AD and Microsoft Entra ID.')
    .strict()
    .exitProcess(false)
    .wrap(Math.min(io.columns ?? 80, 120))
    .version('version', 'Show the version', VERSION_LINE)
    .help('help', 'Show help')
    .alias('help', 'h')
    .demandCommand(1, `name a command: ${names.join(', ')}`)
    .check((a) => {
      const command = names.find((n) => n === firstWord(argv)) ?? '';
      checkRepeatedOptions(a, declared.get(command)?.arrays ?? new Set());
      checkEnvNameOptions(a);
      checkNumberOptions(a);
      return true;
    }, true)
    .fail((msg, err) => {
      if (err instanceof UsageError) throw err;
      // yargs' own validation errors are YErrors; anything else is a command that crashed.
      if (err && err.name !== 'YError') throw err;
      throw new ParseError(msg ?? err?.message ?? 'the command line is not valid');
    });
  for (const m of modules) parser.command(withOwnOptionsFirst(m, declared));

  let output = '';
  try {
    await parser.parseAsync([...argv], {}, (_err, _argv, out) => {
      output = out;
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const word = firstWord(argv);
    const command = names.find((n) => n === word) ?? '';
    const options = declared.get(command) ?? { names: [], keys: new Set<string>() };
    // An unknown option is the cause to report first (yargs may have stopped at what it displaced, e.g. a missing --out).
    const unknown = command !== '' || word === undefined ? unknownOptions(argv, options.keys) : [];
    const message =
      unknown.length > 0
        ? unknown.map((token) => unknownOption(token, options.names)).join('; ')
        : err instanceof ParseError
          ? describeParseError(err.message, argv, command, names, options.names)
          : err.message;
    io.stderr(errorLine(command, message));
    io.stderr(`Nothing was read or written. See \`entra-soa ${command === '' ? '' : `${command} `}--help\`.\n`);
    return EXIT.error;
  }
  if (output !== '') io.stdout(`${output}\n`);
  return code;
}

/** A command's options: long names (for "did you mean") and every key including aliases. */
interface DeclaredOptions {
  names: string[];
  keys: ReadonlySet<string>;
  /** Options declared `array: true`: they may be given more than once. */
  arrays: ReadonlySet<string>;
}

/**
 * `--out -` means stdout, as `--out=-` does: yargs would take a lone `-` for an argument of its own
 * (and then miss the option's value).
 */
function withDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (/^--[a-z][a-z-]*$/.test(a) && argv[i + 1] === '-') {
      out.push(`${a}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** A command line yargs itself refused (unknown option, missing argument, bad choice). */
class ParseError extends UsageError {}

function commandName(m: CommandModule<unknown, unknown>): string {
  const command: unknown = Array.isArray(m.command) ? (m.command as unknown[])[0] : m.command;
  return (typeof command === 'string' ? command : '').split(' ')[0] ?? '';
}

function firstWord(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/**
 * The command with its options in `--help` in this order: positionals, its own options, then the
 * shared groups ("Live access:") and help; and its option names recorded for "did you mean".
 */
function withOwnOptionsFirst(m: CommandModule<unknown, unknown>, declared: Map<string, DeclaredOptions>): CommandModule<unknown, unknown> {
  const builder = m.builder;
  return {
    ...m,
    builder: (y: Argv<unknown>) => {
      y.group([], 'Positionals:');
      y.group([], OWN_OPTIONS);
      // Our builders return the instance they were given (never a promise).
      const built = (typeof builder === 'function' ? (builder(y) ?? y) : builder !== undefined ? y.options(builder) : y) as Argv<unknown>;
      const state = yargsState(built);
      const grouped = new Set(Object.values(state.getGroups()).flat());
      const options = state.getOptions();
      const aliases = new Set(Object.values(options.alias).flat());
      const keys = Object.keys(options.key).filter((k) => !aliases.has(k));
      built.group(keys.filter((k) => !grouped.has(k) && k !== 'help' && k !== 'version'), OWN_OPTIONS);
      declared.set(commandName(m), { names: keys.filter((k) => k.length > 1), keys: new Set([...keys, ...aliases]), arrays: new Set(options.array) });
      return built;
    },
  };
}

/** yargs 18 has `getOptions()` and `getGroups()` on every instance; @types/yargs 17 does not declare them. */
interface YargsState {
  getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]>; array: string[] };
  getGroups(): Record<string, string[]>;
}
function yargsState(y: Argv<unknown>): YargsState {
  return y as unknown as YargsState;
}

/** yargs' message, said the entra-soa way, with "did you mean" where one fits. */
function describeParseError(message: string, argv: readonly string[], command: string, commands: readonly string[], options: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/s.exec(message);
  if (unknown) {
    const given = (unknown[1] ?? '').split(', ');
    const first = firstWord(argv);
    if (command === '' && first !== undefined && given.includes(first)) return unknownCommand(first, commands);
    const flags = given.filter((n) => !/[A-Z]/.test(n) || !given.includes(kebab(n))).filter((n) => flagToken(argv, n) !== undefined);
    const extra = given.length > 0 && flags.length === 0;
    if (extra) return `too many arguments for ${command === '' ? 'entra-soa' : command} (the extra ones are not repeated here)`;
    return flags.map((n) => unknownOption(flagToken(argv, n) ?? `--${n}`, options)).join('; ');
  }
  const choice = /Argument: (\S+), Given: "(.*)", Choices: (.+)$/s.exec(message);
  if (choice) {
    const [, name = '', value = '', list = ''] = choice;
    const choices = list.split(', ').map((c) => c.replace(/^"|"$/g, ''));
    const guess = closestName(value, choices);
    const what = options.includes(name) && !isPositional(argv, value, name) ? `--${name}` : name;
    return `${what} must be one of ${choices.join(', ')} (got ${value})${guess !== undefined ? `; did you mean ${guess}?` : ''}`;
  }
  const missingValue = /^Not enough arguments following: (.+)$/.exec(message);
  if (missingValue) return `--${missingValue[1] ?? ''} needs a value`;
  const missingArg = /^Missing required arguments?: (.+)$/.exec(message);
  if (missingArg) return `missing ${(missingArg[1] ?? '').split(', ').map((n) => (options.includes(n) ? `--${n}` : `<${n}>`)).join(', ')}`;
  if (/^Not enough non-option arguments/.test(message)) return `missing an argument: see the usage line of \`entra-soa ${command} --help\``;
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function unknownCommand(word: string, commands: readonly string[]): string {
  if (!/^[A-Za-z][\w-]{0,40}$/.test(word)) return `unknown command (not repeated here): the commands are ${commands.join(', ')}`;
  if (word === 'help') return 'there is no help command: `entra-soa --help` lists the commands, `entra-soa <command> --help` the options of one';
  const guess = closestName(word, commands);
  return `unknown command "${word}"${guess !== undefined ? `: did you mean ${guess}?` : `: the commands are ${commands.join(', ')}`}`;
}

function unknownOption(token: string, options: readonly string[]): string {
  const name = token.replace(/^-+/, '');
  const hint = MISSING_OPTION_HINTS[name];
  if (hint !== undefined) return `there is no ${token} option: ${hint}`;
  const negated = name.startsWith('no-') && !options.includes(name);
  const base = negated ? name.slice(3) : name;
  const prefixed = base.length >= 3 ? options.find((o) => o.startsWith(base)) : undefined;
  const guess = closestName(base, options) ?? prefixed;
  return `unknown option ${token}${guess !== undefined ? `: did you mean --${negated ? 'no-' : ''}${guess}?` : ''}`;
}

/** The options on the command line (as written, without `=value`) that the command does not declare. */
function unknownOptions(argv: readonly string[], known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const a of argv) {
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) continue;
    const token = a.replace(/=.*$/s, '');
    if (!token.startsWith('--') && token.length > 2) {
      for (const letter of token.slice(1)) if (!known.has(letter)) out.push(`-${letter}`);
      continue;
    }
    const name = token.replace(/^-+/, '');
    const bare = kebab(name).replace(/^no-/, '');
    if (known.has(name) || known.has(kebab(name)) || known.has(bare)) continue;
    out.push(token);
  }
  return [...new Set(out)];
}

/** How the user wrote an unknown option (`--fromat`, `-x`, `--no-colour`), or undefined for a stray positional. */
function flagToken(argv: readonly string[], name: string): string | undefined {
  for (const a of argv) {
    const key = a.replace(/=.*$/s, '');
    if (key === `--${name}` || key === `-${name}` || key === `--no-${name}`) return key;
    if (/^-[A-Za-z]+$/.test(a) && name.length === 1 && a.includes(name)) return `-${name}`;
  }
  return undefined;
}

function kebab(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function isPositional(argv: readonly string[], value: string, name: string): boolean {
  return !argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`)) && argv.includes(value);
}
