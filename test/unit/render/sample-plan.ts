import type { Plan, PlannedStep } from '../../../src/model/plan.js';

/** A plan with one step of every kind, hazards with and without consent, and diagnostics. */
export function samplePlan(): Plan {
  const steps: PlannedStep[] = [
    {
      id: 's001',
      objectKey: 'tenant',
      action: 'change',
      step: { kind: 'entra.setSyncFeature', feature: 'blockSoftMatch', from: true, to: false },
      dependsOn: [],
      hazardCodes: ['tenant-wide-setting'],
      reason: 'tenant.features.blockSoftMatch (manifest.yaml:6:5): false wanted, true now',
    },
    {
      id: 's002',
      objectKey: 'tenant',
      action: 'change',
      step: { kind: 'entra.setDeletionThreshold', from: null, to: 500 },
      dependsOn: [],
      hazardCodes: [],
      reason: 'tenant.accidentalDeletionThreshold (manifest.yaml:9:3)',
    },
    {
      id: 's003',
      objectKey: 'user/alice@contoso.com',
      action: 'change',
      step: { kind: 'entra.setCloudManaged', userId: '11111111-1111-4111-8111-111111111111', upn: 'alice@contoso.com', to: true },
      dependsOn: [],
      hazardCodes: [],
      reason: 'rule sales-to-cloud (manifest.yaml:14:5): synced user → cloud',
    },
    {
      id: 's004',
      objectKey: 'user/alice@contoso.com',
      action: 'change',
      step: {
        kind: 'entra.clearOnPremisesAttributes',
        userId: '11111111-1111-4111-8111-111111111111',
        upn: 'alice@contoso.com',
        attributes: {
          onPremisesImmutableId: 'yYuRNW0Z6kCXeYidebdT8A==',
          onPremisesDistinguishedName: 'CN=Alice Ng,OU=Sales,OU=Staff,DC=contoso,DC=com',
          onPremisesSamAccountName: 'alice',
        },
      },
      dependsOn: ['s003'],
      hazardCodes: [],
      reason: 'rule sales-to-cloud (manifest.yaml:14:5): clear.immutableId, clear.otherOnPremisesAttributes',
    },
    {
      id: 's005',
      objectKey: 'user/bob@contoso.com',
      action: 'change',
      step: { kind: 'ad.move', dn: 'CN=Bob Stone,OU=Finance,OU=Staff,DC=contoso,DC=com', toOu: 'OU=Unsynced,DC=contoso,DC=com', upn: 'bob@contoso.com' },
      dependsOn: [],
      hazardCodes: ['user-disruption'],
      reason: 'rule finance-legacy (manifest.yaml:20:5): scope removal',
    },
    {
      id: 's006',
      objectKey: 'user/bob@contoso.com',
      action: 'wait',
      step: {
        kind: 'sync.await',
        until: { kind: 'userSoftDeleted', userId: '22222222-2222-4222-8222-222222222222', upn: 'bob@contoso.com' },
        timeoutS: 7200,
      },
      dependsOn: ['s005'],
      hazardCodes: ['waits-for-sync'],
      reason: 'rule finance-legacy (manifest.yaml:20:5): Entra Connect deletes users that leave the scope',
    },
    {
      id: 's007',
      objectKey: 'user/bob@contoso.com',
      action: 'add',
      step: { kind: 'entra.restoreDeleted', deletedId: '22222222-2222-4222-8222-222222222222', upn: 'bob@contoso.com' },
      dependsOn: ['s006'],
      hazardCodes: ['user-disruption'],
      reason: 'rule finance-legacy (manifest.yaml:20:5): restore as cloud-only',
    },
    {
      id: 's008',
      objectKey: 'user/bob@contoso.com',
      action: 'change',
      step: { kind: 'entra.resetPassword', userId: '22222222-2222-4222-8222-222222222222', upn: 'bob@contoso.com', forceChangeAtNextSignIn: true },
      dependsOn: ['s007'],
      hazardCodes: ['password-reset'],
      reason: 'rule finance-legacy (manifest.yaml:20:5): password hash no longer synced',
    },
    {
      id: 's009',
      objectKey: 'user/carol@contoso.com',
      action: 'change',
      step: {
        kind: 'ad.modify',
        dn: 'CN=Carol Diaz,OU=IT,OU=Staff,DC=contoso,DC=com',
        upn: 'carol@contoso.com',
        changes: [
          { attribute: 'mail', from: ['carol.d@contoso.com'], to: ['carol@contoso.com'] },
          { attribute: 'proxyAddresses', from: ['SMTP:carol.d@contoso.com', 'smtp:cd@contoso.com'], to: ['SMTP:carol@contoso.com', 'smtp:cd@contoso.com'] },
        ],
      },
      dependsOn: [],
      hazardCodes: [],
      reason: 'rule link-it (manifest.yaml:30:5): soft link, match the cloud user',
    },
    {
      id: 's010',
      objectKey: 'user/dan@contractors.contoso.com',
      action: 'add',
      step: {
        kind: 'ad.createUser',
        ou: 'OU=Contractors,OU=Staff,DC=contoso,DC=com',
        dn: 'CN=Dan Wu,OU=Contractors,OU=Staff,DC=contoso,DC=com',
        user: {
          cn: 'Dan Wu',
          samAccountName: 'dwu',
          userPrincipalName: 'dan@contractors.contoso.com',
          mail: 'dan@contractors.contoso.com',
          proxyAddresses: ['SMTP:dan@contractors.contoso.com'],
          givenName: 'Dan',
          surname: 'Wu',
          displayName: null,
          mustChangePassword: false,
        },
      },
      dependsOn: [],
      hazardCodes: [],
      reason: 'rule link-contractors (manifest.yaml:36:5): createIn',
    },
    {
      id: 's011',
      objectKey: 'user/erin@contoso.com',
      action: 'change',
      step: { kind: 'entra.setImmutableId', userId: '33333333-3333-4333-8333-333333333333', upn: 'erin@contoso.com', from: null, to: 'yYuRNW0Z6kCXeYidebdT8A==' },
      dependsOn: [],
      hazardCodes: ['hard-match-blocked'],
      reason: 'rule link-erin (manifest.yaml:40:5): hard link',
    },
    {
      id: 's012',
      objectKey: 'user/erin@contoso.com',
      action: 'wait',
      step: {
        kind: 'sync.await',
        until: { kind: 'userSynced', userId: '33333333-3333-4333-8333-333333333333', upn: 'erin@contoso.com', immutableId: 'yYuRNW0Z6kCXeYidebdT8A==' },
        timeoutS: 5400,
      },
      dependsOn: ['s011'],
      hazardCodes: ['waits-for-sync'],
      reason: 'rule link-erin (manifest.yaml:40:5): next cycle hard-matches',
    },
    {
      id: 's013',
      objectKey: 'group/44444444-4444-4444-8444-444444444444',
      action: 'change',
      step: { kind: 'entra.setGroupCloudManaged', groupId: '44444444-4444-4444-8444-444444444444', displayName: 'Sales Team', to: true },
      dependsOn: [],
      hazardCodes: [],
      reason: 'rule convert-groups (manifest.yaml:44:5)',
    },
    {
      id: 's014',
      objectKey: 'tenant',
      action: 'change',
      step: { kind: 'entra.setTenantSync', tenantId: '6f1c2d9e-0000-4000-8000-000000000001', enabled: false },
      dependsOn: [],
      hazardCodes: ['irreversible-tenant-disable'],
      reason: 'tenant.directorySync (manifest.yaml:5:3): disabled',
    },
    {
      id: 's015',
      objectKey: 'tenant',
      action: 'wait',
      step: { kind: 'sync.await', until: { kind: 'tenantSyncDisabled', tenantId: '6f1c2d9e-0000-4000-8000-000000000001' }, timeoutS: 259200 },
      dependsOn: ['s014'],
      hazardCodes: [],
      reason: 'tenant.directorySync (manifest.yaml:5:3)',
    },
  ];
  return {
    kind: 'entra-soa/plan',
    formatVersion: 1,
    tool: { name: 'entra-soa', version: '0.1.0' },
    createdAt: '2026-03-01T09:00:00.000Z',
    join: { sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: false },
    manifest: { file: 'manifest.yaml', digest: 'ab'.repeat(32) },
    consentGiven: { disruptive: false, irreversible: true, exceedDeletionThreshold: false },
    source: 'snapshot state.json (captured 2026-03-01T08:55:00.000Z from lab)',
    fingerprints: { 'user/bob@contoso.com': 'b'.repeat(64), 'user/alice@contoso.com': 'a'.repeat(64), tenant: 'c'.repeat(64) },
    steps,
    hazards: [
      {
        code: 'user-disruption',
        severity: 'danger',
        message: 'bob@contoso.com is deleted in Entra ID until restored: mail, Teams and sign-in stop for up to an hour.',
        stepIds: ['s005', 's007'],
        objectKeys: ['user/bob@contoso.com'],
        blocking: false,
        consent: 'disruptive',
      },
      {
        code: 'hard-match-blocked',
        severity: 'danger',
        message: 'blockCloudObjectTakeoverThroughHardMatch is on: the hard match of erin@contoso.com fails with InvalidHardMatch.',
        stepIds: ['s011'],
        objectKeys: ['user/erin@contoso.com'],
        blocking: true,
      },
      {
        code: 'waits-for-sync',
        severity: 'info',
        message: 'Two steps wait for the next Entra Connect sync cycle (default every 30 min).',
        stepIds: ['s006', 's012'],
        objectKeys: ['user/bob@contoso.com', 'user/erin@contoso.com'],
        blocking: false,
      },
    ],
    diagnostics: [
      {
        severity: 'warning',
        code: 'rule-overlap',
        message: 'rules a and b both select alice@contoso.com with the same intent; rule a wins',
        location: { file: 'manifest.yaml', line: 14, col: 5 },
        related: [{ file: 'manifest.yaml', line: 22, col: 5 }],
        objectKey: 'user/alice@contoso.com',
      },
    ],
    applyable: false,
    summary: { add: 2, change: 10, remove: 0, wait: 3 },
  };
}

