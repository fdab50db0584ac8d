import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sambaEnv } from '../../helpers/samba.js';

const env = sambaEnv();
const SCRIPT = path.resolve('scripts/samba.sh');
// The env path only exists when the DC was started by test/setup/global.ts (not an external one).
const runDir = env ? path.dirname(path.dirname(env.caFile)) : '';
const ours = env !== null && /[/\\]\.samba[/\\]run-\d+$/.test(runDir);

function script(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(ours)('scripts/samba.sh on the run DC', () => {
  it('status reports the running DC and env prints exactly what the tests received', () => {
    const status = script('status', runDir);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/^running \d+\n$/);
    const exported = execFileSync('bash', ['-c', `eval "$(bash ${JSON.stringify(SCRIPT)} env ${JSON.stringify(runDir)})"; env`], {
      encoding: 'utf8',
    });
    const vars = Object.fromEntries(
      exported
        .split('\n')
        .filter((l) => l.startsWith('ENTRA_SOA_TEST_'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    // The password is compared apart, as a yes/no: a failing toEqual prints both sides, and the
    // secrets scan (scripts/secrets-scan.mjs) rightly flags the DC's password in vitest's output.
    const { ENTRA_SOA_TEST_BIND_PASSWORD: password, ...rest } = vars;
    expect(password === env!.bindPassword, 'ENTRA_SOA_TEST_BIND_PASSWORD is the password the tests received').toBe(true);
    expect(rest).toEqual({
      ENTRA_SOA_TEST_LDAP_URL: env!.ldapUrl,
      ENTRA_SOA_TEST_LDAPS_URL: env!.ldapsUrl,
      ENTRA_SOA_TEST_BASE_DN: env!.baseDn,
      ENTRA_SOA_TEST_BIND_DN: env!.bindDn,
      ENTRA_SOA_TEST_CA_FILE: env!.caFile,
    });
  });

  it('keeps the admin password private and writes every path under the run folder', () => {
    expect(statSync(path.join(runDir, 'admin-password')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(runDir, 'tls', 'server.key')).mode & 0o777).toBe(0o600);
    const conf = readFileSync(path.join(runDir, 'etc', 'smb.conf'), 'utf8');
    const paths = [...conf.matchAll(/^\s*[a-z :_]+(?:dir|directory|file|path|cafile|certfile|keyfile) = (\/\S*)$/gm)].map((m) => m[1] as string);
    expect(paths.length).toBeGreaterThanOrEqual(10);
    for (const p of paths) expect(p.startsWith(`${runDir}/`)).toBe(true);
    expect(conf).toContain('interfaces = lo');
    expect(conf).toContain('bind interfaces only = yes');
    expect(conf).toContain('server services = ldap');
  });

  it('refuses to start a second DC while one holds the ports, and leaves the running one alone', () => {
    const dir = mkdtempSync(path.join(path.dirname(runDir), 'second-'));
    try {
      expect(script('provision', dir).status).toBe(0);
      const start = script('start', dir);
      expect(start.status).toBe(1);
      expect(start.stderr).toContain('something already listens on 127.0.0.1:389/636');
      expect(script('status', dir)).toMatchObject({ status: 3, stdout: 'stopped\n' });
      expect(script('stop', dir).stdout).toBe('samba.sh: not running\n');
      expect(script('status', runDir).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its usage for an unknown command', () => {
    const r = script('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('scripts/samba.sh provision DIR');
  });
});
