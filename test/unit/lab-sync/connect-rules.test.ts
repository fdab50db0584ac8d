// The lab's own implementations of Connect's building blocks, each against Microsoft's documented
// behaviour: the sourceAnchor → ImmutableID codec, AD's DN comparison, OU filtering.
import { describe, expect, it } from 'vitest';
import { immutableIdOfGuid, isGuidText } from '../../../src/lab/connect/source-anchor.js';
import { containerOf, dnIdentity, dnUnder, dnsNameOf, leafRdn, parseDn, sameDn } from '../../../src/lab/connect/dn.js';
import { inOuScope } from '../../../src/lab/connect/ou-filter.js';
import { BASE, SALES, STAFF, UNSYNCED } from './fixtures.js';

describe('sourceAnchor → ImmutableID (Guid.ToByteArray order, base64)', () => {
  it('matches the documented test vector, and not the string-order encoding', () => {
    // the test vector of docs/lab-graph.md ("sourceAnchor and ImmutableID"): GUID 35918bc9-196d-40ea-9779-889d79b753f0 ↔ bytes c9 8b 91 35 6d 19 ea 40 97 79 88 9d 79 b7 53 f0
    expect(immutableIdOfGuid('35918bc9-196d-40ea-9779-889d79b753f0')).toBe('yYuRNW0Z6kCXeYidebdT8A==');
    expect(immutableIdOfGuid('35918BC9-196D-40EA-9779-889D79B753F0')).toBe('yYuRNW0Z6kCXeYidebdT8A==');
    expect(immutableIdOfGuid('35918bc9-196d-40ea-9779-889d79b753f0')).not.toBe('NZGLyRltQOqXeYidebdT8A==');
    expect(Buffer.from(immutableIdOfGuid('00112233-4455-6677-8899-aabbccddeeff'), 'base64').toString('hex')).toBe('33221100554477668899aabbccddeeff');
  });

  it('refuses what is not a GUID', () => {
    expect(isGuidText('35918bc9-196d-40ea-9779-889d79b753f0')).toBe(true);
    expect(isGuidText('35918bc9196d40ea9779889d79b753f0')).toBe(false);
    expect(() => immutableIdOfGuid('not-a-guid')).toThrow(/not a GUID/);
  });
});

describe('distinguished names as AD compares them', () => {
  it('parses RDNs at unescaped commas and unescapes both escape forms', () => {
    expect(parseDn('CN=Smith\\, John,OU=Sales,DC=lab')).toEqual([
      { type: 'CN', value: 'Smith, John' },
      { type: 'OU', value: 'Sales' },
      { type: 'DC', value: 'lab' },
    ]);
    expect(sameDn('CN=Smith\\, John,OU=Sales', 'cn=smith\\2c john , ou = SALES')).toBe(true);
    expect(sameDn('CN=Smith\\, John,OU=Sales', 'CN=Smith,John,OU=Sales')).toBe(false);
    expect(dnIdentity('CN=A,OU=B')).toBe(dnIdentity('cn=a,ou=b'));
  });

  it('is-under on whole RDNs, and the parts of a DN', () => {
    expect(dnUnder(`CN=A,${SALES}`, STAFF)).toBe(true);
    expect(dnUnder(STAFF, STAFF)).toBe(true);
    expect(dnUnder(`CN=A,OU=XStaff,${BASE}`, STAFF)).toBe(false);
    expect(dnUnder(`CN=A,${SALES}`, '')).toBe(false);
    expect(leafRdn(`CN=Smith\\, John,${SALES}`)).toBe('CN=Smith\\, John');
    expect(containerOf(`CN=Smith\\, John, ${SALES}`)).toBe(SALES);
    expect(dnsNameOf('OU=Staff, DC=Lab ,dc = Example,DC=test')).toBe('lab.example.test');
    expect(dnsNameOf('CN=Smith\\,DC=fake,DC=lab,DC=test')).toBe('lab.test');
    expect(dnsNameOf('OU=Staff')).toBeNull();
  });
});

describe("Connect's domain and OU filter", () => {
  it('an empty include list is the whole domain, nothing outside it', () => {
    expect(inOuScope(`CN=A,${UNSYNCED}`, { include: [], exclude: [] }, BASE)).toBe(true);
    expect(inOuScope('CN=A,OU=X,DC=other,DC=test', { include: [], exclude: [] }, BASE)).toBe(false);
  });

  it('a selected OU takes its subtree; a cleared OU below it leaves; a selected one below that comes back', () => {
    const scope = { include: [STAFF, `OU=Keep,OU=Disabled,${STAFF}`], exclude: [`OU=Disabled,${STAFF}`] };
    expect(inOuScope(`CN=A,${SALES}`, scope, BASE)).toBe(true);
    expect(inOuScope('cn=a,ou=sales,ou=staff,dc=lab,dc=example,dc=test', scope, BASE)).toBe(true);
    expect(inOuScope(`CN=A,OU=Disabled,${STAFF}`, scope, BASE)).toBe(false);
    expect(inOuScope(`CN=A,OU=Keep,OU=Disabled,${STAFF}`, scope, BASE)).toBe(true);
    expect(inOuScope(`CN=A,OU=XStaff,${BASE}`, scope, BASE)).toBe(false);
    expect(inOuScope(`CN=A,${UNSYNCED}`, scope, BASE)).toBe(false);
  });

  it('an OU both selected and cleared is out', () => {
    expect(inOuScope(`CN=A,${SALES}`, { include: [SALES], exclude: [SALES] }, BASE)).toBe(false);
  });
});
