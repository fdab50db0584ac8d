export { connectDirectory, type LdapDirectoryOptions } from './connect-directory.js';
export { LdapDirectory } from './ldap-directory.js';
export { ensureOu, deleteTree } from './ldap-tree.js';
export { generatePassword } from './password.js';
export { escapeRdnValue, unescapeRdnValue, splitDn, parseRdn, splitFirstRdn, formatRdn, normalizeDn, isDnWithin } from '../model/dn.js';
