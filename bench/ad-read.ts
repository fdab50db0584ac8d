/**
 * Benchmark: paged read of N users from a real AD (Samba on loopback) through LdapDirectory.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/ad-read.js [--users 10000] [--page-size 1000] [--rounds 3] [--keep]
 *
 * Uses the DC described by ENTRA_SOA_TEST_* when they are set (`eval "$(scripts/samba.sh env DIR)"`),
 * else provisions and starts one under .samba/bench-<pid> with scripts/samba.sh and stops it at the
 * end. Seeds the users in a fresh OU (password-less adds, 8 in flight), reads them `rounds` times,
 * prints figures, and deletes the OU unless --keep.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { connectDirectory, deleteTree } from '../src/ad/index.js';
import { intArg } from './args.js';

interface Target {
  ldapUrl: string;
  ldapsUrl: string;
  baseDn: string;
  bindDn: string;
  password: string;
  caFile: string;
  stop?: () => void;
}

function repoRoot(): string {
  // dist/bench/ad-read.js or bench/ad-read.ts
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'scripts', 'samba.sh'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find scripts/samba.sh above this file');
    dir = up;
  }
  return dir;
}

function target(): Target {
  const e = process.env;
  if (e.ENTRA_SOA_TEST_LDAP_URL && e.ENTRA_SOA_TEST_BIND_PASSWORD && e.ENTRA_SOA_TEST_CA_FILE) {
    return {
      ldapUrl: e.ENTRA_SOA_TEST_LDAP_URL,
      ldapsUrl: e.ENTRA_SOA_TEST_LDAPS_URL ?? 'ldaps://localhost:636',
      baseDn: e.ENTRA_SOA_TEST_BASE_DN ?? 'DC=lab,DC=example,DC=test',
      bindDn: e.ENTRA_SOA_TEST_BIND_DN ?? 'CN=Administrator,CN=Users,DC=lab,DC=example,DC=test',
      password: e.ENTRA_SOA_TEST_BIND_PASSWORD,
      caFile: e.ENTRA_SOA_TEST_CA_FILE,
    };
  }
  const root = repoRoot();
  const script = path.join(root, 'scripts', 'samba.sh');
  const dir = path.join(root, '.samba', `bench-${process.pid}`);
  const run = (cmd: string): void => {
    execFileSync('bash', [script, cmd, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  run('provision');
  try {
    run('start');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    ldapUrl: 'ldap://127.0.0.1:389',
    ldapsUrl: 'ldaps://localhost:636',
    baseDn: 'DC=lab,DC=example,DC=test',
    bindDn: 'CN=Administrator,CN=Users,DC=lab,DC=example,DC=test',
    password: readFileSync(path.join(dir, 'admin-password'), 'utf8').trim(),
    caFile: path.join(dir, 'tls', 'ca.crt'),
    stop: () => {
      run('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function seed(t: Target, ou: string, count: number): Promise<void> {
  const client = new Client({ url: t.ldapUrl });
  await client.bind(t.bindDn, t.password);
  try {
    await client.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const name = `b${i}-${ou.slice(9, 15)}`;
        await client.add(`CN=${name},${ou}`, {
          objectClass: ['top', 'person', 'organizationalPerson', 'user'],
          sAMAccountName: name,
          userPrincipalName: `${name}@lab.example.test`,
          mail: `${name}@lab.example.test`,
          proxyAddresses: [`SMTP:${name}@lab.example.test`, `smtp:${name}@alt.example.test`],
          givenName: 'Bench',
          sn: `User ${i}`,
          displayName: `Bench User ${i}`,
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    await client.unbind();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const users = intArg('users', 10_000, 'positive');
  const pageSize = intArg('page-size', 1000, 'positive');
  const rounds = intArg('rounds', 3, 'positive');
  const keep = process.argv.includes('--keep');
  const t = target();
  const ou = `OU=bench-${randomBytes(3).toString('hex')},${t.baseDn}`;
  try {
    const t0 = performance.now();
    await seed(t, ou, users);
    const seedS = (performance.now() - t0) / 1000;
    console.log(`seed     ${users} users in ${seedS.toFixed(1)} s (${Math.round(users / seedS)} users/s)`);

    const dir = await connectDirectory({
      url: t.ldapsUrl,
      caFile: t.caFile,
      baseDn: t.baseDn,
      bindDn: t.bindDn,
      password: t.password,
      pageSize,
    });
    try {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < rounds; r++) {
        const heap0 = process.memoryUsage().heapUsed;
        const s = performance.now();
        const list = await dir.listUsersUnder(ou);
        times.push(performance.now() - s);
        if (list.length !== users) throw new Error(`read ${list.length} users, expected ${users}`);
        bytes = Buffer.byteLength(JSON.stringify(list));
        const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
        console.log(
          `read #${r + 1}  ${list.length} users, pageSize ${pageSize}, LDAPS: ${Math.round(times[r] as number)} ms ` +
            `(${Math.round(list.length / ((times[r] as number) / 1000))} users/s), heap ${heapMb >= 0 ? "+" : ""}${heapMb.toFixed(1)} MB`,
        );
      }
      const m = median(times);
      console.log(
        `summary  median ${Math.round(m)} ms for ${users} users = ${Math.round(users / (m / 1000))} users/s; ` +
          `AdUser JSON ${(bytes / 1e6).toFixed(2)} MB (${Math.round(bytes / users)} B/user)`,
      );
      const one = performance.now();
      const sample = await dir.getUserByUpn(`b${Math.floor(users / 2)}-${ou.slice(9, 15)}@lab.example.test`);
      console.log(`lookup   one user by UPN (indexed): ${(performance.now() - one).toFixed(1)} ms (${sample ? 'found' : 'NOT FOUND'})`);
      if (!keep) {
        const d0 = performance.now();
        await deleteTree(dir, ou);
        console.log(`cleanup  deleted ${ou} in ${((performance.now() - d0) / 1000).toFixed(1)} s`);
      } else {
        console.log(`kept     ${ou}`);
      }
    } finally {
      await dir.close();
    }
  } finally {
    t.stop?.();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ad-read: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
