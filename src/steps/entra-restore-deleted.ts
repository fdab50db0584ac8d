import { formatValue } from './detail.js';
import type { StepKindSpec } from './spec.js';

/** Restore a soft-deleted user as a cloud-only user. */
export const RESTORE_DELETED: StepKindSpec<'entra.restoreDeleted'> = {
  fields: { deletedId: 'string', upn: 'string' },
  action: 'add',
  permissions: {
    calls: ['POST /v1.0/directory/deletedItems/{id}/restore'],
    graphPermissions: ['User.ReadWrite.All'],
    delegatedPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator'],
  },
  subject: (s) => s.upn,
  describe: (s) => ({
    description: 'restore the soft-deleted Entra user as a cloud-only user',
    details: [{ kind: 'set', name: 'deletedItem', value: formatValue(s.deletedId) }],
  }),
  title: (s) => `restore ${s.upn} from deleted users`,
  outcome: (s) => `${s.upn} was restored from deleted users`,
  effect: (s) => s,
  // Not deleted and not active either (a restore planned after a wait finds the user still active).
  staleDetail: (s, now) =>
    !now.deletedIds.has(s.deletedId) && !now.entraById.has(s.deletedId) ? [`Entra: ${s.upn} (${s.deletedId}) is neither in deleted users nor active`] : [],
  tenantSetting: () => null,
};
