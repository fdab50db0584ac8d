/**
 * Sizes and seeds of the soak tests (issue 12 §8), from the environment with CI-safe defaults, and
 * the figures they print. Every soak file draws its random choices from `SeededRandom` (the lab's
 * mulberry32) seeded with ENTRA_SOA_SOAK_SEED, so a failing run is repeated by exporting the seed it
 * printed; raise the counts for a longer soak (`ENTRA_SOA_SOAK_KILL_ROUNDS=40 npx vitest run test/soak`).
 */
import { SeededRandom } from '../../src/lab/memory-directory.js';

export { SeededRandom };

/** A non-negative integer from the environment variable `name`, else `fallback`. */
export function soakCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (0 or more), got ${JSON.stringify(raw)}`);
  return n;
}

/** ENTRA_SOA_SOAK_SEED: the seed of every soak file (default fixed, so CI is reproducible). */
export const SOAK_SEED = soakCount('ENTRA_SOA_SOAK_SEED', 20261130);

/** A generator for one round of a soak file: the same (seed, file, round) gives the same choices. */
export function roundRandom(file: string, round: number): SeededRandom {
  let h = SOAK_SEED >>> 0;
  for (const c of `${file}:${round}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  // murmur3's finaliser: seeds that differ in one character start far apart (mulberry32's first
  // outputs of close seeds are close).
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return new SeededRandom((h ^ (h >>> 16)) >>> 0);
}

/** One of `items`, drawn with `random`. */
export function pick<T>(random: SeededRandom, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[random.int(items.length)] as T;
}

/** Print a soak file's figures in one line each (they go to vitest's output and the CI log). */
export function printFigures(title: string, lines: readonly string[]): void {
  console.log([`${title} (ENTRA_SOA_SOAK_SEED=${SOAK_SEED})`, ...lines.map((l) => `  ${l}`)].join('\n'));
}
