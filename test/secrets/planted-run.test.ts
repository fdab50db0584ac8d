/**
 * A run the secrets scan (scripts/secrets-scan.mjs, after vitest in scripts/test.sh) can count on:
 * the built CLI plans and applies a scope removal on the lab, which restores the user and resets
 * its password into a 0600 secrets file under the test folder (kept for the scan), and a lab
 * token planted in the environment of a CLI that reads it (`lab sync --token-env`). The scan must
 * find the generated password in that file and nowhere else; this test checks the run's own files.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labManifest } from '../helpers/lab-manifest.js';
import { runCliSync } from '../helpers/cli-process.js';

const USER = 'ella.young@lab.example.test';
const LAB_TOKEN = 'Canary-Lab-Token-0123456789';

describe('a run that writes a generated password (for the secrets scan)', () => {
  it('apply puts the password in the 0600 secrets file only: not in stdout, stderr, the plan, the journal or the lab state', { timeout: 180_000 }, () => {
    const cwd = mkdtempSync(join(tmpdir(), 'entra-soa-secrets-canary-'));
    writeFileSync(
      join(cwd, 'm.yaml'),
      labManifest(
        `users:
  - name: ella
    select: { upn: ${USER} }
    authority: cloud
    method: scopeRemoval
    clear: { immutableId: true }
allow:
  disruptive: true`,
        { sync: 'sync:\n  pollInterval: 1s' },
      ),
    );
    const plan = runCliSync(['plan', '-f', 'm.yaml', '--lab', '--out', 'plan.json'], { cwd });
    expect(plan.code, plan.stderr).toBe(0);
    const apply = runCliSync(['apply', 'plan.json', '--lab', '--auto-approve', '--secrets-dir', 'secrets'], { cwd });
    expect(apply.code, apply.stderr).toBe(0);

    const [file] = readdirSync(join(cwd, 'secrets'));
    const path = join(cwd, 'secrets', file as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const [label, password] = readFileSync(path, 'utf8').trim().split('\t');
    expect(label).toBe(USER);
    expect(password?.length).toBeGreaterThanOrEqual(16);
    const written = ['plan.json', 'plan.json.journal', join('.entra-soa', 'lab', 'lab-state.json')].map((f) => readFileSync(join(cwd, f), 'utf8'));
    for (const text of [plan.stdout, plan.stderr, apply.stdout, apply.stderr, ...written]) expect(text).not.toContain(password);

    // A token given to the CLI by name: the failure to reach a lab must not print it.
    const sync = runCliSync(['lab', 'sync', '--endpoint', 'http://127.0.0.1:9', '--token-env', 'CANARY_TOKEN'], { cwd, env: { CANARY_TOKEN: LAB_TOKEN } });
    expect(sync.code).toBe(1);
    expect(sync.stdout + sync.stderr).not.toContain(LAB_TOKEN);
  });
});
