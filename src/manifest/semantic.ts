import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import type { GroupRule, GroupSelector, UserRule, UserSelector } from '../model/desired.js';
import { assertNever } from '../model/step.js';
import { dnIsWithin, dnKey } from '../model/dn.js';
import { connectionDiagnostics } from './connection-check.js';
import type { Indexed, ManifestParts } from './normalise.js';
import type { YamlSource } from './yaml-source.js';
import { locate } from './yaml-source.js';

/**
 * The checks the schema cannot express: `dn-outside-base`, `unsynced-ou-required`, `unsynced-ou-in-scope`,
 * `create-in-requires-soft`, `set-immutable-id-requires-soft`, `password-change-requires-create-in`
 * (warning), `tenant-disable-conflict`, and static `rule-conflict` / `rule-overlap` between rules with
 * the same selector or naming the same UPN. Overlaps that depend on which users exist are the planner's
 * to find.
 */
export function semanticDiagnostics(parts: ManifestParts, source: YamlSource): Diagnostic[] {
  return [
    ...connectionDiagnostics(source),
    ...dnOutsideBaseChecks(parts, source),
    ...scopeRemovalChecks(parts, source),
    ...createInChecks(parts, source),
    ...tenantDisableChecks(parts, source),
    ...userRuleConflicts(parts.users),
    ...groupRuleOverlaps(parts.groups),
  ];
}

function error(code: string, message: string, location: SourceLocation, related?: SourceLocation[]): Diagnostic {
  return related ? { severity: 'error', code, message, location, related } : { severity: 'error', code, message, location };
}

const FLOW_LIST_HINT =
  ' In a [a, b] list or a { } map, commas separate entries: quote a DN that contains commas ("OU=Staff,DC=contoso,DC=com") or write the list one item per line.';

/** `dn-outside-base`: OUs the manifest names must lie in the base DN entra-soa searches. */
function dnOutsideBaseChecks(parts: ManifestParts, source: YamlSource): Diagnostic[] {
  const ad = parts.activeDirectory;
  if (!ad) return [];
  const base = ad.connection.baseDn;
  const out: Diagnostic[] = [];
  const check = (dn: string, what: string, segments: string[]): void => {
    if (dnIsWithin(dn, base)) return;
    const looksSplit = !dn.includes(',');
    out.push(
      error(
        'dn-outside-base',
        `${what} "${dn}" is not inside the base DN "${base}", so entra-soa would never find anything there.` +
          (looksSplit ? FLOW_LIST_HINT : ' Fix the DN or widen activeDirectory.connection.baseDn.'),
        locate(source, segments),
      ),
    );
  };
  ad.syncScope.include.forEach((dn, i) => check(dn, 'activeDirectory.syncScope.include entry', ['activeDirectory', 'syncScope', 'include', String(i)]));
  ad.syncScope.exclude.forEach((dn, i) => check(dn, 'activeDirectory.syncScope.exclude entry', ['activeDirectory', 'syncScope', 'exclude', String(i)]));
  if (ad.unsyncedOu !== undefined) check(ad.unsyncedOu, 'activeDirectory.unsyncedOu', ['activeDirectory', 'unsyncedOu']);
  for (const { index, rule } of parts.users) {
    for (const { selector, segments } of selectorsWithin(rule.selector, ['users', String(index), 'select'])) {
      if (selector.kind === 'ou') check(selector.dn, `rule "${rule.name}": ${segments.slice(2).join('.')}.ou`, [...segments, 'ou']);
    }
    if (rule.authority === 'onPremises' && rule.createIn !== undefined) {
      check(rule.createIn, `rule "${rule.name}": createIn`, ['users', String(index), 'createIn']);
    }
  }
  return out;
}

/** A selector and every selector nested in its `exclude` lists, with their manifest paths. */
function selectorsWithin(sel: UserSelector, segments: string[]): { selector: UserSelector; segments: string[] }[] {
  const out = [{ selector: sel, segments }];
  (sel.exclude ?? []).forEach((x, i) => out.push(...selectorsWithin(x, [...segments, 'exclude', String(i)])));
  return out;
}

