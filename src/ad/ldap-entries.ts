/** LDAP entries of AD users: which attributes are read, the user filter, and entry → AdUser. */
import { AndFilter, EqualityFilter, type Entry, type Filter } from 'ldapts';
import { bytesToGuid } from '../model/anchor.js';
import { DirectoryError } from '../model/directory.js';
import type { AdUser } from '../model/observed.js';

/** The attributes read for every user. Binary ones spelled as the server spells them (ldapts matches case-sensitively). */
export const BINARY_ATTRIBUTES = ['objectGUID', 'mS-DS-ConsistencyGuid'];
export const USER_ATTRIBUTES = [
  'objectGUID',
  'mS-DS-ConsistencyGuid',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'proxyAddresses',
  'givenName',
  'sn',
  'displayName',
  'userAccountControl',
];

/** sAMAccountType SAM_NORMAL_USER_ACCOUNT: user accounts, not computers or trusts (indexed on AD). */
const NORMAL_USER_ACCOUNT = '805306368';
const UF_ACCOUNTDISABLE = 0x2;

/** User accounts, and `extra` when given. */
export function userFilter(extra?: Filter): Filter {
  const isUser = new EqualityFilter({ attribute: 'sAMAccountType', value: NORMAL_USER_ACCOUNT });
  return extra ? new AndFilter({ filters: [isUser, extra] }) : isUser;
}

/** ldapts returns attribute names as the server sent them; look them up case-insensitively. */
function attr(entry: Entry, name: string): Buffer | Buffer[] | string[] | string | undefined {
  if (name in entry) return entry[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(entry)) if (k.toLowerCase() === lower) return entry[k];
  return undefined;
}

/** All values as strings; a single value comes back as a plain string, an absent one as []. */
function strings(entry: Entry, name: string): string[] {
  const v = attr(entry, name);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x));
  return [Buffer.isBuffer(v) ? v.toString('utf8') : v];
}

function single(entry: Entry, name: string): string | null {
  return strings(entry, name)[0] ?? null;
}

function binary(entry: Entry, name: string): Buffer | null {
  const v = attr(entry, name);
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return null;
  const b = Buffer.isBuffer(first) ? first : Buffer.from(first, 'binary');
  return b.length === 0 ? null : b;
}

/** An LDAP entry → AdUser. */
export function toAdUser(entry: Entry): AdUser {
  const guid = binary(entry, 'objectGUID');
  if (!guid || guid.length !== 16) {
    throw new DirectoryError('other', `${entry.dn} has no readable objectGUID (is the bind account allowed to read it?)`, entry.dn);
  }
  const consistency = binary(entry, 'mS-DS-ConsistencyGuid');
  const uac = Number(single(entry, 'userAccountControl') ?? '0');
  return {
    dn: entry.dn,
    objectGuid: bytesToGuid(guid),
    // A consistency guid that is not 16 bytes is not a GUID anchor Connect would use: report it as empty.
    consistencyGuid: consistency && consistency.length === 16 ? bytesToGuid(consistency) : null,
    samAccountName: single(entry, 'sAMAccountName') ?? '',
    userPrincipalName: single(entry, 'userPrincipalName'),
    mail: single(entry, 'mail'),
    proxyAddresses: strings(entry, 'proxyAddresses'),
    givenName: single(entry, 'givenName'),
    surname: single(entry, 'sn'),
    displayName: single(entry, 'displayName'),
    enabled: (uac & UF_ACCOUNTDISABLE) === 0,
  };
}
