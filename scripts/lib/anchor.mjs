// The source anchor as Entra ID stores it (the algorithm of src/model/anchor.ts, for the generators).

/** ImmutableID of a display-form GUID: base64 of its bytes in .NET Guid.ToByteArray() order. */
export function immutableId(guid) {
  const b = Buffer.from(guid.replace(/-/g, ''), 'hex');
  const stored = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]);
  return stored.toString('base64');
}
