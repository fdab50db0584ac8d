// Fault injection for the outcomes a client cannot know (src/lab/graph/faults.ts; docs/lab-graph.md, "Fault injection"): a write applied and
// its answer lost (dropped connection, 504), and 500/502/503/504 before the write; chosen by
// method, path and the Nth matching request.
import { beforeEach, describe, expect, it } from 'vitest';
import { parseFaultConfig } from '../../../src/lab/graph/faults.js';
import { addCloudUser, raw, freshLabPerTest } from './helpers.js';

describe('lab Graph emulator: fault kinds', () => {
  const fx = freshLabPerTest();
  let id = '';
  beforeEach(() => {
    id = addCloudUser(fx.t, 'una').id;
  });

  const rename = (name: string) => raw(fx.lab.emu, 'PATCH', `/v1.0/users/${id}`, { body: { displayName: name } });

  it('dropAfterApply: the write lands, then the connection closes without an answer', async () => {
    fx.lab.emu.setFaults({ rules: [{ action: { kind: 'dropAfterApply' }, method: 'PATCH' }] });
    await expect(rename('Una 1')).rejects.toThrow();
    expect(fx.t.getUser(id)?.displayName).toBe('Una 1');
    expect(fx.lab.emu.stats().faulted).toBe(1);
  });

  it('errorAfterApply: the write lands, then 504 GatewayTimeout is answered (status and code can be chosen)', async () => {
    fx.lab.emu.setFaults({ rules: [{ action: { kind: 'errorAfterApply' }, method: 'PATCH', nth: 1 }, { action: { kind: 'errorAfterApply', status: 502, code: 'BadGateway' }, method: 'PATCH', nth: 2 }] });
    const first = await rename('Una 1');
    expect([first.status, (first.body as { error: { code: string } }).error.code]).toEqual([504, 'GatewayTimeout']);
    expect(fx.t.getUser(id)?.displayName).toBe('Una 1');
    const second = await rename('Una 2');
    // both rules count PATCHes: the second is the first rule's 2nd match (past its one time) and the second rule's 2nd
    expect(second.status).toBe(502);
    expect(fx.t.getUser(id)?.displayName).toBe('Una 2');
  });

  it('500, 502, 503 and 504 before the write: nothing lands', async () => {
    for (const [status, code] of [
      [500, 'generalException'],
      [502, 'BadGateway'],
      [503, 'serviceNotAvailable'],
      [504, 'GatewayTimeout'],
    ] as const) {
      fx.lab.emu.setFaults({ rules: [{ action: { kind: 'error', status, code }, method: 'PATCH' }] });
      const res = await rename(`never ${status}`);
      expect([res.status, (res.body as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
    expect(fx.t.getUser(id)?.displayName).toBe('una');
  });

  it('selects by method, path and the Nth matching request; reads pass through', async () => {
    fx.lab.emu.setFaults({ rules: [{ action: { kind: 'errorAfterApply' }, method: 'PATCH', pathPattern: `^/v1\\.0/users/${id}$`, nth: 2 }] });
    expect((await raw(fx.lab.emu, 'GET', `/v1.0/users/${id}`)).status).toBe(200);
    expect((await rename('Una 1')).status).toBe(204);
    expect((await rename('Una 2')).status).toBe(504);
    expect((await rename('Una 3')).status).toBe(204);
    expect(fx.t.getUser(id)?.displayName).toBe('Una 3');
  });

  it('a $batch counts as one request: errorAfterApply runs the whole batch, then answers 504', async () => {
    fx.lab.emu.setFaults({ rules: [{ action: { kind: 'errorAfterApply' }, pathPattern: '\\$batch' }] });
    const res = await raw(fx.lab.emu, 'POST', '/v1.0/$batch', {
      body: { requests: [{ id: '1', method: 'PATCH', url: `/users/${id}`, headers: { 'Content-Type': 'application/json' }, body: { displayName: 'Una B' } }] },
    });
    expect(res.status).toBe(504);
    expect(fx.t.getUser(id)?.displayName).toBe('Una B');
  });

  it('POST /_lab/faults checks the rules: unknown kinds and bad fields are a 400, the new kinds are accepted', async () => {
    expect((await raw(fx.lab.emu, 'POST', '/_lab/faults', { body: { rules: [{ action: { kind: 'explode' } }] } })).status).toBe(400);
    expect((await raw(fx.lab.emu, 'POST', '/_lab/faults', { body: { rules: [{ action: { kind: 'errorAfterApply', status: '504' } }] } })).status).toBe(400);
    expect((await raw(fx.lab.emu, 'POST', '/_lab/faults', { body: { rules: [{ action: { kind: 'drop' }, pathPattern: '(' }] } })).status).toBe(400);
    const ok = await raw(fx.lab.emu, 'POST', '/_lab/faults', { body: { rules: [{ action: { kind: 'dropAfterApply' }, method: 'POST', nth: 3 }] } });
    expect(ok.status).toBe(200);
    expect(parseFaultConfig({ rules: [{ action: { kind: 'errorAfterApply', status: 504, code: 'GatewayTimeout' } }] })).not.toBeNull();
  });
});
