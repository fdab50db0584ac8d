/** How the plan's views write values and attribute changes (shared by every step kind's `describe`). */
import { diffArrays } from 'diff';
import { immutableIdToGuid } from '../model/anchor.js';
import type { DetailLine } from './spec.js';

/** A value in the way the renderers quote it: strings in double quotes, null and numbers bare. */
export function formatValue(v: string | number | boolean | null): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** The immutable id with the GUID it encodes, so a reviewer can compare it with AD. */
export function immutableIdNote(id: string | null): string | undefined {
  if (id === null) return undefined;
  const guid = immutableIdToGuid(id);
  return guid === null ? undefined : `anchor GUID ${guid}`;
}

const MULTI_VALUED: readonly string[] = ['proxyAddresses'];

/**
 * Attribute changes as detail lines; multi-valued ones (those named in `multiValued`, or any with more
 * than one value) as a value diff (jsdiff's diffArrays).
 */
export function attrChangeLines(
  changes: readonly { name: string; from: readonly string[]; to: readonly string[] }[],
  multiValued: readonly string[] = MULTI_VALUED,
): DetailLine[] {
  return changes.map((c): DetailLine => {
    if (multiValued.includes(c.name) || c.from.length > 1 || c.to.length > 1) {
      const entries: { op: '+' | '-' | ' '; value: string }[] = [];
      for (const part of diffArrays([...c.from], [...c.to])) {
        const op = part.added ? '+' : part.removed ? '-' : ' ';
        for (const value of part.value) entries.push({ op, value });
      }
      return { kind: 'list', name: c.name, entries };
    }
    return { kind: 'attr', name: c.name, from: formatValue(c.from[0] ?? null), to: formatValue(c.to[0] ?? null) };
  });
}

/** A duration in seconds as people write it (`2h`, `90m`, `45s`). */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
