/**
 * What the suite's runs printed and wrote, kept for the secrets scan (scripts/secrets-scan.mjs) when
 * scripts/test.sh sets ENTRA_SOA_ARTIFACTS_DIR: every CLI run's output is appended to a transcript
 * under `<artifacts>/cli/`, test folders are created under `<artifacts>/tmp` (TMPDIR, vitest.config.ts)
 * and kept instead of removed. Without the variable (a targeted `npx vitest run`) nothing is kept.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The artifacts folder of this test run, or undefined when the run keeps none. */
export const ARTIFACTS: string | undefined = process.env.ENTRA_SOA_ARTIFACTS_DIR || undefined;

let transcript: string | null = null;

function append(text: string): void {
  if (ARTIFACTS === undefined) return;
  if (transcript === null) {
    mkdirSync(join(ARTIFACTS, 'cli'), { recursive: true });
    transcript = join(ARTIFACTS, 'cli', `worker-${process.pid}.log`);
  }
  appendFileSync(transcript, text);
}

/**
 * Append one finished CLI run's output (a child process) to this worker's transcript. `label`
 * names the command only: arguments are test input and may hold a planted secret on purpose.
 */
export function recordCliOutput(label: string, stdout: string, stderr: string): void {
  append(`=== ${label}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n`);
}

/** For an in-process run (test/helpers/cli-io.ts): a writer that heads the transcript once, then appends each chunk. */
export function cliTranscript(label: string): (stream: 'stdout' | 'stderr', text: string) => void {
  let started = false;
  return (stream, text) => {
    if (!started) append(`=== ${label}\n`);
    started = true;
    append(`--- ${stream}\n${text}${text.endsWith('\n') ? '' : '\n'}`);
  };
}

/** Remove a test folder, unless this run keeps its artifacts for the secrets scan. */
export function removeTestDir(dir: string): void {
  if (ARTIFACTS !== undefined) return;
  rmSync(dir, { recursive: true, force: true });
}
