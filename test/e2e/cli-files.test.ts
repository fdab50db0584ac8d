/**
 * The built CLI as a Unix tool and as a careful writer of files: a closed pipe ends quietly; colour
 * follows --color/--no-color, FORCE_COLOR and NO_COLOR; --out never replaces the manifest, an input
 * snapshot or a file of another kind unless --force, and leaves no temporary file; a manifest for
 * another tenant stops plan and snapshot; validate and show name the kind of file they were given;
 * messages end with one full stop; an -env option never echoes its value.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliEnv, MAIN, ROOT, runCliSync, startCli } from '../helpers/cli-process.js';
import { LAB_TENANT_ID, labManifest } from '../helpers/lab-manifest.js';

vi.setConfig({ testTimeout: 180_000 });

const EXAMPLE = join(ROOT, 'examples', 'sync-switch');
const SNAPSHOT_TENANT = '6f1c2d9e-0000-4000-8000-000000000001';
const OTHER_TENANT = '0badc0de-0000-4000-8000-000000000009';
const ANSI = new RegExp(String.raw`\u001b\[`);
let cwd = '';
const cli = (args: string[], env: Record<string, string> = {}) => runCliSync(args, { cwd, env });
const read = (name: string) => readFileSync(join(cwd, name), 'utf8');

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'entra-soa-cli-files-'));
  cpSync(join(EXAMPLE, 'manifest.yaml'), join(cwd, 'm.yaml'));
  cpSync(join(EXAMPLE, 'snapshot.json'), join(cwd, 's.json'));
  expect(cli(['plan', 'm.yaml', '--snapshot', 's.json', '--out', 'plan.json']).code).toBe(0);
});
afterAll(() => {
  if (cwd !== '') rmSync(cwd, { recursive: true, force: true });
});

describe('a closed pipe', () => {
  it('`show plan.json | head -1` ends quietly: no stack trace, the exit code of the command', async () => {
    // the lab's sample company gives a plan of more than 100 KB, more than a pipe holds
    const big = await startCli(['plan', join(ROOT, 'examples', 'lab', 'manifest.yaml'), '--lab', '--out', 'big.json'], { cwd }).done;
    expect(big.code, big.stderr).toBe(0);
    expect(read('big.json').length).toBeGreaterThan(100_000);
    for (const format of ['json', 'human']) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${MAIN}" show big.json --format ${format} 2>err.txt | head -c 20; echo; echo "exit=\${PIPESTATUS[0]}"`], {
        cwd,
        env: cliEnv(),
        encoding: 'utf8',
      });
      expect(r.stdout.split('\n').at(-2)).toBe('exit=0');
      expect(read('err.txt')).toBe('');
    }
  });
});

describe('colour', () => {
  const show = (extra: string[], env: Record<string, string> = {}) => cli(['show', 'plan.json', ...extra], env).stdout;

  it('off into a pipe; --color forces it; FORCE_COLOR forces it (over NO_COLOR, as Node.js does); --no-color, NO_COLOR and FORCE_COLOR=0 turn it off', () => {
    expect(show([])).not.toMatch(ANSI);
    expect(show(['--color'])).toMatch(ANSI);
    expect(show(['--color'], { NO_COLOR: '1' })).toMatch(ANSI);
    expect(show([], { FORCE_COLOR: '1' })).toMatch(ANSI);
    expect(show([], { FORCE_COLOR: '1', NO_COLOR: '1' })).toMatch(ANSI);
    expect(show([], { FORCE_COLOR: '0' })).not.toMatch(ANSI);
    expect(show(['--no-color'], { FORCE_COLOR: '1' })).not.toMatch(ANSI);
    expect(show([], { NO_COLOR: '1' })).not.toMatch(ANSI);
    // colour or not, the same text
    // eslint-disable-next-line no-control-regex
    expect(show(['--color']).replace(/\u001b\[[0-9;]*m/g, '')).toBe(show([]));
  });
});

describe('--out', () => {
  const planTo = (out: string, extra: string[] = []) => cli(['plan', 'm.yaml', '--snapshot', 's.json', '--out', out, ...extra]);

  it('refuses to replace the manifest or the input snapshot, also through a link, and changes nothing', () => {
    const manifest = read('m.yaml');
    const snapshot = read('s.json');
    symlinkSync(join(cwd, 'm.yaml'), join(cwd, 'link-to-manifest.yaml'));
    for (const [out, role] of [
      ['m.yaml', 'the manifest'],
      ['link-to-manifest.yaml', 'the manifest'],
      ['s.json', 'the input snapshot'],
    ] as const) {
      const r = planTo(out);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `entra-soa plan: --out ${out} is ${role}, which this command reads: writing the plan there would destroy it. Choose another file (--force writes it anyway).\n`,
      );
    }
    const snap = cli(['snapshot', 'm.yaml', '--out', 'm.yaml']);
    expect(snap.code).toBe(1);
    expect(snap.stderr).toContain('entra-soa snapshot: --out m.yaml is the manifest, which this command reads');
    expect(read('m.yaml')).toBe(manifest);
    expect(read('s.json')).toBe(snapshot);
  });

  it('refuses a file that is not a plan (or, for snapshot, not a snapshot) unless --force; replaces its own kind', () => {
    writeFileSync(join(cwd, 'notes.txt'), 'my notes\n');
    const refused = planTo('notes.txt');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'entra-soa plan: --out notes.txt exists and is not an entra-soa plan: refusing to replace it. Choose another file, or pass --force to replace it.\n',
    );
    expect(read('notes.txt')).toBe('my notes\n');
    const intoSnapshot = planTo('s-copy.json', []);
    expect(intoSnapshot.code).toBe(0);
    cpSync(join(cwd, 's.json'), join(cwd, 'other-snapshot.json'));
    const overSnapshot = planTo('other-snapshot.json');
    expect(overSnapshot.stderr).toContain('--out other-snapshot.json exists and is an entra-soa snapshot, not an entra-soa plan: refusing to replace it.');
    const snapOverPlan = cli(['snapshot', 'm.yaml', '--out', 'plan.json']);
    expect(snapOverPlan.code).toBe(1);
    expect(snapOverPlan.stderr).toContain('--out plan.json exists and is an entra-soa plan, not an entra-soa snapshot: refusing to replace it.');

    const forced = planTo('notes.txt', ['--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(read('notes.txt')).kind).toBe('entra-soa/plan');
    const again = planTo('plan.json');
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('Saved the plan to plan.json. Review it with `entra-soa show plan.json`; apply it with `entra-soa apply plan.json`.\n');
    // written through a temporary file that is renamed: none is left behind
    expect(readdirSync(cwd).filter((f) => !/^(m\.yaml|s\.json|plan\.json|big\.json|err\.txt|notes\.txt|s-copy\.json|other-snapshot\.json|link-to-manifest\.yaml|\.entra-soa)$/.test(f))).toEqual([]);
  });

  it('a folder is named as such', () => {
    const r = planTo('.entra-soa');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('entra-soa plan: --out .entra-soa is a folder: name a file in it, e.g. --out .entra-soa/plan.json.\n');
  });
});

describe('the manifest and the state read must be one tenant', () => {
  function otherTenantManifest(name: string, text: string, tenant: string): string {
    writeFileSync(join(cwd, name), text.replace(/^( {2}id: ).*$/m, `$1${tenant}`));
    return name;
  }

  it('plan --snapshot of another tenant: an error naming both ids, and no plan', () => {
    const m = otherTenantManifest('other.yaml', read('m.yaml'), OTHER_TENANT);
    const r = cli(['plan', m, '--snapshot', 's.json', '--out', 'other-plan.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`the manifest other.yaml is for tenant ${OTHER_TENANT} (tenant.id), but snapshot s.json`);
    expect(r.stderr).toContain(`is tenant ${SNAPSHOT_TENANT}: nothing was planned or changed.`);
    expect(existsSync(join(cwd, 'other-plan.json'))).toBe(false);
  });

  it('plan --lab and snapshot --lab with a manifest of another tenant stop before planning or writing', async () => {
    const m = otherTenantManifest('lab-other.yaml', labManifest('users: []'), OTHER_TENANT);
    const [plan, snapshot] = [
      await startCli(['plan', m, '--lab', '--out', 'lab-other-plan.json'], { cwd }).done,
      await startCli(['snapshot', m, '--lab', '--out', 'lab-other-snapshot.json'], { cwd }).done,
    ];
    for (const r of [plan, snapshot]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the manifest lab-other.yaml is for tenant ${OTHER_TENANT} (tenant.id), but `);
      expect(r.stderr).toContain(`is tenant ${LAB_TENANT_ID}: nothing was planned or changed.`);
    }
    expect(existsSync(join(cwd, 'lab-other-plan.json'))).toBe(false);
    expect(existsSync(join(cwd, 'lab-other-snapshot.json'))).toBe(false);
  });

  it('apply -f --lab and apply of a saved plan, each against the lab of another tenant: stop before planning or changing anything', async () => {
    const m = otherTenantManifest('lab-other-apply.yaml', labManifest('users: []'), OTHER_TENANT);
    const fresh = await startCli(['apply', '-f', m, '--lab', '--auto-approve'], { cwd }).done;
    // plan.json was made from the Contoso snapshot: its manifest names the Contoso tenant, not the lab's
    const saved = await startCli(['apply', 'plan.json', '--lab', '--auto-approve'], { cwd }).done;
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toBe('');
    expect(fresh.stderr).toContain(`entra-soa apply: the manifest lab-other-apply.yaml is for tenant ${OTHER_TENANT} (tenant.id), but lab (Graph emulator`);
    expect(fresh.stderr).toContain(`is tenant ${LAB_TENANT_ID}: nothing was planned or changed.`);
    expect(saved.code).toBe(1);
    expect(saved.stderr).toContain(`is for tenant ${SNAPSHOT_TENANT} (tenant.id), but lab (Graph emulator`);
    expect(saved.stdout).not.toMatch(/^[✓✗] s\d+/m);
  });
});

describe('a file of another kind', () => {
  it('validate says what a plan, a snapshot or a journal is, instead of listing schema errors', () => {
    writeFileSync(join(cwd, 'plan.json.journal'), `${JSON.stringify({ type: 'plan', digest: 'a'.repeat(64), time: 't', steps: 1 })}\n`);
    const plan = cli(['validate', 'plan.json']);
    expect(plan).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'entra-soa validate: plan.json is an entra-soa plan, not an entra-soa manifest: `entra-soa show plan.json` prints it and `entra-soa apply plan.json` applies it.\n',
    });
    const snapshot = cli(['validate', 's.json']);
    expect(snapshot.code).toBe(1);
    expect(snapshot.stderr).toContain('entra-soa validate: s.json is an entra-soa snapshot, not an entra-soa manifest');
    expect(snapshot.stderr).not.toMatch(/error schema|snapshot-invalid/);
    const journal = cli(['validate', 'plan.json.journal']);
    expect(journal.stderr).toContain('plan.json.journal is an entra-soa apply journal, not an entra-soa manifest');
  });

  it('show on a snapshot says so and does not suggest writing over it', () => {
    const r = cli(['show', 's.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'entra-soa show: s.json is an entra-soa snapshot, not an entra-soa plan (the state of both directories, saved by entra-soa snapshot): ' +
        'plan from it with `entra-soa plan <manifest> --snapshot s.json --out plan.json`.\n',
    );
    expect(r.stderr).not.toMatch(/--out s\.json/);
  });

  it('apply of a manifest, a snapshot or a journal says what it is and changes nothing', () => {
    writeFileSync(join(cwd, 'plan.json.journal'), `${JSON.stringify({ type: 'plan', digest: 'a'.repeat(64), time: 't', steps: 1 })}\n`);
    const manifest = cli(['apply', 'm.yaml', '--auto-approve']);
    expect(manifest).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'entra-soa apply: m.yaml is an entra-soa manifest, not an entra-soa plan: `entra-soa plan m.yaml` plans it (add --out plan.json to save the plan for show and apply); `entra-soa apply -f m.yaml` plans and applies it at once.\n',
    });
    const snapshot = cli(['apply', 's.json', '--auto-approve']);
    expect(snapshot.code).toBe(1);
    expect(snapshot.stderr).toContain('entra-soa apply: s.json is an entra-soa snapshot, not an entra-soa plan');
    const journal = cli(['apply', 'plan.json.journal', '--auto-approve']);
    expect(journal.code).toBe(1);
    expect(journal.stderr).toContain('plan.json.journal is an entra-soa apply journal, not an entra-soa plan');
  });

  it('apply -f --target plans and applies only the target, and says the plan is partial', async () => {
    const r = await startCli(['apply', '-f', join(ROOT, 'examples', 'lab', 'manifest.yaml'), '--lab', '--target', 'link-riley', '--auto-approve'], { cwd }).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('partial');
    const ran = [...r.stdout.matchAll(/^✓ s\d+ .*$/gm)].map((m) => m[0]);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((line) => /riley|tenant|blockSoftMatch|softMatch|sync/i.test(line)), ran.join('\n')).toBe(true);
  });

  it('apply of a saved plan with --target is refused: the saved plan keeps the targets it was made with', () => {
    const r = cli(['apply', 'plan.json', '--target', 'user/alice.ng@contoso.com', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'entra-soa apply: --target narrows a plan made now (apply -f); the saved plan plan.json has the targets it was made with: plan again with --target to narrow it.\n',
    );
  });
});

describe('messages', () => {
  it('end with exactly one full stop', () => {
    writeFileSync(join(cwd, 'broken.yaml'), 'apiVersion: entra-soa/v1\ntenant: {}\n');
    const runs = [
      cli(['plan', 'm.yaml', '--graph-token-env', 'NOT_SET_ANYWHERE']),
      cli(['snapshot', 'm.yaml', '--out', 'x.json', '--graph-token-env', 'NOT_SET_ANYWHERE']),
      cli(['plan', 'm.yaml', '--snapshot', 'missing.json']),
      cli(['plan', 'broken.yaml', '--snapshot', 's.json']),
      cli(['show', 'missing.json']),
      cli(['apply', 'lab-plan.json', '--concurrency', '0']),
      cli(['plan', 'm.yaml', '--snapshot', 's.json', '--lab']),
    ];
    for (const r of runs) {
      expect(r.code).toBe(1);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('entra-soa'));
      expect(lines.length, r.stderr).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line, line).toMatch(/[.?]$/);
        expect(line, line).not.toMatch(/[^.]\.\.(?!\.)|\. \./);
      }
    }
  });

  it('an option naming an environment variable refuses a value that is not a name, and never repeats it', () => {
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl';
    for (const args of [
      ['plan', 'm.yaml', '--graph-token-env', token],
      ['snapshot', 'm.yaml', '--out', 'x.json', '--client-secret-env', 'p@ss w0rd!'],
      ['apply', 'plan.json', '--ad-password-env', 'Hunter2!'],
      ['lab', 'sync', '--token-env', token],
    ]) {
      const r = cli(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/takes the NAME of an environment variable/);
      expect(r.stderr).not.toContain(args.at(-1));
    }
    // the manifest's bindPasswordEnv too
    writeFileSync(join(cwd, 'pw.yaml'), read('m.yaml').replace(/bindPasswordEnv: .*/, 'bindPasswordEnv: "S3cret!pw"'));
    const manifest = cli(['validate', 'pw.yaml']);
    expect(manifest.code).toBe(1);
    expect(manifest.stderr).toContain('bindPasswordEnv must be an environment variable name');
    expect(manifest.stderr).toContain('(the value given is not shown: it may be the secret itself)');
    expect(manifest.stderr).not.toContain('S3cret!pw');
  });
});
