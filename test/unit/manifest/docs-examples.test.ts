import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/manifest/load.js';

const doc = readFileSync(new URL('../../../docs/manifest.md', import.meta.url), 'utf8');
const completeExamples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1] ?? '')
  .filter((block) => block.includes('apiVersion:'));

describe('docs/manifest.md', () => {
  it('has at least one complete example manifest, and each → valid with no diagnostics', () => {
    expect(completeExamples.length).toBeGreaterThanOrEqual(1);
    for (const text of completeExamples) {
      const result = loadManifestText(text, 'docs/manifest.md');
      expect(result.diagnostics).toEqual([]);
      expect(result.desired?.users.length).toBeGreaterThanOrEqual(1);
    }
  });
});
