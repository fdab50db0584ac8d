/**
 * The apply session as a library (src/apply/session.ts) against the lab: it reads the directories and
 * plans once for `apply -f --auto-approve`, again after a person approved, not at all when approval is
 * declined. And the command around it: `--format json` puts one JSON object per event on stdout.
 * (SIGTERM and Ctrl-C: resume.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runApplySession, type ApplySessionInput } from '../../../src/apply/session.js';
import { generatePassword } from '../../../src/ad/password.js';
import type { ApplySessionEvent } from '../../../src/model/apply-report.js';
import type { DirectoryAccess } from '../../../src/model/directory.js';
import { ROOT, startCli } from '../../helpers/cli-process.js';
import { labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { labHarnessPerTest } from './lab-harness.js';

const h = labHarnessPerTest();
const ELLA = 'ella.young@lab.example.test';
const toCloud = () =>
  loadDesired(labManifest(`users:\n  - name: ella\n    select: { upn: ${ELLA} }\n    authority: cloud\n    method: sourceOfAuthority`));

/** The lab's directory, counting the full reads of AD users (one per observation). */
function countingDirectory(d: DirectoryAccess): { directory: DirectoryAccess; reads: () => number } {
  let n = 0;
  const directory = new Proxy(d, {
    get(target, p) {
      if (p === 'listUsers') {
        return () => {
          n++;
          return target.listUsers();
        };
      }
      const v = Reflect.get(target, p) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { directory, reads: () => n };
}

function session(over: Partial<ApplySessionInput>): { input: ApplySessionInput; events: ApplySessionEvent[]; reads: () => number } {
  const events: ApplySessionEvent[] = [];
  const { directory, reads } = countingDirectory(h.lab.directory);
  const input: ApplySessionInput = {
    saved: null,
    desired: toCloud(),
    openAccess: async () => ({ entra: h.entra, directory, source: 'lab', close: async () => undefined }),
    cwd: h.dir,
    consent: { disruptive: false, irreversible: false, exceedDeletionThreshold: false },
    concurrency: 2,
    tool: { name: 'entra-soa', version: 'test' },
    now: () => new Date(h.lab.tenant.nowIso()),
    generatePassword: () => generatePassword(),
    onEvent: (e) => events.push(e),
    ...over,
  };
  return { input, events, reads };
}

describe('runApplySession (apply -f as a library)', () => {
  it('auto-approved: the directories are read and planned once, the plan applied, the report emitted last', async () => {
    const s = session({});
    const result = await runApplySession(s.input);
    expect(result.status).toBe('applied');
    expect(s.reads()).toBe(1);
    expect(s.events[0]?.type).toBe('new-plan');
    const last = s.events.at(-1);
    expect(last?.type).toBe('report');
    if (last?.type !== 'report' || result.status !== 'applied') throw new Error('no report');
    expect(result.report.counts.failed).toBe(0);
    expect(result.report.counts.done).toBeGreaterThan(0);
    expect(last.resumeCommand).toBe('entra-soa apply -f manifest.yaml (it plans again from the current state)');
    expect(h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === ELLA)?.isCloudManaged).toBe(true);
  });

  it('approved by a person: read again before anything changes (the review may have taken minutes)', async () => {
    let asked = 0;
    const s = session({
      approve: async () => {
        asked++;
        return true;
      },
    });
    const result = await runApplySession(s.input);
    expect(result.status).toBe('applied');
    expect(asked).toBe(1);
    expect(s.reads()).toBe(2);
  });

  it('approval declined: stopped without a message of its own, nothing applied, no journal opened', async () => {
    const s = session({ approve: async () => false });
    expect(await runApplySession(s.input)).toEqual({ status: 'stopped', message: null });
    expect(s.events.map((e) => e.type)).toEqual(['new-plan']);
    expect(h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === ELLA)?.isCloudManaged).not.toBe(true);
  });
});

describe('the apply command around the session', () => {
  it('--format json: every line of stdout is one JSON event, from the plan made now to the report', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'entra-soa-json-'));
    try {
      const manifest = join(ROOT, 'examples', 'lab', 'manifest.yaml');
      const r = await startCli(['apply', '-f', manifest, '--lab', '--target', 'link-riley', '--auto-approve', '--format', 'json'], { cwd }).done;
      expect(r.code, r.stderr).toBe(0);
      const events = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; plan?: { kind?: string }; result?: { status: string }; report?: { counts: Record<string, number> }; journal?: string });
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('new-plan');
      expect(events[0]?.plan?.kind).toBe('entra-soa/plan');
      expect(types[1]).toBe('start');
      expect(types.at(-1)).toBe('report');
      const finished = events.filter((e) => e.type === 'step-finished');
      expect(finished.length).toBeGreaterThan(0);
      expect(finished.every((e) => e.result?.status === 'done' || e.result?.status === 'skipped')).toBe(true);
      expect(events.at(-1)?.report?.counts['failed']).toBe(0);
      // the people's lines stay off stdout
      expect(r.stdout).not.toMatch(/^(✓|Apply complete)/m);
      expect(events.at(-1)?.journal).toMatch(/^\.entra-soa\/journal-[0-9a-f]{16}\.jsonl$/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
