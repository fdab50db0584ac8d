/**
 * `entra-soa snapshot -f manifest.yaml --out state.json`: read both sides once and save them, so that
 * plans can be made (and reviewed, and tested) without directory access.
 */
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { describeGraphError } from '../graph/errors.js';
import { loadManifestFile } from '../manifest/load.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { DirectoryError } from '../model/directory.js';
import { GraphError } from '../model/entra.js';
import { observeLive, snapshotFromObserved } from '../observe/live.js';
import { serializeSnapshot } from '../observe/snapshot.js';
import { accessOptions, openLabAccess, openLiveAccess, type AccessArgs, type LabAccess, type LiveAccess } from './access-options.js';
import { LAB_STATE_DIR } from './apply.js';
import { EXIT, type CliIo } from './io.js';

export interface SnapshotArgs extends AccessArgs {
  file: string;
  out: string;
  lab: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function snapshotCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, SnapshotArgs> {
  return {
    command: 'snapshot',
    describe: 'Read Entra ID and AD once and save the observed state (plan --snapshot reads it)',
    builder: (y: Argv) =>
      accessOptions(y)
        .option('file', { alias: 'f', type: 'string', demandOption: true, describe: 'The manifest (tenant and AD connection)' })
        .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Where to write the snapshot JSON (--out=- for stdout)' })
        .option('lab', { type: 'boolean', default: false, describe: `Read the local lab (state in ${LAB_STATE_DIR})` }),
    handler: async (args) => {
      done(await runSnapshot(io, args));
    },
  };
}

/** The message for a failure while reading (no stack trace, no secret). */
export function readFailureMessage(err: unknown): string {
  if (err instanceof GraphError) return describeGraphError(err, { step: 'read', object: 'Entra ID' });
  if (err instanceof DirectoryError) return `reading AD failed${err.dn ? ` at ${err.dn}` : ''}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export async function runSnapshot(io: CliIo, args: SnapshotArgs): Promise<number> {
  const loaded = await loadManifestFile(resolve(io.cwd, args.file), args.file);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!loaded.desired) {
    io.stderr(`entra-soa snapshot: the manifest ${args.file} has errors (above): fix them first.\n`);
    return EXIT.error;
  }
  const desired = loaded.desired;
  const started = io.now().getTime();

  let access: LiveAccess | LabAccess;
  try {
    access = args.lab ? await openLabAccess(desired, io, resolve(io.cwd, LAB_STATE_DIR), args.labIdentity !== undefined ? { identity: args.labIdentity } : {}) : await openLiveAccess(args, desired, io);
  } catch (err) {
    io.stderr(`entra-soa snapshot: cannot connect: ${readFailureMessage(err)}\n`);
    return EXIT.error;
  }
  try {
    let state;
    try {
      state = await observeLive({ entra: access.entra, directory: access.directory });
    } catch (err) {
      io.stderr(`entra-soa snapshot: ${readFailureMessage(err)}\n`);
      return EXIT.error;
    }
    const capturedAt = io.now().toISOString();
    const text = serializeSnapshot(snapshotFromObserved(state, capturedAt, access.source));
    if (args.out === '-') {
      io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    } else {
      const target = resolve(io.cwd, args.out);
      // write-then-rename: a reader never sees half a snapshot
      const tmp = `${target}.tmp-${process.pid}`;
      try {
        await writeFile(tmp, text.endsWith('\n') ? text : `${text}\n`, 'utf8');
        await rename(tmp, target);
      } catch (err) {
        io.stderr(`entra-soa snapshot: cannot write ${args.out}: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT.error;
      }
    }
    const seconds = ((io.now().getTime() - started) / 1000).toFixed(1);
    const traffic = 'traffic' in access ? ` (Graph: ${fmt(access.traffic.requests)} requests, ${access.traffic.throttled} throttled)` : '';
    io.stderr(
      `${args.out === '-' ? 'snapshot' : `wrote ${args.out}`}: ${fmt(state.entra.users.length)} Entra users, ` +
        `${fmt(state.entra.deletedUsers.length)} deleted, ${fmt(state.entra.groups.length)} groups; ` +
        `${fmt(state.ad.users.length)} AD users, ${fmt(state.ad.organizationalUnits.length)} OUs; read in ${seconds}s${traffic}\n`,
    );
    return EXIT.ok;
  } finally {
    await access.close().catch(() => undefined);
  }
}
