/**
 * A CliIo (src/cli/io.ts) for running a command in-process with its output captured. Defaults: no
 * environment, no TTY, '' as the answer to a prompt, the clock at 2026-11-21T12:00:00Z; `over`
 * replaces any of them. `mergeStderr` writes stderr into `out` too (one transcript, as a terminal shows it).
 */
import type { CliIo } from '../../src/cli/io.js';
import { cliTranscript } from './test-artifacts.js';

export interface CapturedIo {
  io: CliIo;
  /** What the command wrote to stdout, chunk by chunk (and stderr too with `mergeStderr`). */
  out: string[];
  /** What the command wrote to stderr (the same array as `out` with `mergeStderr`). */
  err: string[];
  /** stdout so far, joined. */
  text(): string;
  /** stderr so far, joined. */
  errors(): string;
}

export function captureIo(cwd: string, over: Partial<CliIo> = {}, opts: { mergeStderr?: boolean } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = opts.mergeStderr ? out : [];
  const record = cliTranscript('an in-process command');
  const io: CliIo = {
    stdout: (t) => {
      out.push(t);
      record('stdout', t);
    },
    stderr: (t) => {
      err.push(t);
      record('stderr', t);
    },
    env: {},
    stdoutIsTTY: false,
    stdinIsTTY: false,
    prompt: async () => '',
    cwd,
    now: () => new Date('2026-11-21T12:00:00Z'),
    ...over,
  };
  return { io, out, err, text: () => out.join(''), errors: () => err.join('') };
}
