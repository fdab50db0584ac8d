import { describe, expect, it } from 'vitest';
import { describeLdapUrlProblem, isLoopbackHost, ldapUrlProblem, parseLdapUrl, redactUrl } from '../../../src/model/ldap-url.js';

describe('loopback as written (never resolved: fails closed)', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['dc1.contoso.com', '10.0.0.1', '128.0.0.1', '127.0.0.256', '2130706433', '0x7f000001', '127.1', 'localhost.contoso.com', '127.0.0.1.', '::2', ''])(
    '%s is not loopback',
    (h) => {
      expect(isLoopbackHost(h)).toBe(false);
    },
  );
});

describe('LDAP URL problems', () => {
  it('ldap:// to a remote host needs StartTLS; ldaps:// and loopback do not', () => {
    expect(ldapUrlProblem('ldap://dc1.contoso.com', false)).toEqual({ kind: 'cleartext', host: 'dc1.contoso.com' });
    expect(ldapUrlProblem('ldap://dc1.contoso.com:389', true)).toBeNull();
    expect(ldapUrlProblem('ldaps://dc1.contoso.com', false)).toBeNull();
    expect(ldapUrlProblem('ldap://127.0.0.1:389', false)).toBeNull();
    expect(ldapUrlProblem('ldap://[::1]:389', false)).toBeNull();
    expect(ldapUrlProblem('LDAP://DC1', false)).toEqual({ kind: 'cleartext', host: 'DC1' });
  });

  it('any user information in the URL is refused, whatever the scheme and even when the URL does not parse', () => {
    for (const url of ['ldaps://u:p@dc1', 'ldap://u@127.0.0.1', 'ldaps://u:p@ss/w:rd@dc1:636', 'ldaps://:pw@dc1', 'https://u:p@x', 'u:p@dc1']) {
      expect(ldapUrlProblem(url, false)).toEqual({ kind: 'url-credentials' });
      expect(parseLdapUrl(url)?.hasCredentials).toBe(true);
    }
  });

  it('other schemes and non-URLs', () => {
    expect(ldapUrlProblem('https://dc1', false)).toEqual({ kind: 'scheme', scheme: 'https' });
    expect(ldapUrlProblem('dc1.contoso.com', false)).toEqual({ kind: 'not-a-url' });
  });

  it('the sentences never contain the URL (the credentials problem) and say what to do', () => {
    const text = describeLdapUrlProblem({ kind: 'url-credentials' }, 'activeDirectory.connection.url');
    expect(text).toMatch(/^activeDirectory\.connection\.url carries a user name or password/);
    expect(text).toContain('bindPasswordEnv');
    expect(describeLdapUrlProblem({ kind: 'cleartext', host: 'dc1' }, 'x')).toContain('startTls: true');
  });

  it('redactUrl removes everything up to the last @, keeping the scheme', () => {
    expect(redactUrl('ldaps://svc:Pa@ss/w:rd@dc1.contoso.com:636')).toBe('ldaps://<credentials removed>@dc1.contoso.com:636');
    expect(redactUrl('svc:pw@dc1')).toBe('<credentials removed>@dc1');
    expect(redactUrl('ldaps://dc1.contoso.com')).toBe('ldaps://dc1.contoso.com');
  });
});
