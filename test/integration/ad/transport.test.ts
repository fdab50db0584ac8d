/**
 * Issue 12 §6: a bind password is never sent in clear, and a URL carrying credentials is refused.
 * A TCP listener on 127.0.0.2 records every byte it receives. The same listener is reached two
 * ways: as `127.0.0.2` (loopback as written: plain ldap:// allowed, so the password arrives — the
 * control that proves the recorder sees it) and as `2130706434`, the same address written as a
 * number, which is not loopback as written and stands in for a remote DC.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDirectory, type LdapDirectoryOptions } from '../../../src/ad/index.js';
import { directoryFailure, sambaEnv } from '../../helpers/samba.js';

/** 127.0.0.2 written as one decimal number: resolves to the listener, but is not loopback as written. */
const REMOTE_NAME = '2130706434';
/** The StartTLS extended operation's OID, as it appears on the wire. */
const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

/** Records what clients send; forwards to `upstream` when given, else closes after the first bytes. */
class Recorder {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  connections = 0;
  received = Buffer.alloc(0);

  constructor(upstream?: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      this.connections++;
      this.sockets.add(client);
      client.on('data', (chunk: Buffer) => {
        this.received = Buffer.concat([this.received, chunk]);
      });
      client.on('error', () => undefined).on('close', () => this.sockets.delete(client));
      if (upstream) {
        const up = net.connect(upstream);
        this.sockets.add(up);
        client.pipe(up);
        up.pipe(client);
        up.on('error', () => client.destroy()).on('close', () => client.destroy());
        client.on('close', () => up.destroy());
      } else {
        client.once('data', () => setTimeout(() => client.destroy(), 20));
      }
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.2', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  saw(text: string): boolean {
    return this.received.includes(Buffer.from(text, 'utf8'));
  }

