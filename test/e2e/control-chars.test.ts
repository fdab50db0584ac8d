/**
 * Issue 12 §7: control characters from input are escaped in every message the CLI prints: manifest
 * diagnostics, yargs' complaints about arguments, a rendered plan's names and reasons.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePlan } from '../../src/document/plan-document.js';
import { withHeader } from '../unit/manifest/fixtures.js';
import { samplePlan } from '../unit/render/sample-plan.js';
import { runCliSync } from '../helpers/cli-process.js';

/** Raw control characters other than the newline (what a terminal would act on). */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'entra-soa-ctl-'));
  writeFileSync(
    join(dir, 'm.yaml'),
    withHeader(`users:
  - name: "evil\\e[2J\\e]0;owned\\a\\u202e"
    select: { ou: "OU=Sales\\r,DC=fabrikam,DC=com" }
    authority: cloud
    method: sourceOfAuthority
`),
  );
  const plan = samplePlan();
  const first = plan.steps[0];
  if (first) first.reason = 'moved by \u001b[31mrule\u001b[0m\r\u001b[2Kforged line';
  writeFileSync(join(dir, 'plan.json'), encodePlan(plan));
});

describe('no raw control character reaches the terminal', () => {
  it('validate: the rule name and DN quoted by dn-outside-base are escaped', () => {
    const r = runCliSync(['validate', 'm.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rule "evil\\x1b[2J\\x1b]0;owned\\x07\\u202e": select.ou "OU=Sales\\r,DC=fabrikam,DC=com" is not inside the base DN');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('an unknown argument quoted by the argument parser is escaped', () => {
    const r = runCliSync(['validate', 'm.yaml', '--\u001b[2Jx'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('\\x1b[2Jx');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('show: a reason holding ANSI sequences and a carriage return is printed escaped (human and markdown)', () => {
    for (const format of ['human', 'markdown']) {
      const r = runCliSync(['show', 'plan.json', '--format', format], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('moved by \\x1b[31mrule\\x1b[0m\\r\\x1b[2Kforged line');
      expect(r.stdout).not.toMatch(RAW_CONTROL);
    }
  });

  it('a file name with control characters in an error message is escaped', () => {
    const r = runCliSync(['show', 'no\u001b[2Jsuch.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read the plan no\\x1b[2Jsuch.json: no such file');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });
});
