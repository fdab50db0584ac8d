// Deterministic randomness for the generators (scripts/gen-*.mjs): the same mulberry32 algorithm and
// API as SeededRandom in src/lab/memory-directory.ts (the scripts run on plain Node and import nothing
// from src/), and version-4 GUIDs drawn from it.

export class SeededRandom {
  #s;
  constructor(seed) {
    this.#s = seed >>> 0;
  }
  /** The current state (`new SeededRandom(state)` continues the same sequence). */
  get state() {
    return this.#s;
  }
  /** A float in [0, 1). */
  next() {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }
}

/** A version-4 GUID in display form from 16 bytes drawn from `random` (a SeededRandom). */
export function randomGuid(random) {
  const b = Array.from({ length: 16 }, () => random.int(256));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
