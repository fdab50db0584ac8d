/**
 * Writing a file atomically and durably: a temporary file in the same folder, fsync, rename, fsync of
 * the folder, so a reader sees the old file or the new one, never half of one, and a failure leaves
 * no temporary file behind. Used for snapshots (written a chunk at a time) and, through
 * `syncFolder`, for the CLI's other documents.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Writes `chunks` of text to `path` in order, atomically and durably (see the module comment). */
export async function writeChunksFile(path: string, chunks: Iterable<string>): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
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
    // Some file systems (and platforms) cannot fsync a folder; the file itself is already synced.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await handle.close();
  }
}
