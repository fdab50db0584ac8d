/**
 * The built CLI (dist/, `npm test` builds first) as a child process, run as a user runs it. The
 * child gets this process's environment without NO_COLOR / FORCE_COLOR (each test decides colour),
 * plus what the test adds.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { recordCliOutput } from './test-artifacts.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI child process whose output can be watched. */
export interface RunningCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the combined output matches `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliRun>;
}

/** This process's environment without NO_COLOR / FORCE_COLOR, with `extra` on top. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') base[k] = v;
  return { ...base, ...extra };
}

/** Start `entra-soa <args>` in `cwd`. */
export function startCli(args: string[], opts: { cwd: string; env?: Record<string, string> }): RunningCli {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const watchers: { re: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...watchers]) {
      if (w.re.test(out + err)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    check();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString('utf8');
    check();
  });
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      recordCliOutput(`entra-soa ${args[0] ?? ''} (exit ${code ?? signal})`, out, err);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (re, timeoutMs = 90_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out + err)) return resolve();
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in CLI output:\n${out}\n${err}`)), timeoutMs);
        watchers.push({
          re,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      }),
    done,
  };
}

/** Run `entra-soa <args>` in `cwd` to the end (synchronously). */
export function runCliSync(args: string[], opts: { cwd: string; env?: Record<string, string> }): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), encoding: 'utf8' });
  recordCliOutput(`entra-soa ${args[0] ?? ''} (exit ${r.status ?? r.signal})`, r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
