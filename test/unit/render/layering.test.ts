import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDER = join(import.meta.dirname, '..', '..', '..', 'src', 'render');

describe('src/render dependencies', () => {
  it('imports only the model, the plan document, the step registry, its own files, the diff package and picocolors (no I/O, no cli/graph/ad)', () => {
    const files = readdirSync(RENDER).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const imports = files.flatMap((f) =>
      [...readFileSync(join(RENDER, f), 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => ({ file: f, from: m[1] ?? '' })),
    );
    // picocolors: ANSI codes only when the caller's flag says so (createColors(flag)); no I/O of its own is used
    const disallowed = imports.filter((i) => !/^(\.\/[a-z-]+\.js|\.\.\/(model|document|steps)\/[a-z-]+\.js|diff|picocolors)$/.test(i.from));
    expect(disallowed).toEqual([]);
  });
});
