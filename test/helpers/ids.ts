/** Deterministic ids for test tenants and seeds. */

/** The n-th GUID of a series: `<prefix>-0000-4000-8000-<n in hex, 12 digits>` (a well-formed version-4 GUID). */
export function sequentialGuid(prefix: string, n: number): string {
  return `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A generator of `sequentialGuid(prefix, 1)`, `sequentialGuid(prefix, 2)`, … (for `LabTenant`'s `newId`). */
export function guidSequence(prefix: string): () => string {
  let n = 0;
  return () => sequentialGuid(prefix, ++n);
}
