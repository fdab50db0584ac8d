import { immutableIdProblem } from '../model/anchor.js';
import type { OnPremisesUserRule } from '../model/desired.js';
import type { Identity } from '../model/identity.js';
import { dnKey, escapeRdnValuePairs, firstRdn, parentDn, parseRdn } from '../model/dn.js';
import type { AdUser, EntraUser } from '../model/observed.js';
import type { AttrChange, NewAdUser, Step } from '../model/step.js';
import { anchorOf } from '../identity/join.js';
import { holdsAdminRole, roleNames, ruleReason, entraPrimary, type HazardDraft, type PlanContext } from './context.js';
import { isSyncedUser } from '../identity/join.js';
import { counterpartWords, findCounterpart } from './counterpart.js';
import { checkHardMatch } from './hard-match.js';
import { planLinkSequence, planMatchWait } from './link-sequence.js';
import { adInScope, deletedAnchorHolder, scopeMoveFor, tenantSyncForLinks } from './scope.js';
import { sameValues } from '../model/step.js';
import { adValuesOf, newUserValues, planSyncEffects } from './sync-effects.js';

/** Characters AD does not allow in sAMAccountName (plus whitespace), replaced by `-`. */
const SAM_BAD = /["/\\[\]:;|=,+*?<>@\s]/g;

/** sAMAccountName for a created user: the UPN local part, cleaned, at most 20 characters. */
function samFromUpn(upn: string): string {
  const local = (upn.split('@')[0] ?? upn).replace(SAM_BAD, '-').replace(/\.+$/, '');
  return local.slice(0, 20);
}

/** AD's limit on the length of a CN (rangeUpper of the `cn` attribute). */
const CN_MAX = 64;

/** The RDN value (unescaped, lower case) of a DN's first RDN; the text as written when it does not parse. */
function cnValueKey(dn: string): string {
  try {
    return parseRdn(firstRdn(dn)).value.toLowerCase();
  } catch {
    return firstRdn(dn).toLowerCase();
  }
}

/**
 * The CN of a user the plan creates: the cloud user's display name (as the seeds' soft-match script
 * did), else the UPN local part; control characters removed, at most 64 characters. When the OU
 * already holds a user with that CN (or the plan creates one), ` (2)`, ` (3)`, … is appended: a CN
 * must be unique among the children of its container. Only users are read, so a group or contact with
 * the same CN in that OU is not seen (unconfirmed: the create then fails with "already exists").
 */
function uniqueCn(ctx: PlanContext, e: EntraUser, ou: string): string {
  const raw = [...(e.displayName ?? '')].filter((c) => c >= ' ' && c !== '\u007f').join('').trim();
  const base = raw !== '' ? raw : (e.userPrincipalName.split('@')[0] ?? e.userPrincipalName);
  const taken = cnsIn(ctx).get(dnKey(ou)) ?? new Set<string>();
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    const cn = `${base.slice(0, CN_MAX - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(cn.toLowerCase())) return cn;
  }
}

/**
 * Per plan, OU (dnKey) → the CNs (by value, lower case) of its users: those read, built once, and those
 * the plan creates (`reserveCn`). One pass over the identities instead of one per created user.
 */
const cnIndexes = new WeakMap<PlanContext, Map<string, Set<string>>>();

function cnsIn(ctx: PlanContext): Map<string, Set<string>> {
  let index = cnIndexes.get(ctx);
  if (index === undefined) {
    index = new Map();
    cnIndexes.set(ctx, index);
    for (const i of ctx.join.identities) if (i.ad) addCn(index, i.ad.dn);
  }
  return index;
}

function addCn(index: Map<string, Set<string>>, dn: string): void {
  const ou = dnKey(parentDn(dn));
  const cns = index.get(ou);
  if (cns) cns.add(cnValueKey(dn));
  else index.set(ou, new Set([cnValueKey(dn)]));
}

/** Records the DN of a user the plan creates, so that later created CNs in its OU stay unique. */
function reserveCn(ctx: PlanContext, dn: string): void {
  addCn(cnsIn(ctx), dn);
}

/** The DN of a user the plan creates: derived once here and stored in the step; apply uses it verbatim. */
export function createdUserDn(cn: string, ou: string): string {
  return `CN=${escapeRdnValuePairs(cn)},${ou}`;
}

const cmpCi = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The proxyAddresses the AD user needs so that its primary SMTP equals `primary`: the Entra user's
 * addresses and the AD user's own, the old primary demoted to `smtp:`, primary first, the rest sorted.
 */
function targetProxyAddresses(adList: readonly string[], entraList: readonly string[], primary: string): string[] {
  const seen = new Map<string, string>();
  const add = (addr: string): void => {
    const k = addr.toLowerCase();
    if (!seen.has(k)) seen.set(k, addr);
  };
  const p = primary.toLowerCase();
  for (const x of [...entraList, ...adList]) {
    const m = /^smtp:(.*)$/i.exec(x);
    if (m) {
      const addr = m[1] as string;
      if (addr.toLowerCase() !== p) add(`smtp:${addr}`);
    } else add(x);
  }
  const rest = [...seen.values()].filter((x) => x.toLowerCase() !== `smtp:${p}`).sort(cmpCi);
  const entraPrimaryOriginal = entraList.find((x) => x.startsWith('SMTP:'))?.slice(5) ?? primary;
  return [`SMTP:${entraPrimaryOriginal}`, ...rest];
}

/** The attribute changes that make the AD user soft-match the Entra user (only what differs). */
function softMatchChanges(ad: AdUser, e: EntraUser): AttrChange[] {
  const changes: AttrChange[] = [];
  const single = (attribute: AttrChange['attribute'], from: string | null, to: string | null): void => {
    if (to === null) return; // Entra has no value: keep AD's (it overwrites the cloud value after the match anyway)
    if (from !== to) changes.push({ attribute, from: from === null ? [] : [from], to: [to] });
  };
  const primary = entraPrimary(e);
  single('mail', ad.mail, e.mail);
  if (primary) {
    const to = targetProxyAddresses(ad.proxyAddresses, e.proxyAddresses, primary);
    if (!sameValues(ad.proxyAddresses, to)) changes.push({ attribute: 'proxyAddresses', from: [...ad.proxyAddresses], to });
  }
  single('givenName', ad.givenName, e.givenName);
  single('sn', ad.surname, e.surname);
  single('displayName', ad.displayName, e.displayName);
  single('userPrincipalName', ad.userPrincipalName, e.userPrincipalName);
  return changes;
}

/**
 * Cloud-only user → AD by soft link (docs/planning.md, `link: soft`): make the AD counterpart's mail,
 * proxyAddresses (primary SMTP = Entra's), names and UPN equal the Entra user's, or create it in
 * `createIn`; bring it into scope; wait for the match.
 *
 * With `setImmutableId` (the seeds' `-UpdateImmutableID`) the cloud user also gets the AD user's anchor
 * as immutable id, so the cycle matches by anchor: the hard-match rules apply instead of the soft-match
 * ones. Users the rule creates have no anchor before they exist: they are soft-matched.
 *
 * Order: the move or creation that brings the AD user into scope depends on the AD
 * preparation, the cloud-side writes and the feature steps having succeeded.
 */
export function planSoftLink(ctx: PlanContext, id: Identity, rule: OnPremisesUserRule): void {
  const e = id.entra;
  if (!e || isSyncedUser(e)) return;
  const cp = findCounterpart(ctx, id, e, rule);
  const blockers: HazardDraft[] = [];
  const keys = new Set<string>([id.key]);
  const block = (code: HazardDraft['code'], message: string): void => {
    blockers.push({ code, severity: 'danger', message, objectKeys: [...keys], blocking: true });
  };
  if (cp.kind === 'ambiguous') {
    for (const i of cp.identities) keys.add(i.key);
    block('collision', `${cp.identities.length} AD users match ${e.userPrincipalName} (${cp.identities.map((i) => i.ad?.dn ?? i.key).join('; ')}): make the counterpart unique or use another counterpart.by`);
    ctx.addHazards(blockers, []);
    return;
  }
  if (cp.kind === 'none' && rule.createIn === undefined) {
    block('missing-object', `no AD counterpart for ${e.userPrincipalName}: found no ${counterpartWords(rule, e)}; create it, or set createIn in rule ${rule.name} to have entra-soa create it`);
    ctx.addHazards(blockers, []);
    return;
  }
  if (cp.kind === 'found') keys.add(cp.identity.key);
  const ad = cp.kind === 'found' ? cp.ad : null;
  const anchor = ad ? anchorOf(ad, ctx.desired.activeDirectory.sourceAnchor) : null;
  const primary = entraPrimary(e);
  // A hard match by anchor when the rule sets the immutable id of an existing AD user; a soft match otherwise.
  const byAnchor = rule.setImmutableId && ad !== null && anchor !== null;
  let remapFrom: string | null = null;
  /** The warning when the SMTP soft match depends on a mailbox nobody could read (else null). */
  let mailboxUnknown: string | null = null;

  if (byAnchor) {
    const problem = immutableIdProblem(anchor);
    if (problem) block('unsupported', `the anchor ${anchor} of ${ad.dn} ${problem}`);
    const others = (ctx.entraByImmutable.get(anchor) ?? []).filter((o) => o.id !== e.id);
    if (others.length > 0) {
      block('collision', `the anchor ${anchor} of ${ad.dn} is already the immutable id of ${others.map((o) => o.userPrincipalName).sort().join(', ')}: Entra ID refuses a second user with it; unlink that user first`);
    }
    const guard = checkHardMatch(ctx, e, ad, `linking it to ${ad.dn}`);
    for (const r of guard.refusals) block(r.code, r.message);
    remapFrom = guard.remapFrom;
    if (ctx.tenant.effective.blockCloudObjectTakeoverThroughHardMatch) {
      block(
        'hard-match-blocked',
        `blockCloudObjectTakeoverThroughHardMatch is on, so linking ${e.userPrincipalName} to ${ad.dn} by its anchor (setImmutableId) fails with InvalidHardMatch: set tenant.features.blockCloudObjectTakeoverThroughHardMatch: false in the manifest (a tenant-wide change) or leave setImmutableId out`,
      );
    }
  } else {
    if (holdsAdminRole(e)) {
      block('privileged-role', `${e.userPrincipalName} holds ${roleNames(e)}; Entra Connect never soft-matches cloud users that hold an admin role: remove the role first or use link: hard`);
    }
    if (ctx.tenant.effective.blockSoftMatch) {
      block(
        'soft-match-blocked',
        `blockSoftMatch is on, so Entra Connect will not soft-match ${e.userPrincipalName}: set tenant.features.blockSoftMatch: false in the manifest (a tenant-wide change) or use link: hard`,
      );
    }
    if (e.onPremisesImmutableId !== null && e.onPremisesImmutableId !== anchor) {
      // With duplicate attribute resiliency (always on) the miss is no InvalidSoftMatch error but a second
      // cloud user whose shared UPN and address are quarantined
      // (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-sync-errors#invalidsoftmatch).
      block(
        'soft-match-has-immutable-id',
        `${e.userPrincipalName} already has the immutable id ${e.onPremisesImmutableId}, so Entra Connect does not soft-match it: the AD user would be provisioned as a second cloud user, its shared UPN and address quarantined (duplicate attribute resiliency). Clear it first (a cloud rule with clear.immutableId), set setImmutableId in rule ${rule.name}, or use link: hard`,
      );
    }
    // Matching on the primary SMTP address needs an Exchange Online mailbox with that address
    // (https://support.microsoft.com/kb/2641663); without one only the UPN can match, with softMatchOnUpn.
    if (primary !== null && e.exchangeMailbox !== true && !ctx.tenant.effective.softMatchOnUpn) {
      const upnOff = ctx.tenant.unknownFeatures.has('softMatchOnUpn') ? 'softMatchOnUpn is not known to be on' : 'softMatchOnUpn is off';
      const miss = `the AD user would be provisioned as a second cloud user, its shared UPN and address quarantined`;
      if (e.exchangeMailbox === false) {
        block(
          'soft-match-no-mailbox',
          `${e.userPrincipalName} has no Exchange Online mailbox, so Entra Connect does not soft-match it on its address ${primary}, and ${upnOff}: ${miss}. Set tenant.features.softMatchOnUpn: true (a tenant-wide change) or use link: hard`,
        );
      } else {
        mailboxUnknown = `whether ${e.userPrincipalName} has an Exchange Online mailbox could not be read; without one Entra Connect does not soft-match it on its address ${primary}, and ${upnOff}: ${miss}. Check the mailbox, or set tenant.features.softMatchOnUpn: true`;
      }
    }
    if (primary === null && !ctx.tenant.effective.softMatchOnUpn) {
      const unknown = ctx.tenant.unknownFeatures.has('softMatchOnUpn') ? ' (or could not be read: state tenant.features.softMatchOnUpn in the manifest)' : '';
      block(
        'soft-match-upn-disabled',
        `${e.userPrincipalName} has no primary SMTP address, so only its UPN could match, and softMatchOnUpn is off${unknown}: set tenant.features.softMatchOnUpn: true or give the user a mail address`,
      );
    }
  }
  if (ad && cp.kind === 'found' && cp.identity.entra && cp.identity.entra.id !== e.id && cp.identity.link === 'hard') {
    block('collision', `the AD user ${ad.dn} is already linked to ${cp.identity.entra.userPrincipalName}: it cannot also take over ${e.userPrincipalName}`);
  }
  if (primary) {
    const holders = ctx.adHoldingAddress(primary).filter((i) => !ad || i.ad?.objectGuid !== ad.objectGuid);
    if (holders.length > 0) {
      for (const h of holders) keys.add(h.key);
      block('collision', `the address ${primary} of ${e.userPrincipalName} is already used by AD user ${holders.map((h) => h.ad?.dn ?? h.key).join('; ')}: remove it there first, or Entra Connect reports a duplicate`);
    }
  }
  const upnHolders = ctx.counterparts('upn', e).filter((i) => !ad || i.ad?.objectGuid !== ad.objectGuid);
  if (upnHolders.length > 0) {
    for (const h of upnHolders) keys.add(h.key);
    block('collision', `the UPN ${e.userPrincipalName} is already used by AD user ${upnHolders.map((h) => h.ad?.dn ?? h.key).join('; ')}: rename that user first`);
  }
  const sync = tenantSyncForLinks(ctx);
  if (!sync.ok) block('unsupported', sync.message);

  let newUser: NewAdUser | null = null;
  let newDn = '';
  let move: ReturnType<typeof scopeMoveFor> = { kind: 'in-scope' };
  if (ad && cp.kind === 'found') {
    const ghost = deletedAnchorHolder(ctx, cp.identity, e.id);
    if (ghost) block('collision', ghost);
    move = scopeMoveFor(ctx, ad);
    if (move.kind === 'no-target') block('missing-object', move.message);
  } else if (rule.createIn !== undefined) {
    const ou = rule.createIn;
    const cn = uniqueCn(ctx, e, ou);
    newDn = createdUserDn(cn, ou);
    newUser = {
      cn,
      samAccountName: samFromUpn(e.userPrincipalName),
      userPrincipalName: e.userPrincipalName,
      mail: e.mail,
      proxyAddresses: primary ? targetProxyAddresses([], e.proxyAddresses, primary) : [],
      givenName: e.givenName,
      surname: e.surname,
      displayName: e.displayName,
      mustChangePassword: rule.requirePasswordChange,
    };
    if (!ctx.ouExists(ou)) block('missing-object', `the OU ${ou} (createIn of rule ${rule.name}) does not exist in AD: create it or fix createIn`);
    else if (!adInScope(ctx, newDn)) {
      block('unsupported', `the OU ${ou} (createIn of rule ${rule.name}) is outside the sync scope, so a user created there never syncs: pick an OU inside activeDirectory.syncScope`);
    }
    const samTaken = ctx.adHoldingSam(newUser.samAccountName);
    if (samTaken.length > 0) {
      for (const h of samTaken) keys.add(h.key);
      block('collision', `the sAMAccountName ${newUser.samAccountName} derived from ${e.userPrincipalName} is taken by ${samTaken.map((h) => h.ad?.dn ?? h.key).join('; ')}: create the AD user yourself and plan again`);
    }
  }
  if (blockers.length > 0) {
    ctx.addHazards(blockers.map((b) => ({ ...b, objectKeys: [...keys] })), []);
    return;
  }

  const base: string[] = [...(sync.ok ? sync.deps : [])];
  const f = ctx.tenant.featureStep;
  if (byAnchor) {
    if (f.blockCloudObjectTakeoverThroughHardMatch) base.push(f.blockCloudObjectTakeoverThroughHardMatch);
  } else {
    if (f.blockSoftMatch) base.push(f.blockSoftMatch);
    // The UPN is what matches: no primary SMTP address, or no mailbox behind it.
    if ((primary === null || e.exchangeMailbox !== true) && f.softMatchOnUpn) base.push(f.softMatchOnUpn);
  }
  // Everything that must have succeeded before the AD user enters the sync scope.
  const prepared: string[] = [...base];
  const immutableId = anchor ?? '';
  let w: string;
  if (ad && cp.kind === 'found') {
    ctx.touch(cp.identity.key);
    const changes = softMatchChanges(ad, e);
    if (changes.length > 0) {
      const s: Step = { kind: 'ad.modify', dn: ad.dn, upn: ad.userPrincipalName, changes };
      prepared.push(
        ctx.addStep(cp.identity.key, s, base, ruleReason(rule, `make ${ad.dn} match cloud-only ${e.userPrincipalName} (${changes.map((c) => c.attribute).join(', ')}) so that Entra Connect ${byAnchor ? 'matches' : 'soft-matches'} them`)),
      );
    }
    const waitDeps = planLinkSequence(ctx, {
      rule,
      cloudKey: id.key,
      adKey: cp.identity.key,
      e,
      ad,
      anchor: byAnchor ? anchor : null,
      remapFrom,
      move,
      base,
      prepared,
      keys: [...keys],
      immutableIdReason: `set the immutable id of cloud-only ${e.userPrincipalName} to the anchor of ${ad.dn} (setImmutableId)`,
    });
    w = planMatchWait(ctx, id.key, e, immutableId, waitDeps, ruleReason(rule, `wait until the sync cycle ${byAnchor ? 'hard-matches' : 'soft-matches'} ${e.userPrincipalName} to ${ad.dn} (AD values then overwrite the cloud ones)`));
    planSyncEffects(ctx, w, e, adValuesOf(ad, changes, move.kind === 'move' ? move.toOu : undefined), byAnchor ? 'hard' : 'soft', { created: false, keys: [...keys] });
  } else {
    const created = newUser as NewAdUser;
    reserveCn(ctx, newDn);
    const s: Step = { kind: 'ad.createUser', ou: rule.createIn as string, dn: newDn, user: created };
    const createId = ctx.addStep(id.key, s, prepared, ruleReason(rule, `create AD user ${newDn} (${created.samAccountName}) matching cloud-only ${e.userPrincipalName} (no counterpart exists)`));
    w = planMatchWait(ctx, id.key, e, '', [...prepared, createId], ruleReason(rule, `wait until the sync cycle soft-matches ${e.userPrincipalName} to the AD user created for it (AD values then overwrite the cloud ones)`));
    planSyncEffects(ctx, w, e, newUserValues(newDn, created), 'soft', { created: true, keys: [...keys] });
  }
  if (mailboxUnknown !== null) ctx.addHazards([{ code: 'soft-match-no-mailbox', severity: 'warning', message: mailboxUnknown, objectKeys: [...keys], blocking: false }], [w]);
  ctx.addHazards([{ code: 'waits-for-sync', severity: 'info', message: `waits for Entra Connect's next sync cycle to ${byAnchor ? 'hard-match' : 'soft-match'} ${e.userPrincipalName}`, objectKeys: [...keys], blocking: false }], [w]);
  if (byAnchor) ctx.reliesOnUnknown('blockCloudObjectTakeoverThroughHardMatch', [w], [...keys]);
  else ctx.reliesOnUnknown('blockSoftMatch', [w], [...keys]);
}
