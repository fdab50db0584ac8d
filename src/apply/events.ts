import type { StepResult } from './report.js';

/** What apply tells its caller while it runs (progress display, logs). Never carries a secret. */
export type ApplyEvent =
  | { type: 'start'; total: number; toRun: number; resumed: number }
  | { type: 'step-started'; stepId: string; title: string }
  | { type: 'step-finished'; result: StepResult }
  /** A sync.await step is waiting; `message` says what for and how to trigger a cycle. */
  | { type: 'waiting'; stepId: string; message: string; nextCheckInS: number }
  | { type: 'warning'; message: string }
  | { type: 'interrupted'; running: number };
