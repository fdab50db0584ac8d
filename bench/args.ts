/** Shared command-line and figure helpers for the benchmarks (scripts that print figures, not tests). */
import { resourceUsage } from 'node:process';

/** `--name N` from argv as a whole number (`positive`: at least 1), or the fallback. */
export function intArg(name: string, fallback: number, range: 'whole' | 'positive' = 'whole'): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (range === 'positive' && (!Number.isInteger(v) || v <= 0)) throw new Error(`--${name} needs a positive integer`);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

/** Seconds since `start` (a performance.now() value), two decimals. */
export function seconds(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(2);
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return Math.round(resourceUsage().maxRSS / 1024);
}
