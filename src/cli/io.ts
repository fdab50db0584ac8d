/**
 * What a command may touch of the outside world. `main.ts` builds the real one from `process`;
 * commands never read `process.env` or call `process.exit` themselves, they return an exit code.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal (colour, prompts, progress bars). */
  stdoutIsTTY: boolean;
  /** True when stdin is a terminal (confirmation prompts). */
  stdinIsTTY: boolean;
  /** Ask a question on the terminal and return the answer (only called when stdinIsTTY). */
  prompt: (question: string) => Promise<string>;
  cwd: string;
  /** The current time (ISO strings in plans and journals come from here). */
  now: () => Date;
  /** Width of the terminal for help text (default 80). */
  columns?: number;
}

/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  error: 1,
  /** `plan --detailed-exitcode`: the plan has changes. */
  changes: 2,
  /** `apply`: finished, but some steps failed. */
  applyFailed: 3,
  /** `plan --detailed-exitcode`: the plan has changes that cannot be applied (blocking hazards). */
  notApplyable: 4,
} as const;

/**
 * Whether to colour the human output, by the usual conventions in this order:
 * 1. `--color` forces colour, `--no-color` turns it off (the flag is the most specific request);
 * 2. `FORCE_COLOR`: as Node.js documents it, `1`, `2`, `3`, `true` or empty force colour, any other
 *    value (`0`, `false`) turns it off; when it forces colour, NO_COLOR is ignored
 *    (https://nodejs.org/api/cli.html#force_color1-2-3);
 * 3. `NO_COLOR` set to anything but the empty string turns it off (https://no-color.org);
 * 4. otherwise colour when stdout is a terminal whose TERM is not `dumb`.
 */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force.toLowerCase());
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return io.stdoutIsTTY && io.env['TERM'] !== 'dumb';
}

/** A message without its closing full stops, to embed in a longer sentence. */
export function withoutFullStop(text: string): string {
  return text.trimEnd().replace(/\.+$/, '');
}

/**
 * One error line for a command: `entra-soa <command>: <message>.` with exactly one full stop at the
 * end, however the message (often another module's) ends.
 */
export function errorLine(command: string, message: string): string {
  const text = message.trimEnd();
  const ended = /[?!]$/.test(text) || /[^.]\.\.\.$/.test(text) ? text : `${text.replace(/[\s.:;,]+$/, '')}.`;
  return `entra-soa${command === '' ? '' : ` ${command}`}: ${ended}\n`;
}
