/**
 * Every command of entra-soa, in the order `--help` lists them. A command is one file exporting a
 * factory `(io, done) => CommandModule`; adding a command is adding its factory here.
 */
import type { CommandModule } from 'yargs';
import { applyCommand } from './apply.js';
import { driftCommand } from './drift.js';
import { exportCommand } from './export.js';
import type { CliIo } from './io.js';
import { labCommand } from './lab.js';
import { planCommand } from './plan.js';
import { showCommand } from './show.js';
import { snapshotCommand } from './snapshot.js';
import { validateCommand } from './validate.js';
import { versionCommand } from './version-command.js';

/** Builds a command bound to the outside world (`io`) and the exit-code setter (`done`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own argument type
export type CommandFactory = (io: CliIo, done: (exitCode: number) => void) => CommandModule<any, any>;

export const COMMANDS: readonly CommandFactory[] = [
  validateCommand,
  planCommand,
  showCommand,
  snapshotCommand,
  applyCommand,
  driftCommand,
  exportCommand,
  labCommand,
  versionCommand,
];
