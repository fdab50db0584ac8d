/**
 * Waiting for the sync engine: every sync.await waits in one poll loop (SyncWaitGroup): the doubling
 * poll interval (up to 60 s) on an injected clock, the timeout message, a failing trigger, a transient
 * read failure that does not fail the wait, many waits read in $batches with the trigger run once per
 * round. Against the lab's Graph over HTTP through the SDK client; the trigger command as a real child.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/apply/errors.js';
import { SyncWaitGroup, type SyncWaitSettings } from '../../../src/apply/sync-wait.js';
import { commandTrigger } from '../../../src/apply/trigger-command.js';
import { createGraphClient, newGraphTraffic } from '../../../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../../../src/graph/credentials.js';
import { GraphEntraAccess } from '../../../src/graph/entra-access.js';
import { LAB_TENANT_ID, UNSYNCED_OU, labManifest, loadDesired } from '../../helpers/lab-manifest.js';
import { alive, hangingTrigger } from '../../helpers/processes.js';
import { labHarnessPerTest } from './lab-harness.js';

const h = labHarnessPerTest();

const ELLA = 'ella.young@lab.example.test';
const userId = (upn: string) => h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === upn)?.id as string;

function clock(start = Date.parse('2026-06-15T09:00:00Z')) {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(t),
    sleep: async (ms: number) => {
      slept.push(ms / 1000);
      t += ms;
    },
  };
}

function group(over: Partial<SyncWaitSettings> & Pick<SyncWaitSettings, 'sleep' | 'now'>, waits: string[] = []): SyncWaitGroup {
  return new SyncWaitGroup({ entra: h.entra, pollIntervalS: 5, onWait: (e) => waits.push(e.message), ...over });
}

describe('one sync wait', () => {
  it('polls with a doubling interval capped at 60 s and fails at the timeout saying what was expected and how to start a cycle', async () => {
    const c = clock();
    const waits: string[] = [];
    const err = await group(c, waits)
      .wait('s002', { kind: 'userSoftDeleted', userId: userId(ELLA), upn: ELLA }, 300)
      .catch((e: unknown) => e);
    expect(c.slept).toEqual([5, 10, 20, 40, 60, 60, 60, 45]);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as Error).message).toBe(
      `timed out after 5m waiting for ${ELLA} to be soft-deleted by the sync engine (it left the sync scope); last seen: ${ELLA} still exists (onPremisesSyncEnabled true). ` +
        'Entra Connect syncs every 30 minutes; start a cycle now on the Connect server with Start-ADSyncSyncCycle -PolicyType Delta (or set sync.triggerCommand / a longer sync.timeout), then run apply again',
    );
    expect(waits[0]).toBe(`waiting for ${ELLA} to be soft-deleted by the sync engine (it left the sync scope); ${ELLA} still exists (onPremisesSyncEnabled true)`);
  });

  it('a failing trigger fails the wait with the command error and the fix', async () => {
    const c = clock();
    const err = await group({
      ...c,
      trigger: async () => {
        throw new Error('the sync trigger ssh connect01 exited with status 255 (Connection refused)');
      },
    })
      .wait('s002', { kind: 'tenantSyncDisabled', tenantId: LAB_TENANT_ID }, 60)
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `the sync trigger command failed while waiting for directory synchronization of tenant ${LAB_TENANT_ID} to finish turning off: ` +
        'the sync trigger ssh connect01 exited with status 255 (Connection refused). Fix sync.triggerCommand in the manifest ' +
        '(or start a cycle on the Connect server with Start-ADSyncSyncCycle -PolicyType Delta) and run apply again',
    );
  });

  it('a dropped connection and a 502 while polling do not fail the wait: the next look finds the effect', async () => {
    const c = clock();
    const id = userId(ELLA);
    await h.lab.directory.moveUser(`CN=Ella Young,OU=Sales,OU=Staff,DC=lab,DC=example,DC=test`, UNSYNCED_OU);
    // GraphEntraAccess retries a failed read itself (READ_RETRY_DELAYS_MS, 3 retries): fail 4 times in a row, twice.
    await h.setFaults({
      rules: [
        { action: { kind: 'drop' }, method: 'POST', pathPattern: '/\\$batch$', times: 4 },
        { action: { kind: 'error', status: 502, code: 'BadGateway' }, method: 'POST', pathPattern: '/\\$batch$', nth: 5, times: 4 },
      ],
    });
    const client = createGraphClient({ endpoint: h.lab.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(h.lab.token), h.lab.graphUrl), retry: { maxRetries: 0 } });
    const entra = new GraphEntraAccess({ client, tenantId: LAB_TENANT_ID, sleep: async () => undefined });
    const waits: string[] = [];
    let cycles = 0;
    const g = group(
      {
        ...c,
        entra,
        trigger: async () => {
          cycles++;
          await h.lab.runSyncCycle();
        },
      },
      waits,
    );
    await g.wait('s002', { kind: 'userSoftDeleted', userId: id, upn: ELLA }, 3600);
    expect(g.stats.readFailures).toBe(2);
    expect(cycles).toBe(1);
    // The first failed look is followed by the trigger (the cycle), the second by a wait that says so.
    expect(waits).toEqual([`waiting for ${ELLA} to be soft-deleted by the sync engine (it left the sync scope); not looked at yet (the last look failed: Graph 502 BadGateway; trying again)`]);
    expect(h.lab.tenant.toJSON().deletedUsers.map((u) => u.id)).toContain(id);
  });
});

describe('many sync waits', () => {
  it('wait together: one loop reads them in $batches of 20, the trigger runs once per round', async () => {
    const staff = (await h.lab.directory.listUsers()).filter((u) => /OU=Sales,OU=Staff/.test(u.dn)).slice(0, 45);
    const traffic = newGraphTraffic({ log: true });
    const client = createGraphClient({ endpoint: h.lab.graphUrl, authProvider: authProviderFor(new StaticTokenCredential(h.lab.token), h.lab.graphUrl), traffic, retry: { maxRetries: 0 } });
    const entra = new GraphEntraAccess({ client, tenantId: LAB_TENANT_ID });
    const ids = staff.map((u) => userId(u.userPrincipalName as string));
    for (const u of staff) await h.lab.directory.moveUser(u.dn, UNSYNCED_OU);
    const c = clock();
    let triggers = 0;
    const g = new SyncWaitGroup({
      entra,
      pollIntervalS: 30,
      ...c,
      trigger: async () => {
        triggers++;
        await h.lab.runSyncCycle();
      },
      onWait: () => undefined,
    });
    await Promise.all(staff.map((u, i) => g.wait(`s${i}`, { kind: 'userSoftDeleted', userId: ids[i] as string, upn: u.userPrincipalName as string }, 3600)));
    expect(triggers).toBe(1);
    expect(g.stats.rounds).toBe(2); // look, trigger, look
    expect(g.stats.maxWaiting).toBe(45);
    // Round 1: the 45 users in 3 batches (still there). Round 2, after the cycle: 3 batches (404s), then the 45
    // deleted items in 3 batches: 9 requests in all, not one loop per user.
    expect(traffic.byRoute['POST /v1.0/$batch']).toBe(9);
    expect(traffic.requests).toBe(9);
    expect(c.slept).toEqual([]);
  });
});

describe('commandTrigger (manifest sync.triggerCommand, argv without a shell)', () => {
  it('resolves on exit 0 and passes the output on; rejects naming the command, status and last stderr line', async () => {
    const lines: string[] = [];
    await commandTrigger([process.execPath, '-e', 'console.log("cycle started; $HOME not expanded")'], { cwd: process.cwd(), env: {}, onOutput: (l) => lines.push(l) })();
    expect(lines).toEqual(['cycle started; $HOME not expanded']);
    const err = await commandTrigger([process.execPath, '-e', 'console.error("Busy: a sync cycle is running"); process.exit(3)'], { cwd: process.cwd(), env: {} })().catch((e: unknown) => e);
    expect((err as Error).message).toBe(`the sync trigger ${process.execPath} -e console.error("Busy: a sync cycle is running"); process.exit(3) exited with status 3 (Busy: a sync cycle is running)`);
    const missing = await commandTrigger(['/nonexistent/start-sync'], { cwd: process.cwd(), env: {} })().catch((e: unknown) => e);
    expect((missing as Error).message).toBe('could not start the sync trigger /nonexistent/start-sync: spawn /nonexistent/start-sync ENOENT');
  });

  const grandchild = async (pidFile: string) => {
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    return Number(readFileSync(pidFile, 'utf8'));
  };

  it('a trigger running longer than its timeout is stopped with everything it started', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'trigger-')), 'pid');
    const err = await commandTrigger(hangingTrigger(pidFile), { cwd: process.cwd(), env: {}, timeoutMs: 1500 })().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/ did not finish within 2 s and was stopped \(with everything it started\) \(connected\)$/);
    const pid = await grandchild(pidFile);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(false);
  });

  it('an abort (Ctrl-C) stops the trigger and its children', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'trigger-')), 'pid');
    const controller = new AbortController();
    const run = commandTrigger(hangingTrigger(pidFile), { cwd: process.cwd(), env: {}, signal: controller.signal, timeoutMs: 60_000 })().catch((e: unknown) => e);
    const pid = await grandchild(pidFile);
    expect(alive(pid)).toBe(true);
    controller.abort();
    const err = await run;
    expect((err as Error).message).toMatch(/ was stopped \(with everything it started\) because apply was interrupted/);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(false);
  });
});

describe('a scope removal of many users (issue 7 §6)', () => {
  for (const n of [8, 48]) {
    it(`${n} users: the moves, one sync cycle, then the restores — the cycles do not grow with the number of users`, async () => {
      const sales = (await h.lab.directory.listUsers())
        .filter((u) => /,OU=Sales,OU=Staff,/.test(u.dn))
        .map((u) => u.userPrincipalName as string)
        .sort()
        .slice(0, n);
      const desired = loadDesired(
        labManifest(`users:
  - name: sales-out
    select: { upns: [${sales.join(', ')}] }
    authority: cloud
    method: scopeRemoval
allow:
  disruptive: true`),
      );
      const plan = await h.plan(desired);
      expect(plan.steps.filter((s) => s.step.kind === 'sync.await')).toHaveLength(n);
      let cycles = 0;
      const { report } = await h.apply(plan, desired, {
        concurrency: 4,
        // Polls wait a little real time without moving the lab clock, so no scheduled cycle runs meanwhile:
        // every cycle is one the apply triggered.
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
        triggerSync: async () => {
          cycles++;
          await h.lab.runSyncCycle();
        },
      });
      expect(report.counts.failed + report.counts.refused + report.counts['not-run']).toBe(0);
      expect(cycles).toBe(1);
      expect(report.waits).toMatchObject({ triggers: 1, maxWaiting: n });
      for (const upn of sales) expect(h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === upn)?.onPremisesSyncEnabled).toBe(false);
    });
  }
});
