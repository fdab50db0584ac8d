/**
 * The user fingerprints are written field by field (src/identity/fingerprints.ts) for speed; they must
 * stay the same values as sha256 of the canonical JSON of what was read, so that plans saved before
 * (and the golden files) are compared like with like. The generic form is the oracle here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFingerprints, userContent } from '../../../src/identity/fingerprints.js';
import { anchorOf, joinIdentities } from '../../../src/identity/join.js';
import { canonicalJson, fingerprint } from '../../../src/model/fingerprint.js';
import type { AdUser, DeletedEntraUser, EntraUser, ObservedState } from '../../../src/model/observed.js';
import { observed } from '../plan/builders.js';

/** The generic form the fixed one replaces: FNV-1a of each attribute's canonical JSON, folded to 4 hex digits. */
function genericDigest(value: unknown): string {
  const text = value !== null && typeof value === 'object' ? canonicalJson(value) : JSON.stringify(value ?? null);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h ^ (h >>> 16)) & 0xffff).toString(16).padStart(4, '0');
}

// Text with the characters JSON escapes and sorting cares about (quotes, controls, non-ASCII, surrogates).
const text = fc.string({ maxLength: 10, unit: fc.constantFrom('a', 'B', 'é', '"', '\\', '\n', '\u0001', '😀', '\ud800', '@', ' ') });
const textOrNull = fc.option(text, { nil: null });
const guid = fc.uuid();
const role = fc.record({ role: text, state: fc.constantFrom('active' as const, 'eligible' as const), privileged: fc.boolean() });

const ad: fc.Arbitrary<AdUser> = fc.record({
  dn: text,
  objectGuid: guid,
  consistencyGuid: fc.option(guid, { nil: null }),
  samAccountName: text,
  userPrincipalName: textOrNull,
  mail: textOrNull,
  proxyAddresses: fc.array(text, { maxLength: 4 }),
  givenName: textOrNull,
  surname: textOrNull,
  displayName: textOrNull,
  enabled: fc.boolean(),
});

const entra: fc.Arbitrary<EntraUser> = fc.record({
  id: guid,
  userPrincipalName: text,
  displayName: textOrNull,
  givenName: textOrNull,
  surname: textOrNull,
  mail: textOrNull,
  proxyAddresses: fc.array(text, { maxLength: 4 }),
  onPremisesSyncEnabled: fc.option(fc.boolean(), { nil: null }),
  onPremisesImmutableId: textOrNull,
  onPremisesObjectIdentifier: textOrNull,
  isCloudManaged: fc.option(fc.boolean(), { nil: null }),
  accountEnabled: fc.boolean(),
  roles: fc.option(fc.array(role, { maxLength: 3 }), { nil: null }),
  lastPasswordChangeDateTime: textOrNull,
  exchangeMailbox: fc.option(fc.boolean(), { nil: null }),
  onPremisesDistinguishedName: textOrNull,
  onPremisesDomainName: textOrNull,
  onPremisesSamAccountName: textOrNull,
  onPremisesSecurityIdentifier: textOrNull,
  onPremisesUserPrincipalName: textOrNull,
  onPremisesLastSyncDateTime: textOrNull,
});

const deleted: fc.Arbitrary<DeletedEntraUser> = fc.record({
  id: guid,
  userPrincipalName: text,
  onPremisesImmutableId: textOrNull,
  onPremisesSyncEnabled: fc.option(fc.boolean(), { nil: null }),
  deletedDateTime: text,
});

function oracle(state: ObservedState, keys: string[]): { fingerprints: Record<string, string>; labels: string[]; digests: Record<string, string> } {
  const byKey = new Map(joinIdentities(state, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false }).identities.map((i) => [i.key, i]));
  const rows = keys.map((k) => {
    const i = byKey.get(k);
    const content = i ? userContent(i) : null;
    const attrs: Record<string, unknown> = {};
    if (content) for (const [label, v] of [['AD', content.ad], ['Entra', content.entra], ['deleted', content.deleted]] as const) if (v) for (const [f, x] of Object.entries(v)) attrs[`${label} ${f}`] = x;
    return { k, fp: fingerprint(content), attrs };
  });
  const labels = [...new Set(rows.flatMap((r) => Object.keys(r.attrs)))].sort();
  return {
    fingerprints: Object.fromEntries(rows.map((r) => [r.k, r.fp])),
    labels,
    digests: Object.fromEntries(rows.map((r) => [r.k, labels.map((l) => (l in r.attrs ? genericDigest(r.attrs[l]) : '----')).join('')])),
  };
}

describe('user fingerprints', () => {
  it('equal sha256 of the canonical JSON of what was read, attribute digests included (any values)', () => {
    fc.assert(
      fc.property(fc.array(ad, { maxLength: 4 }), fc.array(entra, { maxLength: 4 }), fc.array(deleted, { maxLength: 2 }), (ads, es, ds) => {
        // link the first Entra user (and the first deleted one) to the first AD user by its anchor, so both sides are read together
        if (ads[0] && es[0]) es[0] = { ...es[0], onPremisesImmutableId: anchorOf(ads[0], 'mS-DS-ConsistencyGuid') };
        if (ads[0] && ds[0]) ds[0] = { ...ds[0], onPremisesImmutableId: anchorOf(ads[0], 'mS-DS-ConsistencyGuid') };
        const state = observed({ ad: ads, entra: es });
        state.entra.deletedUsers = ds;
        const identities = joinIdentities(state, { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false }).identities;
        const keys = [...new Set([...identities.map((i) => i.key), 'user/nobody@example.test'])].sort();
        if (ads[0] && es[0]) expect(identities.some((i) => i.ad && i.entra)).toBe(true);
        const got = planFingerprints(state, { identities, conflicts: [] }, keys);
        const want = oracle(state, keys);
        expect(got.fingerprints).toEqual(want.fingerprints);
        expect(got.details.labels.user).toEqual(want.labels);
        expect(got.details.digests).toEqual(want.digests);
      }),
      { numRuns: 300 },
    );
  });

  it('a user linked to a soft-deleted one: the deleted side is part of the fingerprint', () => {
    const state = observed({ ad: [], entra: [] });
    state.entra.deletedUsers = [{ id: 'd1', userPrincipalName: 'ann@contoso.com', onPremisesImmutableId: null, onPremisesSyncEnabled: true, deletedDateTime: '2026-11-20T10:00:00Z' }];
    const { fingerprints } = planFingerprints(state, { identities: [{ key: 'user/ann@contoso.com', link: 'none', deleted: state.entra.deletedUsers[0] as DeletedEntraUser }], conflicts: [] }, ['user/ann@contoso.com']);
    expect(fingerprints['user/ann@contoso.com']).toBe(fingerprint({ ad: null, deleted: state.entra.deletedUsers[0], entra: null }));
  });
});
