import { formatValue, immutableIdNote } from './detail.js';
import type { DetailLine, StepKindSpec } from './spec.js';
import { changeText, entraUserGone } from './stale-text.js';

/** Set (hard link) or clear the immutable id of a cloud user. */
export const SET_IMMUTABLE_ID: StepKindSpec<'entra.setImmutableId'> = {
  fields: { userId: 'string', upn: 'string', from: 'string?', to: 'string?' },
  action: 'change',
  permissions: {
    calls: ['PATCH /v1.0/users/{id} {"onPremisesImmutableId":…} (beta when clearing with null)'],
    graphPermissions: ['User.ReadWrite.All'],
    delegatedPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Hybrid Identity Administrator'],
    note: 'Cloud-managed users only; Graph refuses it for synced users (400 Request_BadRequest).',
  },
  subject: (s) => s.upn,
  describe: (s) => {
    const line: DetailLine = { kind: 'attr', name: 'onPremisesImmutableId', from: formatValue(s.from), to: formatValue(s.to) };
    const note = immutableIdNote(s.to) ?? immutableIdNote(s.from);
    if (note !== undefined) line.note = note;
    return {
      description:
        s.to === null ? 'clear the immutable id (on-premises leftover of a converted user)' : 'set the immutable id so that the next sync cycle hard-matches the AD user',
      details: [line],
    };
  },
  title: (s) => (s.to === null ? `clear the immutable id of ${s.upn}` : `set the immutable id of ${s.upn} to ${s.to}`),
  outcome: (s) => (s.to === null ? `the immutable id of ${s.upn} was cleared` : `${s.upn} was linked to AD by immutable id ${s.to}`),
  effect: (s) => ({ kind: s.kind, userId: s.userId, upn: s.upn, to: s.to }),
  staleDetail: (s, now) => {
    const u = now.entraById.get(s.userId);
    if (!u) return [entraUserGone(s.upn, s.userId)];
    return u.onPremisesImmutableId !== s.from ? [changeText('Entra', 'onPremisesImmutableId', s.from, u.onPremisesImmutableId)] : [];
  },
  tenantSetting: () => null,
};
