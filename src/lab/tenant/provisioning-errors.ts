/**
 * The provisioning errors the sync simulator records: the export errors of the last cycle, and the
 * values duplicate-attribute resiliency quarantined (see `LabProvisioningError`).
 */
import type { LabProvisioningError } from './records.js';

const lower = (s: string): string => s.toLowerCase();

export class ProvisioningErrorLog {
  /** Takes `errors` (not copied). */
  constructor(private errors: LabProvisioningError[]) {}

  record(e: LabProvisioningError): void {
    this.errors.push(e);
  }

  /** All, or those of one cloud object. */
  list(objectId?: string): readonly Readonly<LabProvisioningError>[] {
    return objectId === undefined ? this.errors : this.errors.filter((e) => e.objectId === lower(objectId));
  }

  /** Drop those of one cloud object (purged). */
  forget(objectId: string): void {
    this.errors = this.errors.filter((e) => e.objectId !== lower(objectId));
  }

  /** Drop the export errors (every cycle retries its exports); quarantines stay. */
  clearExportErrors(): void {
    this.errors = this.errors.filter((e) => e.kind === 'quarantine');
  }

  /** Quarantined values (all, or those of one object). */
  quarantines(objectId?: string): readonly Readonly<LabProvisioningError>[] {
    return this.errors.filter((e) => e.kind === 'quarantine' && (objectId === undefined || e.objectId === lower(objectId)));
  }

  /** Release a quarantined value of an object (its conflict is resolved). */
  release(objectId: string, propertyCausingError: string, value: string): void {
    const id = lower(objectId);
    const v = lower(value);
    this.errors = this.errors.filter(
      (e) => !(e.kind === 'quarantine' && e.objectId === id && e.propertyCausingError === propertyCausingError && lower(e.value ?? '') === v),
    );
  }
}
