/**
 * Writing a plan or snapshot with `--out`: refused when it would replace the manifest, an input
 * snapshot, or a file that is not a document of the same kind (unless `--force`); written
 * atomically and durably (temporary file in the same folder, fsync, rename, fsync of the folder),
 * so a reader sees the old file or the new one, never half of one, and a failure leaves no
 * temporary file behind.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { syncFolder, writeChunksFile } from '../observe/durable-file.js';
import { chunksOf } from '../observe/snapshot-lines.js';
import { describeDocumentKind, documentKindOfFile } from './document-kind.js';

/** A file the command reads, which `--out` must not replace. */
export interface InputFile {
  /** Absolute path. */
  path: string;
  /** What it is, for the message: "the manifest", "the input snapshot". */
  role: string;
}

/**
 * Checks an `--out` target before any work is done. Returns a message saying what is wrong and what
 * to do, or null when the file may be written.
 */
export async function checkOutTarget(
  target: { path: string; shown: string },
  kind: 'plan' | 'snapshot' | 'manifest',
  opts: {
    force: boolean;
    /** Files the command reads: replaced only with --force. */
    inputs: readonly InputFile[];
    /** Files the command reads while it writes (export): never replaced, --force or not. */
    protect?: readonly InputFile[];
    /** The refusal for a protected file, given its role. */
    protectedMessage?: (input: InputFile) => string;
  },
): Promise<string | null> {
  const existing = await stat(target.path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (existing === null) return null;
  if (existing.isDirectory()) return `--out ${target.shown} is a folder: name a file in it, e.g. --out ${target.shown.replace(/\/+$/, '')}/${kind}.${kind === 'manifest' ? 'yaml' : 'json'}`;
  // The same file by device and inode: a symlink or hard link to an input is that input.
  const sameFile = async (input: InputFile): Promise<boolean> => {
    const other = await stat(input.path).catch(() => null);
    return other !== null && other.dev === existing.dev && other.ino === existing.ino;
  };
  for (const input of opts.protect ?? []) {
    if (await sameFile(input)) return opts.protectedMessage?.(input) ?? `--out ${target.shown} is ${input.role}, which this command reads: write the ${kind} to another file`;
  }
  if (opts.force) return null;
  for (const input of opts.inputs) {
    if (await sameFile(input)) {
      return `--out ${target.shown} is ${input.role}, which this command reads: writing the ${kind} there would destroy it. Choose another file (--force writes it anyway)`;
    }
  }
  const found = await documentKindOfFile(target.path);
  if (found !== null && found !== kind) {
    const is = found === 'other' ? `is not ${describeDocumentKind(kind)}` : `is ${describeDocumentKind(found)}, not ${describeDocumentKind(kind)}`;
    return `--out ${target.shown} exists and ${is}: refusing to replace it. Choose another file, or pass --force to replace it`;
  }
  return null;
}

/** Writes `text` to `path` atomically and durably (see the module comment). */
export async function writeDocumentFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, { encoding: 'utf8', fsync: true });
  await syncFolder(dirname(resolve(path)));
}

/**
 * `writeDocumentFile` for a document written in pieces (a plan too large to be one string): the same
 * guarantees (temporary file in the same folder, fsync, rename, fsync of the folder; the temporary
 * file removed on failure), the pieces written about 1 MB at a time. An existing file's mode is kept.
 */
export async function writeDocumentChunks(path: string, chunks: Iterable<string>): Promise<void> {
  await writeChunksFile(path, chunksOf(chunks), { keepMode: true });
}

