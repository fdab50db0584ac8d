/** Small in-memory builders for observed and desired state (planner and join tests). */
import { guidToImmutableId } from '../../../src/model/anchor.js';
import type {
  CloudUserRule,
  DesiredState,
  GroupRule,
  ManifestFeatureName,
  OnPremisesUserRule,
  UserRule,
  UserSelector,
} from '../../../src/model/desired.js';
import { ON_PREMISES_LEFTOVER_ATTRIBUTES } from '../../../src/model/observed.js';
import type { AdUser, DeletedEntraUser, EntraGroup, EntraUser, ObservedState, OnPremisesLeftovers, TenantSyncState } from '../../../src/model/observed.js';
import { buildPlan } from '../../../src/plan/index.js';
import type { Plan } from '../../../src/model/plan.js';
import { sequentialGuid } from '../../helpers/ids.js';

export const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000001';
export const BASE_DN = 'DC=contoso,DC=com';
export const STAFF_OU = 'OU=Staff,DC=contoso,DC=com';
export const UNSYNCED_OU = 'OU=Unsynced,DC=contoso,DC=com';
export const DISABLED_OU = 'OU=Disabled,OU=Staff,DC=contoso,DC=com';

/** A deterministic GUID for a small number (`00000000-0000-4000-8000-<n in hex>`). */
export function guid(n: number): string {
  return sequentialGuid('00000000', n);
}

export function adUser(name: string, n: number, over: Partial<AdUser> = {}): AdUser {
  return {
    dn: `CN=${name},${STAFF_OU}`,
    objectGuid: guid(n),
    consistencyGuid: null,
    samAccountName: name,
    userPrincipalName: `${name}@contoso.com`,
    mail: `${name}@contoso.com`,
    proxyAddresses: [`SMTP:${name}@contoso.com`],
    givenName: name,
    surname: 'Test',
    displayName: `${name} Test`,
    enabled: true,
    ...over,
  };
}

/** Every onPremises leftover attribute null (a user never synced). */
const noLeftovers = Object.fromEntries(ON_PREMISES_LEFTOVER_ATTRIBUTES.map((a) => [a, null])) as Record<keyof OnPremisesLeftovers, null>;

/** A cloud-only, never-synced Entra user. */
export function cloudUser(name: string, id: string, over: Partial<EntraUser> = {}): EntraUser {
  return {
    id,
    userPrincipalName: `${name}@contoso.com`,
    displayName: `${name} Cloud`,
    givenName: name,
    surname: 'Cloud',
    mail: `${name}@contoso.com`,
    proxyAddresses: [`SMTP:${name}@contoso.com`],
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    onPremisesObjectIdentifier: null,
    isCloudManaged: false,
    accountEnabled: true,
    roles: [],
    lastPasswordChangeDateTime: null,
    exchangeMailbox: true,
    ...noLeftovers,
    ...over,
  };
}

/** The Entra user synced from `ad` (sourceAnchor objectGUID / empty consistency guid). */
export function syncedFrom(ad: AdUser, id: string, over: Partial<EntraUser> = {}): EntraUser {
  return cloudUser(ad.samAccountName, id, {
    userPrincipalName: ad.userPrincipalName ?? `${ad.samAccountName}@contoso.com`,
    displayName: ad.displayName,
    givenName: ad.givenName,
    surname: ad.surname,
    mail: ad.mail,
    proxyAddresses: [...ad.proxyAddresses],
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: guidToImmutableId(ad.consistencyGuid ?? ad.objectGuid),
    onPremisesDistinguishedName: ad.dn,
    onPremisesDomainName: 'contoso.com',
    onPremisesSamAccountName: ad.samAccountName,
    onPremisesSecurityIdentifier: 'S-1-5-21-1-2-3-1001',
    onPremisesUserPrincipalName: ad.userPrincipalName,
    onPremisesLastSyncDateTime: '2026-11-01T10:00:00Z',
    ...over,
  });
}

export function deletedFrom(e: EntraUser, at = '2026-11-20T10:00:00Z'): DeletedEntraUser {
  return {
    id: e.id,
    userPrincipalName: e.userPrincipalName,
    onPremisesImmutableId: e.onPremisesImmutableId,
    onPremisesSyncEnabled: e.onPremisesSyncEnabled,
    deletedDateTime: at,
  };
}

export function group(id: string, displayName: string, synced: boolean, over: Partial<EntraGroup> = {}): EntraGroup {
  return {
    id,
    displayName,
    mailNickname: null,
    onPremisesSyncEnabled: synced ? true : null,
    isCloudManaged: synced ? false : null,
    securityEnabled: true,
    mailEnabled: false,
    ...over,
  };
}

