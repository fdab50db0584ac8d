import { execFileSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';

// Proves that test/setup/global.ts's variables reach test files by both paths it documents.
const provided = inject('sambaEnv');

if (provided !== null) {
describe('the Samba test environment', () => {
  it('reaches test files through process.env and inject() with the same values', () => {
    expect(process.env.ENTRA_SOA_TEST_LDAP_URL).toBe('ldap://127.0.0.1:389');
    expect(process.env.ENTRA_SOA_TEST_LDAPS_URL).toBe('ldaps://localhost:636');
    expect(process.env.ENTRA_SOA_TEST_BASE_DN).toBe('DC=lab,DC=example,DC=test');
    expect(process.env.ENTRA_SOA_TEST_BIND_DN).toBe('CN=Administrator,CN=Users,DC=lab,DC=example,DC=test');
    expect(process.env.ENTRA_SOA_TEST_BIND_PASSWORD).toMatch(/^.{8,}$/);
    expect(process.env.ENTRA_SOA_TEST_CA_FILE).toMatch(/ca\.crt$/);
    expect(provided?.ENTRA_SOA_TEST_BIND_PASSWORD).toBe(process.env.ENTRA_SOA_TEST_BIND_PASSWORD);
    expect(provided?.ENTRA_SOA_TEST_CA_FILE).toBe(process.env.ENTRA_SOA_TEST_CA_FILE);
  });

  it('answers on the rootDSE with the lab naming context', () => {
    const out = execFileSync('ldbsearch', ['-H', 'ldap://127.0.0.1', '-s', 'base', '-b', '', 'defaultNamingContext'], {
      encoding: 'utf8',
    });
    expect(out).toContain('defaultNamingContext: DC=lab,DC=example,DC=test');
  });
});
} else {
describe('the Samba test environment (absent)', () => {
  it('is absent only outside CI', () => {
    expect(process.env.CI).not.toBe('true');
    expect(process.env.ENTRA_SOA_TEST_LDAP_URL).toBeUndefined();
  });
});
}
