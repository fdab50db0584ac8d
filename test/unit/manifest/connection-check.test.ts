import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadManifestText } from '../../../src/manifest/load.js';
import { withHeader } from './fixtures.js';

/** The minimal manifest with its connection.url line replaced by `connection` (and a rule). */
function manifest(connection: string): string {
  return withHeader('users:\n  - select: { all: true }\n    authority: cloud\n    method: sourceOfAuthority\n').replace('    url: ldaps://dc1.contoso.com\n', `${connection}\n`);
}

describe('manifest transport checks (activeDirectory.connection.url)', () => {
  it('ldap:// to a remote DC without startTls → ldap-cleartext at the url', () => {
    const r = loadManifestText(manifest('    url: ldap://dc1.contoso.com'), 'm.yaml');
    expect(r.desired).toBeNull();
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'ldap-cleartext',
        message:
          'activeDirectory.connection.url is ldap:// to dc1.contoso.com, which would send the bind password in clear text over the network, so it is refused: ' +
          'use ldaps://, or set startTls: true to upgrade the connection before binding (plain ldap:// is allowed to a loopback address only).',
        location: { file: 'm.yaml', line: 6, col: 10 },
      },
    ]);
  });

  it('ldap:// with startTls: true, ldaps://, and plain ldap:// to loopback are valid', () => {
    for (const c of ['    url: ldap://dc1.contoso.com\n    startTls: true', '    url: ldaps://dc1.contoso.com', '    url: ldap://127.0.0.1:3389']) {
      expect(loadManifestText(manifest(c), 'm.yaml').diagnostics).toEqual([]);
    }
  });

  it('a URL with a password → ldap-url-credentials only; no message repeats the URL (the schema pattern error is not shown)', () => {
    const r = loadManifestText(manifest('    url: ldaps://svc:Hunter2-InUrl@dc1.contoso.com'), 'm.yaml');
    expect(r.desired).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ldap-url-credentials']);
    expect(r.diagnostics[0]?.location).toEqual({ file: 'm.yaml', line: 6, col: 10 });
    const text = formatDiagnostics(r.diagnostics);
    expect(text).not.toContain('Hunter2-InUrl');
    expect(text).not.toContain('svc:');
  });

  it('a URL with a user name only (which the schema pattern accepts) is refused too', () => {
    const r = loadManifestText(manifest('    url: ldaps://svc@dc1.contoso.com'), 'm.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ldap-url-credentials']);
  });
});
