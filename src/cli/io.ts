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

/** Colour only on a TTY and never when NO_COLOR is set (any value) or --no-color is given. */
export function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false;
  return io.stdoutIsTTY;
}
