import type { StepResult } from './report.js';

/** What apply tells its caller while it runs (progress display, logs). Never carries a secret. */
export type ApplyEvent =
  | { type: 'start'; total: number; toRun: number; resumed: number }
  | { type: 'step-started'; stepId: string; title: string }
  | { type: 'step-finished'; result: StepResult }
  /** sync.await steps are waiting (all in one poll loop); `message` says what for. */
  | { type: 'waiting'; stepIds: string[]; message: string; nextCheckInS: number }
  | { type: 'warning'; message: string }
  | { type: 'interrupted'; running: number };
