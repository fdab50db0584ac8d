/** Process checks for tests that stop child processes (and what those started). */
import { readFileSync } from 'node:fs';

/** Alive and not a zombie: PID 1 of a container may never reap an orphan, which then still "exists". */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * argv of a sync trigger that starts a child of its own (like an ssh session), writes the child's pid to
 * `pidFile`, says `message` on stderr, and never ends.
 */
export function hangingTrigger(pidFile: string, message = 'connected'): string[] {
  return [
    process.execPath,
    '-e',
    `const { spawn } = require('node:child_process'); const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); console.error(${JSON.stringify(message)}); setInterval(() => {}, 1000);`,
  ];
}
