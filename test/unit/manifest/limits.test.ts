/**
 * Issue 12 §7: manifest input is bounded (size, alias expansion), duplicate keys are found without
 * the yaml library's pairwise check, and nothing the yaml library would print reaches stderr.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/manifest/load.js';
import { MAX_MANIFEST_CHARS } from '../../../src/manifest/yaml-source.js';
import { withHeader } from './fixtures.js';

function where(text: string): string[] {
  return loadManifestText(text, 'm.yaml').diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.severity} ${d.code}: ${d.message}`);
}

describe('duplicate keys (one set per map)', () => {
  it('in block maps, flow maps and nested maps, each at the repeated key', () => {
    expect(where('a: 1\nb:\n  c: 1\n  c: 2\nd: {e: 1, e: 2}\na: 3\n').filter((l) => l.includes('unique'))).toEqual([
      '4:3 error yaml-syntax: Map keys must be unique (each key may appear once per map; remove or merge the duplicate)',
      '5:11 error yaml-syntax: Map keys must be unique (each key may appear once per map; remove or merge the duplicate)',
      '6:1 error yaml-syntax: Map keys must be unique (each key may appear once per map; remove or merge the duplicate)',
    ]);
  });

  it('keys compare by value and type, as the yaml library does: 1 and "1" differ, "a" and a do not', () => {
    expect(where('1: x\n"1": y\n').some((l) => l.includes('unique'))).toBe(false);
    expect(where('a: x\n"a": y\n').some((l) => l.includes('unique'))).toBe(true);
  });
});

describe('bounds', () => {
  it('a manifest longer than the limit is refused before it is parsed', () => {
    const text = `# ${'x'.repeat(MAX_MANIFEST_CHARS)}\n`;
    expect(where(text)).toEqual([
      `1:1 error yaml-syntax: the manifest is ${text.length.toLocaleString('en-US')} characters long, more than the 16,777,216 entra-soa reads; is it the right file?`,
    ]);
  });

  it('an alias used inside the value it names → an error, not an endless structure', () => {
    for (const text of ['users: &x [*x]\n', 'a: &x {b: *x}\n']) {
      expect(where(text)).toEqual([
        '1:1 error yaml-syntax: with its aliases expanded the manifest holds more than 2,000,000 values (an alias used inside the value it names, or too many aliases; write the values out)',
      ]);
    }
  });

  it('a big list reused through aliases (linear in the file, 100 million values expanded) → an error', () => {
    const list = `x: &a [${Array.from({ length: 100_000 }, (_, i) => i).join(',')}]\n`;
    const rules = Array.from({ length: 999 }, () => '{select: {upns: *a}, authority: cloud, method: sourceOfAuthority}').join(',');
    const result = loadManifestText(`${list}users: [${rules}]\n`, 'm.yaml');
    expect(result.desired).toBeNull();
    expect(result.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('more than 2,000,000 values')]);
  });

  it('anchors reused a few times in a real manifest still load', () => {
    const result = loadManifestText(
      withHeader('users:\n  - select: { upn: a@contoso.com }\n    authority: &cloud cloud\n    method: &soa sourceOfAuthority\n  - select: { upn: b@contoso.com }\n    authority: *cloud\n    method: *soa\n'),
      'm.yaml',
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.users).toHaveLength(2);
  });
});

describe('the yaml library prints nothing', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('a map used as a key (stringified by toJS) emits no process warning quoting the input', async () => {
    process.on('warning', onWarning);
    const result = loadManifestText('? [a, "\\u001b[31mred"]\n: x\n', 'm.yaml');
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual([]);
    expect(result.desired).toBeNull();
  });
});
