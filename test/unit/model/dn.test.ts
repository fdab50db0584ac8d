import { describe, expect, it } from 'vitest';
import * as ad from '../../../src/ad/index.js';
import * as manifest from '../../../src/manifest/index.js';
import {
  dnComponents,
  dnWithin,
  dnIsWithin,
  dnKey,
  escapeRdnValue,
  escapeRdnValuePairs,
  firstRdn,
  formatRdn,
  isDnWithin,
  normalizeDn,
  parentDn,
  parseRdn,
  splitDn,
  splitFirstRdn,
  unescapeRdnValue,
} from '../../../src/model/dn.js';
import * as select from '../../../src/identity/select.js';

describe('RDN escaping (RFC 4514)', () => {
  it('escapes the special characters, leading # and space, trailing space; backslash as \\5c', () => {
    expect(escapeRdnValue('Smith, John')).toBe('Smith\\, John');
    expect(escapeRdnValue('a+b="c";<d>')).toBe('a\\+b\\=\\"c\\"\\;\\<d\\>');
    expect(escapeRdnValue('#lead')).toBe('\\#lead');
    expect(escapeRdnValue(' both ')).toBe('\\ both\\ ');
    expect(escapeRdnValue('back\\slash')).toBe('back\\5cslash');
    expect(escapeRdnValue('Zoë Ærø')).toBe('Zoë Ærø');
  });

  it('escapeRdnValuePairs writes backslash pairs only (a backslash as \\\\), for created users\' DNs in plan and apply', () => {
    expect(escapeRdnValuePairs('Smith, John')).toBe('Smith\\, John');
    expect(escapeRdnValuePairs('a+b="c";<d>')).toBe('a\\+b\\=\\"c\\"\\;\\<d\\>');
    expect(escapeRdnValuePairs('#lead')).toBe('\\#lead');
    expect(escapeRdnValuePairs(' both ')).toBe('\\ both\\ ');
    expect(escapeRdnValuePairs('back\\slash')).toBe('back\\\\slash');
    expect(escapeRdnValuePairs(' ')).toBe('\\\\ ');
    for (const v of ['Smith, John', ' x#y+z ', 'a\\b,c', '#', 'Zoë']) expect(unescapeRdnValue(escapeRdnValuePairs(v))).toBe(v);
  });

  it('unescapes both the character and the hex forms, including UTF-8 bytes', () => {
    expect(unescapeRdnValue('Smith\\, John')).toBe('Smith, John');
    expect(unescapeRdnValue('back\\5cslash')).toBe('back\\slash');
    expect(unescapeRdnValue('back\\\\slash')).toBe('back\\slash');
    expect(unescapeRdnValue('Zo\\c3\\ab')).toBe('Zoë');
    for (const v of ['Smith, John', ' x#y+z ', 'a\\b,c', '#', 'Zoë']) expect(unescapeRdnValue(escapeRdnValue(v))).toBe(v);
  });

  it('splits DNs at unescaped commas only', () => {
    expect(splitDn('CN=Smith\\, J\\\\,OU=A\\,B,DC=lab,DC=test')).toEqual(['CN=Smith\\, J\\\\', 'OU=A\\,B', 'DC=lab', 'DC=test']);
    expect(splitFirstRdn('CN=Smith\\, J,OU=Staff,DC=lab')).toEqual({ rdn: 'CN=Smith\\, J', parent: 'OU=Staff,DC=lab' });
    expect(parseRdn('CN=Smith\\, J')).toEqual({ type: 'CN', value: 'Smith, J' });
    expect(formatRdn('CN', 'Smith, J')).toBe('CN=Smith\\, J');
  });

  it('first RDN as written and the parent container, at the first unescaped comma', () => {
    expect(firstRdn('CN=Smith\\, J,OU=Staff,DC=lab')).toBe('CN=Smith\\, J');
    expect(firstRdn('DC=lab')).toBe('DC=lab');
    expect(parentDn('CN=Smith\\, J, OU=Staff ,DC=lab')).toBe('OU=Staff,DC=lab');
    expect(parentDn('DC=lab')).toBe('');
  });
});

