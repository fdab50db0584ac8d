import type { OnPremisesUserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import type { AdUser, EntraUser } from '../model/observed.js';
import type { PlanContext } from './context.js';

/** The AD counterpart of a cloud user under a rule. */
export type Counterpart =
  | { kind: 'found'; identity: Identity; ad: AdUser }
  | { kind: 'none' }
  | { kind: 'ambiguous'; identities: Identity[] };

/**
 * Finds the AD user a cloud user links to: the AD user already hard-linked to it, else the one the
 * rule's `counterpart.by` finds (AD UPN = Entra UPN; AD mail = Entra mail; sAMAccountName = UPN
 * local part), else the identity's own soft-match candidate.
 */
export function findCounterpart(ctx: PlanContext, id: Identity, e: EntraUser, rule: OnPremisesUserRule): Counterpart {
  if (id.ad && id.link === 'hard') return { kind: 'found', identity: id, ad: id.ad };
  const list = ctx.counterparts(rule.counterpart.by, e);
  if (list.length === 1) {
    const only = list[0] as Identity;
    return { kind: 'found', identity: only, ad: only.ad as AdUser };
  }
  if (list.length > 1) return { kind: 'ambiguous', identities: list };
  if (id.ad) return { kind: 'found', identity: id, ad: id.ad };
  return { kind: 'none' };
}

/** Human words for how the counterpart was looked for. */
export function counterpartWords(rule: OnPremisesUserRule, e: EntraUser): string {
  switch (rule.counterpart.by) {
    case 'upn':
      return `an AD user with userPrincipalName ${e.userPrincipalName}`;
    case 'mail':
      return `an AD user with mail ${e.mail ?? '(the Entra user has no mail)'}`;
    case 'samAccountName':
      return `an AD user with sAMAccountName ${e.userPrincipalName.split('@')[0] ?? ''}`;
  }
}
