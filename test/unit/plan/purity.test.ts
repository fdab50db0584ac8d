import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../../src/plan');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();

describe('the planner is pure', () => {
  it('src/plan imports only the model, the join/selectors, the step registry and itself (no graph/, ad/, cli/, node I/O)', () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1] as string;
        if (!/^(\.\/[\w-]+\.js|\.\.\/(model|identity|steps)\/[\w-]+\.js)$/.test(spec)) bad.push(`${f}: ${spec}`);
      }
    }
    expect(files.length).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });

  it('src/plan reads no clock, randomness or environment', () => {
    // `new Date(ms)` converts a time the planner was given (e.g. createdAt + 30 days); `new Date()` reads the clock.
    const bad = files.filter((f) => /\bDate\.now\(|new Date\(\s*\)|Math\.random\(|process\.env|performance\.now\(/.test(readFileSync(join(dir, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
