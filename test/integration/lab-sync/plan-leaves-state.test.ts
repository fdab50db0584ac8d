// Issue 11 B: `plan --lab` (read-only) must not rewrite the lab state, at any size; apply --lab, which
// changes the tenant, must. Real commands in-process on the quick-start manifest, real lab.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runPlan, type PlanArgs } from '../../../src/cli/plan.js';
import { applyCommand, type ApplyArgs } from '../../../src/cli/apply.js';
import { LAB_STATE_DIR } from '../../../src/cli/access-options.js';
import { PACKAGE_ROOT } from '../../../src/meta/version.js';
import { labStatePath } from '../../../src/lab/lab-state-store.js';
import { captureIo } from '../../helpers/cli-io.js';
import { removeTestDir } from '../../helpers/test-artifacts.js';

const MANIFEST = join(PACKAGE_ROOT, 'examples/lab/manifest.yaml');

describe('the lab state file across commands', () => {
  it('plan --lab leaves it untouched (inode, time, bytes); apply --lab rewrites it', { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lab-plan-state-'));
    try {
      const t = captureIo(cwd, { prompt: async () => 'no' }, { mergeStderr: true });
      const file = labStatePath(join(cwd, LAB_STATE_DIR));
      const fileNow = () => {
        const st = statSync(file);
        return { ino: st.ino, mtimeMs: st.mtimeMs, bytes: readFileSync(file, 'utf8') };
      };
      const plan = (extra: Partial<PlanArgs> = {}) => runPlan(t.io, { file: MANIFEST, lab: true, format: 'human', detailedExitcode: true, color: false, ...extra });

      // the first run on a new folder creates the state from the seed
      expect(await plan({ out: 'plan.json' })).toBe(2);
      const first = fileNow();
      expect(await plan()).toBe(2);
      expect(await plan({ format: 'json' })).toBe(2);
      expect(fileNow()).toEqual(first);

      let applyCode = -1;
      const apply = applyCommand(t.io, (c) => {
        applyCode = c;
      });
      const args: ApplyArgs = { plan: 'plan.json', autoApprove: true, lab: true, allowDisruptive: false, allowIrreversible: false, allowExceedDeletionThreshold: false, concurrency: 4, color: false };
      await apply.handler({ ...args, _: [], $0: 'entra-soa' });
      expect(applyCode).toBe(0);
      const applied = fileNow();
      expect(applied.ino).not.toBe(first.ino);
      expect(applied.bytes).not.toBe(first.bytes);

      // converged: the next plan finds nothing to do, and writes nothing either
      expect(await plan()).toBe(0);
      expect(fileNow()).toEqual(applied);
    } finally {
      removeTestDir(cwd);
    }
  });
});
