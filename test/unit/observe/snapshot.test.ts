import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/model/diagnostic.js';
import type { Snapshot } from '../../../src/model/observed.js';
import { parseSnapshot, serializeSnapshot } from '../../../src/observe/snapshot.js';
import { adUser, cloudUser, deletedFrom, group, observed, syncedFrom } from '../plan/builders.js';

function sample(): Snapshot {
  const a = adUser('alice', 1);
  const b = adUser('bob', 2, { consistencyGuid: '35918bc9-196d-40ea-9779-889d79b753f0' });
  const e = syncedFrom(a, 'e1', { roles: [{ role: 'Global Administrator', state: 'eligible', privileged: true }] });
  return {
    kind: 'entra-soa/snapshot',
    formatVersion: 1,
    capturedAt: '2026-11-21T12:00:00Z',
    source: 'graph.microsoft.com + ldaps://dc1.contoso.com',
    state: observed({ ad: [b, a], entra: [cloudUser('zed', 'e9'), e], deleted: [deletedFrom(cloudUser('old', 'e5'))], groups: [group('g2', 'B', true), group('g1', 'A', false)] }),
  };
}

describe('snapshot file', () => {
  it('serialize → parse round-trips, arrays sorted by stable key', () => {
    const s = sample();
    const text = serializeSnapshot(s);
    const r = parseSnapshot(text, 'state.json');
    expect(r.diagnostics).toEqual([]);
    expect(r.snapshot?.state.ad.users.map((u) => u.samAccountName)).toEqual(['alice', 'bob']);
    expect(r.snapshot?.state.entra.users.map((u) => u.id)).toEqual(['e1', 'e9']);
    expect(r.snapshot?.state.entra.groups.map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(serializeSnapshot(r.snapshot as Snapshot)).toBe(text);
  });

  it('onPremisesObjectIdentifier round-trips; a snapshot written before it was read (no such key) loads as null, no diagnostic', () => {
    const s = sample();
    const e1 = s.state.entra.users.find((u) => u.id === 'e1');
    if (e1) e1.onPremisesObjectIdentifier = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    const text = serializeSnapshot(s);
    const r = parseSnapshot(text, 'state.json');
    expect(r.diagnostics).toEqual([]);
    expect(r.snapshot?.state.entra.users.map((u) => u.onPremisesObjectIdentifier)).toEqual(['0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', null]);

    const old = JSON.parse(text) as { state: { entra: { users: Record<string, unknown>[] } } };
    for (const u of old.state.entra.users) delete u['onPremisesObjectIdentifier'];
    const r2 = parseSnapshot(JSON.stringify(old), 'old.json');
    expect(r2.diagnostics).toEqual([]);
    expect(r2.snapshot?.state.entra.users.map((u) => [u.id, u.onPremisesObjectIdentifier])).toEqual([
      ['e1', null],
      ['e9', null],
    ]);

    const wrong = JSON.parse(text) as { state: { entra: { users: Record<string, unknown>[] } } };
    (wrong.state.entra.users[0] as Record<string, unknown>)['onPremisesObjectIdentifier'] = 42;
    const r3 = parseSnapshot(JSON.stringify(wrong, null, 2), 'bad.json');
    expect(r3.snapshot).toBeNull();
    expect(r3.diagnostics.map((d) => d.code)).toEqual(['snapshot-invalid']);
  });

  it('is byte-identical for equal inputs in any array order, 2-space indent, trailing newline', () => {
    const s1 = sample();
    const s2 = sample();
    s2.state.ad.users.reverse();
    s2.state.entra.users.reverse();
    const t1 = serializeSnapshot(s1);
    expect(serializeSnapshot(s2)).toBe(t1);
    expect(t1.endsWith('}\n')).toBe(true);
    expect(t1.split('\n')[1]).toBe('  "kind": "entra-soa/snapshot",');
  });

  it('a bad GUID names the path and its line:col', () => {
    const s = sample();
    const doc = JSON.parse(serializeSnapshot(s)) as { state: { ad: { users: { objectGuid: string }[] } } };
    doc.state.ad.users[1]!.objectGuid = 'not-a-guid';
    const text = JSON.stringify(doc, null, 2);
    const r = parseSnapshot(text, 'state.json');
    expect(r.snapshot).toBeNull();
    const line = text.split('\n').findIndex((l) => l.includes('not-a-guid')) + 1;
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      `state.json:${line}:25: error snapshot-invalid: state.ad.users[1].objectGuid must be a GUID (e.g. 35918bc9-196d-40ea-9779-889d79b753f0)`,
    ]);
  });

  it('wrong kind, wrong version, bad JSON, missing and unknown properties, wrong types', () => {
    const ok = JSON.parse(serializeSnapshot(sample())) as Record<string, unknown>;
    const msg = (v: unknown) => parseSnapshot(typeof v === 'string' ? v : JSON.stringify(v), 'state.json').diagnostics.map((d) => d.message);
    expect(msg({ ...ok, kind: 'entra-soa/plan' })).toEqual(['kind must be "entra-soa/snapshot", found "entra-soa/plan": this is not an entra-soa snapshot']);
    expect(msg({ ...ok, formatVersion: 3 })).toEqual(['formatVersion 3 is not supported (this build reads 1 and 2): take the snapshot again with this version']);
    expect(msg('{"kind": ')[0]).toMatch(/^state\.json is not valid JSON/);
    const { source: _source, ...noSource } = ok;
    expect(msg(noSource)).toEqual(['the document is missing the property source']);
    expect(msg({ ...ok, extra: 1 })).toEqual(['the document has an unknown property extra: remove it']);
    const state = ok['state'] as { tenant: Record<string, unknown> };
    expect(msg({ ...ok, state: { ...state, tenant: { ...state.tenant, onPremisesSyncEnabled: 'yes' } } })).toEqual([
      'state.tenant.onPremisesSyncEnabled must be a boolean or null',
    ]);
    expect(msg({ ...ok, capturedAt: 'yesterday' })).toEqual(['capturedAt must be an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)']);
  });
});