export function tenant(over: Partial<TenantSyncState> = {}): TenantSyncState {
  return {
    tenantId: TENANT_ID,
    onPremisesSyncEnabled: true,
    disablePending: false,
    disableRequestedAt: null,
    onPremisesLastSyncDateTime: '2026-11-21T10:00:00Z',
    features: { blockSoftMatchEnabled: false, blockCloudObjectTakeoverThroughHardMatchEnabled: false, softMatchOnUpnEnabled: false, passwordSyncEnabled: false },
    accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
    ...over,
  };
}

export function observed(parts: {
  ad?: AdUser[];
  entra?: EntraUser[];
  deleted?: DeletedEntraUser[];
  groups?: EntraGroup[];
  tenant?: Partial<TenantSyncState>;
  ous?: string[];
}): ObservedState {
  return {
    tenant: tenant(parts.tenant),
    ad: {
      baseDn: BASE_DN,
      users: parts.ad ?? [],
      organizationalUnits: (parts.ous ?? [STAFF_OU, DISABLED_OU, UNSYNCED_OU, `OU=Contractors,${STAFF_OU}`]).map((dn) => ({ dn })),
    },
    entra: { users: parts.entra ?? [], deletedUsers: parts.deleted ?? [], groups: parts.groups ?? [] },
  };
}

let line = 10;
const loc = (l?: number) => ({ file: 'manifest.yaml', line: l ?? line++, col: 5 });

export function cloudRule(name: string, selector: UserSelector, method: CloudUserRule['method'], over: Partial<CloudUserRule> = {}): CloudUserRule {
  return { name, selector, location: loc(over.location?.line), authority: 'cloud', method, clear: { immutableId: false, otherOnPremisesAttributes: false }, ...over };
}

export function onPremRule(name: string, selector: UserSelector, link: 'hard' | 'soft', over: Partial<OnPremisesUserRule> = {}): OnPremisesUserRule {
  return {
    name,
    selector,
    location: loc(over.location?.line),
    authority: 'onPremises',
    link,
    counterpart: { by: 'upn' },
    setImmutableId: false,
    requirePasswordChange: false,
    ...over,
  };
}

export function desired(parts: {
  users?: UserRule[];
  groups?: GroupRule[];
  features?: Partial<Record<ManifestFeatureName, boolean>>;
  directorySync?: 'enabled' | 'disabled';
  threshold?: number;
  include?: string[];
  exclude?: string[];
  unsyncedOu?: string | null;
  sourceAnchor?: 'objectGUID' | 'mS-DS-ConsistencyGuid';
}): DesiredState {
  const tenantPart: DesiredState['tenant'] = { id: TENANT_ID, features: parts.features ?? {}, location: { file: 'manifest.yaml', line: 2, col: 1 } };
  if (parts.directorySync) tenantPart.directorySync = parts.directorySync;
  if (parts.threshold !== undefined) tenantPart.accidentalDeletionThreshold = parts.threshold;
  const ad: DesiredState['activeDirectory'] = {
    connection: { url: 'ldaps://dc1.contoso.com', baseDn: BASE_DN, bindDn: `CN=svc,${BASE_DN}`, bindPasswordEnv: 'PW', startTls: false },
    sourceAnchor: parts.sourceAnchor ?? 'mS-DS-ConsistencyGuid',
    syncScope: { include: parts.include ?? [STAFF_OU], exclude: parts.exclude ?? [DISABLED_OU] },
    location: { file: 'manifest.yaml', line: 8, col: 1 },
  };
  if (parts.unsyncedOu !== null) ad.unsyncedOu = parts.unsyncedOu ?? UNSYNCED_OU;
  return {
    file: 'manifest.yaml',
    digest: 'a'.repeat(64),
    tenant: tenantPart,
    activeDirectory: ad,
    users: parts.users ?? [],
    groups: parts.groups ?? [],
    allow: { disruptive: false, irreversible: false, exceedDeletionThreshold: false },
    sync: { timeoutS: 7200, pollIntervalS: 30, deletionWaves: false },
  };
}

/** The default plan creation time: after the hard-match hardening of 2026-07-01. */
export const CREATED_AT = '2026-11-21T12:00:00Z';

/** Plans with fixed metadata (createdAt decides whether the 2026-07-01 hard-match rules apply); `targets` as `plan --target`. */
export function plan(d: DesiredState, o: ObservedState, createdAt: string = CREATED_AT, targets?: string[]): Plan {
  return buildPlan({ desired: d, observed: o, createdAt, tool: { name: 'entra-soa', version: '0.1.0' }, source: 'test', ...(targets ? { targets } : {}) });
}

/** Steps as compact `kind objectKey` strings with their dependencies, for readable expectations. */
export function outline(p: Plan): string[] {
  return p.steps.map((s) => `${s.id} ${s.step.kind}${s.dependsOn.length ? ` <- ${s.dependsOn.join(',')}` : ''}`);
}

export function codes(p: Plan): string[] {
  return p.hazards.map((h) => h.code);
}
