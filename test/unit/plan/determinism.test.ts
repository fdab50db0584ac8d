import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/model/fingerprint.js';
import { fingerprintObjects } from '../../../src/plan/index.js';
import { adUser, cloudRule, cloudUser, desired, group, observed, onPremRule, plan, syncedFrom } from './builders.js';

const a = adUser('alice', 1);
const b = adUser('bob', 2);
const d = desired({
  users: [
    cloudRule('to-cloud', { kind: 'upn', upn: 'alice@contoso.com' }, 'sourceOfAuthority', { clear: { immutableId: true, otherOnPremisesAttributes: true } }),
    onPremRule('link', { kind: 'upn', upn: 'bob@contoso.com' }, 'hard'),
  ],
  groups: [{ name: 'g', selector: { kind: 'all' }, authority: 'cloud', location: { file: 'manifest.yaml', line: 30, col: 5 } }],
  features: { blockSoftMatch: true },
});
const o = observed({ ad: [a, b], entra: [syncedFrom(a, 'e1'), cloudUser('bob', 'e2')], groups: [group('g1', 'Sales', true)] });

describe('determinism and fingerprints', () => {
  it('two runs over the same inputs → identical canonical JSON and identical key order', () => {
    const p1 = plan(d, o);
    const p2 = plan(d, o);
    expect(canonicalJson(p2)).toBe(canonicalJson(p1));
    expect(JSON.stringify(p2)).toBe(JSON.stringify(p1));
    expect(Object.keys(p1)).toEqual(['kind', 'formatVersion', 'tool', 'createdAt', 'manifest', 'source', 'join', 'fingerprints', 'fingerprintDetails', 'steps', 'hazards', 'diagnostics', 'applyable', 'consentGiven', 'summary']);
    expect(Object.keys(p1.steps[1] ?? {})).toEqual(['id', 'objectKey', 'step', 'dependsOn', 'hazardCodes', 'reason', 'action']);
    // a delegated-only step is marked; a wait for a match carries the sync engine's effects
    expect(Object.keys(p1.steps[0] ?? {})).toEqual(['id', 'objectKey', 'step', 'dependsOn', 'hazardCodes', 'reason', 'action', 'requiresDelegatedSignIn']);
    expect(Object.keys(p1.steps[6] ?? {})).toEqual(['id', 'objectKey', 'step', 'dependsOn', 'hazardCodes', 'reason', 'action', 'syncEffects']);
    expect(p1.steps.map((s) => `${s.id} ${s.objectKey} ${s.step.kind}`)).toEqual([
      's001 tenant entra.setSyncFeature',
      's002 group/g1 entra.setGroupCloudManaged',
      's003 user/alice@contoso.com entra.setCloudManaged',
      's004 user/alice@contoso.com entra.setImmutableId',
      's005 user/alice@contoso.com entra.clearOnPremisesAttributes',
      's006 user/bob@contoso.com entra.setImmutableId',
      's007 user/bob@contoso.com sync.await',
    ]);
  });

  it('the plan fingerprints are fingerprintObjects of the same state, for every touched key', () => {
    const p = plan(d, o);
    const keys = Object.keys(p.fingerprints);
    expect(keys).toEqual(['group/g1', 'tenant', 'user/alice@contoso.com', 'user/bob@contoso.com']);
    expect(fingerprintObjects(o, keys, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false })).toEqual(p.fingerprints);
  });

  it('a changed object → a changed fingerprint; a new last-sync time alone → unchanged', () => {
    const opts = { sourceAnchor: 'mS-DS-ConsistencyGuid' as const, softMatchOnUpn: false };
    const keys = ['user/alice@contoso.com', 'tenant', 'user/nobody@contoso.com'];
    const before = fingerprintObjects(o, keys, opts);
    const resynced = observed({ ad: [a, b], entra: [syncedFrom(a, 'e1', { onPremisesLastSyncDateTime: '2026-11-21T11:30:00Z' }), cloudUser('bob', 'e2')], groups: [group('g1', 'Sales', true)], tenant: { onPremisesLastSyncDateTime: '2026-11-21T11:30:00Z' } });
    expect(fingerprintObjects(resynced, keys, opts)).toEqual(before);
    const converted = observed({ ad: [a, b], entra: [syncedFrom(a, 'e1', { isCloudManaged: true }), cloudUser('bob', 'e2')] });
    const after = fingerprintObjects(converted, keys, opts);
    expect(after['user/alice@contoso.com']).not.toBe(before['user/alice@contoso.com']);
    expect(after['user/nobody@contoso.com']).toBe(before['user/nobody@contoso.com']);
  });

  it('the same multi-valued attributes in another order → the same fingerprint (they are sets); another value → a new one', () => {
    const opts = { sourceAnchor: 'mS-DS-ConsistencyGuid' as const, softMatchOnUpn: false };
    const keys = ['user/alice@contoso.com'];
    const proxies = ['SMTP:alice@contoso.com', 'smtp:a@contoso.com', 'X500:/o=x'];
    const roles = [
      { role: 'Helpdesk Administrator', state: 'active' as const, privileged: false },
      { role: 'Reports Reader', state: 'eligible' as const, privileged: false },
    ];
    const at = (p: string[], r: typeof roles) => {
      const ad = { ...a, proxyAddresses: p };
      return fingerprintObjects(observed({ ad: [ad], entra: [syncedFrom(ad, 'e1', { proxyAddresses: p, roles: r })] }), keys, opts);
    };
    const before = at(proxies, roles);
    expect(at([...proxies].reverse(), [...roles].reverse())).toEqual(before);
    expect(at([...proxies, 'smtp:new@contoso.com'], roles)).not.toEqual(before);
    // the SMTP: / smtp: prefix is the primary mark, so its case is a change
    expect(at(['smtp:alice@contoso.com', 'SMTP:a@contoso.com', 'X500:/o=x'], roles)).not.toEqual(before);
  });
});
