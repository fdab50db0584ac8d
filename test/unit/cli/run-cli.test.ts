/**
 * runCli in-process (src/cli/run-cli.ts): help text, usage errors and the command list. The built
 * CLI as a child process is tested in test/e2e/cli-parsing.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CommandModule } from 'yargs';
import { COMMANDS } from '../../../src/cli/commands.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { captureIo } from '../../helpers/cli-io.js';

async function run(argv: string[], columns?: number): Promise<{ code: number; out: string; err: string }> {
  const t = captureIo(process.cwd(), columns !== undefined ? { columns } : {});
  const code = await runCli(argv, t.io);
  return { code, out: t.text(), err: t.errors() };
}

describe('help', () => {
  it('breaks lines between words only: the words are the same at 80, 100 and 120 columns', async () => {
    for (const command of [[], ['validate'], ['plan'], ['show'], ['snapshot'], ['apply'], ['lab'], ['version']]) {
      const words = await Promise.all(
        [80, 100, 120].map(async (columns) => {
          const r = await run([...command, '--help'], columns);
          expect(r.code).toBe(0);
          for (const line of r.out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(columns);
          // a full line can end in its type tag with no space before it: "...(or -f)[string]"
          return r.out
            .replace(/(\S)\[(string|boolean|number|required|default|choices)/g, '$1 [$2')
            .split(/\s+/)
            .filter(Boolean);
        }),
      );
      expect(words[0]).toEqual(words[2]);
      expect(words[1]).toEqual(words[2]);
    }
  });

  it('lists every command, and the manifest as [manifest] or -f', async () => {
    const r = await run(['--help']);
    for (const usage of ['validate [manifest]', 'plan [manifest]', 'show <plan>', 'snapshot [manifest]', 'apply [plan]', 'lab <action>', 'version']) {
      expect(r.out).toContain(`entra-soa ${usage}`);
    }
    const plan = await run(['plan', '--help']);
    expect(plan.out).toMatch(/Positionals:\n {2}manifest +The manifest \(YAML\) \(or give it with -f\)/);
    expect(plan.out).toMatch(/-f, --file +The manifest \(YAML\) \(the same as giving it as the/);
  });
});

describe('usage errors', () => {
  it('an unknown command without a near one lists the commands; `help` points to --help', async () => {
    const far = await run(['frobnicate']);
    expect(far.code).toBe(1);
    expect(far.err.split('\n')[0]).toBe('entra-soa: unknown command "frobnicate": the commands are validate, plan, show, snapshot, apply, drift, export, lab, version.');
    const help = await run(['help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Commands:');
  });

  it('a secret-looking stray argument or command is never repeated', async () => {
    const secret = 'eyJ0eXAiOiJKV1Qi.eyJ0aWQiOiJ4In0.c2ln';
    const stray = await run(['show', 'plan.json', secret]);
    expect(stray.code).toBe(1);
    expect(stray.err).not.toContain(secret);
    const asCommand = await run([secret]);
    expect(asCommand.code).toBe(1);
    expect(asCommand.err).not.toContain(secret);
    expect(asCommand.err.split('\n')[0]).toBe('entra-soa: unknown command (not repeated here): the commands are validate, plan, show, snapshot, apply, drift, export, lab, version.');
  });

  it('no command at all names the commands', async () => {
    const r = await run([]);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: 'entra-soa: name a command: validate, plan, show, snapshot, apply, drift, export, lab, version.\nNothing was read or written. See `entra-soa --help`.\n',
    });
  });

  it('a value after an option that takes none, and a camelCase spelling of a real option, are understood', async () => {
    const camel = await run(['plan', 'no-such.yaml', '--snapshot', 'x.json', '--detailedExitcode', '--bogus']);
    expect(camel.err.split('\n')[0]).toBe('entra-soa plan: unknown option --bogus.');
  });
});

describe('--out -', () => {
  it('is stdout, as --out=- is', async () => {
    for (const out of [['--out', '-'], ['--out=-']]) {
      const r = await run(['snapshot', 'no-such-manifest.yaml', '--lab', ...out]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('cannot read the manifest no-such-manifest.yaml: no such file');
    }
  });
});

describe('the command list', () => {
  it('a command is registered by adding its factory to the list', async () => {
    let ran = '';
    const hello = (_io: unknown, done: (c: number) => void): CommandModule<object, { name: string }> => ({
      command: 'hello <name>',
      describe: 'Say hello',
      builder: (y) => y.positional('name', { type: 'string', demandOption: true }),
      handler: (a) => {
        ran = a.name;
        done(0);
      },
    });
    const t = captureIo(process.cwd());
    expect(await runCli(['hello', 'world'], t.io, [...COMMANDS, hello])).toBe(0);
    expect(ran).toBe('world');
    expect(await runCli(['helo', 'world'], t.io, [...COMMANDS, hello])).toBe(1);
    expect(t.errors()).toContain('entra-soa: unknown command "helo": did you mean hello?');
  });
});
