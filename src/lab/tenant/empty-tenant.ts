/** The data of a new, empty lab tenant. */
import type { LabTenantData } from './records.js';
import { ROLE_TEMPLATES } from './role-templates.js';
import { defaultSyncFeatures } from './sync-features.js';

/** A tenant with no users, sync on (as after installing Connect), default features and threshold 500. */
export function emptyLabTenantData(init: {
  tenantId: string;
  now: string;
  displayName?: string;
  domains?: string[];
  onPremisesSyncEnabled?: boolean | null;
}): LabTenantData {
  const domains = init.domains ?? ['lab.example.test'];
  return {
    now: new Date(init.now).toISOString(),
    changeSequence: 0,
    organization: {
      id: init.tenantId,
      displayName: init.displayName ?? 'Lab',
      createdDateTime: new Date(init.now).toISOString(),
      onPremisesSyncEnabled: init.onPremisesSyncEnabled === undefined ? true : init.onPremisesSyncEnabled,
      onPremisesLastSyncDateTime: null,
      verifiedDomains: domains.map((name, i) => ({
        name,
        isDefault: i === 0,
        isInitial: i === domains.length - 1 && name.endsWith('.onmicrosoft.com'),
        type: 'Managed',
        capabilities: 'Email, OfficeCommunicationsOnline',
      })),
      pendingDisable: null,
    },
    onPremisesSynchronization: {
      id: init.tenantId,
      features: defaultSyncFeatures(),
      configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 } },
    },
    users: [],
    deletedUsers: [],
    groups: [],
    directoryRoles: ROLE_TEMPLATES.map((r, i) => ({
      id: `${(i + 1).toString(16).padStart(8, '0')}-0000-4000-8000-${r.roleTemplateId.slice(-12)}`,
      displayName: r.displayName,
      roleTemplateId: r.roleTemplateId,
      description: r.displayName,
      memberIds: [],
      eligibleMemberIds: [],
    })),
    provisioningErrors: [],
  };
}
