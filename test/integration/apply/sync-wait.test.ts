/**
 * Waiting for the sync engine: the trigger, the doubling poll interval (up to 60 s) on an injected
 * clock, the timeout message, a failing trigger, and coalesced triggers. Against the lab's Graph.
 */
import { describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/apply/errors.js';
import { coalescedTrigger, waitForExpectation } from '../../../src/apply/sync-wait.js';
import { commandTrigger } from '../../../src/apply/trigger-command.js';
import { labHarnessPerTest } from './lab-harness.js';

const h = labHarnessPerTest();

const ELLA = 'ella.young@lab.example.test';

describe('waitForExpectation', () => {
  it('polls with a doubling interval capped at 60 s and fails at the timeout saying what was expected and how to start a cycle', async () => {
    const id = h.lab.tenant.toJSON().users.find((u) => u.userPrincipalName === ELLA)?.id as string;
    let t = Date.parse('2026-06-15T09:00:00Z');
    const slept: number[] = [];
    const waits: string[] = [];
    const err = await waitForExpectation({
      entra: h.entra,
      expectation: { kind: 'userSoftDeleted', userId: id, upn: ELLA },
      timeoutS: 300,
      pollIntervalS: 5,
      sleep: async (ms) => {
        slept.push(ms / 1000);
        t += ms;
      },
      now: () => new Date(t),
      onWait: (m) => waits.push(m),
    }).catch((e: unknown) => e);
    expect(slept).toEqual([5, 10, 20, 40, 60, 60, 60, 45]);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as Error).message).toBe(
      `timed out after 5m waiting for ${ELLA} to be soft-deleted by the sync engine (it left the sync scope); last seen: ${ELLA} still exists (onPremisesSyncEnabled true). ` +
        'Entra Connect syncs every 30 minutes; start a cycle now on the Connect server with Start-ADSyncSyncCycle -PolicyType Delta (or set sync.triggerCommand / a longer sync.timeout), then run apply again',
    );
    expect(waits[0]).toBe(`waiting for ${ELLA} to be soft-deleted by the sync engine (it left the sync scope); ${ELLA} still exists (onPremisesSyncEnabled true)`);
  });

  it('a failing trigger fails the wait with the command error and the fix', async () => {
    const err = await waitForExpectation({
      entra: h.entra,
      expectation: { kind: 'tenantSyncDisabled', tenantId: 't' },
      timeoutS: 60,
      pollIntervalS: 1,
      trigger: async () => {
        throw new Error('the sync trigger ssh connect01 exited with status 255 (Connection refused)');
      },
      sleep: async () => undefined,
      now: () => new Date(0),
      onWait: () => undefined,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'the sync trigger command failed while waiting for directory synchronization of tenant t to finish turning off: ' +
        'the sync trigger ssh connect01 exited with status 255 (Connection refused). Fix sync.triggerCommand in the manifest ' +
        '(or start a cycle on the Connect server with Start-ADSyncSyncCycle -PolicyType Delta) and run apply again',
    );
  });
});

describe('coalescedTrigger', () => {
  it('concurrent requests share a run; a request during a run gets exactly one more run', async () => {
    let runs = 0;
    let release: (() => void) | null = null;
    const trigger = coalescedTrigger(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
    );
    const a = trigger();
    const b = trigger();
    const c = trigger();
    expect(runs).toBe(1);
    (release as unknown as () => void)();
    await a;
    await Promise.resolve();
    expect(runs).toBe(2); // b and c asked while run 1 was in progress: they share run 2
    (release as unknown as () => void)();
    await Promise.all([b, c]);
    expect(runs).toBe(2);
    const third = trigger();
    (release as unknown as () => void)();
    await third;
    expect(runs).toBe(3);
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
});
