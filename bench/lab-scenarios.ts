/**
 * Generated lab tenants for the apply benchmarks (apply-scale.ts, journal.ts): the sample company plus
 * N users made here (the lab seed generator's names run out after a few thousand), and the manifest
 * the scenarios plan from.
 */
import type { ApplyInput } from '../src/apply/executor.js';
import type { Lab } from '../src/lab/in-process-lab.js';

export const TENANT = 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01';
export const BASE = 'DC=lab,DC=example,DC=test';
export const BENCH_OU = `OU=Bench,OU=Staff,${BASE}`;
export const ONBOARDING_OU = `OU=Onboarding,${BASE}`;
/** Microsoft's default accidental-deletion threshold (the sample company's). */
export const DEFAULT_THRESHOLD = 500;
const pad = (i: number) => String(i).padStart(4, '0');

/** A manifest over the sample company's AD with `rules` as its users section. */
export function manifest(rules: string, extra: { tenant?: string; sync?: string; allow?: string } = {}): string {
  return `apiVersion: entra-soa/v1
tenant:
  id: ${TENANT}
${extra.tenant ?? ''}
activeDirectory:
  connection: { url: "ldaps://dc1.lab.example.test", baseDn: "${BASE}", bindDn: "CN=svc,${BASE}", bindPasswordEnv: LAB_AD_PASSWORD }
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope: { include: ["OU=Staff,${BASE}", "OU=Groups,${BASE}"] }
  unsyncedOu: OU=Unsynced,${BASE}
users:
${rules}
allow: { disruptive: true${extra.allow ?? ''} }
sync: { timeout: 2h, pollInterval: 30s${extra.sync ?? ''} }
`;
}

/** The rule that moves every user of withSyncedUsers out of the sync scope (scope removal). */
export const SCOPE_REMOVAL_RULE = `  - name: bench-out\n    select: { ou: "${BENCH_OU}" }\n    authority: cloud\n    method: scopeRemoval`;

/** The manifest that hard-links every user of withCloudUsersAndAdCounterparts to its AD counterpart. */
export const HARD_LINK_MANIFEST = manifest(
  `  - name: bench-link\n    select: { upnGlob: "bench.link*@contractors.lab.example.test" }\n    authority: onPremises\n    link: hard`,
  { tenant: '  features:\n    blockCloudObjectTakeoverThroughHardMatch: false' },
);

/** N synced users: AD users in OU=Bench,OU=Staff, created in the tenant by one cycle. */
export async function withSyncedUsers(lab: Lab, n: number): Promise<void> {
  const ad = lab.memoryDirectory;
  if (!ad) throw new Error('the bench needs the lab in-memory AD');
  ad.addOrganizationalUnit(BENCH_OU);
  for (let i = 1; i <= n; i++) {
    const nick = `bench.move${pad(i)}`;
    const upn = `${nick}@lab.example.test`;
    ad.addUser(BENCH_OU, { cn: `Bench Move ${pad(i)}`, samAccountName: nick, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${upn}`], givenName: 'Bench', surname: `Move ${pad(i)}`, displayName: `Bench Move ${pad(i)}` });
  }
  const r = await lab.runSyncCycle();
  if (r.counts.created !== n) throw new Error(`setting up: the cycle created ${r.counts.created} users, not ${n}`);
}

/** N cloud-only users (with a mailbox), each with an AD counterpart outside the scope (like the sample's contractors). */
export async function withCloudUsersAndAdCounterparts(lab: Lab, n: number): Promise<void> {
  const ad = lab.memoryDirectory;
  if (!ad) throw new Error('the bench needs the lab in-memory AD');
  for (let i = 1; i <= n; i++) {
    const nick = `bench.link${pad(i)}`;
    const upn = `${nick}@contractors.lab.example.test`;
    const name = `Bench Link ${pad(i)}`;
    lab.tenant.createUser({ userPrincipalName: upn, displayName: `${name} (Contractor)`, givenName: 'Bench', surname: `Link ${pad(i)}`, mail: upn, mailNickname: nick, proxyAddresses: [`SMTP:${upn}`], accountEnabled: true, exchangeMailbox: true });
    ad.addUser(ONBOARDING_OU, { cn: name, samAccountName: nick, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${nick}@lab.example.test`, `smtp:${upn}`], givenName: 'Bench', surname: `Link ${pad(i)}`, displayName: name });
  }
}

/** Apply on the lab's clock: its cycle as the trigger, a sleep moves the clock instead of waiting (no real time passes). */
export function onLabClock(lab: Lab): Pick<ApplyInput, 'triggerSync' | 'sleep' | 'now'> {
  return {
    triggerSync: async () => {
      await lab.runSyncCycle();
    },
    sleep: async (ms) => {
      await lab.advanceClock(ms / 1000);
    },
    now: () => new Date(lab.tenant.nowIso()),
  };
}
