#!/usr/bin/env node
// Wiring only: each command lives in its own file and returns an exit code.
import { createInterface } from 'node:readline/promises';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { escapeControlChars } from '../model/escape-text.js';
import { TOOL } from './version.js';
import { applyCommand } from './apply.js';
import { labCommand } from './lab.js';
import { planCommand } from './plan.js';
import { showCommand } from './show.js';
import { snapshotCommand } from './snapshot.js';
import { validateCommand } from './validate.js';

function realIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    // Every message to stderr may quote input (paths, DNs, UPNs, yargs quoting an argument): no raw control characters.
    stderr: (t) => void process.stderr.write(escapeControlChars(t, { keepNewlines: true })),
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
  };
}

export async function main(argv: string[], io: CliIo = realIo()): Promise<number> {
  let code: number = EXIT.ok;
  const setCode = (c: number) => {
    code = c;
  };
  const parser = yargs(argv)
    .scriptName('entra-soa')
    .version(TOOL.version)
    .strict()
    .command(validateCommand(io, setCode))
    .command(planCommand(io, setCode))
    .command(showCommand(io, setCode))
    .command(snapshotCommand(io, setCode))
    .command(applyCommand(io, setCode))
    .command(labCommand(io, setCode))
    .demandCommand(1, 'Name a command: validate, plan, show, snapshot, apply or lab.')
    .recommendCommands()
    .fail((msg, err) => {
      if (err) throw err;
      io.stderr(`entra-soa: ${msg}\nRun "entra-soa --help" for usage.\n`);
      setCode(EXIT.error);
    })
    .help();
  void setCode;
  await parser.parseAsync();
  return code;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`entra-soa: unexpected error: ${escapeControlChars(err instanceof Error ? err.message : String(err))}\n`);
    process.exitCode = EXIT.error;
  },
);
