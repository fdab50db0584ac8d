import { sha256Hex } from '../model/fingerprint.js';
import type { Plan } from '../model/plan.js';
import { encodePlan } from '../document/plan-document.js';

/**
 * The identity of a plan: sha256 of its public document (`encodePlan`, fixed key order), i.e. of the
 * bytes `plan --out` writes — `sha256sum plan.json` gives the same value. A plan read back from its
 * file has the same digest (decode(encode(plan)) equals plan). Keys the journal.
 */
export function planDigest(plan: Plan): string {
  return sha256Hex(encodePlan(plan));
}
