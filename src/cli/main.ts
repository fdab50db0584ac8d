#!/usr/bin/env node
// The executable: the real outside world (process streams, environment, terminal) around runCli.
import { createInterface } from 'node:readline/promises';
import { hideBin } from 'yargs/helpers';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { escapeControlChars } from '../model/escape-text.js';
import { runCli } from './run-cli.js';

/**
 * A writer that goes quiet once its stream is closed: `entra-soa show plan.json | head -1` (or
 * `| less`, then q) closes the pipe, and the next write fails with EPIPE. That is the reader's
 * choice, not an error: further output is dropped and the command finishes (an apply keeps
 * recording its journal) with no stack trace.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

function realIo(): CliIo {
  const stderr = quietWhenClosed(process.stderr);
  return {
    stdout: quietWhenClosed(process.stdout),
    // Every message to stderr may quote input (paths, DNs, UPNs, yargs quoting an argument): no raw control characters.
    stderr: (t) => stderr(escapeControlChars(t, { keepNewlines: true })),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    prompt: async (q) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(q);
      } finally {
        rl.close();
      }
    },
    cwd: process.cwd(),
    now: () => new Date(),
    ...(process.stdout.isTTY && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
  };
}

const io = realIo();
runCli(hideBin(process.argv), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    io.stderr(`entra-soa: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.error;
  },
);
