import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { captureIo } from '../../helpers/cli-io.js';
import { validateCommand } from '../../../src/cli/validate.js';
import { FIXTURES } from './fixtures.js';

interface Captured {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

async function runValidate(args: string[]): Promise<Captured> {
  let code: number | undefined;
  const { io, text, errors } = captureIo(FIXTURES, { now: () => new Date('2026-01-01T00:00:00Z') });
  await yargs(args)
    .command(
      validateCommand(io, (c) => {
        code = c;
      }),
    )
    .strict()
    .exitProcess(false)
    .parseAsync();
  return { code, stdout: text(), stderr: errors() };
}

describe('entra-soa validate', () => {
  it('validate full.yaml (relative to cwd) → exit 0 and the rule counts on stdout', async () => {
    const r = await runValidate(['validate', 'full.yaml']);

    expect(r).toEqual({ code: 0, stdout: 'full.yaml: valid (4 user rules, 2 group rules)\n', stderr: '' });
  });

  it('validate minimal.yaml → singular "1 user rule"', async () => {
    const r = await runValidate(['validate', 'minimal.yaml']);

    expect(r.stdout).toBe('minimal.yaml: valid (1 user rule, 0 group rules)\n');
  });

  it('validate secret.yaml → exit 1, diagnostics on stderr in file:line:col form, no secret, nothing on stdout', async () => {
    const r = await runValidate(['validate', 'secret.yaml']);

    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(/^secret\.yaml:10:5: error secret-in-manifest: "bindPassword": passwords must not/);
    expect(r.stderr).toContain('secret.yaml: invalid (2 errors)\n');
    expect(r.stderr).not.toContain('Hunter2');
  });

  it('validate of a missing file → exit 1 with file-not-found, no stack trace', async () => {
    const r = await runValidate(['validate', 'absent.yaml']);

    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error file-not-found: cannot read the manifest absent.yaml: no such file. Check the path (it is relative to the current directory).\n' +
        'absent.yaml: invalid (1 error)\n',
    });
  });
});