/** A plan with no steps. */
export function emptyPlan(): Plan {
  return { ...samplePlan(), steps: [], hazards: [], diagnostics: [], applyable: true, fingerprints: {}, summary: { add: 0, change: 0, remove: 0, wait: 0 } };
}

/** A plan with `n` users that each get a SOA switch. */
export function bigPlan(n: number): Plan {
  const steps: PlannedStep[] = [];
  for (let i = 0; i < n; i++) {
    const upn = `user${String(i).padStart(5, '0')}@contoso.com`;
    steps.push({
      id: `s${String(i + 1).padStart(5, '0')}`,
      objectKey: `user/${upn}`,
      action: 'change',
      step: { kind: 'entra.setCloudManaged', userId: `id-${i}`, upn, to: true },
      dependsOn: [],
      hazardCodes: [],
      reason: 'rule all-to-cloud (manifest.yaml:10:5): synced user → cloud',
    });
  }
  return {
    ...emptyPlan(),
    steps,
    hazards: [
      {
        code: 'tenant-wide-setting',
        severity: 'warning',
        message: 'A | pipe and *stars* in a hazard message.',
        stepIds: [],
        objectKeys: steps.map((s) => s.objectKey),
        blocking: false,
      },
    ],
    summary: { add: 0, change: n, remove: 0, wait: 0 },
  };
}
