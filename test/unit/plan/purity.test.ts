// What src/plan may import is enforced for every folder by test/unit/import-rules.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../../src/plan');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();

describe('the planner is pure', () => {
  it('src/plan reads no clock, randomness or environment', () => {
    // `new Date(ms)` converts a time the planner was given (e.g. createdAt + 30 days); `new Date()` reads the clock.
    const bad = files.filter((f) => /\bDate\.now\(|new Date\(\s*\)|Math\.random\(|process\.env|performance\.now\(/.test(readFileSync(join(dir, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
