/**
 * Issue 12 §6 through the built CLI: an AD URL carrying credentials (manifest or --ad-url) and plain
 * ldap:// to a remote DC are refused before anything connects; the credentials appear in no output
 * and no file (no plan, no snapshot is written).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliSync } from '../../helpers/cli-process.js';

const SECRET = 'Url-Secret-Pa55!';
const ENV = { AD_PW: 'Env-Pa55word!', LAB_TOKEN: 'not-a-real-token' };

function manifest(url: string, extra = ''): string {
  return `apiVersion: entra-soa/v1
tenant:
  id: 6f1c2d9e-0000-4000-8000-000000000001
activeDirectory:
  connection:
    url: ${JSON.stringify(url)}
    baseDn: DC=contoso,DC=com
    bindDn: CN=svc,DC=contoso,DC=com
    bindPasswordEnv: AD_PW
${extra}  sourceAnchor: objectGUID
users:
  - select: { all: true }
    authority: cloud
    method: sourceOfAuthority
`;
}

/** Every byte the run left in its folder (but the inputs, which hold the planted secret), plus what it printed. */
function everything(cwd: string, r: { stdout: string; stderr: string }): string {
  const files = readdirSync(cwd, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !join(d.parentPath, d.name).includes('/test-inputs/'))
    .map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'));
  return [r.stdout, r.stderr, ...files].join('\n');
}

describe('the CLI refuses AD URLs that would leak the bind password', () => {
  let cwd = '';
  const graph = ['--graph-endpoint', 'http://127.0.0.1:9', '--graph-token-env', 'LAB_TOKEN'];

  beforeAll(() => {
    // Inputs in test-inputs/: creds.yaml holds the planted secret (the secrets scan reads outputs only).
    cwd = mkdtempSync(join(tmpdir(), 'entra-soa-transport-'));
    mkdirSync(join(cwd, 'test-inputs'));
    writeFileSync(join(cwd, 'test-inputs', 'ok.yaml'), manifest('ldaps://localhost:1'));
    writeFileSync(join(cwd, 'test-inputs', 'creds.yaml'), manifest(`ldaps://svc:${SECRET}@dc1.contoso.com`));
    writeFileSync(join(cwd, 'test-inputs', 'plain.yaml'), manifest('ldap://dc1.contoso.com'));
  });

  it('validate: a URL with a password → exit 1, ldap-url-credentials at file:line:col, the password nowhere', () => {
    const r = runCliSync(['validate', 'test-inputs/creds.yaml'], { cwd, env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^test-inputs\/creds\.yaml:6:10: error ldap-url-credentials: activeDirectory\.connection\.url carries a user name or password/m);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain('svc:');
  });

  it('validate: plain ldap:// to a remote DC without startTls → exit 1, ldap-cleartext', () => {
    const r = runCliSync(['validate', 'test-inputs/plain.yaml'], { cwd, env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^test-inputs\/plain\.yaml:6:10: error ldap-cleartext: activeDirectory\.connection\.url is ldap:\/\/ to dc1\.contoso\.com/m);
  });

  it.each([
    ['plan', ['plan', '-f', 'test-inputs/ok.yaml', '--out', 'plan.json']],
    ['snapshot', ['snapshot', '-f', 'test-inputs/ok.yaml', '--out', 'state.json']],
  ])('%s --ad-url with credentials → exit 1, no file written, the credentials in no output', (_name, args) => {
    const r = runCliSync([...args, ...graph, '--ad-url', `ldaps://svc:${SECRET}@localhost:636`], { cwd, env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the AD URL carries a user name or password (user:password@host), which is refused and not repeated here');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'plan.json'))).toBe(false);
    expect(existsSync(join(cwd, 'state.json'))).toBe(false);
    const all = everything(cwd, r);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(ENV.AD_PW);
  });

  it('plan --ad-url ldap://<remote> → exit 1 naming the clear-text problem, nothing connects', () => {
    const r = runCliSync(['plan', '-f', 'test-inputs/ok.yaml', ...graph, '--ad-url', 'ldap://dc1.contoso.com'], { cwd, env: ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the AD URL is ldap:// to dc1.contoso.com, which would send the bind password in clear text');
  });

  it('lab up --ad with credentials → exit 1, the URL shown only without them', () => {
    const r = runCliSync(['lab', 'up', '--ad', `ldaps://svc:${SECRET}@localhost:636`, '--ad-bind-dn', 'CN=x', '--ad-password-env', 'AD_PW', '--ad-base-dn', 'DC=x'], {
      cwd,
      env: ENV,
    });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr).toContain('ldaps://<credentials removed>@localhost:636');
  });
});
