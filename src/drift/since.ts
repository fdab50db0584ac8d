/**
 * `drift --since previous/report.json`: what drifted since the previous report and what was resolved.
 * Objects are compared by key; an object whose rule could not be read this time is neither "resolved"
 * nor "still drifted" but "unknown now".
 */
import type { DriftChange, DriftedObject, DriftRule, DriftSince, DriftStatus } from '../model/drift-report.js';

/** The parts of a previous report the comparison needs (read by `readPreviousReport` in render/drift-document.ts). */
export interface PreviousReport {
  /** The file as given on the command line. */
  file: string;
  createdAt: string;
  status: DriftStatus;
  drifted: DriftChange[];
  /** True when the previous run read everything (no unread items). */
  complete: boolean;
}

export function compareWithPrevious(previous: PreviousReport, current: readonly DriftedObject[], rules: readonly DriftRule[]): DriftSince {
  const now = new Map(current.map((o) => [o.objectKey, o] as const));
  const before = new Set(previous.drifted.map((o) => o.objectKey));
  const unreadRules = new Set(rules.filter((r) => r.status === 'unread').map((r) => r.name));
  const newlyDrifted: DriftChange[] = [];
  const resolved: DriftChange[] = [];
  const unknownNow: DriftChange[] = [];
  let stillDrifted = 0;
  for (const o of current) {
    if (before.has(o.objectKey)) stillDrifted++;
    else newlyDrifted.push({ objectKey: o.objectKey, rule: o.rule });
  }
  for (const o of previous.drifted) {
    if (now.has(o.objectKey)) continue;
    if (unreadRules.has(o.rule)) unknownNow.push({ objectKey: o.objectKey, rule: o.rule });
    else resolved.push({ objectKey: o.objectKey, rule: o.rule });
  }
  return {
    file: previous.file,
    createdAt: previous.createdAt,
    status: previous.status,
    newlyDrifted,
    resolved,
    unknownNow,
    stillDrifted,
    previousComplete: previous.complete,
  };
}
