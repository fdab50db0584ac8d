import { sameValues } from '../model/step.js';
import { adValues, shownAdValues } from './ad-values.js';
import { attrChangeLines } from './detail.js';
import type { StepKindSpec } from './spec.js';
import { adUserMissing, changeText } from './stale-text.js';

/** Change attributes of an AD user (soft-match preparation). */
export const AD_MODIFY: StepKindSpec<'ad.modify'> = {
  fields: { dn: 'string', upn: 'string?', changes: 'attrChanges' },
  action: 'change',
  permissions: {
    calls: ['LDAP modify'],
    graphPermissions: [],
    delegatedPermissions: [],
    entraRoles: [],
    adRights: 'Write mail, proxyAddresses, userPrincipalName, givenName, sn, displayName on the users (and mS-DS-ConsistencyGuid when it is empty)',
  },
  subject: (s) => s.upn ?? s.dn,
  describe: (s) => ({ description: `update the AD user ${s.dn}`, details: attrChangeLines(s.changes.map((c) => ({ name: c.attribute, from: c.from, to: c.to }))) }),
  title: (s) => `update ${s.changes.map((c) => c.attribute).join(', ')} of ${s.upn ?? s.dn} in AD`,
  outcome: (s) => `${s.upn ?? s.dn} was updated in AD (${s.changes.map((c) => c.attribute).join(', ')})`,
  effect: (s) => ({ kind: s.kind, dn: s.dn, upn: s.upn, changes: s.changes.map((c) => ({ attribute: c.attribute, to: c.to })) }),
  staleDetail: (s, now) => {
    const missing = adUserMissing(s.dn, s.upn, now);
    if (missing !== null) return [missing];
    const u = now.adByDn.get(s.dn.toLowerCase());
    if (!u) return [];
    return s.changes
      .filter((c) => !sameValues(adValues(u, c.attribute), c.from))
      .map((c) => changeText('AD', c.attribute, shownAdValues(c.attribute, c.from), shownAdValues(c.attribute, adValues(u, c.attribute))));
  },
  tenantSetting: () => null,
};
