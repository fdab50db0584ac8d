import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorOf, joinIdentities } from '../../../src/identity/join.js';
import { adUser, cloudUser, deletedFrom, guid, observed, syncedFrom } from '../plan/builders.js';

const VECTOR_GUID = '35918bc9-196d-40ea-9779-889d79b753f0';
const VECTOR_ID = 'yYuRNW0Z6kCXeYidebdT8A==';
const both = { sourceAnchor: 'mS-DS-ConsistencyGuid' as const, softMatchOnUpn: false };

describe('anchorOf (domain.md §2 test vector)', () => {
  it('objectGUID anchor: objectGUID 35918bc9-… → yYuRNW0Z6kCXeYidebdT8A==', () => {
    const ad = adUser('alice', 1, { objectGuid: VECTOR_GUID });
    expect(anchorOf(ad, 'objectGUID')).toBe(VECTOR_ID);
  });
  it('consistency-guid anchor set: it wins over objectGUID', () => {
    const ad = adUser('alice', 1, { objectGuid: guid(7), consistencyGuid: VECTOR_GUID });
    expect(anchorOf(ad, 'mS-DS-ConsistencyGuid')).toBe(VECTOR_ID);
    expect(anchorOf(ad, 'objectGUID')).not.toBe(VECTOR_ID);
  });
  it('consistency-guid anchor empty: falls back to objectGUID (Connect writes it there)', () => {
    const ad = adUser('alice', 1, { objectGuid: VECTOR_GUID, consistencyGuid: null });
    expect(anchorOf(ad, 'mS-DS-ConsistencyGuid')).toBe(VECTOR_ID);
  });
});

