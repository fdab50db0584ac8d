import { spawn } from 'node:child_process';

export interface CommandTriggerOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  onOutput?: (line: string) => void;
  /** The command is stopped (its whole process group: SIGTERM, SIGKILL 5 s later) when it runs longer. */
  timeoutMs?: number;
  /** Aborting (Ctrl-C) stops the command's whole process group the same way. */
  signal?: AbortSignal;
}

/** How long a stopped trigger gets between SIGTERM and SIGKILL. */
export const TRIGGER_KILL_GRACE_MS = 5000;

/**
 * Run the operator's sync trigger (manifest `sync.triggerCommand`, argv form) without a shell, in a
 * process group of its own: a timeout or Ctrl-C ends the command and everything it started (an `ssh`,
 * a PowerShell), not just the first process. Resolves when it exits 0; rejects with a message naming
 * the command and its exit status, the signal that stopped it, or the timeout, with the last line it
 * wrote to stderr. Its output is passed to `onOutput` (never parsed).
 */
export function commandTrigger(argv: readonly string[], opts: CommandTriggerOptions): () => Promise<void> {
  if (argv.length === 0) throw new Error('sync.triggerCommand is empty');
  const [cmd, ...args] = argv as [string, ...string[]];
  const shown = [cmd, ...args].join(' ');
  return () =>
    new Promise<void>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new Error(`the sync trigger ${shown} was not started: apply is stopping`));
        return;
      }
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
      const child = spawn(cmd, args, { cwd: opts.cwd, env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let lastErr = '';
      let stoppedFor: 'timeout' | 'interrupt' | null = null;
      let killTimer: NodeJS.Timeout | null = null;
      const stopGroup = (why: 'timeout' | 'interrupt'): void => {
        if (stoppedFor !== null || child.pid === undefined) return;
        stoppedFor = why;
        signalGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), TRIGGER_KILL_GRACE_MS);
        killTimer.unref();
      };
      const timer = opts.timeoutMs ? setTimeout(() => stopGroup('timeout'), opts.timeoutMs) : null;
      const onAbort = () => stopGroup('interrupt');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        if (timer) clearTimeout(timer);
        if (killTimer) clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const lines = (chunk: Buffer, isErr: boolean) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() === '') continue;
          if (isErr) lastErr = line.trim();
          opts.onOutput?.(line);
        }
      };
      child.stdout.on('data', (c: Buffer) => lines(c, false));
      child.stderr.on('data', (c: Buffer) => lines(c, true));
      child.on('error', (e) => {
        done();
        reject(new Error(`could not start the sync trigger ${cmd}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        done();
        // Whatever the first process did, nothing it started may outlive the trigger.
        if (stoppedFor !== null && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
        if (code === 0 && stoppedFor === null) {
          resolve();
          return;
        }
        const why =
          stoppedFor === 'timeout'
            ? `did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s and was stopped (with everything it started)`
            : stoppedFor === 'interrupt'
              ? 'was stopped (with everything it started) because apply was interrupted'
              : signal
                ? `was stopped by ${signal}`
                : `exited with status ${String(code)}`;
        reject(new Error(`the sync trigger ${shown} ${why}${lastErr ? ` (${lastErr})` : ''}`));
      });
    });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}
