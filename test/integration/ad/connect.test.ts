import { describe, expect, it } from 'vitest';
import { connectDirectory } from '../../../src/ad/index.js';
import { directoryFailure, sambaEnv } from '../../helpers/samba.js';

const env = sambaEnv();

describe.runIf(env)('connectDirectory against Samba', () => {
  // The callback is collected even when skipped (no DC): read nothing from a missing env.
  const e = (env ?? {}) as NonNullable<typeof env>;
  const base = { baseDn: e.baseDn, bindDn: e.bindDn, password: e.bindPassword };

  it('binds over ldaps:// with the test CA and reads the Administrator', async () => {
    const warnings: string[] = [];
    const dir = await connectDirectory({ ...base, url: e.ldapsUrl, caFile: e.caFile, onWarning: (m) => warnings.push(m) });
    try {
      expect(dir.encrypted).toBe(true);
      const admin = await dir.getUserByDn(e.bindDn);
      expect(admin?.samAccountName).toBe('Administrator');
      expect(admin?.objectGuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(admin?.enabled).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      await dir.close();
    }
  });

  it('binds over plain ldap:// and warns that it is unencrypted', async () => {
    const warnings: string[] = [];
    const dir = await connectDirectory({ ...base, url: e.ldapUrl, onWarning: (m) => warnings.push(m) });
    try {
      expect(dir.encrypted).toBe(false);
      expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('unencrypted');
    } finally {
      await dir.close();
    }
  });

  it('upgrades ldap:// with StartTLS and verifies the certificate against the CA', async () => {
    const warnings: string[] = [];
    const dir = await connectDirectory({
      ...base,
      url: e.ldapUrl.replace('127.0.0.1', 'localhost'),
      startTls: true,
      caFile: e.caFile,
      onWarning: (m) => warnings.push(m),
    });
    try {
      expect(dir.encrypted).toBe(true);
      expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
      expect(warnings).toEqual([]);
    } finally {
      await dir.close();
    }
  });

  it('StartTLS without the CA fails with a tls error', async () => {
    const err = await directoryFailure(connectDirectory({ ...base, url: e.ldapUrl, startTls: true, onWarning: () => undefined }));
    expect(err.code).toBe('tls');
    expect(err.message).toContain('CA certificate');
  });

  it('a wrong password gives invalid-credentials naming the bind DN and where the password comes from', async () => {
    const err = await directoryFailure(
      connectDirectory({ ...base, url: e.ldapsUrl, caFile: e.caFile, password: 'not-the-password', passwordSource: '$AD_PW' }),
    );
    expect(err.code).toBe('invalid-credentials');
    expect(err.dn).toBe(e.bindDn);
    expect(err.message).toBe(
      `bind as ${e.bindDn} failed: invalid credentials. Check the password in $AD_PW, the bind DN, and that the account is enabled and not locked out.`,
    );
    expect(err.message).not.toContain(e.bindPassword);
  });

  it('ldaps:// without the CA fails with a tls error telling to give the CA', async () => {
    const err = await directoryFailure(connectDirectory({ ...base, url: e.ldapsUrl }));
    expect(err.code).toBe('tls');
    expect(err.message).toMatch(/TLS error \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    expect(err.message).toContain('caFile');
  });

  it('ldaps:// to an address missing from the certificate fails even with the CA', async () => {
    // The certificate names localhost, 127.0.0.1 and ::1; the IPv4-mapped IPv6 form reaches the same socket.
    const url = e.ldapsUrl.replace('localhost', '[::ffff:127.0.0.1]');
    const err = await directoryFailure(connectDirectory({ ...base, url, caFile: e.caFile }));
    expect(err.code).toBe('tls');
    expect(err.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('insecureSkipTlsVerify connects without the CA but warns loudly', async () => {
    const warnings: string[] = [];
    const dir = await connectDirectory({ ...base, url: e.ldapsUrl, insecureSkipTlsVerify: true, onWarning: (m) => warnings.push(m) });
    try {
      expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('NOT verified');
    } finally {
      await dir.close();
    }
  });

  it('a closed port gives unavailable', async () => {
    const err = await directoryFailure(connectDirectory({ ...base, url: 'ldap://127.0.0.1:1', onWarning: () => undefined, timeoutMs: 3000 }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('cannot reach the DC');
  });
});
