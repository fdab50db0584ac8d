import { describe, expect, it } from 'vitest';
import { joinIdentities } from '../../../src/identity/join.js';
import { dnWithinByValue, globToRegExp, inSyncScope, selectGroups, selectIdentities } from '../../../src/identity/select.js';
import { adUser, cloudUser, group, observed, syncedFrom } from '../plan/builders.js';

describe('inSyncScope', () => {
  const scope = { include: ['OU=Staff,DC=contoso,DC=com', 'OU=Keep,OU=Disabled,OU=Staff,DC=contoso,DC=com'], exclude: ['OU=Disabled,OU=Staff,DC=contoso,DC=com'] };
  it('include → in; exclude below include → out; include below exclude → in (deepest wins)', () => {
    expect(inSyncScope('CN=a,OU=Staff,DC=contoso,DC=com', scope)).toBe(true);
    expect(inSyncScope('CN=a,OU=Disabled,OU=Staff,DC=contoso,DC=com', scope)).toBe(false);
    expect(inSyncScope('CN=a,OU=Keep,OU=Disabled,OU=Staff,DC=contoso,DC=com', scope)).toBe(true);
    expect(inSyncScope('CN=a,OU=Unsynced,DC=contoso,DC=com', scope)).toBe(false);
  });
  it('empty include = the whole base DN, minus excludes', () => {
    const all = { include: [], exclude: ['OU=Unsynced,DC=contoso,DC=com'] };
    expect(inSyncScope('CN=a,OU=Anything,DC=contoso,DC=com', all, 'DC=contoso,DC=com')).toBe(true);
    expect(inSyncScope('CN=a,OU=Unsynced,DC=contoso,DC=com', all, 'DC=contoso,DC=com')).toBe(false);
    expect(inSyncScope('CN=a,DC=fabrikam,DC=com', all, 'DC=contoso,DC=com')).toBe(false);
  });
});

describe('selectors over joined identities', () => {
  const a = adUser('anna', 1, { dn: 'CN=anna,OU=Sales,OU=Staff,DC=contoso,DC=com' });
  const b = adUser('ben', 2, { userPrincipalName: 'ben@corp.local', mail: null, proxyAddresses: [] });
  const ids = joinIdentities(
    observed({ ad: [a, b], entra: [syncedFrom(a, 'e1'), cloudUser('cleo', 'e3', { userPrincipalName: 'Cleo@Sales.Contoso.com' })] }),
    { sourceAnchor: 'objectGUID', softMatchOnUpn: false },
  ).identities;
  const keys = (sel: Parameters<typeof selectIdentities>[1]) => selectIdentities(ids, sel).map((i) => i.key);
  it('upn / upns compare case-insensitively against the Entra UPN, else the AD UPN', () => {
    expect(keys({ kind: 'upn', upn: 'ANNA@contoso.com' })).toEqual(['user/anna@contoso.com']);
    expect(keys({ kind: 'upns', upns: ['ben@CORP.local', 'cleo@sales.contoso.com'] })).toEqual(['user/ben@corp.local', 'user/cleo@sales.contoso.com']);
  });
  it('upnGlob with * and ?', () => {
    expect(keys({ kind: 'upnGlob', glob: '*@sales.contoso.com' })).toEqual(['user/cleo@sales.contoso.com']);
    expect(keys({ kind: 'upnGlob', glob: 'b?n@*' })).toEqual(['user/ben@corp.local']);
    expect(globToRegExp('a.b*').test('axb')).toBe(false);
  });
  it('ou is a subtree match on the AD DN; samAccountName is case-insensitive; all is everything', () => {
    expect(keys({ kind: 'ou', dn: 'OU=Sales,OU=Staff,DC=contoso,DC=com' })).toEqual(['user/anna@contoso.com']);
    expect(keys({ kind: 'samAccountName', name: 'BEN' })).toEqual(['user/ben@corp.local']);
    expect(keys({ kind: 'all' })).toHaveLength(3);
  });
  it('group selectors by display name (case-insensitive)', () => {
    const gs = [group('g1', 'Sales Team', true), group('g2', 'Finance', true), group('g3', 'Other', false)];
    expect(selectGroups(gs, { kind: 'displayNames', names: ['sales team', 'Finance'] }).map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(selectGroups(gs, { kind: 'displayName', name: 'OTHER' }).map((g) => g.id)).toEqual(['g3']);
    expect(selectGroups(gs, { kind: 'all' })).toHaveLength(3);
  });
});

describe('OU selectors compare DNs by value (issue 12 §7)', () => {
  const a = adUser('anna', 1, { dn: 'CN=anna,OU=R\\2cD,OU=Staff,DC=contoso,DC=com' });
  const ids = joinIdentities(observed({ ad: [a] }), { sourceAnchor: 'objectGUID', softMatchOnUpn: false }).identities;
  const keys = (dn: string) => selectIdentities(ids, { kind: 'ou', dn }).map((i) => i.key);

  it('an escaped comma written as \\, or \\2c, other case and spaces → the same OU', () => {
    expect(keys('OU=R\\,D,OU=Staff,DC=contoso,DC=com')).toEqual(['user/anna@contoso.com']);
    expect(keys('ou=r\\2cd , ou=STAFF, dc=Contoso,dc=com')).toEqual(['user/anna@contoso.com']);
  });

  it('without escapes (the fast path) case and spaces still do not matter', () => {
    expect(keys('ou=staff , DC=Contoso,dc=COM')).toEqual(['user/anna@contoso.com']);
    expect(keys('OU=Sales,DC=contoso,DC=com')).toEqual([]);
  });

  it('a different OU → nothing; a DN the value parser refuses → compared as text, no exception', () => {
    expect(keys('OU=RD,OU=Staff,DC=contoso,DC=com')).toEqual([]);
    expect(dnWithinByValue('CN=x,garbage', 'garbage')).toBe(true);
  });

  it('exclude: takes users out of any selector, nested excludes included', () => {
    const b = adUser('ben', 2);
    const all = joinIdentities(observed({ ad: [a, b] }), { sourceAnchor: 'objectGUID', softMatchOnUpn: false }).identities;
    expect(selectIdentities(all, { kind: 'all', exclude: [{ kind: 'ou', dn: 'OU=R\\2cD,OU=Staff,DC=contoso,DC=com' }] }).map((i) => i.key)).toEqual(['user/ben@contoso.com']);
    expect(
      selectIdentities(all, { kind: 'all', exclude: [{ kind: 'all', exclude: [{ kind: 'upn', upn: 'ben@contoso.com' }] }] }).map((i) => i.key),
    ).toEqual(['user/ben@contoso.com']);
  });
});

