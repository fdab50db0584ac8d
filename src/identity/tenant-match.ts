/**
 * The manifest names the tenant it is for (`tenant.id`); the state read (a snapshot, the lab, or
 * the live tenant the credentials signed in to) names the tenant it came from. A plan made or
 * applied across two tenants would change the wrong directory, so a mismatch stops the command
 * before any plan is made or applied. `plan`, `snapshot`, `drift`, `export` and apply (src/apply/session.ts) all call this one function.
 */

/** What the manifest says and what was read. */
export interface TenantMatchInput {
  /** The manifest as given on the command line. */
  manifestFile: string;
  /** The manifest's `tenant.id`. */
  manifestTenantId: string;
  /** The tenant id of the state that was read (`ObservedState.tenant.tenantId`). */
  observedTenantId: string;
  /** Where the state came from, for people: "snapshot state.json", "the lab", "graph.microsoft.com + ldaps://dc1". */
  source: string;
}

/** Null when the tenants are the same (GUIDs compared without case); else the error message, naming both ids. */
export function tenantMismatch(i: TenantMatchInput): string | null {
  if (i.manifestTenantId.trim().toLowerCase() === i.observedTenantId.trim().toLowerCase()) return null;
  return (
    `the manifest ${i.manifestFile} is for tenant ${i.manifestTenantId} (tenant.id), but ${i.source} is tenant ${i.observedTenantId}: ` +
    'nothing was planned or changed. Use the manifest of that tenant, or read the tenant the manifest names ' +
    '(another snapshot, --tenant-id, or credentials for that tenant)'
  );
}
