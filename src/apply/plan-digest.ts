import { canonicalJson, sha256Hex } from '../model/fingerprint.js';
import type { Plan } from '../model/plan.js';

/**
 * The identity of a plan: sha256 of its canonical JSON. A plan read back from its file has the same
 * digest (decode(encode(plan)) equals plan), whatever the file's formatting. Keys the journal.
 */
export function planDigest(plan: Plan): string {
  return sha256Hex(canonicalJson(plan));
}
