import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const STEPS = join(import.meta.dirname, '..', '..', '..', 'src', 'steps');

describe('the step registry is pure', () => {
  // plan/, render/, apply/, document/ and graph/ all import it: it may import only the model, itself and diff.
  it('src/steps imports only the model, its own files and the diff package (no I/O, no apply/graph/ad/plan/render)', () => {
    const files = readdirSync(STEPS).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(14);
    const imports = files.flatMap((f) =>
      [...readFileSync(join(STEPS, f), 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => `${f}: ${m[1] ?? ''}`),
    );
    expect(imports.filter((i) => !/: (\.\/[a-z-]+\.js|\.\.\/model\/[a-z-]+\.js|diff)$/.test(i))).toEqual([]);
  });
});
