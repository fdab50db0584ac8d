/**
 * Writing a file atomically and durably: a temporary file in the same folder, fsync, rename, fsync of
 * the folder, so a reader sees the old file or the new one, never half of one, and a failure leaves
 * no temporary file behind. Used for snapshots (written a chunk at a time) and, through
 * `syncFolder`, for the CLI's other documents.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Writes `chunks` of text to `path` in order, atomically and durably (see the module comment).
 * `keepMode`: a file replaced keeps its permission bits (a document the user made private stays so).
 */
export async function writeChunksFile(path: string, chunks: Iterable<string>, options: { keepMode?: boolean } = {}): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = options.keepMode === true ? ((await stat(target).catch(() => null))?.mode ?? null) : null;
  const handle = await open(temp, 'wx', mode !== null ? mode & 0o7777 : 0o666);
  try {
    if (mode !== null) await handle.chmod(mode & 0o7777);
    for (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
    await handle.close();
    await rename(temp, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  await syncFolder(dirname(target));
}

/** The rename itself is durable only once the folder's entry is on disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (err) {
    if (!folderSyncUnsupported(err)) throw err;
  } finally {
    await handle.close();
  }
}

/** `syncFolder` for synchronous callers (the journal creates its file synchronously); a folder that cannot be opened (Windows) is skipped. */
export function syncFolderSync(folder: string): void {
  let fd: number;
  try {
    fd = openSync(folder, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    if (!folderSyncUnsupported(err)) throw err;
  } finally {
    closeSync(fd);
  }
}

/** Some file systems (and platforms) cannot fsync a folder; the file itself is already synced then. */
function folderSyncUnsupported(err: unknown): boolean {
  return ['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '');
}
