import { describe, expect, it } from 'vitest';
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
