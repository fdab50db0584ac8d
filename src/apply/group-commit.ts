import { close, fdatasync, write } from 'node:fs';

/**
 * The file a group commit appends to: the part of `FileHandle` (node:fs/promises) it uses, so a
 * FileHandle fits as is. `write` appends (the file is opened for appending: no position).
 */
export interface AppendFile {
  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An already open file descriptor (opened with flag `a`) as an AppendFile: the calls run on libuv's
 * thread pool, so the event loop goes on while the disk works.
 */
export function appendFileOf(fd: number): AppendFile {
  const done =
    <T>(resolve: (v: T) => void, reject: (e: unknown) => void, value: (n: number) => T) =>
    (e: NodeJS.ErrnoException | null, n = 0) =>
      e ? reject(e) : resolve(value(n));
  return {
    write: (buffer, offset, length) =>
      new Promise((resolve, reject) => write(fd, buffer, offset, length, null, done(resolve, reject, (bytesWritten) => ({ bytesWritten })))),
    datasync: () => new Promise((resolve, reject) => fdatasync(fd, done(resolve, reject, () => undefined))),
    close: () => new Promise((resolve, reject) => close(fd, done(resolve, reject, () => undefined))),
  };
}

interface Waiter {
  /** Durable once this many appends are. */
  upTo: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for an append-only file: every append starts a flush at once, unless one is in flight;
 * appends that arrive meanwhile are written and synced together by the next flush (one write, one
 * fdatasync for all of them). The file's bytes are the appends in call order, whatever the batching.
 *
 * fdatasync, not fsync: an append changes the file's size, which fdatasync flushes with the data
 * (it skips only what reading the data back does not need, such as the modification time). libuv
 * makes it a full flush where the platform's plain sync is weaker (F_FULLFSYNC on macOS,
 * FlushFileBuffers on Windows).
 *
 * After a failed write or sync, every later `durable()` fails too: what reached the disk is then
 * unknown (a failed fsync may have dropped the pages it could not write), so nothing after it may be
 * claimed durable.
 */
export class GroupCommit {
  readonly #file: AppendFile;
  #pending: string[] = [];
  #appended = 0;
  #synced = 0;
  #waiters: Waiter[] = [];
  #flushing: Promise<void> | null = null;
  #failure: { error: Error } | null = null;

  constructor(file: AppendFile) {
    this.#file = file;
  }

  /** Appends `text` (written by the flush in flight's successor, or by one started now). */
  append(text: string): void {
    if (this.#failure) return;
    this.#pending.push(text);
    this.#appended++;
    this.#flushing ??= this.#flushLoop();
  }

  /** Resolves once everything appended before this call is written and synced; rejects when that failed. */
  durable(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#synced >= this.#appended) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ upTo: this.#appended, resolve, reject }));
  }

  /** Waits for what was appended to be durable (or to fail), then closes the file; rejects with a failure. */
  async close(): Promise<void> {
    try {
      await this.#flushing;
    } finally {
      await this.#file.close();
    }
    if (this.#failure) throw this.#failure.error;
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const upTo = this.#appended;
        const bytes = Buffer.from(this.#pending.join(''), 'utf8');
        this.#pending = [];
        for (let at = 0; at < bytes.length; ) at += (await this.#file.write(bytes, at, bytes.length - at)).bytesWritten;
        await this.#file.datasync();
        this.#synced = upTo;
        const waiting = this.#waiters;
        this.#waiters = waiting.filter((w) => w.upTo > upTo);
        for (const w of waiting) if (w.upTo <= upTo) w.resolve();
      }
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.#failure = { error };
      this.#pending = [];
      for (const w of this.#waiters) w.reject(error);
      this.#waiters = [];
    } finally {
      this.#flushing = null;
    }
  }
}