describe('DNs compared by value (escapes undone)', () => {
  it('compares DNs case- and escape-insensitively on RDN boundaries', () => {
    expect(normalizeDn('CN=Smith\\2c J, OU=Staff,DC=Lab')).toBe(normalizeDn('cn=smith\\, j,ou=staff,dc=lab'));
    expect(isDnWithin('CN=a,OU=Staff,DC=lab', 'ou=staff,dc=LAB')).toBe(true);
    expect(isDnWithin('OU=Staff,DC=lab', 'OU=Staff,DC=lab')).toBe(true);
    expect(isDnWithin('CN=a,OU=OldStaff,DC=lab', 'OU=Staff,DC=lab')).toBe(false);
  });

  it('an escaped comma is inside its RDN: CN=x\\,OU=Staff is one RDN, not below OU=Staff; dnIsWithin agrees with isDnWithin on escapes', () => {
    expect(isDnWithin('CN=x\\,OU=Staff,DC=lab', 'OU=Staff,DC=lab')).toBe(false);
    expect(dnIsWithin('CN=x\\,OU=Staff,DC=lab', 'OU=Staff,DC=lab')).toBe(false);
    // the same OU written with \\2C or \\, (as the sync scope may list it): within by value
    expect(dnIsWithin('CN=Ann,OU=Sales\\2C EU,DC=lab', 'ou=sales\\, eu,dc=LAB')).toBe(true);
    expect(dnIsWithin('CN=Ann,OU=Sales\\2C EU,DC=lab', 'OU=Sales,DC=lab')).toBe(false);
  });
});

