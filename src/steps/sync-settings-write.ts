import type { PermissionRequirement } from './spec.js';

/**
 * What a write of `/directory/onPremisesSynchronization` needs (the sync features and the deletion
 * threshold): delegated permissions only, Global Administrator only
 * (https://learn.microsoft.com/graph/api/onpremisesdirectorysynchronization-update).
 */
export function syncSettingsWrite(call: string): PermissionRequirement {
  return {
    calls: [call],
    graphPermissions: [],
    delegatedOnly: true,
    delegatedPermissions: ['OnPremDirectorySynchronization.ReadWrite.All'],
    entraRoles: ['Global Administrator'],
    note: 'Delegated only: Microsoft supports no application permission, and Global Administrator is the only role supported.',
  };
}