describe('joinIdentities', () => {
  it('hard link by objectGUID anchor: AD alice + Entra with immutable id = anchor → one hard identity', () => {
    const ad = adUser('alice', 1, { objectGuid: VECTOR_GUID });
    const e = cloudUser('alice', 'e1', { onPremisesSyncEnabled: true, onPremisesImmutableId: VECTOR_ID, userPrincipalName: 'Alice@Contoso.com' });
    const r = joinIdentities(observed({ ad: [ad], entra: [e] }), { sourceAnchor: 'objectGUID', softMatchOnUpn: false });
    expect(r.identities).toEqual([{ key: 'user/alice@contoso.com', ad, entra: e, link: 'hard', anchor: VECTOR_ID }]);
    expect(r.conflicts).toEqual([]);
  });

  it('hard link by consistency guid: the anchor is the consistency guid, not objectGUID', () => {
    const ad = adUser('bob', 2, { consistencyGuid: VECTOR_GUID });
    const e = cloudUser('bob', 'e2', { onPremisesSyncEnabled: true, onPremisesImmutableId: VECTOR_ID });
    const r = joinIdentities(observed({ ad: [ad], entra: [e] }), both);
    expect(r.identities.map((i) => [i.key, i.link, i.anchor])).toEqual([['user/bob@contoso.com', 'hard', VECTOR_ID]]);
  });

  it('string-order (wrong) encoding does not link', () => {
    const ad = adUser('bob', 2, { objectGuid: VECTOR_GUID });
    const e = cloudUser('bob', 'e2', { onPremisesImmutableId: 'NZGLyRltQOqXeYidebdT8A==', proxyAddresses: [], mail: null });
    const r = joinIdentities(observed({ ad: [ad], entra: [e] }), both);
    expect(r.identities.map((i) => [i.key, i.link])).toEqual([
      ['user/bob@contoso.com', 'none'],
      [`user/bob@contoso.com#ad:${VECTOR_GUID}`, 'none'],
    ]);
  });

  it('soft candidate by primary SMTP (case-insensitive) → soft-candidate, softMatchBy smtp', () => {
    const ad = adUser('carol', 3, { proxyAddresses: ['SMTP:Carol@Contoso.com', 'smtp:c@contoso.com'], userPrincipalName: 'carol@corp.local' });
    const e = cloudUser('carol', 'e3', { proxyAddresses: ['SMTP:carol@contoso.com'] });
    const r = joinIdentities(observed({ ad: [ad], entra: [e] }), both);
    expect(r.identities).toEqual([{ key: 'user/carol@contoso.com', ad, entra: e, link: 'soft-candidate', anchor: anchorOf(ad, 'mS-DS-ConsistencyGuid'), softMatchBy: 'smtp' }]);
  });

  it('soft candidate by UPN only when softMatchOnUpn is on', () => {
    const ad = adUser('dave', 4, { proxyAddresses: [], mail: null });
    const e = cloudUser('dave', 'e4', { proxyAddresses: [], mail: null });
    const off = joinIdentities(observed({ ad: [ad], entra: [e] }), both);
    expect(off.identities.map((i) => i.link)).toEqual(['none', 'none']);
    const on = joinIdentities(observed({ ad: [ad], entra: [e] }), { ...both, softMatchOnUpn: true });
    expect(on.identities.map((i) => [i.key, i.link, i.softMatchBy])).toEqual([['user/dave@contoso.com', 'soft-candidate', 'upn']]);
  });

  it('synced Entra users from elsewhere are not soft candidates', () => {
    const ad = adUser('erin', 5);
    const e = cloudUser('erin', 'e5', { onPremisesSyncEnabled: true, onPremisesImmutableId: 'b3RoZXJvdGhlcm90aGVyMQ==' });
    const r = joinIdentities(observed({ ad: [ad], entra: [e] }), both);
    expect(r.identities.map((i) => i.link)).toEqual(['none', 'none']);
  });

  it('soft-deleted Entra user carrying the anchor attaches to the AD identity as deleted', () => {
    const ad = adUser('frank', 6, { dn: 'CN=frank,OU=Unsynced,DC=contoso,DC=com' });
    const gone = deletedFrom(syncedFrom(ad, 'e6'));
    const r = joinIdentities(observed({ ad: [ad], deleted: [gone] }), both);
    expect(r.identities).toEqual([{ key: 'user/frank@contoso.com', ad, deleted: gone, link: 'none', anchor: anchorOf(ad, 'objectGUID') }]);
  });

  it('identity key falls back to AD UPN, then sam:', () => {
    const a = adUser('gina', 7);
    const b = adUser('hank', 8, { userPrincipalName: null, mail: null, proxyAddresses: [] });
    const r = joinIdentities(observed({ ad: [a, b] }), both);
    expect(r.identities.map((i) => i.key)).toEqual(['user/gina@contoso.com', 'user/sam:hank']);
  });

  it('duplicate-anchor: two cloud users with one immutable id', () => {
    const ad = adUser('ivy', 9);
    const e1 = syncedFrom(ad, 'e9a');
    const e2 = cloudUser('ivy2', 'e9b', { onPremisesImmutableId: e1.onPremisesImmutableId, proxyAddresses: [], mail: null });
    const r = joinIdentities(observed({ ad: [ad], entra: [e1, e2] }), both);
    expect(r.conflicts.map((c) => [c.code, c.keys, c.value])).toEqual([
      ['duplicate-anchor', ['user/ivy2@contoso.com', 'user/ivy@contoso.com'], e1.onPremisesImmutableId],
    ]);
    expect(r.identities.find((i) => i.key === 'user/ivy@contoso.com')?.link).toBe('hard');
  });

  it('duplicate-ad-upn and duplicate-ad-address', () => {
    const a = adUser('jo', 10);
    const b = adUser('jo2', 11, { userPrincipalName: 'jo@contoso.com', proxyAddresses: ['SMTP:JO@contoso.com'] });
    const r = joinIdentities(observed({ ad: [a, b] }), both);
    expect(r.conflicts.map((c) => [c.code, c.keys, c.value])).toEqual([
      ['duplicate-ad-address', ['user/jo@contoso.com', `user/jo@contoso.com#ad:${guid(11)}`], 'jo@contoso.com'],
      ['duplicate-ad-upn', ['user/jo@contoso.com', `user/jo@contoso.com#ad:${guid(11)}`], 'jo@contoso.com'],
    ]);
  });

  it('duplicate-entra-address, and an AD user matching both → ambiguous-soft-match, no link', () => {
    const ad = adUser('kim', 12);
    const e1 = cloudUser('kim', 'e12a');
    const e2 = cloudUser('kim.b', 'e12b', { proxyAddresses: ['SMTP:kim@contoso.com'] });
    const r = joinIdentities(observed({ ad: [ad], entra: [e1, e2] }), both);
    expect(r.conflicts.map((c) => [c.code, c.keys])).toEqual([
      ['ambiguous-soft-match', ['user/kim.b@contoso.com', 'user/kim@contoso.com', `user/kim@contoso.com#ad:${guid(12)}`]],
      ['duplicate-entra-address', ['user/kim.b@contoso.com', 'user/kim@contoso.com']],
    ]);
    expect(r.identities.every((i) => i.link === 'none')).toBe(true);
  });

  it('two AD users soft-matching one cloud user → ambiguous-soft-match', () => {
    const a = adUser('lee', 13, { proxyAddresses: ['SMTP:lee@contoso.com'] });
    const b = adUser('lee2', 14, { proxyAddresses: ['SMTP:lee@contoso.com'], userPrincipalName: 'lee2@contoso.com' });
    const e = cloudUser('lee', 'e13');
    const r = joinIdentities(observed({ ad: [a, b], entra: [e] }), both);
    expect(r.conflicts.map((c) => c.code)).toEqual(['ambiguous-soft-match', 'duplicate-ad-address']);
    expect(r.identities.map((i) => i.link)).toEqual(['none', 'none', 'none']);
  });

  it('is deterministic: input order does not change the result', () => {
    const ads = [adUser('m1', 21), adUser('m2', 22), adUser('m3', 23)];
    const es = [syncedFrom(ads[0]!, 'x1'), cloudUser('m2', 'x2'), cloudUser('zz', 'x3')];
    const a = joinIdentities(observed({ ad: ads, entra: es }), both);
    const b = joinIdentities(observed({ ad: [...ads].reverse(), entra: [...es].reverse() }), both);
    expect(b).toEqual(a);
    expect(a.identities.map((i) => [i.key, i.link])).toEqual([
      ['user/m1@contoso.com', 'hard'],
      ['user/m2@contoso.com', 'soft-candidate'],
      ['user/m3@contoso.com', 'none'],
      ['user/zz@contoso.com', 'none'],
    ]);
  });

  it('is deterministic with conflicts too: duplicate anchors, addresses and UPNs, rival soft matches, deletions tied in time', () => {
    const a1 = adUser('d1', 31);
    const a2 = adUser('d2', 32, { userPrincipalName: 'd1@contoso.com', mail: 'd1@contoso.com', proxyAddresses: ['SMTP:d1@contoso.com'] });
    const a3 = adUser('d3', 33);
    const a4 = adUser('d4', 34, { proxyAddresses: ['SMTP:shared@contoso.com'] });
    const a5 = adUser('d5', 35, { proxyAddresses: ['SMTP:shared@contoso.com'] });
    const s1 = syncedFrom(a1, 'e9');
    const s2 = { ...syncedFrom(a1, 'e3'), userPrincipalName: 'other@contoso.com' };
    const c1 = cloudUser('shared', 'e5', { proxyAddresses: ['SMTP:shared@contoso.com'] });
    const c2 = cloudUser('d3', 'e6');
    const c3 = cloudUser('d3b', 'e7', { proxyAddresses: ['SMTP:d3@contoso.com'] });
    const g1 = deletedFrom(syncedFrom(a3, 'x1'), '2026-11-20T10:00:00Z');
    const g2 = deletedFrom(syncedFrom(a3, 'x0'), '2026-11-20T10:00:00Z');
    const ads = [a1, a2, a3, a4, a5];
    const es = [s1, s2, c1, c2, c3];
    const want = joinIdentities({ ...observed({ ad: ads, entra: es }), entra: { users: es, deletedUsers: [g1, g2], groups: [] } }, both);
    expect(want.conflicts.map((c) => c.code)).toEqual(['ambiguous-soft-match', 'ambiguous-soft-match', 'duplicate-ad-address', 'duplicate-ad-address', 'duplicate-ad-upn', 'duplicate-anchor', 'duplicate-entra-address', 'duplicate-entra-address']);
    expect(want.identities.find((i) => i.ad === a1)?.entra?.id).toBe('e3');
    expect(want.identities.find((i) => i.ad === a3)?.deleted?.id).toBe('x0');
    fc.assert(
      fc.property(fc.shuffledSubarray(ads, { minLength: ads.length }), fc.shuffledSubarray(es, { minLength: es.length }), fc.boolean(), (ad, entra, flip) => {
        const got = joinIdentities({ ...observed({ ad, entra }), entra: { users: entra, deletedUsers: flip ? [g2, g1] : [g1, g2], groups: [] } }, both);
        expect(got).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });

  it('joins 50,000 users quickly (Maps, no O(n²))', () => {
    const ads = Array.from({ length: 50_000 }, (_, n) => adUser(`u${n}`, n + 1));
    const es = ads.map((a, n) => (n % 2 === 0 ? syncedFrom(a, `id${n}`) : cloudUser(`u${n}`, `id${n}`)));
    const t0 = performance.now();
    const r = joinIdentities(observed({ ad: ads, entra: es }), both);
    const ms = performance.now() - t0;
    expect(r.identities).toHaveLength(50_000);
    expect(r.identities.filter((i) => i.link === 'hard')).toHaveLength(25_000);
    expect(r.identities.filter((i) => i.link === 'soft-candidate')).toHaveLength(25_000);
    expect(ms).toBeLessThan(5_000);
  });
});
