import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/manifest/load.js';
import { fixtureText } from './fixtures.js';

describe('loader robustness', () => {
  it('any text → no exception, desired null exactly when there is an error, every location 1-based', () => {
    const full = fixtureText('full.yaml');
    const mutated = fc
      .tuple(fc.nat({ max: full.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 12 }))
      .map(([at, cut, insert]) => full.slice(0, at) + insert + full.slice(at + cut));

    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 200 })), (text) => {
        const r = loadManifestText(text, 'f.yaml');
        const hasError = r.diagnostics.some((d) => d.severity === 'error');
        expect(r.desired === null).toBe(hasError);
        for (const d of r.diagnostics) {
          if (d.location) {
            expect(d.location.line).toBeGreaterThanOrEqual(1);
            expect(d.location.col).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 400, seed: 20261121 },
    );
  });
});
