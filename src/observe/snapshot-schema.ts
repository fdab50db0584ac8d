/**
 * JSON schema of the snapshot file (`entra-soa snapshot --out state.json`), the shape of
 * `Snapshot` in src/model/observed.ts. Compiled once by src/observe/snapshot.ts.
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

function obj(properties: Record<string, unknown>, optional: readonly string[] = []): Record<string, unknown> {
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

export const SNAPSHOT_SCHEMA = obj({
  kind: { const: 'entra-soa/snapshot' },
  formatVersion: { const: 1 },
  capturedAt: dateTime,
  source: str,
  state: obj({
    tenant: obj({
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
    }),
    ad: obj({
      baseDn: str,
      users: {
        type: 'array',
        items: obj({
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
        }),
      },
      organizationalUnits: { type: 'array', items: obj({ dn: { type: 'string', minLength: 1 } }) },
    }),
    entra: obj({
      users: {
        type: 'array',
        items: obj({
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
        }, ['onPremisesObjectIdentifier', 'lastPasswordChangeDateTime', 'exchangeMailbox']),
      },
      deletedUsers: {
        type: 'array',
        items: obj({
          id: { type: 'string', minLength: 1 },
          userPrincipalName: str,
          onPremisesImmutableId: strOrNull,
          onPremisesSyncEnabled: boolOrNull,
          deletedDateTime: dateTime,
        }),
      },
      groups: {
        type: 'array',
        items: obj({
          id: { type: 'string', minLength: 1 },
          displayName: str,
          mailNickname: strOrNull,
          onPremisesSyncEnabled: boolOrNull,
          isCloudManaged: boolOrNull,
          securityEnabled: { type: 'boolean' },
          mailEnabled: { type: 'boolean' },
        }),
      },
    }),
  }),
});
