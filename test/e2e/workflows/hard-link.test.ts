/**
 * Scenario 3: a cloud-only user hard-linked to an existing AD user — the immutable id computed from
 * objectGUID (one install) and from mS-DS-ConsistencyGuid (another) — then matched by a sync cycle.
 * CLI + lab Graph + Samba.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import type { SourceAnchorAttribute } from '../../../src/model/observed.js';
import { createTestUser } from '../../helpers/samba.js';
import { SAMBA, startWorkflowEnv, type WorkflowEnv } from './harness.js';

// CLI child processes (node start-up, plan, apply) take seconds each, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });


for (const sourceAnchor of ['objectGUID', 'mS-DS-ConsistencyGuid'] as const satisfies readonly SourceAnchorAttribute[]) {
  describe.runIf(SAMBA !== null)(`hard link with sourceAnchor ${sourceAnchor}`, () => {
    let w: WorkflowEnv;
    const tag = Math.random().toString(36).slice(2, 8);
    const upn = `carol-${tag}@lab.example.test`;
    const consistencyGuid = randomUUID();
    beforeAll(async () => {
      w = await startWorkflowEnv({
        prefix: 'e2e-hard',
        sourceAnchor,
        cloudOnly: [{ upn, displayName: `Carol ${tag}` }],
      });
      // carol's AD account is created after Connect's last cycle: had a cycle seen it in scope while
      // soft match is blocked, Entra ID would have provisioned it as a second cloud user with its UPN
      // and address quarantined (duplicate-attribute resiliency), as the lab does.
      const u = await createTestUser(w.admin, w.ou.sub.Synced as string, { name: `carol-${tag}`, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${upn}`] });
      // A consistency guid that differs from objectGUID proves which attribute the anchor came from.
      if (sourceAnchor === 'mS-DS-ConsistencyGuid') await w.admin.setConsistencyGuid(u.dn, consistencyGuid);
    }, 120_000);
    afterAll(async () => {
      await w?.close();
    });

    it('sets the cloud user\'s immutable id from the AD anchor; the next cycle hard-matches it', async () => {
      // Before: cloud-only (the AD account is new since the last cycle).
      expect(w.entraUser(upn)?.onPremisesSyncEnabled).toBeNull();
      expect(w.entraUser(upn)?.onPremisesImmutableId).toBeNull();
      const ad = await w.adUser(upn);
      const expected = guidToImmutableId(sourceAnchor === 'objectGUID' ? (ad?.objectGuid as string) : consistencyGuid);
      expect(ad?.consistencyGuid).toBe(sourceAnchor === 'objectGUID' ? null : consistencyGuid);

      const m = w.manifest(
        'hard.yaml',
        `users:
  - name: link-carol
    select: { upn: ${upn} }
    authority: onPremises
    link: hard`,
        { tenantExtra: '  features:\n    blockCloudObjectTakeoverThroughHardMatch: false' },
      );
      const r = await w.cli(['apply', '-f', m, '--auto-approve', ...w.graphFlags]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${upn} was linked to AD by immutable id ${expected}`);
      expect(r.stdout).toContain(`${upn} is synced from AD with immutable id ${expected}`);

      // Entra: linked and synced. AD: the same object, unchanged anchor.
      const e = w.entraUser(upn);
      expect(e?.onPremisesImmutableId).toBe(expected);
      expect(e?.onPremisesSyncEnabled).toBe(true);
      expect(e?.onPremisesDistinguishedName?.toLowerCase()).toBe(ad?.dn.toLowerCase());
      expect(await w.adUser(upn)).toEqual(ad);
      expect(w.lab.tenant.toJSON().onPremisesSynchronization.features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
    });
  });
}
