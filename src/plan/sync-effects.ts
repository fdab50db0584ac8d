import type { AdUser, EntraUser } from '../model/observed.js';
import type { HazardDraft, PlanContext } from './context.js';
import type { SyncAttributeEffect, SyncEffects } from '../model/plan.js';
import { firstRdn } from '../model/dn.js';
import { sameValues, type AttrChange, type NewAdUser } from '../model/step.js';

/** The values of an AD user that flow to the cloud user on a match (after this plan's own AD writes). */
export interface AdValues {
  dn: string;
  userPrincipalName: string | null;
  enabled: boolean;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  proxyAddresses: string[];
}

/**
 * An AD user's values once the plan's own writes are made: `changes` (its ad.modify) and `movedTo`
 * (the OU its ad.move puts it in, so `dn` is where the user is when the cycle matches it).
 */
export function adValuesOf(ad: AdUser, changes: readonly AttrChange[] = [], movedTo?: string): AdValues {
  const v: AdValues = {
    dn: movedTo === undefined ? ad.dn : `${firstRdn(ad.dn)},${movedTo}`,
    userPrincipalName: ad.userPrincipalName,
    enabled: ad.enabled,
    displayName: ad.displayName,
    givenName: ad.givenName,
    surname: ad.surname,
    mail: ad.mail,
    proxyAddresses: [...ad.proxyAddresses],
  };
  for (const c of changes) {
    const single = c.to[0] ?? null;
    switch (c.attribute) {
      case 'mail':
        v.mail = single;
        break;
      case 'proxyAddresses':
        v.proxyAddresses = [...c.to];
        break;
      case 'givenName':
        v.givenName = single;
        break;
      case 'sn':
        v.surname = single;
        break;
      case 'displayName':
        v.displayName = single;
        break;
      case 'userPrincipalName':
        v.userPrincipalName = single;
        break;
    }
  }
  return v;
}

/** The values of an AD user this plan creates (created enabled). */
export function newUserValues(dn: string, u: NewAdUser): AdValues {
  return {
    dn,
    userPrincipalName: u.userPrincipalName,
    enabled: true,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    mail: u.mail,
    proxyAddresses: [...u.proxyAddresses],
  };
}

const present = (v: string | null): v is string => v !== null && v !== '';
const asList = (v: string | null): string[] => (present(v) ? [v] : []);

/**
 * The cloud attributes a match changes. Microsoft: "All attributes in Microsoft Entra ID with a value in
 * on-premises AD are overwritten with the respective on-premises value"
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-existing-tenant), so
 * an AD attribute without a value changes nothing. proxyAddresses compare as a set.
 */
export function syncAttributeEffects(e: EntraUser, v: AdValues): SyncAttributeEffect[] {
  const out: SyncAttributeEffect[] = [];
  const single = (attribute: SyncAttributeEffect['attribute'], from: string | null, to: string | null): void => {
    if (present(to) && from !== to) out.push({ attribute, from: asList(from), to: [to] });
  };
  single('userPrincipalName', e.userPrincipalName, v.userPrincipalName);
  if (e.accountEnabled !== v.enabled) out.push({ attribute: 'accountEnabled', from: [String(e.accountEnabled)], to: [String(v.enabled)] });
  single('displayName', e.displayName, v.displayName);
  single('givenName', e.givenName, v.givenName);
  single('surname', e.surname, v.surname);
  single('mail', e.mail, v.mail);
  if (v.proxyAddresses.length > 0 && !sameValues(e.proxyAddresses, v.proxyAddresses)) {
    out.push({ attribute: 'proxyAddresses', from: [...e.proxyAddresses], to: [...v.proxyAddresses] });
  }
  return out;
}

/**
 * Records on the wait `waitId` what the sync engine does to `e` when the match happens, and the hazards
 * that follow: `sign-in-name-change`, `account-disabled` (consent `disruptive`: the person is locked
 * out), `password-replaced` (with password hash sync the AD password replaces the cloud one; consent
 * `disruptive` when the AD user is one this plan creates, whose generated password nobody knows) and
 * `password-sync-unknown` (whether password hash sync is on is neither read nor stated).
 */
export function planSyncEffects(
  ctx: PlanContext,
  waitId: string,
  e: EntraUser,
  v: AdValues,
  match: SyncEffects['match'],
  opts: { created: boolean; keys: readonly string[] },
): void {
  const phs = ctx.tenant.passwordSync;
  const effects: SyncEffects = {
    match,
    source: v.dn,
    changes: syncAttributeEffects(e, v),
    password: phs === null ? 'unknown' : phs ? 'replaced' : 'unchanged',
  };
  const step = ctx.step(waitId);
  if (step) step.syncEffects = effects;
  const upn = e.userPrincipalName;
  const keys = [...opts.keys];
  const hazards: HazardDraft[] = [];
  if (present(v.userPrincipalName) && v.userPrincipalName.toLowerCase() !== upn.toLowerCase()) {
    hazards.push({
      code: 'sign-in-name-change',
      severity: 'warning',
      message: `after the match ${upn} signs in as ${v.userPrincipalName} (the userPrincipalName of ${v.dn}): tell the user, or make the AD userPrincipalName ${upn} first`,
      objectKeys: keys,
      blocking: false,
    });
  }
  if (e.accountEnabled && !v.enabled) {
    hazards.push({
      code: 'account-disabled',
      severity: 'danger',
      message: `the AD account ${v.dn} is disabled, so after the match Entra Connect disables ${upn} (accountEnabled false) and the person cannot sign in: enable the AD account first, or allow with allow.disruptive or --allow-disruptive`,
      objectKeys: keys,
      blocking: false,
      consent: 'disruptive',
    });
  }
  if (phs === true) {
    hazards.push(
      opts.created
        ? {
            code: 'password-replaced',
            severity: 'danger',
            message: `password hash sync is on: after the match the password of ${upn} is replaced by the generated password of the AD user this plan creates (${v.dn}), so the person cannot sign in until given it from the secrets file; allow with allow.disruptive or --allow-disruptive`,
            objectKeys: keys,
            blocking: false,
            consent: 'disruptive',
          }
        : {
            code: 'password-replaced',
            severity: 'warning',
            message: `password hash sync is on: after the match ${upn} signs in with the password of the AD account ${v.dn}, not the current cloud password; tell the user`,
            objectKeys: keys,
            blocking: false,
          },
    );
  }
  if (phs === null) {
    const draft: HazardDraft = {
      code: 'password-sync-unknown',
      severity: 'warning',
      message:
        `whether password hash sync is on could not be read (it needs a Global Administrator's delegated sign-in) and the manifest does not state it, ` +
        `so the plan cannot say whether the match replaces the password of ${upn} with the one of ${v.dn}${opts.created ? ' (a generated password nobody knows: the person would be locked out)' : ''}: ` +
        `sign in with --auth device-code or --auth interactive as a Global Administrator, or state tenant.passwordHashSync in the manifest`,
      objectKeys: keys,
      blocking: false,
    };
    if (opts.created) draft.consent = 'disruptive';
    hazards.push(draft);
  }
  ctx.addHazards(hazards, [waitId]);
}
