import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

const SCHEMA_RELATIVE = join('schema', 'manifest.schema.json');

let schemaData: unknown;
let compiled: ValidateFunction | undefined;

/**
 * Path of schema/manifest.schema.json: the nearest one above this module, so the same code finds
 * it from src/manifest (tests) and from dist/src/manifest (the installed package ships `schema/`).
 */
export function manifestSchemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, SCHEMA_RELATIVE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`entra-soa is installed without ${SCHEMA_RELATIVE}; reinstall the package`);
    dir = parent;
  }
}

/** The manifest's JSON Schema (schema/manifest.schema.json), as data, read once. */
export function manifestSchema(): unknown {
  schemaData ??= JSON.parse(readFileSync(manifestSchemaPath(), 'utf8')) as unknown;
  return schemaData;
}

/** The schema validator, compiled once on first use and shared afterwards. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
    compiled = ajv.compile(manifestSchema() as object);
  }
  return compiled;
}

/** Every schema violation in `data` (empty when it conforms). */
export function schemaErrors(data: unknown): ErrorObject[] {
  const validate = validator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
