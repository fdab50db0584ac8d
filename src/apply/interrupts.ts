/**
 * Stop requests from outside an apply session. The first SIGINT (Ctrl-C) or SIGTERM asks the session
 * to stop gracefully: no new step starts, waits end, running calls finish and are recorded. The
 * handlers are removed at that first signal, so a second one ends the process at once (the default
 * action: the journal stays consistent, at worst a step is `started` without an outcome).
 */

/** Calls `stop(signalName)` on the first stop request; returns a function that stops listening. */
export type InterruptSource = (stop: (signal: string) => void) => () => void;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** SIGINT and SIGTERM of this process. */
export const processInterrupts: InterruptSource = (stop) => {
  const handlers = SIGNALS.map((sig) => [sig, () => on(sig)] as const);
  const off = () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
  const on = (sig: string) => {
    off();
    stop(sig);
  };
  for (const [sig, h] of handlers) process.on(sig, h);
  return off;
};
