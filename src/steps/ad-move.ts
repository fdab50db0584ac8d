import { firstRdn } from '../model/dn.js';
import type { StepKindSpec, StepOf } from './spec.js';
import { formatValue } from './detail.js';
import { adUserMissing } from './stale-text.js';

/** The DN a moved user has afterwards: its RDN as read, under the target OU. */
export function movedDn(s: StepOf<'ad.move'>): string {
  return `${firstRdn(s.dn)},${s.toOu}`;
}

/** Move an AD user to another OU (into the sync scope for a link, out of it for a removal). */
export const AD_MOVE: StepKindSpec<'ad.move'> = {
  fields: { dn: 'string', toOu: 'string', upn: 'string?' },
  action: 'change',
  permissions: {
    calls: ['LDAP modifyDN'],
    graphPermissions: [],
    delegatedPermissions: [],
    entraRoles: [],
    adRights: 'Delete user objects in the source OU and create user objects in the target OU',
  },
  subject: (s) => s.upn ?? s.dn,
  describe: (s) => ({
    description: `move the AD user to ${s.toOu}`,
    details: [{ kind: 'attr', name: 'distinguishedName', from: formatValue(s.dn), to: formatValue(movedDn(s)) }],
  }),
  title: (s) => `move ${s.upn ?? s.dn} to ${s.toOu}`,
  outcome: (s) => `${s.upn ?? s.dn} was moved to ${s.toOu}`,
  effect: (s) => s,
  staleDetail: (s, now) => {
    const missing = adUserMissing(s.dn, s.upn, now);
    return missing === null ? [] : [missing];
  },
  tenantSetting: () => null,
};
