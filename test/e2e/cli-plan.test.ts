/**
 * The built CLI (dist/, `npm test` builds first) run as a user runs it: validate, plan and show on
 * the committed examples, exit codes, saved plans, colour rules and error output.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { captureIo } from '../helpers/cli-io.js';
import { MAIN, ROOT, runCliSync } from '../helpers/cli-process.js';
import { planExitCode, runPlan } from '../../src/cli/plan.js';
import { runShow } from '../../src/cli/show.js';
import { decodePlan } from '../../src/document/plan-document.js';
import { removeTestDir } from '../helpers/test-artifacts.js';

const EXAMPLE = 'examples/sync-switch';
const ANSI = new RegExp(String.raw`\u001b\[`);

const cli = (args: string[], env: Record<string, string> = {}, cwd = ROOT) => runCliSync(args, { cwd, env });

let tmp = '';
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  tmp = mkdtempSync(join(tmpdir(), 'entra-soa-cli-plan-'));
});
afterAll(() => {
  if (tmp !== '') removeTestDir(tmp);
});

describe('validate', () => {
  it('accepts an example manifest with exit 0', () => {
    const r = cli(['validate', `${EXAMPLE}/manifest.yaml`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${EXAMPLE}/manifest.yaml: valid (2 user rules, 0 group rules)\n`);
    expect(r.code).toBe(0);
  });

  it('reports a broken manifest as file:line:col: error CODE: with exit 1 and no stack trace', () => {
    const bad = join(tmp, 'broken.yaml');
    writeFileSync(bad, 'apiVersion: entra-soa/v1\ntenant:\n  id: not-a-guid\n  bogus: [unclosed\n');
    for (const command of [['validate', 'broken.yaml'], ['plan', '-f', 'broken.yaml', '--snapshot', join(ROOT, EXAMPLE, 'snapshot.json')]]) {
      const r = cli(command, {}, tmp);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^broken\.yaml:\d+:\d+: error [a-z-]+: /m);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      expect(r.stdout).toBe('');
    }
  });
});

describe('plan', () => {
  const args = ['plan', '-f', `${EXAMPLE}/manifest.yaml`, '--snapshot', `${EXAMPLE}/snapshot.json`];

  it('prints the human plan and exits 0 without --detailed-exitcode', () => {
    const r = cli(args);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('entra-soa plan\n  manifest: examples/sync-switch/manifest.yaml (sha256 ')).toBe(true);
    expect(r.stdout).toContain('  ~ user/alice.ng@contoso.com\n');
    expect(r.stdout).toContain('\nPlan: 0 to add, 24 to change, 0 to remove, 0 waits.\n');
  });

  it('exits 2 with --detailed-exitcode when there are changes, 4 when they cannot be applied', () => {
    // issue 7 §3: sync-switch's plan has blocking hazards (an admin, a collision): a distinct code, never 0 or 2
    expect(cli([...args, '--detailed-exitcode']).code).toBe(4);
    expect(cli(['plan', '-f', 'examples/groups-and-features/manifest.yaml', '--snapshot', 'examples/groups-and-features/snapshot.json', '--detailed-exitcode']).code).toBe(2);
  });

  it('exits 0 with --detailed-exitcode when there is nothing to do', () => {
    const manifest = readFileSync(join(ROOT, EXAMPLE, 'manifest.yaml'), 'utf8').replace(/\nusers:[\s\S]*$/, '\n');
    writeFileSync(join(tmp, 'nothing.yaml'), manifest);
    const r = cli(['plan', '-f', 'nothing.yaml', '--snapshot', join(ROOT, EXAMPLE, 'snapshot.json'), '--detailed-exitcode'], {}, tmp);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('No changes. The directories match the manifest.');
    expect(r.code).toBe(0);
  });

  it('writes a decodable plan with --out, and show prints it again', () => {
    const out = join(tmp, 'plan.json');
    const r = cli([...args, '--out', out, '--format', 'json']);
    expect(r.code).toBe(0);
    const saved = readFileSync(out, 'utf8');
    expect(r.stdout).toBe(saved);
    expect(r.stderr).toContain(`Saved the plan to ${out}.`);
    const decoded = decodePlan(saved, 'plan.json');
    expect(decoded.diagnostics).toEqual([]);
    expect(decoded.plan?.steps).toHaveLength(24);
    expect(decoded.plan?.source).toBe(
      'snapshot examples/sync-switch/snapshot.json (captured 2026-03-02T08:00:00.000Z from graph.microsoft.com (tenant contoso.com) + ldaps://dc1.contoso.com)',
    );

    const shownJson = cli(['show', out, '--format', 'json']);
    expect(shownJson.code).toBe(0);
    expect(shownJson.stdout).toBe(saved);

    const shownHuman = cli(['show', out]);
    expect(shownHuman.code).toBe(0);
    expect(shownHuman.stdout).toBe(cli(args).stdout.replace(/created: {2}\S+/, `created:  ${decoded.plan?.createdAt}`));

    const md = cli(['show', out, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout.split('\n')[0]).toBe('## entra-soa plan: 0 to add, 24 to change, 0 to remove, 0 waits.');
  });

  it('has no ANSI escapes when stdout is not a terminal, with or without NO_COLOR', () => {
    expect(cli(args).stdout).not.toMatch(ANSI);
    expect(cli(args, { NO_COLOR: '1' }).stdout).not.toMatch(ANSI);
    expect(cli([...args, '--no-color']).stdout).not.toMatch(ANSI);
  });

  it('says what to do when the snapshot is missing or not a snapshot', () => {
    const missing = cli(['plan', '-f', `${EXAMPLE}/manifest.yaml`, '--snapshot', 'nope.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'entra-soa plan: cannot read the snapshot nope.json: no such file. Create one with `entra-soa snapshot -f <manifest> --out nope.json`.\n',
    );
    const wrong = cli(['plan', '-f', `${EXAMPLE}/manifest.yaml`, '--snapshot', `${EXAMPLE}/manifest.yaml`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      'entra-soa plan: examples/sync-switch/manifest.yaml is an entra-soa manifest, not an entra-soa snapshot: ' +
        '`entra-soa plan examples/sync-switch/manifest.yaml` plans it (add --out plan.json to save the plan for show and apply).\n',
    );
    const other = cli(['plan', '-f', `${EXAMPLE}/manifest.yaml`, '--snapshot', 'examples/lab/sample-company.json']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('entra-soa plan: the snapshot examples/lab/sample-company.json cannot be used:');
    expect(other.stderr).toContain('error snapshot-invalid: kind must be "entra-soa/snapshot", found "entra-soa/lab-seed"');
    for (const r of [wrong, other]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses --snapshot together with --lab', () => {
    const r = cli([...args, '--lab']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('entra-soa plan: --snapshot and --lab both name where the state comes from: pass one of them.\n');
    expect(r.stdout).toBe('');
  });
});

describe('show', () => {
  it('refuses a plan from a newer entra-soa and names the version needed', () => {
    const out = join(tmp, 'future.json');
    const r = cli(['plan', '-f', `${EXAMPLE}/manifest.yaml`, '--snapshot', `${EXAMPLE}/snapshot.json`, '--out', out]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { formatVersion: number; tool: { version: string } };
    doc.formatVersion = 2;
    doc.tool.version = '3.0.0';
    writeFileSync(out, JSON.stringify(doc));
    const shown = cli(['show', out]);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toBe('');
    expect(shown.stderr).toContain('error plan-format-version: ');
    expect(shown.stderr).toContain('Use entra-soa 3.0.0 or later');
  });

  it('reports a missing plan file with exit 1', () => {
    const r = cli(['show', 'no-such-plan.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'entra-soa show: cannot read the plan no-such-plan.json: no such file. Create one with `entra-soa plan -f <manifest> --out no-such-plan.json`.\n',
    );
  });
});

describe('planExitCode', () => {
  const plan = () => {
    const r = cli(['plan', '-f', `${EXAMPLE}/manifest.yaml`, '--snapshot', `${EXAMPLE}/snapshot.json`, '--format', 'json']);
    const decoded = decodePlan(r.stdout, 'plan.json').plan;
    if (decoded === null) throw new Error('the example did not plan');
    return decoded;
  };

  it('is 1 when the plan carries an error diagnostic, even with changes', () => {
    const p = plan();
    // the example's plan has blocking hazards (4); without them its changes give 2
    expect(planExitCode(p, true)).toBe(4);
    expect(planExitCode({ ...p, applyable: true }, true)).toBe(2);
    expect(planExitCode(p, false)).toBe(0);
    p.diagnostics.push({ severity: 'error', code: 'example', message: 'something the planner could not resolve' });
    expect(planExitCode(p, true)).toBe(1);
    expect(planExitCode(p, false)).toBe(1);
  });
});

describe('colour on a terminal (in-process, through the CliIo seam)', () => {
  function terminalIo(env: Record<string, string>): CliIo & { out: string[]; err: string[] } {
    const { io, out, err } = captureIo(ROOT, {
      env,
      stdoutIsTTY: true,
      prompt: () => Promise.reject(new Error('no prompt expected')),
      now: () => new Date('2026-03-02T09:00:00.000Z'),
    });
    return { ...io, out, err };
  }
  // the example's plan cannot be applied (blocking hazards): --detailed-exitcode gives 4
  const args = {
    file: `${EXAMPLE}/manifest.yaml`,
    snapshot: `${EXAMPLE}/snapshot.json`,
    format: 'human' as const,
    detailedExitcode: true,
  };

  it('colours the human plan on a TTY, and not with NO_COLOR or --no-color', async () => {
    const tty = terminalIo({});
    expect(await runPlan(tty, args)).toBe(4);
    expect(tty.out.join('')).toMatch(ANSI);
    expect(tty.out.join('')).toContain('\u001b[33m~ user/alice.ng@contoso.com\u001b[39m');

    const noColorEnv = terminalIo({ NO_COLOR: '1' });
    expect(await runPlan(noColorEnv, args)).toBe(4);
    expect(noColorEnv.out.join('')).not.toMatch(ANSI);

    const flag = terminalIo({});
    expect(await runPlan(flag, { ...args, color: false })).toBe(4);
    expect(flag.out.join('')).not.toMatch(ANSI);
    // the same plan as the golden file, once colour is off and the clock is fixed
    expect(flag.out.join('')).toBe(
      readFileSync(join(ROOT, 'test', 'golden', 'sync-switch.human.txt'), 'utf8').replace(
        'by entra-soa 0.1.0',
        `by entra-soa ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`,
      ),
    );
  });

  it('never colours json or markdown, even on a TTY', async () => {
    const out = join(tmp, 'tty-plan.json');
    const io = terminalIo({});
    expect(await runPlan(io, { ...args, out, format: 'json' })).toBe(4);
    expect(io.out.join('')).not.toMatch(ANSI);
    const md = terminalIo({});
    expect(await runShow(md, { plan: out, format: 'markdown' })).toBe(0);
    expect(md.out.join('')).not.toMatch(ANSI);
    expect(md.out.join('').split('\n')[0]).toBe('## entra-soa plan: 0 to add, 24 to change, 0 to remove, 0 waits.');
  });
});
