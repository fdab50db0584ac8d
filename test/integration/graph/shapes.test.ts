import { describe, expect, it } from 'vitest';
import { normaliseEndpoint } from '../../../src/graph/client.js';
import { isCloudManagedFrom } from '../../../src/graph/sync-behavior-reads.js';
import { needsSyncBehavior } from '../../../src/graph/user-reads.js';
import { chunkRequests } from '../../../src/graph/batch.js';

describe('Graph answer shapes and decisions', () => {
  it('onPremisesSyncBehavior: the plain shape and the documented `value` wrapper both read', () => {
    expect(isCloudManagedFrom({ id: 'u', isCloudManaged: true })).toBe(true);
    expect(isCloudManagedFrom({ value: { isCloudManaged: false } })).toBe(false);
    expect(isCloudManagedFrom({ value: [{ isCloudManaged: true }] })).toBe(true);
    expect(isCloudManagedFrom({})).toBeNull();
    expect(isCloudManagedFrom(null)).toBeNull();
  });

  it('isCloudManaged is read only for users that were synced and are not now', () => {
    expect(needsSyncBehavior({ onPremisesSyncEnabled: true, onPremisesImmutableId: 'x' })).toBe(false);
    expect(needsSyncBehavior({ onPremisesSyncEnabled: null, onPremisesImmutableId: null })).toBe(false);
    expect(needsSyncBehavior({ onPremisesSyncEnabled: false, onPremisesImmutableId: null })).toBe(true);
    expect(needsSyncBehavior({ onPremisesSyncEnabled: null, onPremisesImmutableId: 'x' })).toBe(true);
    expect(needsSyncBehavior({ onPremisesSyncEnabled: null, onPremisesImmutableId: null, onPremisesLastSyncDateTime: '2026-01-01T00:00:00Z' })).toBe(true);
  });

  it('endpoints: origin only; https, or http on loopback', () => {
    expect(normaliseEndpoint('https://graph.microsoft.com/v1.0/')).toBe('https://graph.microsoft.com');
    expect(normaliseEndpoint('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(normaliseEndpoint('http://[::1]:8787')).toBe('http://[::1]:8787');
    expect(() => normaliseEndpoint('graph.microsoft.com')).toThrow('is not a URL');
    expect(() => normaliseEndpoint('http://10.0.0.5')).toThrow('must use https://');
  });

  it('batches: at most 20, dependsOn chains kept together with dependencies first, cycles refused', () => {
    const reqs = Array.from({ length: 45 }, (_, i) => ({ id: `r${i}`, method: 'GET' as const, url: `/users/${i}` }));
    expect(chunkRequests(reqs).map((c) => c.length)).toEqual([20, 20, 5]);
    const chained = [
      ...Array.from({ length: 19 }, (_, i) => ({ id: `a${i}`, method: 'GET' as const, url: '/x' })),
      { id: 'c2', method: 'GET' as const, url: '/x', dependsOn: ['c1'] },
      { id: 'c1', method: 'GET' as const, url: '/x' },
    ];
    const chunks = chunkRequests(chained);
    expect(chunks.map((c) => c.map((r) => r.id).join(','))).toEqual([
      Array.from({ length: 19 }, (_, i) => `a${i}`).join(','),
      'c1,c2',
    ]);
    expect(() => chunkRequests([{ id: 'p', method: 'GET', url: '/x', dependsOn: ['q'] }, { id: 'q', method: 'GET', url: '/x', dependsOn: ['p'] }])).toThrow(
      'batch requests depend on each other in a cycle',
    );
    expect(() => chunkRequests([{ id: 'p', method: 'GET', url: '/x', dependsOn: ['zz'] }])).toThrow('depends on unknown request zz');
  });
});
