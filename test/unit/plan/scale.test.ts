import { describe, expect, it } from 'vitest';
import { adUser, cloudRule, desired, observed, plan, syncedFrom } from './builders.js';

describe('planner at scale', () => {
  it('from 50,000 synced users and an all-users SOA rule → 50,000 switch steps in a few seconds', () => {
    const ads = Array.from({ length: 50_000 }, (_, n) => adUser(`u${n}`, n + 1));
    const es = ads.map((a, n) => syncedFrom(a, `id${String(n).padStart(6, '0')}`));
    const d = desired({ users: [cloudRule('everyone', { kind: 'all' }, 'sourceOfAuthority'), cloudRule('sales', { kind: 'upnGlob', glob: 'u1*@contoso.com' }, 'sourceOfAuthority')] });
    const t0 = performance.now();
    const p = plan(d, observed({ ad: ads, entra: es }));
    const ms = performance.now() - t0;
    expect(p.steps).toHaveLength(50_000);
    expect(p.steps[49_999]?.id).toBe('s50000');
    expect(Object.keys(p.fingerprints)).toHaveLength(50_000);
    expect(p.diagnostics.map((x) => x.code)).toEqual(['rule-overlap']);
    // ~2-5 s on a shared CI box; the bound only catches accidental O(n²).
    expect(ms).toBeLessThan(30_000);
  });
});
