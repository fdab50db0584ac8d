/**
 * Snapshot files as streams: read either format one line at a time (formatVersion 2 never becomes
 * one string, so its size is bounded by memory for the objects, not by V8's longest string), and
 * write formatVersion 2 a line at a time, atomically and durably (src/observe/durable-file.ts).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Snapshot } from '../model/observed.js';
import { writeChunksFile } from './durable-file.js';
import { parseSnapshot } from './snapshot.js';
import { chunksOf, isSnapshotLinesHeader, SnapshotLineReader, snapshotLines, snapshotLinesOf, type SnapshotHeader, type SnapshotRecord } from './snapshot-lines.js';

/** What reading a snapshot gives: the snapshot, or null with the problems (`file:line:col`). */
export interface SnapshotReadResult {
  snapshot: Snapshot | null;
  diagnostics: Diagnostic[];
}

/**
 * formatVersion 1 is one JSON document, parsed whole: it is read into one string of at most this
 * many UTF-16 units (V8's longest string is about 512 MiB; the file limit for reading whole files is 256 MiB).
 */
const FORMAT_1_MAX_CHARS = 256 * 1024 * 1024;

/** The lines of a text stream, without their `\n` (and a `\r` before it). */
async function* linesOf(input: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let carry = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      yield text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry !== '') yield carry;
}

/**
 * Reads a snapshot of either format from a stream (`file` names it in diagnostics): formatVersion 2
 * record by record, validated as each line arrives; formatVersion 1 (up to FORMAT_1_MAX_CHARS) whole.
 */
export async function readSnapshotStream(input: AsyncIterable<string | Buffer>, file: string): Promise<SnapshotReadResult> {
  const lines = linesOf(input);
  let lineNo = 0;
  const first = await lines.next();
  if (first.done === true) return parseSnapshot('', file);
  const head = first.value.replace(/^\uFEFF/, '');
  if (!isSnapshotLinesHeader(head)) {
    const parts = [head];
    let chars = head.length;
    for await (const line of lines) {
      chars += line.length + 1;
      if (chars > FORMAT_1_MAX_CHARS) {
        return {
          snapshot: null,
          diagnostics: [
            {
              severity: 'error',
              code: 'snapshot-invalid',
              message: `${file} is a formatVersion 1 snapshot (one JSON document) larger than the ${FORMAT_1_MAX_CHARS / (1024 * 1024)} MiB such files may have: take it again with \`entra-soa snapshot --out\`, which writes formatVersion 2 (one object per line, any size)`,
              location: { file, line: 1, col: 1 },
            },
          ],
        };
      }
      parts.push(line);
    }
    return parseSnapshot(parts.join('\n'), file);
  }
  const reader = new SnapshotLineReader(file);
  reader.push(head, ++lineNo);
  for await (const line of lines) {
    if (reader.stopped) break;
    reader.push(line, ++lineNo);
  }
  return reader.finish();
}

/** Reads the snapshot file at `path` as a stream (see readSnapshotStream); `file` names it in diagnostics (default: the path). */
export async function readSnapshotFile(path: string, file: string = path): Promise<SnapshotReadResult> {
  const stream: Readable = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    return await readSnapshotStream(stream, file);
  } finally {
    stream.destroy();
  }
}

/** Writes a snapshot to `path` in formatVersion 2 (src/observe/snapshot-lines.ts), a line at a time. */
export async function writeSnapshotFile(path: string, snapshot: Snapshot): Promise<void> {
  await writeChunksFile(path, chunksOf(snapshotLines(snapshot)));
}

/**
 * Writes a formatVersion 2 snapshot from records given in file order (each type's records sorted by
 * their stable key, types in SNAPSHOT_RECORD_TYPES order), without holding the state: for tenants
 * generated or read a piece at a time.
 */
export async function writeSnapshotRecords(path: string, header: SnapshotHeader, records: Iterable<SnapshotRecord>): Promise<void> {
  await writeChunksFile(path, chunksOf(snapshotLinesOf(header, records)));
}
