import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import manifestSchema from '../../schema/manifest.schema.json' with { type: 'json' };

/** The manifest's JSON Schema (schema/manifest.schema.json), as data. */
export const MANIFEST_SCHEMA: unknown = manifestSchema;

let compiled: ValidateFunction | undefined;

/** The schema validator, compiled once on first use and shared afterwards. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
    compiled = ajv.compile(manifestSchema);
  }
  return compiled;
}

/** Every schema violation in `data` (empty when it conforms). */
export function schemaErrors(data: unknown): ErrorObject[] {
  const validate = validator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
