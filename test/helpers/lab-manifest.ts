/**
 * Manifests for the lab's sample company (examples/lab/sample-company.json): tenant, the lab's AD
 * connection, sync scope Staff + Groups, unsynced OU; the test adds the rules.
 */
import { loadManifestText } from '../../src/manifest/load.js';
import type { DesiredState } from '../../src/model/desired.js';

export const LAB_TENANT_ID = 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01';
export const BASE_DN = 'DC=lab,DC=example,DC=test';
export const UNSYNCED_OU = `OU=Unsynced,${BASE_DN}`;

/** A manifest for the sample company with the given users/tenant/allow sections (YAML text, indented as top-level keys). */
export function labManifest(body: string, opts: { tenantExtra?: string; sync?: string } = {}): string {
  return `apiVersion: entra-soa/v1
tenant:
  id: ${LAB_TENANT_ID}
${opts.tenantExtra ?? ''}
activeDirectory:
  connection:
    url: ldaps://dc1.lab.example.test
    baseDn: ${BASE_DN}
    bindDn: CN=svc-entra-soa,OU=ServiceAccounts,${BASE_DN}
    bindPasswordEnv: LAB_AD_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope:
    include:
      - OU=Staff,${BASE_DN}
      - OU=Groups,${BASE_DN}
  unsyncedOu: ${UNSYNCED_OU}
${body}
${opts.sync ?? 'sync:\n  timeout: 2h\n  pollInterval: 30s'}
`;
}

export function loadDesired(text: string): DesiredState {
  const r = loadManifestText(text, 'manifest.yaml');
  if (!r.desired) throw new Error(`manifest has errors: ${r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ')}`);
  return r.desired;
}
