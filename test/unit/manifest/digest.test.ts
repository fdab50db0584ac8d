import { describe, expect, it } from 'vitest';
import { loadManifestFile, loadManifestText } from '../../../src/manifest/load.js';
import { fixturePath, fixtureText } from './fixtures.js';

describe('manifest digest', () => {
  it('full.yaml → sha256 of its bytes, the same from text and from file, on every load', async () => {
    const text = fixtureText('full.yaml');

    const a = loadManifestText(text, 'full.yaml');
    const b = loadManifestText(text, 'elsewhere/full.yaml');
    const c = await loadManifestFile(fixturePath('full.yaml'));

    expect(a.desired?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.desired?.digest).toBe(a.desired?.digest);
    expect(c.desired?.digest).toBe(a.desired?.digest);
  });

  it('a comment added → a different digest but the same rules', () => {
    const text = fixtureText('minimal.yaml');

    const before = loadManifestText(text, 'm.yaml').desired;
    const after = loadManifestText(`${text}# reviewed\n`, 'm.yaml').desired;

    expect(after?.digest).not.toBe(before?.digest);
    expect(after?.users).toEqual(before?.users);
  });

  it('minimal.yaml → the sha256 that `sha256sum` prints for the file', () => {
    const valid = loadManifestText(fixtureText('minimal.yaml'), 'm.yaml');

    expect(valid.desired?.digest).toBe('529e934736df4fba2ef84b5bc352ea965ad04c4fb893705ea692279b8f8551a0');
  });
});
