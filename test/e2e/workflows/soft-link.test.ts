/**
 * Scenario 4: soft-match preparation — an AD user updated from Entra and a missing one created —
 * then matched by a sync cycle; and the same blocked by blockSoftMatch, reported as a hazard in the
 * plan and refused by apply. CLI + lab Graph + Samba.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { guidToImmutableId } from '../../../src/model/anchor.js';
import { normalizeDn } from '../../../src/model/dn.js';
import { createdUserDn } from '../../../src/plan/soft-link.js';
import { createTestUser, ldbsearch } from '../../helpers/samba.js';
import { SAMBA, startWorkflowEnv, type WorkflowEnv } from './harness.js';

// CLI child processes (node start-up, plan, apply) take seconds each, more on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });


describe.runIf(SAMBA !== null)('soft link: prepare AD so that Entra Connect soft-matches', () => {
  let w: WorkflowEnv;
  const tag = Math.random().toString(36).slice(2, 8);
  const dave = `dave-${tag}@lab.example.test`;
  const erin = `erin-${tag}@lab.example.test`;
  // Erin's AD account is created with her display name as CN: every character RFC 4514 escapes.
  const erinCn = `#Erin, "E" + a\\b; <${tag}>`;
  beforeAll(async () => {
    w = await startWorkflowEnv({
      prefix: 'e2e-soft',
      cloudOnly: [
        { upn: dave, displayName: `Dave ${tag}`, givenName: 'Dave', surname: tag, proxyAddresses: [`SMTP:${dave}`, `smtp:d.${tag}@lab.example.test`] },
        { upn: erin, displayName: erinCn, givenName: 'Erin', surname: tag },
      ],
    });
    // dave exists in AD without mail/proxyAddresses (no soft match possible yet); erin does not exist.
    // dave's account is created after Connect's last cycle: had a cycle seen it in scope while soft
    // match is blocked, Entra ID would have provisioned it as a second cloud user with its UPN
    // quarantined (duplicate-attribute resiliency), as the lab does.
    await createTestUser(w.admin, w.ou.sub.Synced as string, { name: `dave-${tag}`, userPrincipalName: dave });
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const rule = (createIn: string) => `users:
  - name: soft-link
    select: { upnGlob: "*-${tag}@lab.example.test" }
    authority: onPremises
    link: soft
    createIn: ${JSON.stringify(createIn)}
    requirePasswordChange: true`;

  it('with blockSoftMatch left on, the plan reports the hazard and apply refuses', async () => {
    const m = w.manifest('blocked.yaml', rule(w.ou.sub.Synced as string));
    const plan = await w.cli(['plan', '-f', m, ...w.graphFlags]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('soft-match-blocked');
    const r = await w.cli(['apply', '-f', m, '--auto-approve', ...w.graphFlags]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/blocking hazard soft-match-blocked on user\/dave-/);
    expect((await w.adUser(dave))?.mail).toBeNull();
    expect(await w.adUser(erin)).toBeUndefined();
  });

  it('updates dave in AD, creates erin (password in a 0600 file), and the cycle soft-matches both', async () => {
    const m = w.manifest('soft.yaml', rule(w.ou.sub.Synced as string), { tenantExtra: '  features:\n    blockSoftMatch: false' });
    // with password hash sync on, erin's generated AD password replaces her cloud one: that needs consent (issue 7 §1)
    const r = await w.cli(['apply', '-f', m, '--auto-approve', '--allow-disruptive', ...w.graphFlags]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the sync feature blockSoftMatch was set to false');
    expect(r.stdout).toMatch(new RegExp(`${dave.replace(/\./g, '\\.')} was updated in AD \\(.*proxyAddresses.*\\)`));
    expect(r.stdout).toContain(`${erin} was created as`);

    // AD (Samba): dave carries the cloud addresses; erin exists in the scope OU.
    const daveAd = await w.adUser(dave);
    expect(daveAd?.mail?.toLowerCase()).toBe(dave);
    expect([...(daveAd?.proxyAddresses ?? [])].sort()).toEqual([`SMTP:${dave}`, `smtp:d.${tag}@lab.example.test`].sort());
    const erinAd = await w.adUser(erin);
    // at the DN the plan stored (createdUserDn), with the display name as CN, exactly; must change her password
    const storedDn = createdUserDn(erinCn, w.ou.sub.Synced as string);
    expect(normalizeDn(erinAd?.dn ?? '')).toBe(normalizeDn(storedDn));
    const ldif = await ldbsearch(storedDn, 'base', '(objectClass=user)', ['cn', 'pwdLastSet']);
    expect(ldif).toContain(`\ncn: ${erinCn}\n`);
    expect(/^pwdLastSet: (\d+)$/m.exec(ldif)?.[1]).toBe('0');
    expect(erinAd?.enabled).toBe(true);

    // Entra (lab): both soft-matched — synced with the anchor of their AD object.
    for (const [upn, ad] of [[dave, daveAd], [erin, erinAd]] as const) {
      const e = w.entraUser(upn);
      expect(e?.onPremisesSyncEnabled).toBe(true);
      expect(e?.onPremisesImmutableId).toBe(guidToImmutableId(ad?.consistencyGuid ?? (ad?.objectGuid as string)));
    }

    const dir = join(w.cwd, '.entra-soa', 'secrets');
    const [file] = readdirSync(dir);
    const path = join(dir, file as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual([erin]);
    expect(r.stdout + r.stderr).not.toContain(lines[0]?.split('\t')[1] as string);
  });
});
