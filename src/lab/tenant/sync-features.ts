/** Graph's onPremisesDirectorySynchronizationFeature flags and the accidental-deletion setting, as the lab keeps them. */

/** Every boolean of Graph's onPremisesDirectorySynchronizationFeature. */
export const SYNC_FEATURE_PROPERTY_NAMES = [
  'allowOnPremUpdateOfOnPremisesObjectIdentifierEnabled',
  'blockCloudObjectTakeoverThroughHardMatchEnabled',
  'blockSoftMatchEnabled',
  'bypassDirSyncOverridesEnabled',
  'cloudPasswordPolicyForPasswordSyncedUsersEnabled',
  'concurrentCredentialUpdateEnabled',
  'concurrentOrgIdProvisioningEnabled',
  'deviceWritebackEnabled',
  'directoryExtensionsEnabled',
  'fopeConflictResolutionEnabled',
  'groupWriteBackEnabled',
  'passwordSyncEnabled',
  'passwordWritebackEnabled',
  'quarantineUponProxyAddressesConflictEnabled',
  'quarantineUponUpnConflictEnabled',
  'softMatchOnUpnEnabled',
  'synchronizeUpnForManagedUsersEnabled',
  'unifiedGroupWritebackEnabled',
  'userForcePasswordChangeOnLogonEnabled',
  'userWritebackEnabled',
] as const;
export type SyncFeatureProperty = (typeof SYNC_FEATURE_PROPERTY_NAMES)[number];
export type LabSyncFeatures = Record<SyncFeatureProperty, boolean>;

export type DeletionPreventionType = 'disabled' | 'enabledForCount' | 'enabledForPercentage';

/** Every feature false, except the two Microsoft turns on for new tenants (password hash sync left off). */
export function defaultSyncFeatures(): LabSyncFeatures {
  const f = Object.fromEntries(SYNC_FEATURE_PROPERTY_NAMES.map((n) => [n, false])) as LabSyncFeatures;
  f.softMatchOnUpnEnabled = true;
  return f;
}
