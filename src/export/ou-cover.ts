/**
 * "Grouped by OU where that is shorter": the highest organisational units every candidate below
 * which is a member, with at least `min` members; members under no such OU are returned one by one.
 */
import { dnComponents } from '../model/dn.js';

/** An object with a DN: a member of the set being described, or a candidate that is not. */
export interface Placed {
  id: string;
  dn: string;
  member: boolean;
}

export interface OuCover {
  /** Each OU as the directory spells it, with the members below it; sorted by DN. */
  ous: { dn: string; ids: string[] }[];
  /** Members under no OU of the cover. */
  rest: string[];
}

export function coverByOu(entries: readonly Placed[], ous: readonly string[], min: number): OuCover {
  const ouByKey = new Map(ous.map((dn) => [dnComponents(dn).join(','), dn] as const));
  const total = new Map<string, number>();
  const members = new Map<string, number>();
  const ancestors = (dn: string): string[] => {
    const c = dnComponents(dn);
    const out: string[] = [];
    // from the top down, so that the first pure one is the highest
    for (let k = c.length - 1; k >= 1; k--) {
      const key = c.slice(k).join(',');
      if (ouByKey.has(key)) out.push(key);
    }
    return out;
  };
  const placed = entries.map((e) => ({ e, up: ancestors(e.dn) }));
  for (const { e, up } of placed) {
    for (const key of up) {
      total.set(key, (total.get(key) ?? 0) + 1);
      if (e.member) members.set(key, (members.get(key) ?? 0) + 1);
    }
  }
  const pure = (key: string) => (members.get(key) ?? 0) >= min && members.get(key) === total.get(key);
  const byOu = new Map<string, string[]>();
  const rest: string[] = [];
  for (const { e, up } of placed) {
    if (!e.member) continue;
    const top = up.find(pure);
    if (top === undefined) rest.push(e.id);
    else {
      const list = byOu.get(top);
      if (list) list.push(e.id);
      else byOu.set(top, [e.id]);
    }
  }
  const out = [...byOu.entries()].map(([key, ids]) => ({ dn: ouByKey.get(key) as string, ids }));
  out.sort((a, b) => (a.dn.toLowerCase() < b.dn.toLowerCase() ? -1 : 1));
  return { ous: out, rest };
}
