/**
 * Entra Connect's domain and OU filtering, as the Connect wizard configures it
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-custom#domain-and-ou-filtering,
 * https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-configure-filtering#organizational-unitbased-filtering):
 * "By default, all domains and organizational units (OUs) are synchronized"; selecting an OU puts
 * its DN in the inclusion list, clearing one below it excludes that subtree. In the wizard's tree a
 * selection applies to the subtree below it until a deeper OU says otherwise, so the deepest listed
 * container above an object decides. An object outside the connected domain is never in scope.
 */
import { dnKeys, keysUnder } from './dn.js';

/** The OU filter: container DNs included and excluded. An empty `include` selects the whole domain. */
export interface OuFilter {
  include: readonly string[];
  exclude: readonly string[];
}

/** The filter of the domain `domainDn`, parsed once: a test for the DN of an AD object. */
export function compileOuFilter(filter: OuFilter, domainDn: string): (dn: string) => boolean {
  const domain = dnKeys(domainDn);
  const include = filter.include.map(dnKeys);
  const exclude = filter.exclude.map(dnKeys);
  return (dn) => {
    const d = dnKeys(dn);
    if (!keysUnder(d, domain)) return false;
    let depth = -1;
    let inScope = include.length === 0;
    for (const c of include) {
      if (keysUnder(d, c) && c.length > depth) {
        depth = c.length;
        inScope = true;
      }
    }
    for (const c of exclude) {
      // an exclusion at the same depth as an inclusion wins: the wizard cannot both select and clear one OU
      if (keysUnder(d, c) && c.length >= depth) {
        depth = c.length;
        inScope = false;
      }
    }
    return inScope;
  };
}

/** True when the AD object at `dn` is in the sync scope of the domain `domainDn`. */
export function inOuScope(dn: string, filter: OuFilter, domainDn: string): boolean {
  return compileOuFilter(filter, domainDn)(dn);
}
