/**
 * JSON schemas of the snapshot file (`entra-soa snapshot --out state.json`), the shape of
 * `Snapshot` in src/model/observed.ts: formatVersion 1 (one JSON document) and formatVersion 2
 * (JSON Lines: a header, one record per line, an end record) from the same pieces. Compiled once by
 * src/observe/snapshot.ts and src/observe/snapshot-lines.ts.
 */

/** Display-form GUID. */
export const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** ISO 8601 date-time (as Graph writes it). */
export const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

/** How a failed pattern is said to a person. */
export const PATTERN_WORDS: Record<string, string> = {
  [GUID_PATTERN]: 'must be a GUID (e.g. 35918bc9-196d-40ea-9779-889d79b753f0)',
  [DATE_TIME_PATTERN]: 'must be an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)',
};

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const boolOrNull = { type: ['boolean', 'null'] } as const;
const guid = { type: 'string', pattern: GUID_PATTERN } as const;
const dateTime = { type: 'string', pattern: DATE_TIME_PATTERN } as const;
const dateTimeOrNull = { anyOf: [{ type: 'null' }, dateTime] } as const;
const strings = { type: 'array', items: str } as const;

/** A JSON schema object. */
export type SchemaObject = Record<string, unknown>;

function obj(properties: Record<string, unknown>, optional: readonly string[] = []): SchemaObject {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties).filter((k) => !optional.includes(k)), properties };
}

const leftovers = {
  onPremisesDistinguishedName: strOrNull,
  onPremisesDomainName: strOrNull,
  onPremisesSamAccountName: strOrNull,
  onPremisesSecurityIdentifier: strOrNull,
  onPremisesUserPrincipalName: strOrNull,
  onPremisesLastSyncDateTime: dateTimeOrNull,
};

/** `state.tenant`. */
export const TENANT_SCHEMA = obj({
  tenantId: guid,
  onPremisesSyncEnabled: boolOrNull,
  disablePending: { type: 'boolean' },
  disableRequestedAt: dateTimeOrNull,
  onPremisesLastSyncDateTime: dateTimeOrNull,
  // null: not readable with the credentials used (delegated-only API). passwordSyncEnabled is
  // optional: snapshots taken before entra-soa read it lack it (parseSnapshot reads absent as null).
  features: {
    anyOf: [
      { type: 'null' },
      obj(
        {
          blockSoftMatchEnabled: { type: 'boolean' },
          blockCloudObjectTakeoverThroughHardMatchEnabled: { type: 'boolean' },
          softMatchOnUpnEnabled: { type: 'boolean' },
          passwordSyncEnabled: boolOrNull,
        },
        ['passwordSyncEnabled'],
      ),
    ],
  },
  accidentalDeletionPrevention: {
    anyOf: [
      { type: 'null' },
      obj({
        synchronizationPreventionType: { enum: ['disabled', 'enabledForCount', 'enabledForPercentage'] },
        alertThreshold: { type: ['integer', 'null'], minimum: 0 },
      }),
    ],
  },
});

/** One of `state.ad.users`. */
export const AD_USER_SCHEMA = obj({
  dn: { type: 'string', minLength: 1 },
  objectGuid: guid,
  consistencyGuid: { anyOf: [{ type: 'null' }, guid] },
  samAccountName: { type: 'string', minLength: 1 },
  userPrincipalName: strOrNull,
  mail: strOrNull,
  proxyAddresses: strings,
  givenName: strOrNull,
  surname: strOrNull,
  displayName: strOrNull,
  enabled: { type: 'boolean' },
});

/** One of `state.ad.organizationalUnits`. */
export const AD_OU_SCHEMA = obj({ dn: { type: 'string', minLength: 1 } });

/** The properties of an Entra user that formatVersion 1 files written by older builds may lack (absent reads as null). */
const ENTRA_USER_LATER_PROPERTIES = ['onPremisesObjectIdentifier', 'lastPasswordChangeDateTime', 'exchangeMailbox'] as const;

