import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToGuid, guidToBytes, guidToImmutableId, immutableIdToGuid, immutableIdProblem } from '../../src/model/anchor.js';

describe('anchor codec (domain.md §2 test vector)', () => {
  const guid = '35918bc9-196d-40ea-9779-889d79b753f0';
  it('GUID → stored bytes are .NET ToByteArray order', () => {
    expect(guidToBytes(guid).toString('hex')).toBe('c98b91356d19ea409779889d79b753f0');
  });
  it('GUID → ImmutableID', () => {
    expect(guidToImmutableId(guid)).toBe('yYuRNW0Z6kCXeYidebdT8A==');
    expect(guidToImmutableId(guid)).not.toBe('NZGLyRltQOqXeYidebdT8A==');
  });
  it('round-trips bytes and ImmutableID', () => {
    expect(bytesToGuid(Buffer.from('c98b91356d19ea409779889d79b753f0', 'hex'))).toBe(guid);
    expect(immutableIdToGuid('yYuRNW0Z6kCXeYidebdT8A==')).toBe(guid);
    expect(immutableIdToGuid('alice@contoso.com')).toBeNull();
  });
  it('rejects $ and _ in immutable ids', () => {
    expect(immutableIdProblem('a_b')).toMatch(/not allow/);
    expect(immutableIdProblem('yYuRNW0Z6kCXeYidebdT8A==')).toBeNull();
  });
});

describe('guidToImmutableId without Buffers', () => {
  it('equals base64 of the stored bytes for any GUID, upper or lower case', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), (g, upper) => {
        const guid = upper ? g.toUpperCase() : g;
        expect(guidToImmutableId(guid)).toBe(guidToBytes(guid).toString('base64'));
        expect(immutableIdToGuid(guidToImmutableId(guid))).toBe(g.toLowerCase());
      }),
      { numRuns: 500 },
    );
    expect(() => guidToImmutableId('not-a-guid')).toThrow(/not a GUID/);
  });
});
