/**
 * The package as a user installs it: `npm pack` (its prepack builds dist/) on a copy of the project,
 * the tarball installed into a scratch project, the API imported from TypeScript (the worked example
 * of docs/library.md, type-checked with tsc against the shipped .d.ts files and run), and the
 * `entra-soa` bin run. Offline: pack needs no registry, and the install is done the way npm lays a
 * package out (extracted into node_modules, its dependencies linked from this project's node_modules,
 * the bin linked into node_modules/.bin), so nothing is fetched.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli-process.js';

let work = '';
let tarball = '';
let scratch = '';
let packed: { size: number; files: string[] } = { size: 0, files: [] };

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...env },
  });
  if (r.error) throw r.error;
  return r;
}

/** The worked example: the first ```ts block after the <!-- library-example --> marker. */
function libraryExample(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
  const m = /<!-- library-example -->\s*```ts\n([\s\S]*?)```/.exec(doc);
  if (!m?.[1]) throw new Error('docs/library.md has no <!-- library-example --> ```ts block');
  return m[1];
}

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'entra-soa-pack-'));
  // A copy of the project: prepack rebuilds dist/ there, never under the dist/ other tests are running.
  const project = join(work, 'project');
  for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'src', 'schema', 'examples', 'docs']) {
    cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  }
  link(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], project);
  if (pack.status !== 0) throw new Error(`npm pack failed (${pack.status}):\n${pack.stdout}\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; size: number; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed no result:\n${pack.stdout}`);
  tarball = join(work, info.filename);
  packed = { size: info.size, files: info.files.map((f) => f.path) };

  // Install it as npm would: package/ → node_modules/entra-soa, its dependencies beside it, the bin in .bin.
  scratch = join(work, 'app');
  const installed = join(scratch, 'node_modules', 'entra-soa');
  mkdirSync(installed, { recursive: true });
  const untar = run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], scratch);
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
  for (const dep of [...Object.keys(pkg.dependencies), '@types/node']) link(join(ROOT, 'node_modules', dep), join(scratch, 'node_modules', dep));
  for (const [name, file] of Object.entries(pkg.bin)) {
    chmodSync(join(installed, file), 0o755);
    mkdirSync(join(scratch, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(join('..', 'entra-soa', file), join(scratch, 'node_modules', '.bin', name));
  }
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { 'entra-soa': `file:${tarball}` } }, null, 2)}\n`);
}, 300_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the built dist/ with types, docs/, schema/, the examples and the README; no sources, tests or maps', () => {
    console.log(`packed ${tarball.split('/').at(-1)}: ${(packed.size / 1024).toFixed(0)} KiB, ${packed.files.length} files`);
    for (const f of [
      'package.json',
      'README.md',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/lab/in-process-lab.d.ts',
      'docs/library.md',
      'docs/cli-plan.md',
      'schema/manifest.schema.json',
      'examples/lab/sample-company.json',
    ]) {
      expect(packed.files).toContain(f);
    }
    expect(packed.files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.endsWith('.map') || f.endsWith('.test.js'))).toEqual([]);
    expect(packed.size).toBeLessThan(2_000_000);
  });

  it('package.json: main, types and every exports target exist in the package', () => {
    const installed = join(scratch, 'node_modules', 'entra-soa');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, string | Record<string, string>>;
      scripts: Record<string, string>;
    };
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))];
    for (const t of targets) expect(statSync(join(installed, t)).isFile(), t).toBe(true);
    expect(pkg.scripts['prepack']).toBe('npm run build');
  });
});

describe('the installed package', () => {
  it('the entra-soa bin runs: version, --help, validate, and an unknown option fails closed', () => {
    const bin = join(scratch, 'node_modules', '.bin', 'entra-soa');
    const version = run(bin, ['version'], scratch);
    expect(version.stdout).toBe(`entra-soa ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
    expect(version.status).toBe(0);
    const help = run(bin, ['--help'], scratch);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('entra-soa plan [manifest]');
    const example = join(scratch, 'node_modules', 'entra-soa', 'examples', 'sync-switch');
    const validate = run(bin, ['validate', join(example, 'manifest.yaml')], scratch);
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    const plan = run(bin, ['plan', join(example, 'manifest.yaml'), '--snapshot', join(example, 'snapshot.json'), '--detailed-exitcode'], scratch);
    expect(plan.stdout).toContain('Plan: 0 to add, 24 to change, 0 to remove, 0 waits.');
    // the sync-switch example has blocking hazards (an admin, a duplicate address): changes that cannot be applied
    expect(plan.status).toBe(4);
    const wrong = run(bin, ['plan', join(example, 'manifest.yaml'), '--fromat', 'json'], scratch);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('did you mean --format?');
  });

  it("docs/library.md's worked example type-checks against the shipped types and runs", () => {
    writeFileSync(join(scratch, 'example.ts'), libraryExample());
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        files: ['example.ts'],
      }),
    );
    const tsc = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], scratch);
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);

    const ran = run(process.execPath, [join(scratch, 'out', 'example.js')], scratch);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
    expect(ran.stdout).toContain('~ user/ella.young@lab.example.test');
    expect(ran.stdout).toContain('Plan: 0 to add, 1 to change, 0 to remove, 0 waits.');
    expect(ran.stdout).toContain('Apply complete: 1 done');
    expect(ran.status).toBe(0);
  }, 120_000);
});
