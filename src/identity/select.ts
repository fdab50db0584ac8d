import type { GroupSelector, UserSelector } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { EntraGroup } from '../model/observed.js';
import { dnComponents, dnIsWithin, dnWithin } from '../model/dn.js';
import { deletedUserUpn } from './join.js';

/** DN helpers re-exported under their older names (a test pins them); new code imports src/model/dn.ts. */
export { dnComponents as dnParts, parentDn } from '../model/dn.js';

/** Entra Connect's OU filter: include and exclude container DNs. */
export interface SyncScope {
  include: readonly string[];
  exclude: readonly string[];
}

/**
 * Whether an AD object at `dn` is in Entra Connect's sync scope. Like the Connect wizard's OU tree,
 * the deepest listed container above the object decides: an include inside an exclude is in scope.
 * With an empty include list the whole naming context is included (limited to `baseDn` when given).
 */
export function inSyncScope(dn: string, scope: SyncScope, baseDn?: string): boolean {
  if (baseDn !== undefined && baseDn !== '' && !dnIsWithin(dn, baseDn)) return false;
  let depth = -1;
  let decision = scope.include.length === 0;
  for (const inc of scope.include) {
    if (dnIsWithin(dn, inc)) {
      const d = dnComponents(inc).length;
      if (d > depth) { depth = d; decision = true; }
    }
  }
  for (const exc of scope.exclude) {
    if (dnIsWithin(dn, exc)) {
      const d = dnComponents(exc).length;
      if (d >= depth) { depth = d; decision = false; }
    }
  }
  return decision;
}

/** Compiles a `*` / `?` glob into a case-insensitive, anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const c of glob) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

/** The UPN selectors compare against: Entra UPN, else AD UPN, else the soft-deleted user's UPN. */
export function selectorUpn(i: Identity): string | null {
  return i.entra?.userPrincipalName ?? i.ad?.userPrincipalName ?? (i.deleted ? deletedUserUpn(i.deleted) : null);
}

/** A selector prepared once for many identities. */
export type IdentityMatcher = (i: Identity) => boolean;

/** `dnIsWithin` (by value, with the text fast path), under the name the selector tests know. */
export const dnWithinByValue = dnIsWithin;

/** Prepares a user selector (docs/contracts.md "Selector semantics") for repeated matching; `exclude` selectors take users out. */
export function compileUserSelector(sel: UserSelector): IdentityMatcher {
  const base = compileSelectorForm(sel);
  const excluded = (sel.exclude ?? []).map(compileUserSelector);
  if (excluded.length === 0) return base;
  return (i) => base(i) && !excluded.some((x) => x(i));
}

function compileSelectorForm(sel: UserSelector): IdentityMatcher {
  switch (sel.kind) {
    case 'upn': {
      const want = sel.upn.toLowerCase();
      return (i) => selectorUpn(i)?.toLowerCase() === want;
    }
    case 'upns': {
      const want = new Set(sel.upns.map((u) => u.toLowerCase()));
      return (i) => {
        const u = selectorUpn(i);
        return u !== null && want.has(u.toLowerCase());
      };
    }
    case 'upnGlob': {
      const re = globToRegExp(sel.glob);
      return (i) => {
        const u = selectorUpn(i);
        return u !== null && re.test(u);
      };
    }
    case 'ou': {
      const inside = dnWithin(sel.dn);
      return (i) => i.ad !== undefined && inside(i.ad.dn);
    }
    case 'samAccountName': {
      const want = sel.name.toLowerCase();
      return (i) => i.ad?.samAccountName.toLowerCase() === want;
    }
    case 'all':
      return () => true;
    default: {
      const never: never = sel;
      throw new Error(`unexpected selector: ${JSON.stringify(never)}`);
    }
  }
}

/** The identities a selector matches, in the given order. */
export function selectIdentities(identities: readonly Identity[], sel: UserSelector): Identity[] {
  const m = compileUserSelector(sel);
  return identities.filter(m);
}

/** The groups a group selector matches (display names compared case-insensitively), in the given order. */
export function selectGroups(groups: readonly EntraGroup[], sel: GroupSelector): EntraGroup[] {
  const matched = selectGroupsByForm(groups, sel);
  if (!sel.exclude || sel.exclude.length === 0) return matched;
  const out = new Set(sel.exclude.flatMap((x) => selectGroups(matched, x)));
  return matched.filter((g) => !out.has(g));
}

function selectGroupsByForm(groups: readonly EntraGroup[], sel: GroupSelector): EntraGroup[] {
  switch (sel.kind) {
    case 'displayName': {
      const want = sel.name.toLowerCase();
      return groups.filter((g) => g.displayName.toLowerCase() === want);
    }
    case 'displayNames': {
      const want = new Set(sel.names.map((n) => n.toLowerCase()));
      return groups.filter((g) => want.has(g.displayName.toLowerCase()));
    }
    case 'all':
      return [...groups];
    default: {
      const never: never = sel;
      throw new Error(`unexpected group selector: ${JSON.stringify(never)}`);
    }
  }
}
