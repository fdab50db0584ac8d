/**
 * The command line fails closed (the built CLI, as a user runs it): for every command, an unknown or
 * misspelt option, an unknown command, a missing or repeated argument and a malformed value stop it
 * with exit 1 and nothing happens: no file is written or touched, the lab's state is unchanged, no
 * journal is started, nothing is printed on stdout. Also: the manifest as first argument or -f,
 * `version`, and `--help`.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT, runCliSync, startCli, type CliRun } from '../helpers/cli-process.js';
import { labManifest } from '../helpers/lab-manifest.js';

vi.setConfig({ testTimeout: 180_000 });

const EXAMPLE = join(ROOT, 'examples', 'sync-switch');
let cwd = '';

/** Every file under the working folder with its size, modification time and content digest. */
function tree(dir = cwd): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, tree(path));
    else {
      const st = statSync(path);
      out[relative(cwd, path)] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    }
  }
  return out;
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'entra-soa-cli-parsing-'));
  cpSync(join(EXAMPLE, 'manifest.yaml'), join(cwd, 'm.yaml'));
  cpSync(join(EXAMPLE, 'snapshot.json'), join(cwd, 's.json'));
  writeFileSync(
    join(cwd, 'lab.yaml'),
    labManifest(`users:
  - name: ella
    select: { upn: ella.young@lab.example.test }
    authority: cloud
    method: sourceOfAuthority`),
  );
  // a saved plan for show, and a lab plan (and lab state) for apply
  expect(runCliSync(['plan', 'm.yaml', '--snapshot', 's.json', '--out', 'plan.json'], { cwd }).code).toBe(0);
  const lab = await startCli(['plan', 'lab.yaml', '--lab', '--out', 'lab-plan.json'], { cwd }).done;
  expect(lab.code, lab.stderr).toBe(0);
});
afterAll(() => {
  if (cwd !== '') rmSync(cwd, { recursive: true, force: true });
});

/** Runs each command line concurrently and checks that nothing happened. */
async function expectRefused(lines: string[][]): Promise<CliRun[]> {
  const before = tree();
  const runs = await Promise.all(lines.map((args) => startCli(args, { cwd }).done));
  runs.forEach((r, i) => {
    const shown = `entra-soa ${lines[i]?.join(' ')}\n${r.stderr}`;
    expect(r.code, shown).toBe(1);
    expect(r.stdout, shown).toBe('');
    expect(r.stderr, shown).toMatch(/^entra-soa[ a-z]*: .+\nNothing was read or written\. See `entra-soa [a-z ]*--help`\.\n$/);
    expect(r.stderr, shown).not.toMatch(/\n\s+at /);
  });
  expect(tree()).toEqual(before);
  return runs;
}

