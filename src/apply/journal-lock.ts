/**
 * One apply at a time per journal (docs/apply.md, "One apply at a time"): two applies of one plan ran every step twice. The
 * journal is locked with proper-lockfile (an atomic `mkdir` of `<journal>.lock`, its mtime refreshed
 * while held, so the lock of a process that died goes stale and can be taken over) and the holder is
 * written next to it, so that a second apply can say who holds it.
 *
 * This guards one machine (or one shared file system). Across machines, a pipeline prevents two
 * applies with a concurrency group (docs/apply.md).
 */
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

/** Who holds a journal's lock. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO 8601, when the lock was taken. */
  since: string;
}

export class JournalLockedError extends Error {
  constructor(
    readonly journal: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      `another apply is using the journal ${journal}` +
        (owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : ' (its holder left no record)') +
        `: wait for it to finish. Two applies of one plan would run every step twice. ` +
        `If that process is gone, its lock expires ${STALE_MS / 1000} s after it stopped: run apply again then.`,
    );
    this.name = 'JournalLockedError';
  }
}

/** A lock not refreshed for this long belongs to a process that died (proper-lockfile's `stale`). */
export const STALE_MS = 10_000;

export interface JournalLock {
  readonly owner: LockOwner;
  release(): Promise<void>;
}

export interface LockJournalOptions {
  /** Called when the lock was lost while held (its refresh failed or another process took it). */
  onCompromised: (err: Error) => void;
  now?: () => Date;
  /** How long to wait for the stale lock of a dead process on this host (default STALE_MS + 2 s). */
  waitForDeadHolderMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** How long a refused apply waits for the holder's record (it is written right after the lock is taken). */
const OWNER_RECORD_WAIT_MS = 2000;

export const ownerFile = (journal: string): string => `${journal}.lock-owner.json`;

function readOwner(journal: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(ownerFile(journal), 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.since === 'string') return { pid: o.pid, host: o.host, since: o.since };
  } catch {
    // no record (yet), or a torn one
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the journal's lock, or throw JournalLockedError naming the holder. When the holder is a process
 * of this host that no longer exists (killed), wait for its lock to go stale and take it.
 */
export async function lockJournal(journal: string, opts: LockJournalOptions): Promise<JournalLock> {
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (opts.waitForDeadHolderMs ?? STALE_MS + 2000);
  mkdirSync(dirname(journal), { recursive: true });
  for (;;) {
    try {
      const release = await lockfile.lock(journal, { realpath: false, stale: STALE_MS, update: STALE_MS / 4, onCompromised: opts.onCompromised });
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: now().toISOString() };
      writeFileSync(ownerFile(journal), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
      return {
        owner,
        release: async () => {
          rmSync(ownerFile(journal), { force: true });
          await release().catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      // The holder writes its record just after taking the lock: give a holder that started at the same
      // moment a little time to write it, so that a refusal can name it.
      let owner = readOwner(journal);
      for (let waited = 0; owner === null && waited < OWNER_RECORD_WAIT_MS; waited += 100) {
        await sleep(100);
        owner = readOwner(journal);
      }
      // Still no record: the holder is releasing the lock (it deletes its record first), or it died
      // between taking the lock and writing the record (the lock then goes stale). Try the lock again.
      if (owner === null && Date.now() <= deadline) continue;
      const deadHere = owner !== null && owner.host === hostname() && !alive(owner.pid);
      if (!deadHere || Date.now() > deadline) throw new JournalLockedError(journal, owner);
      await sleep(500);
    }
  }
}