/** One of `state.entra.users`. */
export const ENTRA_USER_SCHEMA = obj(
  {
    id: { type: 'string', minLength: 1 },
    userPrincipalName: { type: 'string', minLength: 1 },
    displayName: strOrNull,
    givenName: strOrNull,
    surname: strOrNull,
    mail: strOrNull,
    proxyAddresses: strings,
    onPremisesSyncEnabled: boolOrNull,
    onPremisesImmutableId: strOrNull,
    // Optional: snapshots written before entra-soa read it lack it; parseSnapshot reads absent as null.
    onPremisesObjectIdentifier: strOrNull,
    isCloudManaged: boolOrNull,
    accountEnabled: { type: 'boolean' },
    roles: {
      anyOf: [
        { type: 'null' },
        {
          type: 'array',
          items: obj({ role: str, state: { enum: ['active', 'eligible'] }, privileged: { type: 'boolean' } }),
        },
      ],
    },
    // Optional like onPremisesObjectIdentifier (absent reads as null).
    lastPasswordChangeDateTime: dateTimeOrNull,
    exchangeMailbox: boolOrNull,
    ...leftovers,
  },
  ENTRA_USER_LATER_PROPERTIES,
);

/** One of `state.entra.deletedUsers`. */
export const DELETED_USER_SCHEMA = obj({
  id: { type: 'string', minLength: 1 },
  userPrincipalName: str,
  onPremisesImmutableId: strOrNull,
  onPremisesSyncEnabled: boolOrNull,
  deletedDateTime: dateTime,
});

/** One of `state.entra.groups`. */
export const GROUP_SCHEMA = obj({
  id: { type: 'string', minLength: 1 },
  displayName: str,
  mailNickname: strOrNull,
  onPremisesSyncEnabled: boolOrNull,
  isCloudManaged: boolOrNull,
  securityEnabled: { type: 'boolean' },
  mailEnabled: { type: 'boolean' },
});

/** The top-level properties both formats open with. */
const heading = (formatVersion: number) => ({ kind: { const: 'entra-soa/snapshot' }, formatVersion: { const: formatVersion }, capturedAt: dateTime, source: str });

/** The whole formatVersion 1 document. */
export const SNAPSHOT_SCHEMA = obj({
  ...heading(1),
  state: obj({
    tenant: TENANT_SCHEMA,
    ad: obj({
      baseDn: str,
      users: { type: 'array', items: AD_USER_SCHEMA },
      organizationalUnits: { type: 'array', items: AD_OU_SCHEMA },
    }),
    entra: obj({
      users: { type: 'array', items: ENTRA_USER_SCHEMA },
      deletedUsers: { type: 'array', items: DELETED_USER_SCHEMA },
      groups: { type: 'array', items: GROUP_SCHEMA },
    }),
  }),
});

/**
 * formatVersion 2 (JSON Lines), line 1: the header. Every property of format 1 but the arrays:
 * they follow as one record per line (see `recordSchema`), closed by an `end` record.
 */
export const SNAPSHOT_HEADER_SCHEMA = obj({
  ...heading(2),
  tenant: TENANT_SCHEMA,
  ad: obj({ baseDn: str }),
});

/**
 * A formatVersion 2 record: the item schema of format 1 with a leading `type` tag. Every property is
 * required (format 2 is written only by builds that read them all).
 */
export function recordSchema(type: string, item: SchemaObject): SchemaObject {
  const properties = { type: { const: type }, ...(item['properties'] as Record<string, unknown>) };
  return { ...item, required: Object.keys(properties), properties };
}

/** The closing record of a formatVersion 2 file: how many records of each type came before it (a truncated file has none). */
export const END_RECORD_SCHEMA = obj({
  type: { const: 'end' },
  adOrganizationalUnits: { type: 'integer', minimum: 0 },
  adUsers: { type: 'integer', minimum: 0 },
  entraUsers: { type: 'integer', minimum: 0 },
  entraDeletedUsers: { type: 'integer', minimum: 0 },
  entraGroups: { type: 'integer', minimum: 0 },
});
