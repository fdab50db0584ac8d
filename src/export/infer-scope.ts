/**
 * Entra Connect's OU filter inferred from which AD users are synced (neither Graph nor LDAP holds the
 * filter itself). Walks the OU tree from the top: an OU whose users are all synced is included, one
 * whose users are all unsynced is left out (excluded when its parent is included); an OU holding both
 * follows the majority and its children are decided the same way. Users whose sync state says nothing
 * (converted to cloud management, which keeps the AD object where it was) are not counted.
 */
import { dnComponents } from '../model/dn.js';

/** An AD user's DN and whether it is synced now (true), not synced (false), or unknown (null). */
export interface SyncEvidence {
  dn: string;
  synced: boolean | null;
}

export function inferSyncScope(evidence: readonly SyncEvidence[], ous: readonly string[]): { include: string[]; exclude: string[] } {
  const keyOf = (dn: string) => dnComponents(dn).join(',');
  const parentKey = (key: string) => key.slice(key.indexOf(',') + 1);
  const byKey = new Map(ous.map((dn) => [keyOf(dn), dn] as const));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const key of [...byKey.keys()].sort()) {
    let p = parentKey(key);
    while (p.includes(',') && !byKey.has(p)) p = parentKey(p);
    if (byKey.has(p)) children.set(p, [...(children.get(p) ?? []), key]);
    else roots.push(key);
  }
  const counts = new Map<string, { synced: number; unsynced: number; directSynced: number; directUnsynced: number }>();
  const bump = (key: string) => {
    let c = counts.get(key);
    if (c === undefined) counts.set(key, (c = { synced: 0, unsynced: 0, directSynced: 0, directUnsynced: 0 }));
    return c;
  };
  for (const e of evidence) {
    if (e.synced === null) continue;
    const c = dnComponents(e.dn);
    let direct = true;
    for (let k = 1; k < c.length; k++) {
      const key = c.slice(k).join(',');
      if (!byKey.has(key)) continue;
      const n = bump(key);
      if (e.synced) n.synced++;
      else n.unsynced++;
      if (direct) {
        if (e.synced) n.directSynced++;
        else n.directUnsynced++;
        direct = false;
      }
    }
  }
  const include: string[] = [];
  const exclude: string[] = [];
  const walk = (key: string, parentIn: boolean) => {
    const c = counts.get(key);
    if (c === undefined || c.synced + c.unsynced === 0) return;
    const inScope = c.unsynced === 0 ? true : c.synced === 0 ? false : c.directSynced + c.directUnsynced > 0 ? c.directSynced >= c.directUnsynced : c.synced >= c.unsynced;
    if (inScope !== parentIn) (inScope ? include : exclude).push(byKey.get(key) as string);
    if (c.synced > 0 && c.unsynced > 0) for (const child of children.get(key) ?? []) walk(child, inScope);
  };
  for (const r of roots) walk(r, false);
  const byDn = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);
  return { include: include.sort(byDn), exclude: exclude.sort(byDn) };
}
