import { describe, expect, it } from 'vitest';
import { escapeRdnValue, formatRdn, generatePassword, isDnWithin, normalizeDn, parseRdn, splitDn, splitFirstRdn, unescapeRdnValue } from '../../../src/ad/index.js';

describe('RDN escaping (RFC 4514)', () => {
  it('escapes the special characters, leading # and space, trailing space; backslash as \\5c', () => {
    expect(escapeRdnValue('Smith, John')).toBe('Smith\\, John');
    expect(escapeRdnValue('a+b="c";<d>')).toBe('a\\+b\\=\\"c\\"\\;\\<d\\>');
    expect(escapeRdnValue('#lead')).toBe('\\#lead');
    expect(escapeRdnValue(' both ')).toBe('\\ both\\ ');
    expect(escapeRdnValue('back\\slash')).toBe('back\\5cslash');
    expect(escapeRdnValue('Zoë Ærø')).toBe('Zoë Ærø');
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

  it('compares DNs case- and escape-insensitively on RDN boundaries', () => {
    expect(normalizeDn('CN=Smith\\2c J, OU=Staff,DC=Lab')).toBe(normalizeDn('cn=smith\\, j,ou=staff,dc=lab'));
    expect(isDnWithin('CN=a,OU=Staff,DC=lab', 'ou=staff,dc=LAB')).toBe(true);
    expect(isDnWithin('OU=Staff,DC=lab', 'OU=Staff,DC=lab')).toBe(true);
    expect(isDnWithin('CN=a,OU=OldStaff,DC=lab', 'OU=Staff,DC=lab')).toBe(false);
  });
});

describe('generatePassword', () => {
  it('gives 24 characters with all four classes and no look-alikes, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(24);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
      expect(p).not.toMatch(/[0O1lI|'"`\\ ]/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
