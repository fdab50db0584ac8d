import { closeSync, constants, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where generated passwords go. The only place a secret is ever written: never to stdout, stderr,
 * the journal or the report.
 */
export interface SecretSink {
  /** Record `label<TAB>secret` and return the file it was written to (shown to the user). */
  write(label: string, secret: string): string;
  /** The file written so far, or null when nothing was written. */
  readonly path: string | null;
  close(): void;
}

/**
 * A sink writing one file `secrets-<time>.tsv` in `dir`, created on first use with O_EXCL and mode
 * 0600 (never reusing or widening an existing file). Each line is fsync'ed: a crash cannot lose a
 * password that was already set.
 */
export function fileSecretSink(dir: string, now: () => Date): SecretSink {
  let fd: number | null = null;
  let path: string | null = null;
  const open = (): number => {
    if (fd !== null) return fd;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    for (let i = 0; ; i++) {
      const candidate = join(dir, `secrets-${stamp}${i === 0 ? '' : `-${i}`}.tsv`);
      try {
        fd = openSync(candidate, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        path = candidate;
        return fd;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 100) throw e;
      }
    }
  };
  return {
    get path() {
      return path;
    },
    write(label, secret) {
      if (/[\t\n]/.test(label)) throw new Error('a secret label cannot contain a tab or newline');
      const f = open();
      writeSync(f, `${label}\t${secret}\n`);
      fsyncSync(f);
      return path as string;
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
