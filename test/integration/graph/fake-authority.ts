/**
 * A stand-in Microsoft Entra authority on https://127.0.0.1 for the device authorization grant, so
 * that `--auth device-code` can be exercised through @azure/identity and MSAL without leaving the
 * machine. It serves what the flow reads, in the shapes Microsoft documents
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code):
 * - GET  /{tenant}/v2.0/.well-known/openid-configuration
 * - POST /{tenant}/oauth2/v2.0/devicecode → user_code, device_code, verification_uri, interval, message
 * - POST /{tenant}/oauth2/v2.0/token → `authorization_pending` once (the admin has not signed in yet),
 *   then the tokens.
 * Its certificate is self-signed (openssl); the process that signs in trusts it through
 * NODE_EXTRA_CA_CERTS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeAuthority {
  /** https://127.0.0.1:<port> */
  url: string;
  /** The PEM certificate to trust. */
  certFile: string;
  /** A scratch folder (removed by close). */
  dir: string;
  /** Every request, in order. */
  requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startFakeAuthority(opts: { accessToken: string; tenantId: string; clientId: string }): Promise<FakeAuthority> {
  const dir = mkdtempSync(join(tmpdir(), 'entra-soa-authority-'));
  const key = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  const requests: FakeAuthority['requests'] = [];
  let polls = 0;
  const oid = '11111111-0000-4000-8000-00000000a001';
  const server = createServer({ key: readFileSync(key), cert: readFileSync(certFile) }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      requests.push({ method: req.method ?? '', path, body });
      const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/${opts.tenantId}`;
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (path === `/${opts.tenantId}/v2.0/.well-known/openid-configuration`) {
        return send(200, {
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        });
      }
      if (path === `/${opts.tenantId}/oauth2/v2.0/devicecode` && req.method === 'POST') {
        return send(200, {
          user_code: 'FAKE-CODE',
          device_code: 'device-code-1',
          verification_uri: 'https://microsoft.com/devicelogin',
          expires_in: 900,
          interval: 1,
          message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FAKE-CODE to authenticate.',
        });
      }
      if (path === `/${opts.tenantId}/oauth2/v2.0/token` && req.method === 'POST') {
        if (polls++ === 0) return send(400, { error: 'authorization_pending', error_description: 'The user has not yet finished authenticating.' });
        const now = Math.floor(Date.now() / 1000);
        const claims = { aud: opts.clientId, iss: `${base}/v2.0`, iat: now, nbf: now, exp: now + 3600, tid: opts.tenantId, oid, sub: oid, preferred_username: 'admin@lab.example.test', name: 'Lab Admin', ver: '2.0' };
        return send(200, {
          token_type: 'Bearer',
          scope: new URLSearchParams(body).get('scope') ?? '',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: opts.accessToken,
          refresh_token: 'refresh-token-1',
          id_token: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
          client_info: b64url({ uid: oid, utid: opts.tenantId }),
        });
      }
      send(404, { error: 'not_found', error_description: `the stand-in authority does not serve ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    certFile,
    dir,
    requests,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
