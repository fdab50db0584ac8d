/**
 * Entra Connect's domain and OU filtering, as the Connect wizard configures it
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-custom#domain-and-ou-filtering,
 * https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-configure-filtering#organizational-unitbased-filtering):
 * "By default, all domains and organizational units (OUs) are synchronized"; selecting an OU puts
 * its DN in the inclusion list, clearing one below it excludes that subtree. In the wizard's tree a
 * selection applies to the subtree below it until a deeper OU says otherwise, so the deepest listed
 * container above an object decides. An object outside the connected domain is never in scope.
 */
import { dnDepth, dnUnder } from './dn.js';

/** The OU filter: container DNs included and excluded. An empty `include` selects the whole domain. */
export interface OuFilter {
  include: readonly string[];
  exclude: readonly string[];
}

/** True when the AD object at `dn` is in the sync scope of the domain `domainDn`. */
export function inOuScope(dn: string, filter: OuFilter, domainDn: string): boolean {
  if (!dnUnder(dn, domainDn)) return false;
  let depth = -1;
  let inScope = filter.include.length === 0;
  for (const container of filter.include) {
    if (dnUnder(dn, container) && dnDepth(container) > depth) {
      depth = dnDepth(container);
      inScope = true;
    }
  }
  for (const container of filter.exclude) {
    // an exclusion at the same depth as an inclusion wins: the wizard cannot both select and clear one OU
    if (dnUnder(dn, container) && dnDepth(container) >= depth) {
      depth = dnDepth(container);
      inScope = false;
    }
  }
  return inScope;
}
