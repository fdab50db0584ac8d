/** How a stale object's changes are written: `AD mail: "a@x" -> "b@x"`. */
import type { StateIndex } from './spec.js';

const show = (v: unknown): string => (Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(v ?? null));

/** One change seen on a stale object, on one side (`AD`, `Entra`, `tenant`). */
export function changeText(side: string, attribute: string, before: unknown, after: unknown): string {
  return `${side} ${attribute}: ${show(before)} -> ${show(after)}`;
}

/** The Entra user a step acts on is gone. */
export function entraUserGone(upn: string, userId: string): string {
  return `Entra: ${upn} (${userId}) no longer exists`;
}

/** The AD user a step acts on is not at its DN: moved (found by UPN) or gone. Null when it is there. */
export function adUserMissing(dn: string, upn: string | null, now: StateIndex): string | null {
  if (now.adByDn.has(dn.toLowerCase())) return null;
  const moved = upn ? now.adByUpn.get(upn.toLowerCase()) : undefined;
  return moved ? changeText('AD', 'dn', dn, moved.dn) : `AD: ${dn} no longer exists`;
}
