/**
 * The apply command's own behaviour, on the lab (`--lab`, state in .entra-soa/lab so that `plan --lab`
 * and `apply --lab` see the same tenant): approval (TTY prompt, --auto-approve, no TTY), exit codes,
 * journal default path and mismatch, a plan from a changed manifest. (Ctrl-C during a wait: resume.test.ts.) The built CLI as a child process; the prompt through the command module with a CliIo.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyCommand } from '../../../src/cli/apply.js';
import { planCommand } from '../../../src/cli/plan.js';
import { captureIo } from '../../helpers/cli-io.js';
import { startCli } from '../../helpers/cli-process.js';
import { labManifest } from '../../helpers/lab-manifest.js';
import { removeTestDir } from '../../helpers/test-artifacts.js';

// CLI child processes (node start-up, plan, apply) take seconds each, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });

let cwd = '';
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'entra-soa-cli-apply-'));
});
afterEach(() => {
  removeTestDir(cwd);
});

const cli = (args: string[]) => startCli(args, { cwd }).done;

function manifest(name: string, users: string, extra = ''): string {
  writeFileSync(join(cwd, name), labManifest(users, { tenantExtra: extra, sync: 'sync:\n  pollInterval: 1s' }));
  return name;
}

const ELLA = 'ella.young@lab.example.test';
const switchElla = `users:
  - name: ella
    select: { upn: ${ELLA} }
    authority: cloud
    method: sourceOfAuthority`;

function labState(): { users: { userPrincipalName: string; isCloudManaged: boolean }[] } {
  return (JSON.parse(readFileSync(join(cwd, '.entra-soa', 'lab', 'lab-state.json'), 'utf8')) as { tenant: { users: { userPrincipalName: string; isCloudManaged: boolean }[] } }).tenant;
}

describe('apply <plan.json> --lab', () => {
  it('applies a saved plan to the same lab tenant plan --lab read; a second run finds everything done', async () => {
    const m = manifest('m.yaml', switchElla);
    expect((await cli(['plan', '-f', m, '--lab', '--out', 'plan.json'])).code).toBe(0);

    const r = await cli(['apply', 'plan.json', '--lab', '--auto-approve']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ s001 ${ELLA} was converted to cloud authority`);
    expect(r.stdout).toContain('Apply complete: 1 done, 0 already done, 0 failed, 0 refused (stale), 0 not run.');
    expect(r.stderr).toContain('Journal: plan.json.journal');
    // The journal is keyed by the plan's digest: the sha256 of the plan file's bytes.
    const firstRecord = JSON.parse(readFileSync(join(cwd, 'plan.json.journal'), 'utf8').split('\n')[0] as string) as { digest: string };
    expect(firstRecord.digest).toBe(createHash('sha256').update(readFileSync(join(cwd, 'plan.json'))).digest('hex'));
    expect(labState().users.find((u) => u.userPrincipalName === ELLA)?.isCloudManaged).toBe(true);

    const again = await cli(['apply', 'plan.json', '--lab', '--auto-approve']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Resuming from the journal plan.json.journal');
    expect(again.stdout).toContain(`= s001 already done by an earlier apply of this plan: convert ${ELLA} to cloud authority`);
  });

  it('refuses without a terminal and without --auto-approve (exit 1, nothing changed)', async () => {
    const m = manifest('m.yaml', switchElla);
    await cli(['plan', '-f', m, '--lab', '--out', 'plan.json']);
    const r = await cli(['apply', 'plan.json', '--lab']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no terminal to ask for approval: review the plan and run again with --auto-approve');
    expect(labState().users.find((u) => u.userPrincipalName === ELLA)?.isCloudManaged).toBe(false);
  });

  it('refuses a plan whose manifest changed since planning, and a journal of another plan', async () => {
    const m = manifest('m.yaml', switchElla);
    await cli(['plan', '-f', m, '--lab', '--out', 'plan.json']);
    manifest('m.yaml', switchElla, '  accidentalDeletionThreshold: 400');
    const changed = await cli(['apply', 'plan.json', '--lab', '--auto-approve']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('the manifest m.yaml changed since the plan plan.json was made from it');

    manifest('m.yaml', switchElla);
    writeFileSync(join(cwd, 'other.journal'), `${JSON.stringify({ type: 'plan', digest: 'f'.repeat(64), time: 't', steps: 1 })}\n`);
    const mismatch = await cli(['apply', 'plan.json', '--lab', '--auto-approve', '--journal', 'other.journal']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('belongs to another plan');
  });

  it('a missing plan file and a wrong --concurrency are one-line errors', async () => {
    const r = await cli(['apply', 'nope.json', '--lab', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('entra-soa apply: the plan file nope.json does not exist: run `entra-soa plan -f <manifest> --out nope.json` first.\n');
    manifest('m.yaml', switchElla);
    const c = await cli(['apply', '-f', 'm.yaml', '--lab', '--auto-approve', '--concurrency', '0']);
    expect(c.code).toBe(1);
    // refused while parsing the command line, like every malformed option: nothing read or written
    expect(c.stderr).toBe('entra-soa apply: --concurrency must be a whole number of at least 1 (got 0).\nNothing was read or written. See `entra-soa apply --help`.\n');
  });
});

describe('the approval prompt on a terminal', () => {
  async function runWithAnswer(answer: string): Promise<{ code: number; prompts: string[]; err: string; out: string }> {
    const m = manifest('m.yaml', switchElla);
    let code = -1;
    const prompts: string[] = [];
    const { io, text, errors } = captureIo(cwd, {
      stdoutIsTTY: true,
      stdinIsTTY: true,
      prompt: async (q) => {
        prompts.push(q);
        return answer;
      },
      now: () => new Date(),
    });
    // Plan and apply with the same (source) build: fingerprints are compared across the two.
    await yargs(['plan', '-f', m, '--lab', '--out', 'plan.json']).command(planCommand(io, (c) => (code = c))).strict().parseAsync();
    expect(code).toBe(0);
    await yargs(['apply', 'plan.json', '--lab', '--no-color']).command(applyCommand(io, (c) => (code = c))).strict().parseAsync();
    return { code, prompts, err: errors(), out: text() };
  }

  it("asks, and anything but 'yes' cancels", async () => {
    const r = await runWithAnswer('y');
    expect(r.prompts).toEqual(["\nApply this plan? Only 'yes' will be accepted: "]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Apply cancelled: nothing was changed.');
    expect(labState().users.find((u) => u.userPrincipalName === ELLA)?.isCloudManaged).toBe(false);
  });

  it("'yes' applies", async () => {
    const r = await runWithAnswer('yes');
    expect(r.out).toContain(`✓ s001 ${ELLA} was converted to cloud authority`);
    expect(r.code).toBe(0);
    expect(labState().users.find((u) => u.userPrincipalName === ELLA)?.isCloudManaged).toBe(true);
  });
});
