import { CLEARABLE_ON_PREMISES_ATTRIBUTES } from '../model/step.js';
import { formatValue, immutableIdNote } from './detail.js';
import type { DetailLine, StepKindSpec } from './spec.js';
import { changeText, entraUserGone } from './stale-text.js';

/**
 * Clear on-premises attributes of a cloud-only user (beta `PATCH /users/{id}` with null):
 * https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes
 */
export const CLEAR_ON_PREMISES_ATTRIBUTES: StepKindSpec<'entra.clearOnPremisesAttributes'> = {
  fields: { userId: 'string', upn: 'string', attributes: 'clearedAttributes' },
  action: 'change',
  permissions: {
    calls: ['PATCH /beta/users/{id} {"onPremises…":null}'],
    graphPermissions: ['User.ReadWrite.All'],
    delegatedPermissions: ['User.ReadWrite.All'],
    entraRoles: ['User Administrator', 'Hybrid Identity Administrator'],
    note: 'Clearing onPremisesObjectIdentifier also needs User-OnPremisesSyncBehavior.ReadWrite.All. Cloud-only users; onPremisesLastSyncDateTime cannot be cleared.',
  },
  subject: (s) => s.upn,
  describe: (s) => {
    const details: DetailLine[] = [];
    for (const name of CLEARABLE_ON_PREMISES_ATTRIBUTES) {
      const value = s.attributes[name];
      if (value === undefined) continue;
      const line: DetailLine = { kind: 'attr', name, from: formatValue(value), to: 'null' };
      const note = name === 'onPremisesImmutableId' ? immutableIdNote(value) : undefined;
      if (note !== undefined) line.note = note;
      details.push(line);
    }
    const onlyIdentifier = Object.keys(s.attributes).every((a) => a === 'onPremisesObjectIdentifier');
    return {
      description: onlyIdentifier
        ? 'clear onPremisesObjectIdentifier so that the next sync cycle can hard-match the user to another AD object (2026-07-01 hardening)'
        : 'clear the on-premises leftovers (the user is cloud-owned now)',
      details,
    };
  },
  title: (s) => `clear the on-premises attributes of ${s.upn} (${Object.keys(s.attributes).join(', ')})`,
  outcome: (s) => `the on-premises attributes of ${s.upn} were cleared (${Object.keys(s.attributes).join(', ')})`,
  effect: (s) => ({ kind: s.kind, userId: s.userId, upn: s.upn, attributes: Object.keys(s.attributes).sort() }),
  staleDetail: (s, now) => {
    const u = now.entraById.get(s.userId) as unknown as Record<string, unknown> | undefined;
    if (!u) return [entraUserGone(s.upn, s.userId)];
    const parts: string[] = [];
    for (const [attribute, before] of Object.entries(s.attributes)) {
      if (attribute === 'onPremisesLastSyncDateTime') continue; // stamped by every cycle
      const after = u[attribute] ?? null;
      if (after !== (before ?? null)) parts.push(changeText('Entra', attribute, before, after));
    }
    return parts;
  },
  tenantSetting: () => null,
};