  reset(): void {
    this.connections = 0;
    this.received = Buffer.alloc(0);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const PASSWORD = 'Transport-Test-Pa55word!';

describe('the bind password never crosses a non-loopback connection in clear (recording listener on 127.0.0.2)', () => {
  const rec = new Recorder();
  let port = 0;
  const base = (url: string, extra: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions => ({
    url,
    baseDn: 'DC=lab,DC=example,DC=test',
    bindDn: 'CN=svc,DC=lab,DC=example,DC=test',
    password: PASSWORD,
    timeoutMs: 2000,
    onWarning: () => undefined,
    ...extra,
  });

  beforeAll(async () => {
    port = await rec.listen();
  });
  afterEach(() => rec.reset());
  afterAll(() => rec.close());

  it('control: plain ldap:// to 127.0.0.2 (loopback as written) is allowed, and the recorder sees the password arrive', async () => {
    await directoryFailure(connectDirectory(base(`ldap://127.0.0.2:${port}`)));
    expect(rec.connections).toBe(1);
    expect(rec.saw(PASSWORD)).toBe(true);
  });

  it(`plain ldap:// to ${REMOTE_NAME} (the same listener, not loopback as written) is refused before connecting`, async () => {
    const err = await directoryFailure(connectDirectory(base(`ldap://${REMOTE_NAME}:${port}`)));
    expect(err.code).toBe('tls');
    expect(err.message).toBe(
      `the AD URL is ldap:// to ${REMOTE_NAME}, which would send the bind password in clear text over the network, so it is refused: ` +
        'use ldaps://, or set startTls: true to upgrade the connection before binding (plain ldap:// is allowed to a loopback address only)',
    );
    expect(rec.connections).toBe(0);
    expect(rec.received.length).toBe(0);
  });

  it('insecureSkipTlsVerify does not make plain ldap:// to a remote host acceptable', async () => {
    const err = await directoryFailure(connectDirectory(base(`ldap://${REMOTE_NAME}:${port}`, { insecureSkipTlsVerify: true })));
    expect(err.code).toBe('tls');
    expect(rec.connections).toBe(0);
  });

  it('with StartTLS the request to upgrade goes first; when the upgrade fails the password is never sent', async () => {
    const err = await directoryFailure(connectDirectory(base(`ldap://${REMOTE_NAME}:${port}`, { startTls: true })));
    expect(['unavailable', 'tls', 'other']).toContain(err.code);
    expect(rec.connections).toBe(1);
    expect(rec.saw(START_TLS_OID)).toBe(true);
    expect(rec.saw(PASSWORD)).toBe(false);
  });

  it.each([
    ['user and password', `ldaps://svc:${PASSWORD}@127.0.0.2:PORT`],
    ['password containing @ and /', `ldaps://svc:a@b/${PASSWORD}@127.0.0.2:PORT`],
    ['user only', `ldap://svc@127.0.0.2:PORT`],
  ])('a URL with %s is refused before connecting, and the message does not repeat it', async (_label, template) => {
    const url = template.replace('PORT', String(port));
    const err = await directoryFailure(connectDirectory(base(url)));
    expect(err.code).toBe('other');
    expect(err.message).toContain('the AD URL carries a user name or password (user:password@host), which is refused and not repeated here');
    expect(err.message).not.toContain(PASSWORD);
    expect(err.message).not.toContain('svc');
    expect(err.message).not.toContain('127.0.0.2');
    expect(rec.connections).toBe(0);
  });
});

const env = sambaEnv();

describe.runIf(env)('against Samba through a recording forwarder on 127.0.0.2', () => {
  const e = env!;
  let rec: Recorder;
  let port = 0;
  const base = (url: string, extra: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions => ({
    url,
    baseDn: e.baseDn,
    bindDn: e.bindDn,
    password: e.bindPassword,
    caFile: e.caFile,
    onWarning: () => undefined,
    ...extra,
  });

  beforeAll(async () => {
    rec = new Recorder({ host: '127.0.0.1', port: Number(new URL(e.ldapUrl).port || 389) });
    port = await rec.listen();
  });
  afterEach(() => rec.reset());
  afterAll(() => rec?.close());

  it('control: plain ldap:// to 127.0.0.2 binds, and the forwarder sees the bind password in clear', async () => {
    const dir = await connectDirectory(base(`ldap://127.0.0.2:${port}`));
    try {
      expect(dir.encrypted).toBe(false);
      expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
    } finally {
      await dir.close();
    }
    expect(rec.saw(e.bindPassword)).toBe(true);
  });

  it(`plain ldap:// to ${REMOTE_NAME} is refused: nothing reaches the DC`, async () => {
    const err = await directoryFailure(connectDirectory(base(`ldap://${REMOTE_NAME}:${port}`)));
    expect(err.code).toBe('tls');
    expect(rec.connections).toBe(0);
  });

  it(`StartTLS to ${REMOTE_NAME} binds and reads, and the password crosses only encrypted`, async () => {
    // The test certificate names localhost and 127.0.0.1 only; skipping verification here isolates the
    // transport question (the name check has its own tests in connect.test.ts).
    const warnings: string[] = [];
    const dir = await connectDirectory(
      base(`ldap://${REMOTE_NAME}:${port}`, { startTls: true, insecureSkipTlsVerify: true, onWarning: (m) => warnings.push(m) }),
    );
    try {
      expect(dir.encrypted).toBe(true);
      expect((await dir.getUserByDn(e.bindDn))?.samAccountName).toBe('Administrator');
    } finally {
      await dir.close();
    }
    expect(warnings.join('\n')).toContain('NOT verified');
    expect(rec.connections).toBe(1);
    expect(rec.saw(START_TLS_OID)).toBe(true);
    expect(rec.saw(e.bindPassword)).toBe(false);
  });

  it('ldaps:// with the bind DN and password in the URL is refused before connecting and repeats neither', async () => {
    const url = `ldaps://Administrator:${encodeURIComponent(e.bindPassword)}@localhost:636`;
    const err = await directoryFailure(connectDirectory(base(url)));
    expect(err.code).toBe('other');
    expect(err.message).not.toContain(e.bindPassword);
    expect(err.message).not.toContain(encodeURIComponent(e.bindPassword));
    expect(err.message).not.toContain('Administrator');
  });
});
