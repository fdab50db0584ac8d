/** The lab tenant's refusals. */

/**
 * An expected refusal, carrying the HTTP status and Graph error code the emulator answers with.
 * The sync simulator can branch on `code` too.
 */
export class LabTenantError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LabTenantError';
  }
}

/** Graph's 404 for an object that does not exist. */
export function resourceNotFound(id: string): LabTenantError {
  return new LabTenantError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}
