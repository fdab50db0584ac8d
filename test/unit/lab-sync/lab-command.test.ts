// The `lab` command through its io contract: `lab up` runs a real lab on 127.0.0.1; while it runs,
// `lab sync|clock|state|reset` talk to it over HTTP, finding it through the state folder.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runLab, LAB_ENDPOINT_FILE } from '../../../src/cli/lab.js';
import type { LabArgs } from '../../../src/cli/lab.js';
import { captureIo } from '../../helpers/cli-io.js';

describe('entra-soa lab', () => {
  it('up serves the lab; sync, clock, state and reset drive it; the state survives a restart', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lab-cmd-'));
    // lab up starts the lab at the command's clock (io.now): here the sample company's own time
    const seedTime = { now: () => new Date('2026-06-15T09:00:00.000Z') };
    const up = captureIo(cwd, seedTime);
    const client = captureIo(cwd, seedTime);
    const results: Record<string, { code: number; text: string }> = {};
    const run = async (name: string, args: Omit<LabArgs, 'action'> & { action: LabArgs['action'] }) => {
      const before = client.out.length;
      const code = await runLab(client.io, args);
      results[name] = { code, text: client.out.slice(before).join('') };
    };
    const code = await runLab(up.io, { action: 'up' }, {
      waitForStop: async () => {
        expect(existsSync(join(cwd, '.entra-soa/lab', LAB_ENDPOINT_FILE))).toBe(true);
        await run('sync', { action: 'sync' });
        await run('clock', { action: 'clock', advance: '1h' });
        await run('state', { action: 'state' });
        await run('stateJson', { action: 'state', json: true });
        return 'test finished';
      },
    });
    expect(code).toBe(0);
    expect(up.text()).toMatch(/Graph endpoint: http:\/\/127\.0\.0\.1:\d+/);
    expect(up.text()).toMatch(/state: +.*\.entra-soa\/lab \(new, from the seed\)/);
    expect(up.text()).toMatch(/stopped \(test finished\)/);
    expect(results['sync']).toMatchObject({ code: 0 });
    // the sample company is settled: a cycle changes nothing
    expect(results['sync']?.text).toBe('sync cycle 1 at 2026-06-15T09:00:00.000Z: no changes\n');
    expect(results['clock']?.text).toMatch(/^lab time is now 2026-06-15T10:00:00.000Z/);
    // two scheduled cycles (09:30, 10:00) with the same result: the repeat is folded
    expect(results['clock']?.text).toBe(
      'lab time is now 2026-06-15T10:00:00.000Z (advanced 1h)\n  sync cycle 2 at 2026-06-15T09:30:00.000Z: no changes\n  ... 1 more cycle(s) with the same result\n',
    );
    expect(results['state']?.text).toMatch(/Entra users: 232 \(206 synced, 0 cloud-managed\), 1 deleted, 7 groups/);
    expect(results['state']?.text).toMatch(/sync cycles run: 3; last 2026-06-15T10:00:00.000Z, next 2026-06-15T10:30:00.000Z/);
    expect(JSON.parse(results['stateJson']?.text ?? '{}').now).toBe('2026-06-15T10:00:00.000Z');
    // stopped: the endpoint file is gone, the client says what to do
    expect(existsSync(join(cwd, '.entra-soa/lab', LAB_ENDPOINT_FILE))).toBe(false);
    expect(await runLab(client.io, { action: 'sync' })).toBe(1);
    expect(client.errors()).toMatch(/no running lab found .*start one with "entra-soa lab up"/);

    // restart: resumed from the state folder; reset goes back to the seed
    const again = captureIo(cwd, seedTime);
    await runLab(again.io, { action: 'up' }, {
      waitForStop: async () => {
        await run('reset', { action: 'reset' });
        return 'done';
      },
    });
    expect(again.text()).toMatch(/\(resumed\)/);
    expect(again.text()).toMatch(/lab time: +2026-06-15T10:00:00.000Z/);
    expect(results['reset']?.text).toBe('lab reset to the seed; lab time 2026-06-15T09:00:00.000Z\n');
  });

  it('refuses bad input with one clear message', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lab-cmd-'));
    const t = captureIo(cwd);
    expect(await runLab(t.io, { action: 'clock' })).toBe(1);
    expect(await runLab(t.io, { action: 'clock', advance: 'a while' })).toBe(1);
    expect(await runLab(t.io, { action: 'up', syncEvery: 'often' })).toBe(1);
    expect(await runLab(t.io, { action: 'up', ad: 'ldaps://127.0.0.1', adBindDn: 'CN=x', adPasswordEnv: 'NOPE' })).toBe(1);
    expect(await runLab(t.io, { action: 'sync', endpoint: 'http://example.com' })).toBe(1);
    expect(t.errors().split('\n').filter(Boolean)).toEqual([
      'entra-soa lab clock: say how far, e.g. --advance 30m or --advance 72h',
      'entra-soa lab clock: --advance needs a duration like 30m, 72h or 1h30m; got "a while"',
      'entra-soa lab up: --sync-every needs a duration like 30s or 5m; got "often"',
      'entra-soa lab up: the environment variable NOPE is not set: export NOPE=<password of CN=x>',
      'entra-soa lab sync: --endpoint must be a lab on this machine (127.0.0.1); got http://example.com',
    ]);
  });
});
