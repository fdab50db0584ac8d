import { spawn } from 'node:child_process';

/**
 * Run the operator's sync trigger (manifest `sync.triggerCommand`, argv form) without a shell.
 * Resolves when it exits 0; rejects with a message naming the command, its exit status and the last
 * line it wrote to stderr. Its output is passed to `onOutput` (never parsed).
 */
export function commandTrigger(
  argv: readonly string[],
  opts: { cwd: string; env: Readonly<Record<string, string | undefined>>; onOutput?: (line: string) => void; timeoutMs?: number },
): () => Promise<void> {
  if (argv.length === 0) throw new Error('sync.triggerCommand is empty');
  const [cmd, ...args] = argv as [string, ...string[]];
  return () =>
    new Promise<void>((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
      const child = spawn(cmd, args, { cwd: opts.cwd, env, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
      let lastErr = '';
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            child.kill('SIGTERM');
          }, opts.timeoutMs)
        : null;
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
        if (timer) clearTimeout(timer);
        reject(new Error(`could not start the sync trigger ${cmd}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `the sync trigger ${[cmd, ...args].join(' ')} ${signal ? `was stopped by ${signal}` : `exited with status ${String(code)}`}` +
                (lastErr ? ` (${lastErr})` : ''),
            ),
          );
      });
    });
}
