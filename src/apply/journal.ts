import { existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { syncFolderSync } from '../observe/durable-file.js';
import { dirname } from 'node:path';
import { GroupCommit, appendFileOf } from './group-commit.js';

/** What the journal says about one step after reading it back. */
export type JournaledState = 'started' | 'done' | 'skipped' | 'failed' | 'refused' | 'not-run';

/**
 * What a step read just before its write, so that a later run can tell whether that write took
 * effect when its answer was lost. Never a secret.
 */
export interface StepEvidence {
  /** The user's `lastPasswordChangeDateTime` before the password reset (Graph's clock, not ours). */
  lastPasswordChangeDateTime: string | null;
}

/** One line of the journal (JSONL). Never holds a secret: passwords go only to the secrets file. */
export type JournalRecord =
  | { type: 'plan'; digest: string; time: string; steps: number }
  /**
   * The steps this run found reproduced by the recomputed plan (or authorized by an earlier run),
   * written before any of them starts. A later run lets the objects these steps touched continue with
   * them: their state has moved on because of our own steps, so it can no longer be compared with
   * the plan's fingerprints.
   */
  | { type: 'authorized'; time: string; stepIds: string[] }
  | { type: 'step'; stepId: string; state: JournaledState; time: string; message?: string; evidence?: StepEvidence }
  | { type: 'end'; time: string; interrupted: boolean; counts: Record<string, number> };

/** One step as the journal remembers it, folded over every run. */
export interface StepHistory {
  /** The last state recorded. */
  last: JournaledState;
  /**
   * An earlier run started this step at least once (or finished it): our write may have reached the
   * object, whatever was recorded after (an interruption records `not-run` last). Never forgotten.
   */
  touched: boolean;
  /** The evidence recorded by the first attempt that recorded any: the state before our first write. */
  evidence: StepEvidence | null;
}

/** What earlier runs of this plan left in the journal. */
export interface JournalHistory {
  steps: ReadonlyMap<string, StepHistory>;
  /** Steps an earlier run authorized (`authorized` records). */
  authorized: ReadonlySet<string>;
}

/**
 * Where apply writes down what it did, so that an interrupted apply resumes without doing anything
 * twice. Append-only JSONL, one record per line, in the order recorded. Keyed by the plan's digest: a
 * journal written for another plan is refused.
 *
 * Group commit (group-commit.ts): `record` writes the line at once (from then on it survives a kill of
 * the process); `flush` resolves when every record made before it is on disk (fdatasync'ed), sharing
 * one sync with the records other steps made meanwhile. Apply awaits `flush` before a step changes
 * anything (its `started` record) and before the step counts as finished (its outcome), so that
 * neither a kill nor a power loss at any instant loses a `started` whose action may have begun, and
 * an outcome is never recorded before it was reached.
 */
export interface Journal {
  readonly path: string | null;
  /** What earlier runs of this plan recorded (folded: see StepHistory). */
  readonly history: JournalHistory;
  /** Append a record (durable once a later `flush` resolves). Ignored after `close`. */
  record(r: JournalRecord): void;
  /** Resolves when every record made so far is durable; rejects (JournalWriteError) when the journal cannot be written. */
  flush(): Promise<void>;
  /** Makes what was recorded durable, then closes the file. */
  close(): Promise<void>;
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

/** A journal file others may write: a forged record could authorize steps, so apply refuses it. */
export class JournalPermissionError extends Error {
  constructor(readonly path: string) {
    super(
      `the journal ${path} can be written by other users (mode ${modeOf(path)}): apply trusts what its journal says was done and authorized, ` +
        `so it must be writable by its owner only: chmod 600 ${path} (and check nobody else changed it)`,
    );
    this.name = 'JournalPermissionError';
  }
}

/** The journal could not be written or synced (a full disk, an I/O error): apply stops, as it cannot keep its promise to resume. */
export class JournalWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(
      `could not write the journal ${path} (${cause instanceof Error ? cause.message : String(cause)}): apply stopped; ` +
        `fix the disk (space, permissions) and run apply again: steps the journal recorded are not run again, the others are checked first`,
      { cause },
    );
    this.name = 'JournalWriteError';
  }
}

function modeOf(path: string): string {
  try {
    return (statSync(path).mode & 0o777).toString(8).padStart(3, '0');
  } catch {
    return '?';
  }
}

