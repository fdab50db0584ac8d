/**
 * What the plan views show: exactly what the plan document holds (a field the document does not
 * carry is not shown; see `documentedOverview` / `documentedStep`), with control characters in
 * names, DNs, UPNs and reasons escaped for a terminal. Steps are taken one object at a time, so a
 * plan of a million users is laid out without a second copy of it.
 */
import { documentedOverview, documentedStep } from '../document/plan-document.js';
import { escapeControlChars } from '../model/escape-text.js';
import type { Plan, PlannedStep } from '../model/plan.js';
import { groupByObject, type ObjectView } from './step-view.js';

/** The plan without its steps and fingerprints, as shown. */
export function shownOverview(plan: Plan): Plan {
  return documentedOverview(plan, { shown: shownText });
}

/** Free text from the directories and the manifest: no raw control characters on a terminal. */
function shownText(text: string): string {
  return escapeControlChars(text);
}

/** The plan's objects in the order of their first step, each with its steps (as planned, not yet shown). */
export interface PlanObjects {
  keys: string[];
  steps: Map<string, PlannedStep[]>;
  /** Some object has steps of different actions (its symbol is then `change`). */
  mixed: boolean;
}

export function planObjects(steps: readonly PlannedStep[]): PlanObjects {
  const keys: string[] = [];
  const byKey = new Map<string, PlannedStep[]>();
  let mixed = false;
  for (const s of steps) {
    const list = byKey.get(s.objectKey);
    if (list) {
      mixed ||= (list[0] as PlannedStep).action !== s.action;
      list.push(s);
    } else {
      keys.push(s.objectKey);
      byKey.set(s.objectKey, [s]);
    }
  }
  return { keys, steps: byKey, mixed };
}

/** One object's view (its steps as shown) and each step's hazard codes, in step order. */
export function shownObject(objects: PlanObjects, key: string): { view: ObjectView; hazardCodes: string[][] } {
  const steps = (objects.steps.get(key) ?? []).map((s) => documentedStep(s, { shown: shownText }));
  const view = groupByObject(steps)[0] as ObjectView;
  return { view, hazardCodes: steps.map((s) => s.hazardCodes) };
}

/**
 * Collects text into pieces of about `size` characters for `write` (a stream, stdout): few writes,
 * and never the whole output as one string.
 */
export class ChunkedWriter {
  private buffer = '';

  constructor(
    private readonly write: (chunk: string) => void,
    private readonly size = 1 << 16,
  ) {}

  add(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= this.size) this.flush();
  }

  flush(): void {
    if (this.buffer === '') return;
    this.write(this.buffer);
    this.buffer = '';
  }
}
