/**
 * Benchmark: loading a manifest (YAML with positions → schema → semantic checks) at 10k, 20k and
 * 40k mapping keys, in three shapes, and the time ratio 40k / 10k (linear ≈ 4, quadratic ≈ 16).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/manifest-load.js [--rounds 3]
 *
 * Shapes: `rules` (valid: one rule per UPN), `same-selector` (valid: every rule selects all users,
 * so every rule overlaps the first), `unknown-keys` (one map of unknown keys: one schema error each).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument, visit } from 'yaml';
import { loadManifestText } from '../src/manifest/load.js';
import { intArg, peakRssMb } from './args.js';

const rounds = intArg('rounds', 3, 'positive');
const SIZES = [10_000, 20_000, 40_000];

/** The minimal test manifest up to its rules (tenant and AD connection). */
const HEADER = (() => {
  const minimal = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'manifests', 'minimal.yaml'), 'utf8');
  return minimal.slice(0, minimal.indexOf('users:'));
})();

/** Each shape makes a manifest of about `keys` mapping keys. */
const SHAPES: Record<string, (keys: number) => string> = {
  rules: (keys) =>
    `${HEADER}users:\n${Array.from({ length: Math.floor(keys / 5) }, (_, i) => `  - name: r${i}\n    select: { upn: u${i}@contoso.com }\n    authority: cloud\n    method: sourceOfAuthority\n`).join('')}`,
  'same-selector': (keys) =>
    `${HEADER}users:\n${Array.from({ length: Math.floor(keys / 5) }, (_, i) => `  - name: r${i}\n    select: { all: true }\n    authority: cloud\n    method: sourceOfAuthority\n`).join('')}`,
  'unknown-keys': (keys) => `${HEADER}users: []\nextra:\n${Array.from({ length: keys }, (_, i) => `  k${i}: v\n`).join('')}`,
};

function countKeys(text: string): number {
  let n = 0;
  visit(parseDocument(text, { uniqueKeys: false }), {
    Map(_, map) {
      if (isMap(map)) n += map.items.length;
    },
  });
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

loadManifestText(SHAPES['rules']?.(2000) ?? '', 'warm-up.yaml');
console.log(`manifest load, median of ${rounds} rounds`);
for (const [shape, make] of Object.entries(SHAPES)) {
  const times: number[] = [];
  for (const size of SIZES) {
    const text = make(size);
    const runs: number[] = [];
    let diagnostics = 0;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      diagnostics = loadManifestText(text, 'bench.yaml').diagnostics.length;
      runs.push(performance.now() - t0);
    }
    const ms = median(runs);
    times.push(ms);
    console.log(
      `  ${shape.padEnd(14)} ${countKeys(text).toLocaleString('en-US').padStart(7)} keys ${(text.length / 1024).toFixed(0).padStart(5)} KB  ${ms.toFixed(0).padStart(6)} ms  ${diagnostics} diagnostics`,
    );
  }
  const first = times[0] as number;
  const last = times[times.length - 1] as number;
  console.log(`  ${shape.padEnd(14)} ratio 40k/10k keys: ${(last / first).toFixed(2)} (linear ≈ 4, quadratic ≈ 16)`);
}
console.log(`peak RSS ${peakRssMb()} MB`);
