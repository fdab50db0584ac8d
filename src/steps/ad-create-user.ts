import { formatValue } from './detail.js';
import type { DetailLine, StepKindSpec } from './spec.js';

/**
 * Create an AD user for a soft link, at the DN the planner derived once and stored in the step
 * (`dn`, escaped as AD is sent it): the plan shows it, apply creates the user there and names it.
 */
export const AD_CREATE_USER: StepKindSpec<'ad.createUser'> = {
  fields: { ou: 'string', dn: 'string', user: 'newAdUser' },
  action: 'add',
  permissions: {
    calls: ['LDAP add', 'LDAP modify unicodePwd (LDAPS)'],
    graphPermissions: [],
    delegatedPermissions: [],
    entraRoles: [],
    adRights: 'Create user objects and reset passwords in the target OU',
  },
  subject: (s) => s.user.userPrincipalName,
  describe: (s) => {
    const u = s.user;
    const details: DetailLine[] = [
      { kind: 'set', name: 'distinguishedName', value: formatValue(s.dn) },
      { kind: 'set', name: 'sAMAccountName', value: formatValue(u.samAccountName) },
      { kind: 'set', name: 'userPrincipalName', value: formatValue(u.userPrincipalName) },
    ];
    if (u.mail !== null) details.push({ kind: 'set', name: 'mail', value: formatValue(u.mail) });
    if (u.givenName !== null) details.push({ kind: 'set', name: 'givenName', value: formatValue(u.givenName) });
    if (u.surname !== null) details.push({ kind: 'set', name: 'sn', value: formatValue(u.surname) });
    if (u.displayName !== null) details.push({ kind: 'set', name: 'displayName', value: formatValue(u.displayName) });
    if (u.proxyAddresses.length > 0) {
      details.push({ kind: 'list', name: 'proxyAddresses', entries: u.proxyAddresses.map((value) => ({ op: '+' as const, value })) });
    }
    details.push({ kind: 'note', text: 'password generated at apply time and written only to a 0600 file' });
    if (u.mustChangePassword === true) details.push({ kind: 'note', text: 'must change the password at next logon (pwdLastSet 0)' });
    return { description: `create the AD user in ${s.ou} (so that the next sync cycle soft-matches it)`, details };
  },
  title: (s) => `create ${s.user.userPrincipalName} in ${s.ou}`,
  outcome: (s, f) => `${s.user.userPrincipalName} was created as ${s.dn}; its password is the newest line for it in ${f.secretsFile ?? 'the secrets file'}`,
  effect: (s) => s,
  staleDetail: () => [],
  tenantSetting: () => null,
};
