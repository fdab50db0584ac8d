/**
 * The one reader of the documents commands take (a manifest, a plan, a snapshot, a drift report): it
 * reads the file once (src/manifest/input-file.ts: size limits, no FIFO hangs), tells its kind from
 * its first bytes, and names a document of another kind the same way for every command
 * (`plan.json is an entra-soa plan, not an entra-soa manifest: …`).
 */
import { resolve } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { openInputFile, readInputFile, type InputFileKind } from '../manifest/input-file.js';
import { loadManifestBytes, type ManifestLoadResult } from '../manifest/load.js';
import { documentKindOf, HEAD_BYTES, wrongDocumentMessage, type DocumentKind } from './document-kind.js';
import type { CliIo } from './io.js';

/** The kinds of document a command takes. */
export type ExpectedDocument = Exclude<DocumentKind, 'journal' | 'other'>;

const INPUT_KIND: Record<ExpectedDocument, InputFileKind> = { manifest: 'manifest', plan: 'plan', snapshot: 'snapshot', 'drift-report': 'drift report' };

/** The document's bytes, or why it cannot be used: unreadable (`found` null), or a document of another kind (`found`). */
export type ReadDocument = { ok: true; path: string; bytes: Buffer } | { ok: false; message: string; found: Exclude<DocumentKind, 'other'> | null };

/** Reads `shown` (relative to the working folder) as a document of the kind `expected`. Never throws for a user error. */
export async function readDocument(io: CliIo, shown: string, expected: ExpectedDocument): Promise<ReadDocument> {
  const path = resolve(io.cwd, shown);
  const read = await readInputFile(path, shown, INPUT_KIND[expected]);
  if (!read.ok) return { ok: false, message: read.message, found: null };
  const kind = documentKindOf(read.bytes.subarray(0, HEAD_BYTES).toString('utf8'));
  if (kind !== expected && kind !== 'other') return { ok: false, message: wrongDocumentMessage(expected, kind, shown), found: kind };
  return { ok: true, path, bytes: read.bytes };
}

/**
 * Opens `shown` as a document of the kind `expected` to be read as a stream (a snapshot of any size):
 * its kind is told from the first bytes read through the same handle. The caller closes the handle.
 */
export async function openDocument(
  io: CliIo,
  shown: string,
  expected: ExpectedDocument,
  limit?: number,
): Promise<{ ok: true; path: string; handle: FileHandle } | { ok: false; message: string; found: Exclude<DocumentKind, 'other'> | null }> {
  const path = resolve(io.cwd, shown);
  const opened = await openInputFile(path, shown, INPUT_KIND[expected], limit);
  if (!opened.ok) return { ok: false, message: opened.message, found: null };
  const head = Buffer.alloc(HEAD_BYTES);
  let bytesRead: number;
  try {
    ({ bytesRead } = await opened.handle.read(head, 0, HEAD_BYTES, 0));
  } catch (err) {
    await opened.handle.close().catch(() => undefined);
    return { ok: false, message: `cannot read the ${INPUT_KIND[expected]} ${shown}: ${err instanceof Error ? err.message : String(err)}`, found: null };
  }
  const kind = documentKindOf(head.subarray(0, bytesRead).toString('utf8'));
  if (kind !== expected && kind !== 'other') {
    await opened.handle.close().catch(() => undefined);
    return { ok: false, message: wrongDocumentMessage(expected, kind, shown), found: kind };
  }
  return { ok: true, path, handle: opened.handle };
}

/**
 * Reads and loads the manifest a command was given. A document of another kind is named
 * (`wrongKind`: print it as the command's error line); anything else is loaded, an unreadable file
 * being an error diagnostic as loadManifestFile reports it.
 */
export async function readManifest(io: CliIo, shown: string): Promise<ManifestLoadResult | { wrongKind: string }> {
  const read = await readDocument(io, shown, 'manifest');
  if (read.ok) return loadManifestBytes(read.bytes, read.path, shown);
  if (read.found !== null) return { wrongKind: read.message };
  return { desired: null, diagnostics: [{ severity: 'error', code: 'file-not-found', message: read.message }] };
}
