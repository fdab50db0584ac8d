/**
 * Helpers for tests that need the real Samba AD DC started by test/setup/global.ts. Each test
 * file works in its own OU (`createTestOu`) so files running in parallel never collide, and
 * removes it afterwards (`deleteTree`).
 *
 *   const env = sambaEnv();
 *   describe.runIf(env)('...', () => { ... });   // skipped (visibly) only outside CI without Samba
 */
import { randomBytes } from 'node:crypto';
import { connectDirectory, deleteTree as deleteLdapTree, ensureOu, type LdapDirectory, type LdapDirectoryOptions } from '../../src/ad/index.js';
import { DirectoryError } from '../../src/model/directory.js';
import { formatRdn } from '../../src/model/dn.js';
import type { AdUser } from '../../src/model/observed.js';
import type { NewAdUser } from '../../src/model/step.js';

export interface SambaEnv {
  ldapUrl: string;
  ldapsUrl: string;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
  caFile: string;
}

/** The DC's coordinates from ENTRA_SOA_TEST_*, or null when no DC is available. */
export function sambaEnv(): SambaEnv | null {
  const e = process.env;
  const v = {
    ldapUrl: e.ENTRA_SOA_TEST_LDAP_URL,
    ldapsUrl: e.ENTRA_SOA_TEST_LDAPS_URL,
    baseDn: e.ENTRA_SOA_TEST_BASE_DN,
    bindDn: e.ENTRA_SOA_TEST_BIND_DN,
    bindPassword: e.ENTRA_SOA_TEST_BIND_PASSWORD,
    caFile: e.ENTRA_SOA_TEST_CA_FILE,
  };
  if (Object.values(v).some((x) => x === undefined || x === '')) {
    if (e.CI === 'true') throw new Error('CI=true but ENTRA_SOA_TEST_* are not set: test/setup/global.ts should have started Samba');
    return null;
  }
  return v as SambaEnv;
}

/** sambaEnv(), or a thrown error naming what is missing (for code already gated on sambaEnv()). */
export function requireSambaEnv(): SambaEnv {
  const env = sambaEnv();
  if (!env) throw new Error('no Samba DC: ENTRA_SOA_TEST_* are unset (samba not installed?)');
  return env;
}

/**
 * Connect as the domain Administrator. Default: LDAPS with the test CA (so createUser works);
 * `{ tls: false }` gives plain ldap://. Extra options override.
 */
export async function connectTestDirectory(
  opts: { tls?: boolean } & Partial<LdapDirectoryOptions> = {},
): Promise<LdapDirectory> {
  const env = requireSambaEnv();
  const { tls = true, ...rest } = opts;
  return connectDirectory({
    url: tls ? env.ldapsUrl : env.ldapUrl,
    baseDn: env.baseDn,
    bindDn: env.bindDn,
    password: env.bindPassword,
    passwordSource: '$ENTRA_SOA_TEST_BIND_PASSWORD',
    caFile: env.caFile,
    onWarning: () => undefined,
    ...rest,
  });
}

/** The DirectoryError a directory call fails with (any other error is rethrown; success fails the test). */
export async function directoryFailure(p: Promise<unknown>): Promise<DirectoryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DirectoryError) return e;
    throw e;
  }
  throw new Error('expected a DirectoryError, the call succeeded');
}

/** A short random token for unique names (lower-case hex). */
export function uniqueSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * Create a fresh OU `OU=<prefix>-<random>,<baseDn>` and, on request, sub-OUs under it.
 * Returns its DN and the sub-OU DNs by name.
 */
export async function createTestOu(
  dir: LdapDirectory,
  prefix: string,
  subOus: readonly string[] = [],
): Promise<{ dn: string; sub: Record<string, string> }> {
  const dn = `OU=${prefix}-${uniqueSuffix()},${dir.baseDn}`;
  await ensureOu(dir, dn);
  const sub: Record<string, string> = {};
  for (const name of subOus) {
    sub[name] = `OU=${name},${dn}`;
    await ensureOu(dir, sub[name]);
  }
  return { dn, sub };
}

/** Delete an OU (or any object) with everything under it; absent is fine. */
export async function deleteTree(dir: LdapDirectory, dn: string): Promise<void> {
  await deleteLdapTree(dir, dn);
}

/**
 * Create an enabled user in `ou` (over the connection's LDAPS). Only `name` is required:
 * cn = name, sAMAccountName = name (max 20 chars), UPN name@lab.example.test.
 */
export async function createTestUser(
  dir: LdapDirectory,
  ou: string,
  user: { name: string; password?: string } & Partial<NewAdUser>,
): Promise<AdUser> {
  const { name, password, ...rest } = user;
  const upn = rest.userPrincipalName ?? `${name}@lab.example.test`;
  return dir.createUser(
    `${formatRdn('CN', rest.cn ?? name)},${ou}`,
    {
      cn: name,
      samAccountName: name.slice(0, 20),
      userPrincipalName: upn,
      mail: null,
      proxyAddresses: [],
      givenName: null,
      surname: null,
      displayName: null,
      ...rest,
    },
    password ?? `Pw-${uniqueSuffix(8)}-Aa1!`,
  );
}

/**
 * Seed `count` users quickly: plain adds without a password (so Samba leaves them disabled,
 * userAccountControl 546), several in flight at once. Samba serialises writes (60-180 users/s),
 * so seed large sets once per file. Names are `<prefix>-<i>`; returns their DNs.
 */
export async function seedUsers(ou: string, count: number, prefix: string, concurrency = 8): Promise<string[]> {
  const env = requireSambaEnv();
  const { Client } = await import('ldapts');
  const client = new Client({ url: env.ldapUrl });
  await client.bind(env.bindDn, env.bindPassword);
  const dns: string[] = [];
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const name = `${prefix}-${i}`;
        const dn = `CN=${name},${ou}`;
        await client.add(dn, {
          objectClass: ['top', 'person', 'organizationalPerson', 'user'],
          sAMAccountName: name.slice(0, 20),
          userPrincipalName: `${name}@lab.example.test`,
          mail: `${name}@lab.example.test`,
          proxyAddresses: [`SMTP:${name}@lab.example.test`],
          givenName: 'Seed',
          sn: String(i),
        });
        dns.push(dn);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await client.unbind();
  }
  return dns;
}

/** Run `ldbsearch` against the DC with a simple bind (Samba's own client, as an independent witness). */
export async function ldbsearch(base: string, scope: 'base' | 'sub', filter: string, attrs: string[]): Promise<string> {
  const env = requireSambaEnv();
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      'ldbsearch',
      ['-H', env.ldapUrl.replace(/:389$/, ''), `--simple-bind-dn=${env.bindDn}`, `--password=${env.bindPassword}`, '-b', base, '-s', scope, filter, ...attrs],
      { encoding: 'utf8' },
      // Not err.message: it repeats the command line, --password included.
      (err, stdout, stderr) => (err ? reject(new Error(`ldbsearch failed (exit ${String(err.code)}): ${stderr}`)) : resolve(stdout)),
    );
  });
}
