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

/** Where each stored byte's two hex digits start in the display form (groups 1-3 little-endian). */
const STORED_BYTE_AT = [6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34] as const;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function hexDigit(guid: string, at: number): number {
  const c = guid.charCodeAt(at) | 0x20; // lower case; the GUID pattern was checked
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

/**
 * Display-form GUID → ImmutableID (base64 of the stored bytes). Written out rather than through
 * Buffers: the join computes one per AD user, and four Buffers per user cost a tenth of a plan.
 */
export function guidToImmutableId(guid: string): string {
  if (!isGuid(guid)) throw new Error(`not a GUID: ${JSON.stringify(guid)}`);
  let out = '';
  // 16 bytes: five groups of three bytes (four characters each), then one byte and '=='
  for (let g = 0; g < 15; g += 3) {
    const n =
      (((hexDigit(guid, STORED_BYTE_AT[g] as number) << 4) | hexDigit(guid, (STORED_BYTE_AT[g] as number) + 1)) << 16) |
      (((hexDigit(guid, STORED_BYTE_AT[g + 1] as number) << 4) | hexDigit(guid, (STORED_BYTE_AT[g + 1] as number) + 1)) << 8) |
      ((hexDigit(guid, STORED_BYTE_AT[g + 2] as number) << 4) | hexDigit(guid, (STORED_BYTE_AT[g + 2] as number) + 1));
    out += `${BASE64[(n >> 18) & 63] as string}${BASE64[(n >> 12) & 63] as string}${BASE64[(n >> 6) & 63] as string}${BASE64[n & 63] as string}`;
  }
  const last = (hexDigit(guid, 34) << 4) | hexDigit(guid, 35);
  return `${out}${BASE64[last >> 2] as string}${BASE64[(last & 3) << 4] as string}==`;
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
