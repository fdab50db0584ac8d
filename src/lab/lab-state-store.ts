/**
 * Persistence of a lab between runs: one JSON file in the state folder, written atomically
 * (temporary file in the same folder, then rename), read back on start.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemoryDirectoryJson } from './memory-directory.js';
import type { LabTenantData } from './tenant.js';
import type { LabSyncConfig } from './seed.js';

/** The file name inside the state folder. */
export const LAB_STATE_FILE = 'lab-state.json';

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
    throw new Error(`cannot read the lab state ${path}: ${(e as Error).message}`);
  }
  let doc: Partial<LabStateDocument>;
  try {
    doc = JSON.parse(text) as Partial<LabStateDocument>;
  } catch (e) {
    throw new Error(`the lab state ${path} is not JSON (${(e as Error).message}); delete it or run "entra-soa lab reset"`);
  }
  if (doc.kind !== 'entra-soa/lab-state' || doc.formatVersion !== 1 || !doc.tenant || !doc.syncConfig) {
    throw new Error(`${path} is not an entra-soa lab state (formatVersion 1); delete it to start from the seed again`);
  }
  return doc as LabStateDocument;
}

/** Write the lab state atomically (a reader sees the old file or the new one, never half of one). */
export async function saveLabState(stateDir: string, doc: LabStateDocument): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const path = labStatePath(stateDir);
  const tmp = join(stateDir, `.${LAB_STATE_FILE}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, JSON.stringify(doc) + '\n', { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return path;
}

/** Remove the saved state (the next start begins from the seed). */
export async function clearLabState(stateDir: string): Promise<void> {
  await rm(labStatePath(stateDir), { force: true });
}
