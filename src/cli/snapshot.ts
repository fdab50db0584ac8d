/**
 * `entra-soa snapshot <manifest> --out state.json [--force]`: read both sides once and save them,
 * so that plans can be made (and reviewed, and tested) without directory access.
 */
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { formatDiagnostic } from '../model/diagnostic.js';
import { tenantMismatch } from '../identity/tenant-match.js';
import { observeLive, snapshotFromObserved } from '../observe/live.js';
import { writeSnapshotFile } from '../observe/snapshot-file.js';
import { chunksOf, snapshotLines } from '../observe/snapshot-lines.js';
import { accessOptions, connectFailure, LAB_STATE_DIR, openAccess, readFailureMessage, type AccessArgs, type OpenedAccess } from './access-options.js';
import { EXIT, errorLine, type CliIo } from './io.js';
import { FORCE_OPTION, manifestArgument, manifestPathOf, OWN_OPTIONS, type ManifestArgs } from './options.js';
import { readManifest } from './read-document.js';
import { checkOutTarget } from './write-document.js';

export interface SnapshotArgs extends AccessArgs {
  /** The manifest (first argument or -f). */
  file: string;
  out: string;
  lab: boolean;
  /** Let --out replace a file that is not a snapshot (or is the manifest). */
  force?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function snapshotCommand(io: CliIo, done: (exitCode: number) => void): CommandModule<object, Omit<SnapshotArgs, 'file'> & ManifestArgs> {
  return {
    command: 'snapshot [manifest]',
    describe: 'Read Entra ID and AD once and save the observed state (plan --snapshot reads it)',
    builder: (y: Argv) =>
      accessOptions(manifestArgument(y, 'The manifest (tenant and AD connection)'))
        .option('out', {
          alias: 'o',
          type: 'string',
          demandOption: true,
          group: OWN_OPTIONS,
          describe: 'Where to write the snapshot (JSON Lines, formatVersion 2; --out=- for stdout); never replaces a file that is not a snapshot',
        })
        .option('force', FORCE_OPTION)
        .option('lab', { type: 'boolean', default: false, group: OWN_OPTIONS, describe: `Read the local lab (state in ${LAB_STATE_DIR})` }) as unknown as Argv<
        Omit<SnapshotArgs, 'file'> & ManifestArgs
      >,
    handler: async (args) => {
      done(await runSnapshot(io, { ...args, file: manifestPathOf(args) }));
    },
  };
}

export async function runSnapshot(io: CliIo, args: SnapshotArgs): Promise<number> {
  const fail = (message: string) => {
    io.stderr(errorLine('snapshot', message));
    return EXIT.error;
  };
  const out = args.out === '-' ? undefined : { path: resolve(io.cwd, args.out), shown: args.out };
  if (out !== undefined) {
    const refused = await checkOutTarget(out, 'snapshot', { force: args.force === true, inputs: [{ path: resolve(io.cwd, args.file), role: 'the manifest' }] });
    if (refused !== null) return fail(refused);
  }
  const loaded = await readManifest(io, args.file);
  if ('wrongKind' in loaded) return fail(loaded.wrongKind);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!loaded.desired) return fail(`the manifest ${args.file} has errors (above): fix them first`);
  const desired = loaded.desired;
  const started = io.now().getTime();

  let access: OpenedAccess;
  try {
    access = await openAccess(args, desired, io);
  } catch (err) {
    return fail(connectFailure(err));
  }
  try {
    let state;
    try {
      state = await observeLive({ entra: access.entra, directory: access.directory });
    } catch (err) {
      return fail(readFailureMessage(err));
    }
    const mismatch = tenantMismatch({ manifestFile: args.file, manifestTenantId: desired.tenant.id, observedTenantId: state.tenant.tenantId, source: access.source });
    if (mismatch !== null) return fail(mismatch);
    const capturedAt = io.now().toISOString();
    const snapshot = snapshotFromObserved(state, capturedAt, access.source);
    if (out === undefined) {
      for (const chunk of chunksOf(snapshotLines(snapshot))) io.stdout(chunk);
    } else {
      try {
        await writeSnapshotFile(out.path, snapshot);
      } catch (err) {
        return fail(`cannot write ${out.shown}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const seconds = ((io.now().getTime() - started) / 1000).toFixed(1);
    const traffic = ` (Graph: ${fmt(access.traffic.requests)} requests, ${access.traffic.throttled} throttled)`;
    io.stderr(
      `${out === undefined ? 'snapshot' : `wrote ${out.shown}`}: ${fmt(state.entra.users.length)} Entra users, ` +
        `${fmt(state.entra.deletedUsers.length)} deleted, ${fmt(state.entra.groups.length)} groups; ` +
        `${fmt(state.ad.users.length)} AD users, ${fmt(state.ad.organizationalUnits.length)} OUs; read in ${seconds}s${traffic}\n`,
    );
    return EXIT.ok;
  } finally {
    await access.close().catch(() => undefined);
  }
}