function scopeRemovalChecks(parts: ManifestParts, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ad = parts.activeDirectory;
  if (ad && ad.unsyncedOu === undefined) {
    for (const { index, rule } of parts.users) {
      if (rule.authority === 'cloud' && rule.method === 'scopeRemoval') {
        out.push(
          error(
            'unsynced-ou-required',
            `rule "${rule.name}" uses method: scopeRemoval, which moves users to an OU Entra Connect does not sync, ` +
              'but activeDirectory.unsyncedOu is not set. Add unsyncedOu (an OU outside syncScope) or use method: sourceOfAuthority.',
            locate(source, ['users', String(index), 'method']),
            [ad.location],
          ),
        );
      }
    }
  }
  if (ad && ad.unsyncedOu !== undefined) {
    const unsynced = ad.unsyncedOu;
    const includes = ad.syncScope.include.length > 0 ? ad.syncScope.include : [ad.connection.baseDn];
    const coveringIndex = includes.findIndex((inc) => dnIsWithin(unsynced, inc));
    const excluded = ad.syncScope.exclude.some((ex) => dnIsWithin(unsynced, ex));
    if (coveringIndex >= 0 && !excluded) {
      const covering = includes[coveringIndex] ?? '';
      const relatedAt =
        ad.syncScope.include.length > 0
          ? locate(source, ['activeDirectory', 'syncScope', 'include', String(coveringIndex)])
          : locate(source, ['activeDirectory', 'connection', 'baseDn']);
      out.push(
        error(
          'unsynced-ou-in-scope',
          `activeDirectory.unsyncedOu "${unsynced}" is inside the sync scope (under "${covering}"${
            ad.syncScope.include.length > 0 ? '' : ', the base DN, because syncScope.include is empty'
          }), so users moved there would keep syncing and scope removal could not work. ` +
            'Choose an OU outside syncScope.include, or list it in syncScope.exclude (and exclude it in Entra Connect too).',
          locate(source, ['activeDirectory', 'unsyncedOu']),
          [relatedAt],
        ),
      );
    }
  }
  return out;
}

function createInChecks(parts: ManifestParts, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { index, rule } of parts.users) {
    if (rule.authority === 'onPremises' && rule.setImmutableId && rule.link !== 'soft') {
      out.push(
        error(
          'set-immutable-id-requires-soft',
          `rule "${rule.name}" has setImmutableId but link: ${rule.link}. A hard link always sets the immutable id; setImmutableId ` +
            'is for link: soft, where it also sets the anchor after preparing the AD user. Remove setImmutableId or use link: soft.',
          locate(source, ['users', String(index), 'setImmutableId'], 'key'),
        ),
      );
    }
    if (rule.authority === 'onPremises' && rule.requirePasswordChange && rule.createIn === undefined) {
      out.push({
        severity: 'warning',
        code: 'password-change-requires-create-in',
        message: `rule "${rule.name}" has requirePasswordChange but no createIn, so it creates no AD user and the option has no effect. Add createIn or remove requirePasswordChange.`,
        location: locate(source, ['users', String(index), 'requirePasswordChange'], 'key'),
      });
    }
    if (rule.authority === 'onPremises' && rule.createIn !== undefined && rule.link !== 'soft') {
      out.push(
        error(
          'create-in-requires-soft',
          `rule "${rule.name}" has createIn but link: ${rule.link}. Creating missing AD users only works with link: soft ` +
            '(a hard link needs an existing AD user whose anchor the cloud user takes). Use link: soft or remove createIn.',
          locate(source, ['users', String(index), 'createIn'], 'key'),
        ),
      );
    }
  }
  return out;
}

function tenantDisableChecks(parts: ManifestParts, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (parts.tenant?.directorySync !== 'enabled') return out;
  for (const { index, rule } of parts.users) {
    if (rule.authority === 'cloud' && rule.method === 'tenantDisable') {
      out.push(
        error(
          'tenant-disable-conflict',
          `rule "${rule.name}" uses method: tenantDisable, which turns off directory sync for the whole tenant, ` +
            'but tenant.directorySync is enabled. Set tenant.directorySync: disabled (or leave it out), or use method: sourceOfAuthority.',
          locate(source, ['users', String(index), 'method']),
          [locate(source, ['tenant', 'directorySync'])],
        ),
      );
    }
  }
  return out;
}

/** A canonical text for a selector: equal texts select exactly the same users. */
export function userSelectorKey(s: UserSelector): string {
  const excluded = (s.exclude ?? []).map(userSelectorKey).sort();
  return excluded.length === 0 ? userSelectorFormKey(s) : `${userSelectorFormKey(s)} - [${[...new Set(excluded)].join(' | ')}]`;
}

function userSelectorFormKey(s: UserSelector): string {
  switch (s.kind) {
    case 'upn':
      return `upns:${s.upn.toLowerCase()}`;
    case 'upns':
      return `upns:${[...new Set(s.upns.map((u) => u.toLowerCase()))].sort().join(',')}`;
    case 'upnGlob':
      return `upnGlob:${s.glob.toLowerCase()}`;
    case 'ou':
      return `ou:${dnKey(s.dn)}`;
    case 'samAccountName':
      return `samAccountName:${s.name.toLowerCase()}`;
    case 'all':
      return 'all';
    default:
      return assertNever(s);
  }
}

function groupSelectorKey(s: GroupSelector): string {
  const excluded = (s.exclude ?? []).map(groupSelectorKey).sort();
  return excluded.length === 0 ? groupSelectorFormKey(s) : `${groupSelectorFormKey(s)} - [${[...new Set(excluded)].join(' | ')}]`;
}

