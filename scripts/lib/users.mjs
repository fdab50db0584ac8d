// Defaults the generators share for user records.

/**
 * The six onPremises attributes Entra Connect leaves on a user after sync (ON_PREMISES_LEFTOVER_ATTRIBUTES
 * in src/model/observed.ts, same order), all null: a user never synced. Spread it where those keys belong.
 */
export const NO_ON_PREMISES_LEFTOVERS = Object.freeze({
  onPremisesDistinguishedName: null,
  onPremisesDomainName: null,
  onPremisesSamAccountName: null,
  onPremisesSecurityIdentifier: null,
  onPremisesUserPrincipalName: null,
  onPremisesLastSyncDateTime: null,
});
