// The README quick start on the lab: examples/lab/manifest.yaml plans with changes, applies cleanly
// (sync cycles simulated), and then plans "no changes". Real commands, real lab, real Graph emulator.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runPlan } from '../../../src/cli/plan.js';
import type { PlanArgs } from '../../../src/cli/plan.js';
import { LAB_STATE_DIR } from '../../../src/cli/access-options.js';
import { applyCommand } from '../../../src/cli/apply.js';
import type { ApplyArgs } from '../../../src/cli/apply.js';
import { captureIo } from '../../helpers/cli-io.js';
import { PACKAGE_ROOT } from '../../../src/meta/version.js';
import { startLab } from '../../../src/lab/in-process-lab.js';
import type { Plan } from '../../../src/model/plan.js';

const MANIFEST = join(PACKAGE_ROOT, 'examples/lab/manifest.yaml');

const testIo = (cwd: string) => captureIo(cwd, { prompt: async () => 'no' }, { mergeStderr: true });

const planArgs = (extra: Partial<PlanArgs>): PlanArgs => ({ file: MANIFEST, lab: true, format: 'human', detailedExitcode: true, color: false, ...extra });

describe('the quick start on the lab (examples/lab/manifest.yaml)', () => {
  it('plans, applies, and converges', { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lab-quickstart-'));
    const t = testIo(cwd);

    expect(await runPlan(t.io, planArgs({ out: 'plan.json' }))).toBe(2);
    const plan = JSON.parse(await readFile(join(cwd, 'plan.json'), 'utf8')) as Plan;
    expect(plan.applyable).toBe(true);
    expect(plan.hazards.filter((h) => h.consent !== undefined)).toEqual([]);
    const kinds = new Set(plan.steps.map((s) => s.step.kind));
    // the contractors' and Riley's AD accounts wait in OU=Onboarding, outside the sync scope: moved in after the link is prepared
    expect([...kinds].sort()).toEqual(
      ['ad.modify', 'ad.move', 'entra.clearOnPremisesAttributes', 'entra.setCloudManaged', 'entra.setGroupCloudManaged', 'entra.setImmutableId', 'entra.setSyncFeature', 'sync.await'].sort(),
    );
    expect(plan.steps.filter((s) => s.step.kind === 'ad.move')).toHaveLength(11);

    let applyCode = -1;
    const apply = applyCommand(t.io, (c) => {
      applyCode = c;
    });
    const args: ApplyArgs = { plan: 'plan.json', autoApprove: true, lab: true, allowDisruptive: false, allowIrreversible: false, allowExceedDeletionThreshold: false, concurrency: 4, color: false };
    await apply.handler({ ...args, _: [], $0: 'entra-soa' });
    if (applyCode !== 0) console.log(t.out.join(""));
    expect(applyCode).toBe(0);

    expect(await runPlan(t.io, planArgs({}))).toBe(0);
    expect(t.out.join('')).toContain('No changes.');

    // what the lab holds now: Sales cloud-managed and tidied, contractors and Riley synced, no second
    // cloud user for any of them, no error; only the new hire's quarantined address from the seed
    const lab = await startLab({ stateDir: join(cwd, LAB_STATE_DIR) });
    try {
      const users = lab.tenant.listUsers();
      const sales = users.filter((u) => u.isCloudManaged);
      expect(sales).toHaveLength(48);
      expect(sales.every((u) => u.onPremisesImmutableId === null && u.onPremisesDistinguishedName === null)).toBe(true);
      const contractors = users.filter((u) => u.userPrincipalName.endsWith('@contractors.lab.example.test'));
      expect(contractors.map((u) => u.onPremisesSyncEnabled)).toEqual(Array(10).fill(true));
      expect(contractors.every((u) => u.mail === u.userPrincipalName)).toBe(true);
      expect(lab.tenant.getUserByUpn('riley.morgan@lab.example.test')?.onPremisesSyncEnabled).toBe(true);
      expect(lab.tenant.listGroups().find((g) => g.displayName === 'Sales Team')?.isCloudManaged).toBe(true);
      expect(users).toHaveLength(232);
      const r = await lab.runSyncCycle();
      expect(r.errors).toEqual([]);
      expect(r.counts).toMatchObject({ skippedCloudManaged: 48, created: 0, deleted: 0, updated: 0, quarantined: 0 });
      expect(lab.tenant.listQuarantines().map((q) => q.value)).toEqual(['smtp:alex.kim@lab.example.test']);
      expect(lab.syncCycleCount).toBeGreaterThan(1);
    } finally {
      await lab.close();
    }
  });
});
