import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute directory of the manifest fixtures. */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/manifests');

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A valid manifest with the given YAML appended (for rules-only variations). */
export function withHeader(rest: string, header = MINIMAL_HEADER): string {
  return `${header}${rest}`;
}

export const MINIMAL_HEADER = `apiVersion: entra-soa/v1
tenant:
  id: 6f1c2d9e-0000-4000-8000-000000000001
activeDirectory:
  connection:
    url: ldaps://dc1.contoso.com
    baseDn: DC=contoso,DC=com
    bindDn: CN=svc,DC=contoso,DC=com
    bindPasswordEnv: ENTRA_SOA_AD_PASSWORD
  sourceAnchor: objectGUID
`;