const TOUCHING: ReadonlySet<JournaledState> = new Set(['started', 'done', 'skipped', 'failed']);

/** Folds journal records, oldest first, into what each step's history says. */
export function foldJournal(records: Iterable<JournalRecord>): JournalHistory & { digest: string | null } {
  const steps = new Map<string, StepHistory>();
  const authorized = new Set<string>();
  let digest: string | null = null;
  for (const rec of records) {
    switch (rec.type) {
      case 'plan':
        digest ??= rec.digest;
        break;
      case 'authorized':
        for (const id of rec.stepIds) authorized.add(id);
        break;
      case 'step': {
        const h = steps.get(rec.stepId);
        steps.set(rec.stepId, {
          last: rec.state,
          touched: (h?.touched ?? false) || TOUCHING.has(rec.state),
          evidence: h?.evidence ?? rec.evidence ?? null,
        });
        break;
      }
      case 'end':
        break;
      default:
        // Records of newer versions say nothing this version knows about.
        break;
    }
  }
  return { steps, authorized, digest };
}

function lastStates(steps: ReadonlyMap<string, StepHistory>): Map<string, JournaledState> {
  return new Map([...steps].map(([id, h]) => [id, h.last]));
}

function parseLines(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const rec = JSON.parse(line) as unknown;
      if (rec !== null && typeof rec === 'object' && typeof (rec as { type?: unknown }).type === 'string') out.push(rec as JournalRecord);
    } catch {
      // A crash while writing leaves at most one partial line, the last one; what it said did not complete.
    }
  }
  return out;
}

/**
 * Read a journal file (tolerating a torn last line from a crash). Returns null when it does not exist.
 * `states` is each step's last state; `history` the folded view apply decides with.
 */
export function readJournal(path: string): { digest: string | null; states: Map<string, JournaledState>; history: JournalHistory } | null {
  if (!existsSync(path)) return null;
  const folded = foldJournal(parseLines(readFileSync(path, 'utf8')));
  return { digest: folded.digest, states: lastStates(folded.steps), history: { steps: folded.steps, authorized: folded.authorized } };
}

/**
 * Open (or create, mode 0600) the journal for the plan with `digest`. Throws `JournalMismatchError`
 * when the file belongs to another plan, `JournalPermissionError` when group or others may write it.
 * Hold the journal's lock (`lockJournal`) first when another apply could use the same file.
 */
export function openJournal(path: string, digest: string): Journal {
  if (existsSync(path) && (statSync(path).mode & 0o022) !== 0) throw new JournalPermissionError(path);
  const existing = readJournal(path);
  if (existing && existing.digest !== null && existing.digest !== digest) {
    throw new JournalMismatchError(path, digest, existing.digest);
  }
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a', 0o600);
  // A new file's name must survive a power loss as well as its lines.
  if (existing === null) syncFolderSync(dirname(path));
  const commit = new GroupCommit(appendFileOf(fd));
  const failed = (e: unknown) => Promise.reject(new JournalWriteError(path, e));
  let closing: Promise<void> | null = null;
  const history: JournalHistory = existing?.history ?? { steps: new Map(), authorized: new Set() };
  return {
    path,
    history,
    record(r) {
      if (closing === null) commit.append(`${JSON.stringify(r)}\n`);
    },
    flush: () => commit.durable().catch(failed),
    close() {
      closing ??= commit.close().catch(failed);
      return closing;
    },
  };
}


/**
 * A journal in memory (tests, library use). `earlier` is what earlier runs recorded: their records, or
 * (shorthand) each step's last state, every one of them counted as touched except refused and not-run.
 */
export function memoryJournal(earlier: readonly JournalRecord[] | ReadonlyMap<string, JournaledState> = []): Journal & { records: JournalRecord[] } {
  const recs: JournalRecord[] = Array.isArray(earlier)
    ? [...(earlier as readonly JournalRecord[])]
    : [...(earlier as ReadonlyMap<string, JournaledState>)].map(([stepId, state]) => ({ type: 'step' as const, stepId, state, time: '' }));
  const folded = foldJournal(recs);
  const history: JournalHistory = { steps: folded.steps, authorized: folded.authorized };
  const records: JournalRecord[] = [];
  return {
    path: null,
    history,
    records,
    record(r) {
      records.push(r);
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

