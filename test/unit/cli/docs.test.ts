/** Every command and every option the command line has is documented in the README and docs/cli-plan.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { captureIo } from '../../helpers/cli-io.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const cliDoc = readFileSync(join(ROOT, 'docs', 'cli-plan.md'), 'utf8');

async function optionsOf(command: string): Promise<string[]> {
  const t = captureIo(ROOT, { columns: 200 });
  expect(await runCli([command, '--help'], t.io)).toBe(0);
  return [...t.text().matchAll(/^ {2,}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1] ?? '').filter((o) => o !== 'help' && o !== 'version');
}

describe('documentation of the command line', () => {
  const names = COMMANDS.map((f) => String(f(captureIo(ROOT).io, () => undefined).command).split(' ')[0] ?? '');

  it('lists every command', () => {
    expect(names).toEqual(['validate', 'plan', 'show', 'snapshot', 'apply', 'drift', 'export', 'lab', 'version']);
    for (const name of names) {
      expect(readme).toContain(`entra-soa ${name}`);
      expect(cliDoc).toMatch(new RegExp(`^\\| \`${name}[ \`]`, 'm'));
    }
  });

  it('documents every option of every command in the README and docs/cli-plan.md', async () => {
    for (const name of names) {
      const options = await optionsOf(name);
      if (name !== 'version') expect(options.length, name).toBeGreaterThan(0);
      for (const option of options) {
        expect(readme, `README.md: --${option} of ${name}`).toContain(`--${option}`);
        expect(cliDoc, `docs/cli-plan.md: --${option} of ${name}`).toContain(`--${option}`);
      }
    }
  });

  it('documents the colour variables and the exit codes', () => {
    for (const text of [readme, cliDoc]) {
      for (const v of ['NO_COLOR', 'FORCE_COLOR', '--no-color', '--color', '--force']) expect(text).toContain(v);
      for (const code of [0, 1, 2, 3]) expect(text).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    }
  });
});