function groupSelectorFormKey(s: GroupSelector): string {
  switch (s.kind) {
    case 'displayName':
      return `names:${s.name.toLowerCase()}`;
    case 'displayNames':
      return `names:${[...new Set(s.names.map((n) => n.toLowerCase()))].sort().join(',')}`;
    case 'all':
      return 'all';
    default:
      return assertNever(s);
  }
}

/** What a rule asks for; two rules for one user must ask for the same. */
export function userRuleIntent(r: UserRule): string {
  return r.authority === 'cloud' ? `authority: cloud, method: ${r.method}` : `authority: onPremises, link: ${r.link}`;
}

function describeSelector(s: UserSelector): string {
  const excluded = (s.exclude ?? []).map(describeSelector);
  return excluded.length === 0 ? describeSelectorForm(s) : `${describeSelectorForm(s)} except ${excluded.join(', ')}`;
}

function describeSelectorForm(s: UserSelector): string {
  switch (s.kind) {
    case 'upn':
      return `upn ${s.upn}`;
    case 'upns':
      return `upns [${s.upns.join(', ')}]`;
    case 'upnGlob':
      return `upnGlob ${s.glob}`;
    case 'ou':
      return `ou ${s.dn}`;
    case 'samAccountName':
      return `samAccountName ${s.name}`;
    case 'all':
      return 'all';
    default:
      return assertNever(s);
  }
}

/** The UPNs a selector names explicitly, minus those its exclude list names explicitly. */
function explicitUpns(s: UserSelector): string[] {
  const named = s.kind === 'upn' ? [s.upn.toLowerCase()] : s.kind === 'upns' ? s.upns.map((u) => u.toLowerCase()) : [];
  const excluded = new Set((s.exclude ?? []).flatMap(explicitUpns));
  return named.filter((u) => !excluded.has(u));
}

function userRuleConflicts(users: readonly Indexed<UserRule>[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Per selector (and per named UPN): the first rule of each intent. A rule is compared with those
  // only, so N rules with one selector give N-1 diagnostics, not N²/2 (a 10,000-rule manifest loads).
  const bySelector = new Map<string, Map<string, UserRule>>();
  const byUpn = new Map<string, Map<string, UserRule>>();
  for (const { rule: b } of users) {
    const key = userSelectorKey(b.selector);
    const intent = userRuleIntent(b);
    const sameSelector = bySelector.get(key) ?? new Map<string, UserRule>();
    for (const [aIntent, a] of sameSelector) {
      out.push(
        aIntent === intent
          ? {
              severity: 'warning',
              code: 'rule-overlap',
              message: `rule "${b.name}" selects the same users as rule "${a.name}" (${describeSelector(b.selector)}) with the same intent; "${a.name}" comes first and its options win, so "${b.name}" has no effect. Remove one of them.`,
              location: b.location,
              related: [a.location],
            }
          : error(
              'rule-conflict',
              `rules "${a.name}" and "${b.name}" both select ${describeSelector(b.selector)} but ask for different things ` +
                `(${aIntent} vs ${intent}); a user can have one intent only. Narrow one selector or remove one rule.`,
              b.location,
              [a.location],
            ),
      );
    }
    if (!sameSelector.has(intent)) sameSelector.set(intent, b);
    bySelector.set(key, sameSelector);

    // Different selectors naming the same UPN with different intents: one conflict per pair of rules.
    const shared = new Map<UserRule, string[]>();
    const upns = [...new Set(explicitUpns(b.selector))];
    for (const upn of upns) {
      const earlier = byUpn.get(upn) ?? new Map<string, UserRule>();
      for (const [aIntent, a] of earlier) {
        if (aIntent === intent || userSelectorKey(a.selector) === key) continue;
        shared.set(a, [...(shared.get(a) ?? []), upn]);
      }
      if (!earlier.has(intent)) earlier.set(intent, b);
      byUpn.set(upn, earlier);
    }
    for (const [a, names] of shared) {
      out.push(
        error(
          'rule-conflict',
          `rules "${a.name}" and "${b.name}" both name ${names.join(', ')} but ask for different things ` +
            `(${userRuleIntent(a)} vs ${intent}); a user can have one intent only. Remove the user from one rule.`,
          b.location,
          [a.location],
        ),
      );
    }
  }
  return out;
}

function groupRuleOverlaps(groups: readonly Indexed<GroupRule>[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const firstByKey = new Map<string, GroupRule>();
  for (const { rule } of groups) {
    const key = groupSelectorKey(rule.selector);
    const first = firstByKey.get(key);
    if (first) {
      out.push({
        severity: 'warning',
        code: 'rule-overlap',
        message: `rule "${rule.name}" selects the same groups as rule "${first.name}"; it has no effect. Remove one of them.`,
        location: rule.location,
        related: [first.location],
      });
    } else {
      firstByKey.set(key, rule);
    }
  }
  return out;
}
