/**
 * A large tenant for drift reports (bench/drift-report.ts and the browser test of a 100,000-user
 * report): N synced users spread over 20 department OUs; the manifest sends Dept01–Dept10 to the cloud
 * (per-object switch, clears) and keeps Dept11–Dept20 with AD. `driftedPercent` of the users differ from
 * it: in the cloud OUs they are still synced, in the AD OUs they were switched to the cloud by hand (a
 * rollback with the takeover block lifted). The others already match.
 */
import { guidToImmutableId } from '../src/model/anchor.js';
import type { AdUser, EntraUser, ObservedState } from '../src/model/observed.js';

export const DRIFT_BASE_DN = 'DC=drift,DC=example,DC=test';
const TENANT_ID = '6f1c2d9e-0000-4000-8000-0000000d71f7';
const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => `Dept${String(i + 1).padStart(2, '0')}`);

/** A GUID from a number (deterministic; version 4 shape). */
function numberedGuid(n: number, kind: number): string {
  const hex = `${kind.toString(16).padStart(4, '0')}${n.toString(16).padStart(28, '0')}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface DriftTenant {
  manifest: string;
  observed: ObservedState;
}

export function driftTenant(users: number, driftedPercent: number): DriftTenant {
  const ad: AdUser[] = [];
  const entra: EntraUser[] = [];
  const driftEvery = driftedPercent <= 0 ? Number.POSITIVE_INFINITY : 100 / driftedPercent;
  for (let i = 0; i < users; i++) {
    const dept = i % DEPARTMENTS.length;
    const toCloud = dept < 10;
    const drifted = driftedPercent > 0 && Math.floor(i / DEPARTMENTS.length) % driftEvery < 1;
    const upn = `user${i}@drift.example.test`;
    const objectGuid = numberedGuid(i, 1);
    const dn = `CN=User ${i},OU=${DEPARTMENTS[dept] as string},OU=Staff,${DRIFT_BASE_DN}`;
    ad.push({ dn, objectGuid, consistencyGuid: objectGuid, samAccountName: `user${i}`, userPrincipalName: upn, mail: upn, proxyAddresses: [`SMTP:${upn}`], givenName: 'User', surname: String(i), displayName: `User ${i}`, enabled: true });
    // synced when (cloud OU and drifted) or (AD OU and not drifted); cloud-managed otherwise
    const synced = toCloud === drifted;
    const leftovers = synced || !toCloud;
    entra.push({
      id: numberedGuid(i, 2),
      userPrincipalName: upn,
      displayName: `User ${i}`,
      givenName: 'User',
      surname: String(i),
      mail: upn,
      proxyAddresses: [`SMTP:${upn}`],
      onPremisesSyncEnabled: synced ? true : null,
      onPremisesImmutableId: leftovers ? guidToImmutableId(objectGuid) : null,
      onPremisesObjectIdentifier: null,
      isCloudManaged: !synced,
      accountEnabled: true,
      roles: [],
      lastPasswordChangeDateTime: null,
      exchangeMailbox: true,
      onPremisesDistinguishedName: leftovers ? dn : null,
      onPremisesDomainName: leftovers ? 'drift.example.test' : null,
      onPremisesSamAccountName: leftovers ? `user${i}` : null,
      onPremisesSecurityIdentifier: null,
      onPremisesUserPrincipalName: leftovers ? upn : null,
      onPremisesLastSyncDateTime: leftovers ? '2026-11-01T00:00:00Z' : null,
    });
  }
  const observed: ObservedState = {
    tenant: {
      tenantId: TENANT_ID,
      onPremisesSyncEnabled: true,
      disablePending: false,
      disableRequestedAt: null,
      onPremisesLastSyncDateTime: '2026-11-01T00:00:00Z',
      features: { blockSoftMatchEnabled: true, blockCloudObjectTakeoverThroughHardMatchEnabled: true, softMatchOnUpnEnabled: false, passwordSyncEnabled: true },
      accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
    },
    ad: { baseDn: DRIFT_BASE_DN, users: ad, organizationalUnits: ['Staff', ...DEPARTMENTS].map((d) => ({ dn: d === 'Staff' ? `OU=Staff,${DRIFT_BASE_DN}` : `OU=${d},OU=Staff,${DRIFT_BASE_DN}` })) },
    entra: { users: entra, deletedUsers: [], groups: [] },
  };
  const rule = (d: string, i: number) =>
    i < 10
      ? `  - name: ${d.toLowerCase()}-to-cloud\n    select: { ou: "OU=${d},OU=Staff,${DRIFT_BASE_DN}" }\n    authority: cloud\n    method: sourceOfAuthority\n    clear: { immutableId: true, otherOnPremisesAttributes: true }\n`
      : `  - name: ${d.toLowerCase()}-stays-with-ad\n    select: { ou: "OU=${d},OU=Staff,${DRIFT_BASE_DN}" }\n    authority: onPremises\n    link: hard\n`;
  const manifest = `apiVersion: entra-soa/v1
tenant:
  id: ${TENANT_ID}
  directorySync: enabled
  features: { blockSoftMatch: true, blockCloudObjectTakeoverThroughHardMatch: true }
  accidentalDeletionThreshold: 500
activeDirectory:
  connection:
    url: ldaps://127.0.0.1
    baseDn: ${DRIFT_BASE_DN}
    bindDn: CN=svc,${DRIFT_BASE_DN}
    bindPasswordEnv: DRIFT_BENCH_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope:
    include: ["OU=Staff,${DRIFT_BASE_DN}"]
users:
${DEPARTMENTS.map(rule).join('')}`;
  return { manifest, observed };
}
