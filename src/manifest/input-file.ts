import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** The files entra-soa reads from a user, each with its size limit and how to make one. */
export type InputFileKind = 'manifest' | 'snapshot' | 'plan' | 'drift report';

/**
 * Size limits in bytes for files read whole. A manifest is a few hundred KB even for 40,000 keys; a
 * plan is smaller than the snapshot it was made from. A snapshot in formatVersion 1 (one JSON
 * document, about 150 MB for 100,000 users) is read whole; `plan --snapshot` reads formatVersion 2
 * (JSON Lines) as a stream, with no limit (src/observe/snapshot-file.ts).
 */
export const INPUT_FILE_LIMITS: Readonly<Record<InputFileKind, number>> = {
  manifest: 16 * 1024 * 1024,
  snapshot: 256 * 1024 * 1024,
  plan: 256 * 1024 * 1024,
  'drift report': 256 * 1024 * 1024,
};

const HOW_TO_MAKE: Readonly<Record<InputFileKind, (shown: string) => string>> = {
  manifest: () => 'Check the path (it is relative to the current directory).',
  snapshot: (shown) => `Create one with \`entra-soa snapshot -f <manifest> --out ${shown}\`.`,
  plan: (shown) => `Create one with \`entra-soa plan -f <manifest> --out ${shown}\`.`,
  'drift report': () => 'Leave out --since on the first run.',
};

/** The bytes of an input file, or a message saying what is wrong (`cannot read the plan x.json: ...`). */
export type InputFileResult = { ok: true; bytes: Buffer } | { ok: false; message: string };

/** An input file opened for reading, or a message saying what is wrong. */
export type OpenedInputFile = { ok: true; handle: FileHandle } | { ok: false; message: string };

/**
 * Opens a manifest, snapshot or plan file, refusing early what is not one: `stat` first, then only
 * a regular file of at most `limit` bytes (default {@link INPUT_FILE_LIMITS}) is opened
 * (non-blocking, so a FIFO named by mistake cannot hang the command), and what was opened is
 * checked again. `shown` names the file in messages. Never throws for a user error; the caller
 * closes the handle.
 */
export async function openInputFile(path: string, shown: string, kind: InputFileKind, limit: number = INPUT_FILE_LIMITS[kind]): Promise<OpenedInputFile> {
  const fail = (why: string): OpenedInputFile => ({ ok: false, message: `cannot read the ${kind} ${shown}: ${why}` });
  try {
    const st = await stat(path);
    if (!st.isFile()) return fail(`${notAFile(st)}, not a ${kind} file. Give the path of the ${kind} file.`);
    if (st.size > limit) return fail(tooLarge(st.size, limit, kind));
  } catch (err) {
    return fail(`${reasonOf(err)}. ${HOW_TO_MAKE[kind](shown)}`);
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return fail(`${reasonOf(err)}. ${HOW_TO_MAKE[kind](shown)}`);
  }
  try {
    // The path may have been replaced since stat: check what was opened.
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close().catch(() => undefined);
      return fail(`${notAFile(st)}, not a ${kind} file. Give the path of the ${kind} file.`);
    }
  } catch (err) {
    await handle.close().catch(() => undefined);
    return fail(`${reasonOf(err)}. ${HOW_TO_MAKE[kind](shown)}`);
  }
  return { ok: true, handle };
}

/**
 * Reads a manifest, snapshot or plan file whole (opened by {@link openInputFile}), never more than
 * its limit even when the file grows meanwhile. Never throws for a user error.
 */
export async function readInputFile(path: string, shown: string, kind: InputFileKind): Promise<InputFileResult> {
  const limit = INPUT_FILE_LIMITS[kind];
  const opened = await openInputFile(path, shown, kind);
  if (!opened.ok) return opened;
  const fail = (why: string): InputFileResult => ({ ok: false, message: `cannot read the ${kind} ${shown}: ${why}` });
  const handle = opened.handle;
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return fail(tooLarge(total, limit, kind, true));
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (err) {
    return fail(`${reasonOf(err)}. ${HOW_TO_MAKE[kind](shown)}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function tooLarge(size: number, limit: number, kind: InputFileKind, atLeast = false): string {
  const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `it is ${mib(size)} (${size.toLocaleString('en-US')} bytes${atLeast ? ' or more' : ''}), more than the ${mib(limit)} entra-soa reads for a ${kind}. Is it the right file?`;
}

function notAFile(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a pipe (FIFO)';
  if (st.isSocket()) return 'it is a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device';
  return 'it is not a regular file';
}

/** A short reason for a file-system error (no stack, no path repeated). */
export function reasonOf(err: unknown): string {
  const code = err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return typeof code === 'string' ? code : 'unreadable';
  }
}
