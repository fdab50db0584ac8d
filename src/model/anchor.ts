/**
 * The source anchor codec (docs/active-directory.md, `setConsistencyGuid`; docs/lab-graph.md, "sourceAnchor and ImmutableID"). AD returns objectGUID / mS-DS-ConsistencyGuid as 16 raw
 * bytes in .NET `Guid.ToByteArray()` order: the first three groups little-endian. ImmutableID is
 * base64 of those raw bytes. GUID strings here are always the display form, lower case.
 */

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(s: string): boolean {
  return GUID_RE.test(s);
}

/** Display-form GUID → the 16 bytes AD stores. */
export function guidToBytes(guid: string): Buffer {
  if (!isGuid(guid)) throw new Error(`not a GUID: ${JSON.stringify(guid)}`);
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  // groups 1-3 are little-endian on the wire
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]);
}

/** The 16 bytes AD stores → display-form GUID (lower case). */
export function bytesToGuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`a GUID has 16 bytes, got ${bytes.length}`);
  const b = Buffer.from(bytes);
  const hex = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Display-form GUID → ImmutableID (base64 of the stored bytes). */
export function guidToImmutableId(guid: string): string {
  return guidToBytes(guid).toString('base64');
}

/** ImmutableID → display-form GUID, or null when it is not a 16-byte base64 value (e.g. a UPN-style id). */
export function immutableIdToGuid(immutableId: string): string | null {
  if (!/^[A-Za-z0-9+/]{22}==$/.test(immutableId)) return null;
  return bytesToGuid(Buffer.from(immutableId, 'base64'));
}

/** Characters Entra refuses in an immutable id. */
export function immutableIdProblem(immutableId: string): string | null {
  if (/[$_]/.test(immutableId)) return 'contains "$" or "_", which Entra ID does not allow in an immutable id';
  return null;
}
