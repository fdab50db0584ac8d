import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadManifestText } from '../../../src/manifest/load.js';
import { fixtureText, withHeader } from './fixtures.js';

describe('secrets in the manifest', () => {
  it('secret.yaml → secret-in-manifest at each password key, and no value in any output', () => {
    const result = loadManifestText(fixtureText('secret.yaml'), 'secret.yaml');
    const printed = formatDiagnostics(result.diagnostics);

    expect(result.desired).toBeNull();
    expect(result.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.code}`)).toEqual([
      '10:5 secret-in-manifest',
      '16:5 secret-in-manifest',
    ]);
    expect(result.diagnostics[0]?.message).toContain('Put the password in an environment variable');
    expect(result.diagnostics[0]?.message).toContain('bindPasswordEnv');
    expect(printed).not.toContain('Hunter2-DoNotLeak');
    expect(printed).not.toContain('AlsoSecret-42');
    expect(JSON.stringify(result)).not.toContain('Hunter2');
  });

  it('a password key in any case, anywhere, even in a file with a YAML error → reported, value not echoed', () => {
    const text = withHeader('sync:\n  Password: "S3cr3t!"\n  timeout: [\n');

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics.map((d) => d.code)).toContain('secret-in-manifest');
    expect(formatDiagnostics(result.diagnostics)).not.toContain('S3cr3t');
  });
});
