/**
 * The secrets scan itself (scripts/secrets-scan.mjs): it finds a planted secret in every form and
 * place it could leak to, allows the secrets files only, never prints a secret, and refuses to
 * pass when it could not have seen anything. Fixture trees live under a `test-inputs` folder, which
 * the real scan after this run skips (they hold leaks on purpose).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportLines, scanForSecrets, secretForms } from '../../scripts/secrets-scan.mjs';
import literals from './planted-literals.json' with { type: 'json' };

const ROOT = join(import.meta.dirname, '..', '..');
const PASSWORD = 'Gen3rated-Pa55word-xyz';

/** A results folder as scripts/test.sh leaves it: vitest's output, a transcript, a test folder with a secrets file. */
function results(files: Record<string, string> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'scan-')), 'test-inputs', 'results');
  const all: Record<string, string> = {
    'vitest-output.log': ' Test Files  3 passed (3)\n',
    'artifacts/cli/worker-1.log': '=== entra-soa apply (exit 0)\n--- stdout\nthe password of ella was reset; the new password is in secrets/secrets-1.tsv\n',
    'artifacts/tmp/run-1/secrets/secrets-1.tsv': `ella@lab.example.test\t${PASSWORD}\n`,
    'artifacts/tmp/run-1/plan.json.journal': '{"step":"s001","state":"done"}\n',
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
    if (name.endsWith('.tsv')) chmodSync(join(dir, name), 0o600);
  }
  return dir;
}

describe('the secrets scan', () => {
  it('a clean run: finds the generated password in its secrets file, and nowhere else', () => {
    const r = scanForSecrets({ resultsDir: results(), literals: [] });
    expect(r).toMatchObject({ ok: true, findings: [], problems: [], secretsFilesThisRun: 1, foundInAllowedPlaces: 1, transcripts: 1, planted: { 'generated password': 1 } });
    expect(r.files).toBe(3);
    expect(r.bytes).toBeGreaterThan(0);
  });

  it.each(secretForms(PASSWORD).map(([form, text]) => [form, text]))('finds the password leaked %s into a journal, and never prints it', (form, text) => {
    const r = scanForSecrets({ resultsDir: results({ 'artifacts/tmp/run-1/plan.json.journal': `{"a":1}\n{"message":"set ${text} ok"}\n` }) });
    expect(r.ok).toBe(false);
    expect(r.findings).toEqual([
      { file: expect.stringMatching(/artifacts\/tmp\/run-1\/plan\.json\.journal$/), line: 2, what: expect.stringContaining(`generated password 1 of `) },
    ]);
    expect(r.findings[0]?.what).toContain(`(${form})`);
    expect(reportLines(r).join('\n')).not.toContain(PASSWORD);
    expect(JSON.stringify(r)).not.toContain(text);
  });

  it('finds a planted literal, the Samba password from the environment, and a token, in what vitest and the CLI printed', () => {
    const r = scanForSecrets({
      resultsDir: results({
        'vitest-output.log': ' Test Files  3 passed (3)\nexpected "Hunter2-DoNotLeak" not to be there\n',
        'artifacts/cli/worker-2.log': 'bind failed for pw Samba-Admin-Pa55 \nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz\neyJhbGciOiJub25lIn0.eyJ0aWQiOiJ4eHgifQ.sig\n',
      }),
      literals: [{ value: 'Hunter2-DoNotLeak', plantedIn: 'x' }],
      env: { ENTRA_SOA_TEST_BIND_PASSWORD: 'Samba-Admin-Pa55' },
    });
    expect(r.findings.map((f) => `${f.file.split('/').pop()}:${f.line} ${f.what.replace(/ \(raw\)$/, '')}`).sort()).toEqual([
      'vitest-output.log:2 test value planted in x',
      'worker-2.log:1 $ENTRA_SOA_TEST_BIND_PASSWORD',
      'worker-2.log:2 a Bearer token',
      'worker-2.log:3 a JWT-shaped token',
    ]);
  });

  it("the lab up banner may hand out the lab token; the same token anywhere else is a leak", () => {
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJsYWItdGVuYW50In0.c2lnbmF0dXJlLW9mLXRoZS1sYWI';
    // one line per identity (src/cli/lab.ts identityLines)
    const banner = `  Tokens, one per identity:\n    application    application (app-only) with the application permissions entra-soa documents: ${token}\n`;
    const clean = scanForSecrets({ resultsDir: results({ 'artifacts/cli/worker-3.log': banner }) });
    expect(clean.ok).toBe(true);
    expect(clean.planted['lab token']).toBe(1);
    const leaked = scanForSecrets({ resultsDir: results({ 'artifacts/cli/worker-3.log': banner, 'artifacts/tmp/run-1/plan.json': `{"source":"${token}"}` }) });
    // found as the lab's own token, and (lab tokens are JWT-shaped, like Entra's) as a token at all
    expect(leaked.findings.map((f) => f.what)).toEqual([expect.stringContaining('lab token printed by lab up'), 'a JWT-shaped token']);
  });

  it('a secret across the 8 MB read boundary is found', () => {
    const big = `${'x'.repeat(8 * 1024 * 1024 - 5)}${PASSWORD}\n`;
    const r = scanForSecrets({ resultsDir: results({ 'artifacts/tmp/run-1/big.log': big }) });
    expect(r.findings.map((f) => f.file.split('/').pop())).toEqual(['big.log']);
  });

  it('folders named test-inputs (inputs tests wrote, with planted secrets) are not searched', () => {
    const r = scanForSecrets({ resultsDir: results({ 'artifacts/tmp/run-1/test-inputs/m.yaml': `url: ldaps://u:${PASSWORD}@dc` }) });
    expect(r.ok).toBe(true);
  });

  it('cannot pass vacuously: no vitest output, no transcript, no secrets file of this run, a readable secrets file', () => {
    const dir = results();
    writeFileSync(join(dir, 'vitest-output.log'), '');
    expect(scanForSecrets({ resultsDir: dir }).problems).toEqual([expect.stringContaining('vitest-output.log is missing or holds no vitest summary')]);

    const empty = join(mkdtempSync(join(tmpdir(), 'scan-')), 'test-inputs');
    mkdirSync(empty);
    writeFileSync(join(empty, 'vitest-output.log'), ' Test Files  1 passed (1)\n');
    expect(scanForSecrets({ resultsDir: empty }).problems).toEqual([
      expect.stringContaining('no CLI transcript'),
      expect.stringContaining('no secrets file written by this run'),
    ]);

    const open = results();
    chmodSync(join(open, 'artifacts/tmp/run-1/secrets/secrets-1.tsv'), 0o644);
    expect(scanForSecrets({ resultsDir: open }).problems).toEqual([expect.stringContaining('secrets-1.tsv is a secrets file with mode 644, not 600')]);

    expect(scanForSecrets({ resultsDir: results(), requireSamba: true }).problems).toEqual([expect.stringContaining('the Samba password is not known')]);
  });

  it('every planted literal is still planted where the list says (the list cannot go stale)', () => {
    expect(literals.length).toBeGreaterThanOrEqual(5);
    for (const l of literals) {
      expect(l.value.length).toBeGreaterThanOrEqual(8);
      expect(readFileSync(join(ROOT, l.plantedIn), 'utf8'), l.plantedIn).toContain(l.value);
    }
  });
});
