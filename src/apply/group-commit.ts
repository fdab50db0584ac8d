import { close, fdatasync, writeSync } from 'node:fs';

/** The file a group commit appends to. */
export interface AppendFile {
  /** Appends at once, into the operating system's cache: it survives the process (a kill), not a power loss. */
  append(text: string): void;
  /** Flushes what was appended to the disk. */
  datasync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A file descriptor opened for appending (flag `a`) as an AppendFile. Appends are synchronous writes:
 * a copy into the page cache, microseconds, which keeps the file's lines in call order and makes each
 * line survive a kill of the process as soon as it is made. Only the sync, which waits for the disk,
 * runs on libuv's thread pool.
 */
export function appendFileOf(fd: number): AppendFile {
  const settle = (resolve: () => void, reject: (e: unknown) => void) => (e: NodeJS.ErrnoException | null) => (e ? reject(e) : resolve());
  return {
    append(text) {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    },
    datasync: () => new Promise((resolve, reject) => fdatasync(fd, settle(resolve, reject))),
    close: () => new Promise((resolve, reject) => close(fd, settle(resolve, reject))),
  };
}

interface Waiter {
  /** Durable once this many appends are. */
  upTo: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for an append-only file: appends are written at once, and made durable by one
 * fdatasync for all the appends made until it starts. A sync starts when one is asked for (`durable`)
 * and none is in flight, after the current turn of the event loop (so that the appends of every step
 * that resumed in this turn share it); what is asked for while one is in flight waits for the next.
 *
 * fdatasync, not fsync: an append changes the file's size, which fdatasync flushes with the data (it
 * skips only what reading the data back does not need, such as the modification time: Linux
 * fdatasync(2)), so it keeps the same guarantee for an append-only file at a lower cost. libuv's
 * fdatasync is F_FULLFSYNC on macOS, where the plain sync leaves the data in the drive's cache
 * (uv__fs_fdatasync in libuv's src/unix/fs.c).
 *
 * After a failed append or sync, every later `durable()` fails too: what reached the disk is then
 * unknown (a failed fsync may have dropped the pages it could not write), so nothing after it may be
 * claimed durable.
 */
export class GroupCommit {
  readonly #file: AppendFile;
  #appended = 0;
  #synced = 0;
  #waiters: Waiter[] = [];
  #syncing: Promise<void> | null = null;
  #failure: { error: Error } | null = null;

  constructor(file: AppendFile) {
    this.#file = file;
  }

  /** Appends `text` (durable once a later `durable()` resolves). */
  append(text: string): void {
    if (this.#failure) return;
    try {
      this.#file.append(text);
      this.#appended++;
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Resolves once everything appended before this call is on disk; rejects when that failed. */
  durable(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#synced >= this.#appended) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#waiters.push({ upTo: this.#appended, resolve, reject }));
    this.#syncing ??= this.#syncLoop();
    return p;
  }

  /** Makes what was appended durable, then closes the file; rejects with a failure. */
  async close(): Promise<void> {
    try {
      await this.durable();
    } finally {
      await this.#syncing;
      await this.#file.close();
    }
  }

  async #syncLoop(): Promise<void> {
    try {
      while (this.#waiters.length > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        const upTo = this.#appended;
        await this.#file.datasync();
        this.#synced = upTo;
        const waiting = this.#waiters;
        this.#waiters = waiting.filter((w) => w.upTo > upTo);
        for (const w of waiting) if (w.upTo <= upTo) w.resolve();
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#syncing = null;
    }
  }

  #fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    this.#failure ??= { error };
    for (const w of this.#waiters) w.reject(error);
    this.#waiters = [];
  }
}
