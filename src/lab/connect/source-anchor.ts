/**
 * Entra Connect's sourceAnchor → ImmutableID, written for the lab independently of the product's
 * codec (src/model/anchor.ts), so a byte-order bug in one cannot hide in both.
 *
 * - The sourceAnchor is mS-DS-ConsistencyGuid (objectGUID on older installs), and "the SourceAnchor
 *   value ... is the Base64 string representation of the mS-Ds-ConsistencyGUID attribute (or
 *   ObjectGUID ...)", the ImmutableId in Entra ID:
 *   https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant#hard-match-vs-soft-match
 * - AD stores a GUID as the 16 bytes of .NET `Guid.ToByteArray()`: the first four-byte group and the
 *   next two two-byte groups reversed, the last eight bytes as written:
 *   https://learn.microsoft.com/dotnet/api/system.guid.tobytearray
 */

const GUID_TEXT = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

/** True for a GUID in display form (`35918bc9-196d-40ea-9779-889d79b753f0`). */
export function isGuidText(s: string): boolean {
  return GUID_TEXT.test(s);
}

function reversedHex(hex: string): string {
  return (hex.match(/../g) ?? []).reverse().join('');
}

/** The ImmutableID of a sourceAnchor GUID (display form): base64 of its `Guid.ToByteArray()` bytes. */
export function immutableIdOfGuid(guid: string): string {
  const m = GUID_TEXT.exec(guid);
  if (!m) throw new Error(`not a GUID: ${JSON.stringify(guid)}`);
  const [, a = '', b = '', c = '', d = '', e = ''] = m;
  return Buffer.from(reversedHex(a) + reversedHex(b) + reversedHex(c) + d + e, 'hex').toString('base64');
}
