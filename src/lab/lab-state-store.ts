/**
 * Persistence of a lab between runs: one JSON file in the state folder, written atomically
 * (temporary file in the same folder, then rename), read back on start.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemoryDirectoryJson } from './memory-directory.js';
import type { LabTenantData } from './tenant/records.js';
import type { LabSyncConfig } from './seed.js';

/** The file name inside the state folder. */
const LAB_STATE_FILE = 'lab-state.json';

/** What a saved lab holds. */
export interface LabStateDocument {
  kind: 'entra-soa/lab-state';
  formatVersion: 1;
  /** Wall-clock time of the save (ISO 8601), for people. */
  savedAt: string;
  /** The seed the lab started from (path as given), for people and `reset`. */
  seedPath: string;
  /** PRNG state of the tenant's id generator. */
  randomState: number;
  syncConfig: LabSyncConfig;
  /** Lab time of the last scheduled (or triggered) sync cycle. */
  lastSyncCycleAt: string | null;
  /** Sync cycles the lab has run since it started from the seed (absent in older files: 0). */
  syncCycleCount?: number;
  tenant: LabTenantData;
  /** The in-memory AD; null when the lab used an external AD (Samba / a real DC). */
  directory: MemoryDirectoryJson | null;
}

/** Path of the state file in `stateDir`. */
export function labStatePath(stateDir: string): string {
  return join(stateDir, LAB_STATE_FILE);
}

/** Read the saved lab, or null when the folder has none. Throws on a damaged or foreign file. */
export async function loadLabState(stateDir: string): Promise<LabStateDocument | null> {
  const path = labStatePath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the lab state ${path}: ${(e as Error).message}`, { cause: e });
  }
  let doc: Partial<LabStateDocument>;
  try {
    doc = JSON.parse(text) as Partial<LabStateDocument>;
  } catch (e) {
    throw new Error(`the lab state ${path} is not JSON (${(e as Error).message}); delete it or run "entra-soa lab reset"`, { cause: e });
  }
  if (doc.kind !== 'entra-soa/lab-state' || doc.formatVersion !== 1 || !doc.tenant || !doc.syncConfig) {
    throw new Error(`${path} is not an entra-soa lab state (formatVersion 1); delete it to start from the seed again`);
  }
  return doc as LabStateDocument;
}

/**
 * Write the lab state atomically (a reader sees the old file or the new one, never half of one).
 * `doc` is serialised before the first await: it may be a view of live objects (LabTenant.view()),
 * and what is written is their state at the call.
 */
export async function saveLabState(stateDir: string, doc: Readonly<LabStateDocument>): Promise<string> {
  const text = JSON.stringify(doc) + '\n';
  await mkdir(stateDir, { recursive: true });
  const path = labStatePath(stateDir);
  const tmp = join(stateDir, `.${LAB_STATE_FILE}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return path;
}

/** The lock file a running lab holds in its state folder. */
export const LAB_LOCK_FILE = 'lab.lock';

/**
 * Take the state folder for this process: two labs on one folder would overwrite each other's
 * state. A lock left by a process that no longer exists is taken over. Returns the release function.
 */
export async function lockLabState(stateDir: string, pid: number = process.pid): Promise<() => Promise<void>> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, LAB_LOCK_FILE);
  if (heldLocks.has(path)) {
    throw new Error(`another lab in this process is using the state folder ${stateDir}: close it first, or use another state folder`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${pid}\n`, { flag: 'wx', mode: 0o600 });
      heldLocks.add(path);
      return async () => {
        if (!heldLocks.delete(path)) return;
        const owner = await readFile(path, 'utf8').catch(() => '');
        if (owner.trim() === String(pid)) await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== pid && processExists(owner)) {
        throw new Error(
          `another lab (process ${owner}) is using the state folder ${stateDir}: stop it first (Ctrl-C on "entra-soa lab up"), or use another state folder`,
          { cause: e },
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`cannot take the lab state folder ${stateDir} (lock file ${path})`);
}

/** Lock files held by labs of this process. */
const heldLocks = new Set<string>();

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: an existence check, nothing is sent
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
