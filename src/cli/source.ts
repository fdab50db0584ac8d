/**
 * Where a command's observed state comes from: a snapshot file, the lab, or the live directories.
 * Shared by `plan`, `drift` and `export` (moved here from plan.ts so that no command imports another).
 */
import type { Argv } from 'yargs';
import type { DesiredState } from '../model/desired.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { ObservedState } from '../model/observed.js';
import { observeLive } from '../observe/live.js';
import { readSnapshotStream } from '../observe/snapshot-file.js';
import { accessOptions, connectFailure, LAB_STATE_DIR, openAccess, readFailureMessage, type AccessArgs } from './access-options.js';
import type { CliIo } from './io.js';
import { OWN_OPTIONS } from './options.js';
import { openDocument } from './read-document.js';

/** The source options: a snapshot, the lab, or (neither) the live access options. */
export interface SourceArgs extends AccessArgs {
  snapshot?: string;
  lab?: boolean;
}

/** The observed state and a description of where it came from (recorded in the plan as `source`). */
export type ObservedResult = { ok: true; observed: ObservedState; source: string } | { ok: false; message: string };

/** Adds --snapshot, --lab and the live-access options to a command. */
export function sourceOptions<T>(y: Argv<T>): Argv<T & SourceArgs> {
  return accessOptions(y)
    .option('snapshot', { type: 'string', group: OWN_OPTIONS, describe: 'Read a saved state (entra-soa snapshot --out) instead of the directories' })
    .option('lab', { type: 'boolean', group: OWN_OPTIONS, describe: `Read the local lab (state in ${LAB_STATE_DIR})` }) as unknown as Argv<T & SourceArgs>;
}

/** An error message when the arguments name two sources, else null. */
export function conflictingSources(args: SourceArgs): string | null {
  return args.snapshot !== undefined && args.lab === true ? '--snapshot and --lab both name where the state comes from: pass one of them' : null;
}

/**
 * Where the observed state comes from: a snapshot file, the lab, or the live directories.
 * The only place a command decides that; everything after it is the same for every source.
 */
export async function obtainObservedState(args: SourceArgs, desired: DesiredState, io: CliIo): Promise<ObservedResult> {
  if (args.snapshot !== undefined) return readSnapshotFile(args.snapshot, io);
  let access;
  try {
    access = await openAccess(args, desired, io);
  } catch (err) {
    return { ok: false, message: `${connectFailure(err)}. To plan without directory access, pass --snapshot <file> (from entra-soa snapshot --out)` };
  }
  try {
    const observed = await observeLive({ entra: access.entra, directory: access.directory });
    return { ok: true, observed, source: access.source };
  } catch (err) {
    return { ok: false, message: readFailureMessage(err) };
  } finally {
    await access.close().catch(() => undefined);
  }
}

async function readSnapshotFile(shown: string, io: CliIo): Promise<ObservedResult> {
  // No size limit: formatVersion 2 is read as a stream; formatVersion 1 is refused past its own limit.
  const opened = await openDocument(io, shown, 'snapshot', Number.POSITIVE_INFINITY);
  if (!opened.ok) return { ok: false, message: opened.message };
  let parsed;
  try {
    parsed = await readSnapshotStream(opened.handle.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 }), shown);
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
  for (const d of parsed.diagnostics.filter((x) => x.severity === 'warning')) io.stderr(`${formatDiagnostic(d)}\n`);
  if (parsed.snapshot === null) {
    const lines = parsed.diagnostics.map(formatDiagnostic).join('\n');
    return { ok: false, message: `the snapshot ${shown} cannot be used:\n${lines}` };
  }
  const s = parsed.snapshot;
  return { ok: true, observed: s.state, source: `snapshot ${shown} (captured ${s.capturedAt} from ${s.source})` };
}
