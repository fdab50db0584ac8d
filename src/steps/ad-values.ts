import type { AdUser } from '../model/observed.js';
import type { AttrChange } from '../model/step.js';

const AD_FIELD: Record<AttrChange['attribute'], (u: AdUser) => string[]> = {
  mail: (u) => (u.mail ? [u.mail] : []),
  proxyAddresses: (u) => u.proxyAddresses,
  givenName: (u) => (u.givenName ? [u.givenName] : []),
  sn: (u) => (u.surname ? [u.surname] : []),
  displayName: (u) => (u.displayName ? [u.displayName] : []),
  userPrincipalName: (u) => (u.userPrincipalName ? [u.userPrincipalName] : []),
};

/** Current values of an AD attribute as a list (what `AttrChange.from` / `.to` are compared with). */
export function adValues(u: AdUser, attribute: AttrChange['attribute']): string[] {
  return AD_FIELD[attribute](u);
}

/** An AD attribute's values for display: the list of a multi-valued one, else its single value (or null). */
export function shownAdValues(attribute: AttrChange['attribute'], values: readonly string[]): string | string[] | null {
  if (attribute === 'proxyAddresses') return [...values];
  return values[0] ?? null;
}