describe('an unknown option stops every command before it does anything', () => {
  it('validate, plan, show, snapshot, apply, lab (each action), version, and no command at all', async () => {
    const runs = await expectRefused([
      ['validate', 'm.yaml', '--bogus'],
      ['plan', 'm.yaml', '--snapshot', 's.json', '--out', 'new-plan.json', '--bogus'],
      ['plan', 'lab.yaml', '--lab', '--bogus'],
      ['show', 'plan.json', '--bogus'],
      ['snapshot', 'lab.yaml', '--lab', '--out', 'snap.json', '--bogus'],
      ['apply', 'lab-plan.json', '--lab', '--auto-approve', '--bogus'],
      ['apply', '-f', 'lab.yaml', '--lab', '--auto-approve', '--bogus'],
      ['lab', 'up', '--bogus'],
      ['lab', 'sync', '--bogus'],
      ['lab', 'clock', '--advance', '1h', '--bogus'],
      ['lab', 'state', '--bogus'],
      ['lab', 'reset', '--bogus'],
      ['version', '--bogus'],
      ['--bogus'],
    ]);
    for (const r of runs) expect(r.stderr).toMatch(/: unknown option --bogus\.\n/);
  });

  it('apply --dry-run (which does not exist) applies nothing and says a plan is the dry run', async () => {
    const [r] = await expectRefused([['apply', 'lab-plan.json', '--lab', '--auto-approve', '--dry-run']]);
    expect(r?.stderr).toContain('entra-soa apply: there is no --dry-run option: a plan is the dry run');
  });

  it('misspelt options name the one meant', async () => {
    const runs = await expectRefused([
      ['plan', 'm.yaml', '--snapshot', 's.json', '--detailed-exitcodes'],
      ['plan', 'm.yaml', '--snapshot', 's.json', '--fromat', 'json'],
      ['show', 'plan.json', '--no-colour'],
      ['apply', 'lab-plan.json', '--lab', '--auto-aprove'],
      ['snapshot', 'lab.yaml', '--lab', '--otu', 'x.json'],
    ]);
    expect(runs.map((r) => r.stderr.split('\n')[0])).toEqual([
      'entra-soa plan: unknown option --detailed-exitcodes: did you mean --detailed-exitcode?',
      'entra-soa plan: unknown option --fromat: did you mean --format?',
      'entra-soa show: unknown option --no-colour: did you mean --no-color?',
      'entra-soa apply: unknown option --auto-aprove: did you mean --auto-approve?',
      'entra-soa snapshot: unknown option --otu: did you mean --out?',
    ]);
  });

  it('an unknown command, a missing argument, a repeated option, a bad choice and a bad number', async () => {
    const runs = await expectRefused([
      ['plna', 'm.yaml'],
      ['plan', '--snapshot', 's.json'],
      ['snapshot', 'lab.yaml', '--lab'],
      ['show'],
      ['plan', 'm.yaml', '--snapshot', 's.json', '--out', 'a.json', '--out', 'b.json'],
      ['plan', 'm.yaml', '--snapshot', 's.json', '--format', 'yaml'],
      ['apply', 'lab-plan.json', '--lab', '--auto-approve', '--concurrency', 'abc'],
      ['lab', 'up', '--port', 'eighty'],
      ['lab', 'upp'],
      ['show', 'plan.json', 'extra.json'],
      ['plan', 'a.yaml', '-f', 'b.yaml', '--snapshot', 's.json'],
    ]);
    expect(runs.map((r) => r.stderr.split('\n')[0])).toEqual([
      'entra-soa: unknown command "plna": did you mean plan?',
      'entra-soa plan: name the manifest: as the first argument (manifest.yaml) or with -f manifest.yaml.',
      'entra-soa snapshot: missing --out.',
      'entra-soa show: missing an argument: see the usage line of `entra-soa show --help`.',
      'entra-soa plan: --out was given more than once: give it once.',
      'entra-soa plan: --format must be one of human, json, markdown (got yaml).',
      'entra-soa apply: --concurrency must be a whole number of at least 1 (got abc).',
      'entra-soa lab: --port needs a number.',
      'entra-soa lab: action must be one of up, sync, clock, state, reset (got upp); did you mean up?',
      'entra-soa show: too many arguments for show (the extra ones are not repeated here).',
      'entra-soa plan: the manifest is named twice (a.yaml and -f b.yaml): give one.',
    ]);
  });
});

describe('the manifest as first argument or -f', () => {
  it('validate, plan and snapshot take either, with the same result', async () => {
    for (const [a, b] of [
      [['validate', 'm.yaml'], ['validate', '-f', 'm.yaml']],
      [['plan', 'm.yaml', '--snapshot', 's.json', '--format', 'json'], ['plan', '-f', 'm.yaml', '--snapshot', 's.json', '--format', 'json']],
    ] as const) {
      const x = runCliSync([...a], { cwd });
      const y = runCliSync([...b], { cwd });
      expect(x.code).toBe(0);
      expect(y).toEqual({ ...x, stdout: y.stdout });
      expect(y.stdout.replace(/"createdAt": "[^"]+"/, '')).toBe(x.stdout.replace(/"createdAt": "[^"]+"/, ''));
    }
    // the lab's state folder is shared: one after the other
    for (const args of [['snapshot', 'lab.yaml', '--lab', '--out=-'], ['snapshot', '-f', 'lab.yaml', '--lab', '--out=-']]) {
      const r = await startCli(args, { cwd }).done;
      expect(r.code, r.stderr).toBe(0);
      // JSON Lines (formatVersion 2): the header line names the kind
      expect(JSON.parse(r.stdout.split('\n')[0]!).kind).toBe('entra-soa/snapshot');
    }
  });
});

describe('version and help', () => {
  it('`entra-soa version` and `--version` print the name and version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const args of [['version'], ['--version']]) {
      const r = runCliSync(args, { cwd });
      expect(r).toEqual({ code: 0, stdout: `entra-soa ${version}\n`, stderr: '' });
    }
  });

  it("--help lists a command's own options before the shared live-access options", () => {
    for (const command of ['plan', 'snapshot', 'apply']) {
      const r = runCliSync([command, '--help'], { cwd });
      expect(r.code).toBe(0);
      const own = r.stdout.indexOf('\nOptions:\n');
      const live = r.stdout.indexOf('\nLive access:\n');
      expect(own, r.stdout).toBeGreaterThan(0);
      expect(live, r.stdout).toBeGreaterThan(own);
      // the command's options are in the first group, help and version come last in it
      const ownGroup = r.stdout.slice(own, live);
      expect(ownGroup).toMatch(command === 'apply' ? /--auto-approve/ : /--out/);
      expect(ownGroup.indexOf('--help')).toBeGreaterThan(ownGroup.indexOf('--lab'));
      expect(r.stdout.slice(live)).toMatch(/--graph-endpoint/);
      expect(r.stdout.slice(live)).not.toMatch(/--out\b|--lab\b/);
    }
  });
});
