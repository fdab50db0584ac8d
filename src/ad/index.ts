export { connectDirectory, LdapDirectory, encodeUnicodePwd, toAdUser, type LdapDirectoryOptions } from './ldap-directory.js';
export { generatePassword } from './password.js';
export { toDirectoryError, type OperationContext } from './errors.js';
export { escapeRdnValue, unescapeRdnValue, splitDn, parseRdn, splitFirstRdn, formatRdn, normalizeDn, isDnWithin } from '../model/dn.js';
