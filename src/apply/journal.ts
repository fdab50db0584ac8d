import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the journal says about one step after reading it back. */
export type JournaledState = 'started' | 'done' | 'skipped' | 'failed' | 'refused' | 'not-run';

/** One line of the journal (JSONL). Never holds a secret: passwords go only to the secrets file. */
export type JournalRecord =
  | { type: 'plan'; digest: string; time: string; steps: number }
  | { type: 'step'; stepId: string; state: JournaledState; time: string; message?: string }
  | { type: 'end'; time: string; interrupted: boolean; counts: Record<string, number> };

/**
 * Where apply writes down what it did, so that an interrupted apply resumes without doing anything
 * twice. Append-only JSONL, one record per line, fsync'ed after each record. Keyed by the plan's
 * digest: a journal written for another plan is refused.
 */
export interface Journal {
  readonly path: string | null;
  /** The last state recorded for each step by earlier runs of this plan. */
  readonly previous: ReadonlyMap<string, JournaledState>;
  record(r: JournalRecord): void;
  close(): void;
}

export class JournalMismatchError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `the journal ${path} belongs to another plan (digest ${found.slice(0, 12)}…, this plan is ${expected.slice(0, 12)}…): ` +
        `pass --journal with a new file, or delete the old journal if that plan is finished`,
    );
    this.name = 'JournalMismatchError';
  }
}

/** Read a journal file (tolerating a torn last line from a crash). Returns null when it does not exist. */
export function readJournal(path: string): { digest: string | null; states: Map<string, JournaledState> } | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const states = new Map<string, JournaledState>();
  let digest: string | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch {
      // A crash while writing leaves at most one partial line, the last one; what it said did not complete.
      continue;
    }
    if (rec.type === 'plan') {
      if (digest === null) digest = rec.digest;
      else if (digest !== rec.digest) digest = rec.digest; // should not happen: we refuse mixed journals
    } else if (rec.type === 'step') {
      states.set(rec.stepId, rec.state);
    }
  }
  return { digest, states };
}

/**
 * Open (or create) the journal for the plan with `digest`. Throws `JournalMismatchError` when the file
 * belongs to another plan.
 */
export function openJournal(path: string, digest: string): Journal {
  const existing = readJournal(path);
  if (existing && existing.digest !== null && existing.digest !== digest) {
    throw new JournalMismatchError(path, digest, existing.digest);
  }
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a', 0o600);
  let open = true;
  const previous = existing?.states ?? new Map<string, JournaledState>();
  return {
    path,
    previous,
    record(r) {
      if (!open) return;
      writeSync(fd, `${JSON.stringify(r)}\n`);
      fsyncSync(fd);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** A journal that remembers nothing (for tests and dry library use). */
export function memoryJournal(previous: ReadonlyMap<string, JournaledState> = new Map()): Journal & { records: JournalRecord[] } {
  const records: JournalRecord[] = [];
  return {
    path: null,
    previous,
    records,
    record(r) {
      records.push(r);
    },
    close() {},
  };
}
