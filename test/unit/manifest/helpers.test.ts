import { describe, expect, it } from 'vitest';
import { dnComponents, dnIsWithin, normalizeDn } from '../../../src/manifest/dn.js';
import { durationToSeconds } from '../../../src/manifest/duration.js';
import { upnGlobToRegExp, upnMatchesGlob } from '../../../src/manifest/upn-glob.js';

describe('durations', () => {
  it('30s / 15m / 2h → seconds; anything else → null', () => {
    expect(durationToSeconds('30s')).toBe(30);
    expect(durationToSeconds('15m')).toBe(900);
    expect(durationToSeconds('2h')).toBe(7200);
    expect(durationToSeconds('2d')).toBeNull();
    expect(durationToSeconds('1h30m')).toBeNull();
    expect(durationToSeconds('')).toBeNull();
  });
});

describe('distinguished names', () => {
  it('spaces and case → the same canonical DN; escaped commas stay inside their RDN', () => {
    expect(normalizeDn('OU=Sales, OU=Staff ,DC=Contoso,DC=com')).toBe('ou=sales,ou=staff,dc=contoso,dc=com');
    expect(dnComponents('CN=Smith\\, John,OU=Staff,DC=contoso,DC=com')).toEqual([
      'cn=smith\\, john',
      'ou=staff',
      'dc=contoso',
      'dc=com',
    ]);
  });

  it('subtree match is on RDN boundaries, case-insensitive, and includes the OU itself', () => {
    expect(dnIsWithin('CN=a,OU=Sales,DC=contoso,DC=com', 'ou=sales,dc=contoso,dc=com')).toBe(true);
    expect(dnIsWithin('OU=Sales,DC=contoso,DC=com', 'OU=Sales,DC=contoso,DC=com')).toBe(true);
    expect(dnIsWithin('CN=a,OU=PreSales,DC=contoso,DC=com', 'OU=Sales,DC=contoso,DC=com')).toBe(false);
    expect(dnIsWithin('DC=com', 'DC=contoso,DC=com')).toBe(false);
    expect(dnIsWithin('OU=x,DC=contoso,DC=com', '')).toBe(false);
  });
});

describe('upnGlob', () => {
  it('* and ? are wildcards, everything else literal, case-insensitive', () => {
    expect(upnMatchesGlob('Ann@Sales.Contoso.com', '*@sales.contoso.com')).toBe(true);
    expect(upnMatchesGlob('ann@salesXcontoso.com', '*@sales.contoso.com')).toBe(false);
    expect(upnMatchesGlob('a1@contoso.com', 'a?@contoso.com')).toBe(true);
    expect(upnMatchesGlob('a12@contoso.com', 'a?@contoso.com')).toBe(false);
    expect(upnMatchesGlob('a+b@contoso.com', 'a+b@contoso.com')).toBe(true);
    expect(upnGlobToRegExp('*@x.com').source).toBe('^.*@x\\.com$');
  });
});