describe('DNs compared by text (as AD filters OUs)', () => {
  it('spaces and case → the same canonical DN; escaped commas stay inside their RDN', () => {
    expect(dnKey('OU=Sales, OU=Staff ,DC=Contoso,DC=com')).toBe('ou=sales,ou=staff,dc=contoso,dc=com');
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

  it('matches on RDN boundaries, case- and space-insensitively', () => {
    expect(dnIsWithin('CN=a,OU=Sales,OU=Staff,DC=contoso,DC=com', 'ou=staff, dc=contoso,dc=com')).toBe(true);
    expect(dnIsWithin('OU=Staff,DC=contoso,DC=com', 'OU=Staff,DC=contoso,DC=com')).toBe(true);
    expect(dnIsWithin('CN=a,OU=NotStaff,DC=contoso,DC=com', 'OU=Staff,DC=contoso,DC=com')).toBe(false);
    expect(dnIsWithin('CN=a,OU=Staff,DC=contoso,DC=com', 'OU=Sales,OU=Staff,DC=contoso,DC=com')).toBe(false);
  });

  it('keeps escaped commas inside an RDN', () => {
    expect(dnIsWithin('CN=Doe\\, John,OU=Staff,DC=contoso,DC=com', 'OU=Staff,DC=contoso,DC=com')).toBe(true);
    expect(dnIsWithin('CN=x,OU=a\\,OU=Staff,DC=contoso,DC=com', 'OU=Staff,DC=contoso,DC=com')).toBe(false);
  });
});

describe('the public DN helpers are this module', () => {
  it('src/ad, src/manifest and src/observe/select re-export it', () => {
    expect(ad).toMatchObject({ escapeRdnValue, unescapeRdnValue, splitDn, parseRdn, splitFirstRdn, formatRdn, normalizeDn, isDnWithin });
    expect(manifest).toMatchObject({ dnComponents, dnIsWithin, normalizeDn: dnKey });
    expect(select).toMatchObject({ dnParts: dnComponents, parentDn });
  });
});

describe('escaped trailing spaces (RFC 4514 section 2.4: a trailing space is escaped, and it is part of the value)', () => {
  it('CN=Trailing Space\\  keeps its space: not trimmed into a dangling backslash', () => {
    expect(splitDn('CN=Trailing Space\\ ,OU=Staff,DC=lab')).toEqual(['CN=Trailing Space\\ ', 'OU=Staff', 'DC=lab']);
    expect(splitDn('CN=Trailing Space\\ ')).toEqual(['CN=Trailing Space\\ ']);
    expect(parseRdn('CN=Trailing Space\\ ')).toEqual({ type: 'CN', value: 'Trailing Space ' });
    expect(splitFirstRdn('CN=Trailing Space\\ ,OU=Staff,DC=lab')).toEqual({ rdn: 'CN=Trailing Space\\ ', parent: 'OU=Staff,DC=lab' });
  });

  it('re-formatting the parsed RDN gives back the same RDN (what a move sends as the new RDN)', () => {
    for (const rdn of ['CN=Trailing Space\\ ', 'CN=\\ Leading', 'CN=\\#hash', 'CN=two\\  ', 'CN=back\\5c', 'CN=Smith\\, John\\ ']) {
      const { type, value } = parseRdn(splitFirstRdn(`${rdn},OU=x,DC=lab`).rdn);
      expect(unescapeRdnValue(escapeRdnValue(value))).toBe(value);
      expect(normalizeDn(formatRdn(type, value))).toBe(normalizeDn(rdn));
    }
    expect(formatRdn('CN', parseRdn('CN=Trailing Space\\ ').value)).toBe('CN=Trailing Space\\ ');
  });

  it('spaces after an escaped backslash are not escaped and are trimmed; an unescaped space before the comma is trimmed', () => {
    expect(splitDn('CN=a\\\\ ,DC=lab')).toEqual(['CN=a\\\\', 'DC=lab']);
    expect(parseRdn('CN=a\\\\ ').value).toBe('a\\');
    expect(splitDn('CN=a\\  , DC=lab ')).toEqual(['CN=a\\ ', 'DC=lab']);
    expect(parseRdn('CN=a\\   ').value).toBe('a ');
  });

  it('text comparison keeps the escaped space too: Trailing Space\\  and Trailing Space are different RDNs', () => {
    expect(dnComponents('CN=Trailing Space\\ ,OU=Staff')).toEqual(['cn=trailing space\\ ', 'ou=staff']);
    expect(dnKey('CN=Trailing Space\\ ,DC=lab')).not.toBe(dnKey('CN=Trailing Space,DC=lab'));
    expect(parentDn('CN=x,OU=Trailing\\ ,DC=lab')).toBe('OU=Trailing\\ ,DC=lab');
  });

  it('by value, \\20 and an escaped space are the same; a plain space is not', () => {
    expect(normalizeDn('CN=Trailing Space\\20,DC=lab')).toBe(normalizeDn('CN=Trailing Space\\ ,DC=lab'));
    expect(normalizeDn('CN=Trailing Space ,DC=lab')).not.toBe(normalizeDn('CN=Trailing Space\\ ,DC=lab'));
  });

  it('a value ending in a backslash that escapes nothing is not an RDN (by value); by text it never throws', () => {
    expect(() => parseRdn('CN=broken\\')).toThrow(/ends in a backslash that escapes nothing/);
    expect(() => normalizeDn('CN=broken\\,DC=lab')).not.toThrow(); // "\\," escapes the comma: one RDN
    expect(() => normalizeDn('CN=broken\\')).toThrow(/not an RDN/);
    expect(dnKey('CN=broken\\')).toBe('cn=broken\\');
  });
});

describe('dnWithin (one ancestor, many DNs)', () => {
  it('answers as dnIsWithin for any pair, escapes, case and spacing included', () => {
    const dns = [
      'CN=Ann,OU=Staff,DC=lab,DC=test',
      'cn=ann , ou = staff,dc=LAB,dc=test',
      'CN=x\\,OU=Staff,DC=lab,DC=test',
      'CN=x\\2cOU=Staff,DC=lab,DC=test',
      'OU=Staff,DC=lab,DC=test',
      'OU=Staff\\, Old,DC=lab,DC=test',
      'CN=Bob,OU=Staff\\, Old,DC=lab,DC=test',
      'DC=lab,DC=test',
      'CN=bad\\',
      '',
    ];
    for (const ancestor of dns) {
      const inside = dnWithin(ancestor);
      for (const dn of dns) expect(inside(dn), `${dn} within ${ancestor}`).toBe(dnIsWithin(dn, ancestor));
    }
  });
});
