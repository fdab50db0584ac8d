/**
 * The starter manifest `entra-soa export` writes (pure): the tenant's sync settings as read, an AD
 * connection skeleton without secrets, the sync scope as given (else inferred), and rules that say
 * which users are cloud-managed and which are linked to AD, and which groups are cloud-managed,
 * grouped by OU where that is shorter. Built as a `yaml` Document so that every part carries a comment.
 */
import { Document, isMap, isScalar, isSeq, type Node as YamlNode, type Pair } from 'yaml';
import { firstRdn } from '../model/dn.js';
import type { Identity } from '../model/identity.js';
import { ON_PREMISES_LEFTOVER_ATTRIBUTES, type ObservedState, type SourceAnchorAttribute } from '../model/observed.js';
import { anchorOf, isSyncedUser, joinIdentities } from '../identity/join.js';
import { inferSyncScope } from './infer-scope.js';
import { coverByOu, type Placed } from './ou-cover.js';

/** What the user gave (flags, or an existing manifest): wins over what export reads or infers. */
export interface ExportGiven {
  tenantId?: string;
  graphEndpoint?: string;
  connection?: { url?: string; bindDn?: string; bindPasswordEnv?: string; caFile?: string; startTls?: boolean };
  sourceAnchor?: SourceAnchorAttribute;
  syncScope?: { include: string[]; exclude: string[] };
  unsyncedOu?: string;
}

/** Objects and tenant settings to leave out of the rules, each with the reason written next to it. */
export interface LeaveOut {
  /** Identity key (`user/…`) or `group/<id>` → why. */
  objects: Map<string, string>;
  /** Tenant setting (`directorySync`, a feature name, `accidentalDeletionThreshold`) → why. */
  tenantSettings: Map<string, string>;
}

export interface ExportInput {
  observed: ObservedState;
  given: ExportGiven;
  /** Where the state came from, and when export ran (written in the header comment). */
  source: string;
  createdAt: string;
  tool: { name: string; version: string };
  leaveOut: LeaveOut;
}

/** What the export found, for the command's summary line and the tests. */
export interface ExportSummary {
  cloudManagedUsers: number;
  linkedUsers: number;
  cloudManagedGroups: number;
  userRules: number;
  groupRules: number;
  /** Rules that select by OU. */
  ouRules: number;
  sourceAnchor: { value: SourceAnchorAttribute; inferred: boolean };
  syncScope: { include: string[]; exclude: string[]; inferred: boolean };
  leftOut: number;
}

export interface ExportResult {
  text: string;
  summary: ExportSummary;
}

/** Users per category before an OU replaces a list of UPNs. */
const MIN_PER_OU = 2;

/** The source anchor that hard-links the most AD users to cloud users (ties: mS-DS-ConsistencyGuid, Connect's default). */
export function inferSourceAnchor(observed: ObservedState): SourceAnchorAttribute {
  const immutable = new Set(observed.entra.users.map((e) => e.onPremisesImmutableId).filter((x): x is string => x !== null));
  let byGuid = 0;
  let byConsistency = 0;
  for (const ad of observed.ad.users) {
    if (immutable.has(anchorOf(ad, 'objectGUID'))) byGuid++;
    if (immutable.has(anchorOf(ad, 'mS-DS-ConsistencyGuid'))) byConsistency++;
  }
  return byGuid > byConsistency ? 'objectGUID' : 'mS-DS-ConsistencyGuid';
}

type Category = 'cloud-managed' | 'linked';

/** A user's category: cloud-managed (converted, or previously synced), linked (synced from its AD user), or neither. */
function categoryOf(i: Identity): Category | null {
  const e = i.entra;
  if (e === undefined) return null;
  if (isSyncedUser(e)) return i.ad !== undefined && i.link === 'hard' ? 'linked' : null;
  const leftovers = e.onPremisesImmutableId !== null || ON_PREMISES_LEFTOVER_ATTRIBUTES.some((a) => e[a] !== null);
  return e.isCloudManaged === true || e.onPremisesSyncEnabled === false || leftovers ? 'cloud-managed' : null;
}

/** Whether an AD user is synced now (linked to a synced Entra user), not synced, or unknown (converted to cloud management). */
function syncEvidence(i: Identity): boolean | null {
  if (i.entra === undefined || i.link !== 'hard') return false;
  if (i.entra.isCloudManaged === true) return null;
  return i.entra.onPremisesSyncEnabled === true;
}

function slug(dn: string): string {
  const rdn = firstRdn(dn);
  const value = rdn.slice(rdn.indexOf('=') + 1);
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'ou';
}

interface RuleDraft {
  name: string;
  select: Record<string, unknown>;
  body: Record<string, unknown>;
  comment: string;
  byOu: boolean;
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function userRules(category: Category, members: readonly Identity[], identities: readonly Identity[], ous: readonly string[], taken: Set<string>): RuleDraft[] {
  const inSet = new Set(members.map((i) => i.key));
  // an OU rule selects every identity below the OU that its rule can act on: all of them must be members
  const onSide = (i: Identity) => i.entra !== undefined || (category === 'cloud-managed' && i.deleted !== undefined);
  const placed: Placed[] = identities.filter((i) => i.ad !== undefined && onSide(i)).map((i) => ({ id: i.key, dn: (i.ad as { dn: string }).dn, member: inSet.has(i.key) }));
  const cover = coverByOu(placed, ous, MIN_PER_OU);
  const covered = new Set(cover.ous.flatMap((o) => o.ids));
  const rest = members.filter((i) => !covered.has(i.key)).map((i) => (i.entra as { userPrincipalName: string }).userPrincipalName).sort();
  const body: Record<string, unknown> =
    category === 'cloud-managed' ? { authority: 'cloud', method: 'sourceOfAuthority' } : { authority: 'onPremises', link: 'hard' };
  const what =
    category === 'cloud-managed'
      ? 'cloud-managed (converted from AD, or previously synced): they stay owned by Entra ID'
      : 'synced from their AD user (hard-linked by the source anchor): they stay owned by AD';
  const rules: RuleDraft[] = cover.ous.map((o) => ({
    name: uniqueName(taken, `${category}-${slug(o.dn)}`),
    select: { ou: o.dn },
    body,
    comment: ` ${plural(o.ids.length, 'user')} in ${o.dn}: all ${what}.`,
    byOu: true,
  }));
  if (rest.length > 0) {
    rules.push({
      name: uniqueName(taken, `${category}-users`),
      select: rest.length === 1 ? { upn: rest[0] } : { upns: rest },
      body,
      comment: ` ${plural(rest.length, cover.ous.length > 0 ? 'more user' : 'user')} ${what}${cover.ous.length > 0 ? ' (in OUs that also hold other users)' : ''}.`,
      byOu: false,
    });
  }
  return rules;
}

/** Sets a comment above the value of `key` in a map node. */
function commentOn(map: unknown, key: string, comment: string): void {
  if (!isMap(map)) return;
  const pair = map.items.find((p: Pair) => isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}

function node(doc: Document, path: (string | number)[]): YamlNode | undefined {
  return doc.getIn(path, true) as YamlNode | undefined;
}

/** Builds the manifest text and its summary. */
export function buildExportManifest(input: ExportInput): ExportResult {
  const { observed, given, leaveOut } = input;
  const t = observed.tenant;
  const inferredAnchor = given.sourceAnchor === undefined;
  const sourceAnchor = given.sourceAnchor ?? inferSourceAnchor(observed);
  const join = joinIdentities(observed, { sourceAnchor, softMatchOnUpn: t.features?.softMatchOnUpnEnabled ?? false });
  const identities = join.identities;
  const scopeInferred = given.syncScope === undefined;
  const syncScope = given.syncScope ?? inferSyncScope(identities.filter((i) => i.ad !== undefined).map((i) => ({ dn: (i.ad as { dn: string }).dn, synced: syncEvidence(i) })), observed.ad.organizationalUnits.map((o) => o.dn));
  const ous = observed.ad.organizationalUnits.map((o) => o.dn);

  // tenant
  const tenant: Record<string, unknown> = { id: given.tenantId ?? t.tenantId };
  const tenantNotes: [string, string][] = [];
  const keep = (setting: string) => !leaveOut.tenantSettings.has(setting);
  if (keep('directorySync') && !t.disablePending) tenant['directorySync'] = t.onPremisesSyncEnabled === true ? 'enabled' : 'disabled';
  const features: Record<string, boolean> = {};
  if (t.features !== null) {
    const f = t.features;
    const read: [string, boolean][] = [
      ['blockSoftMatch', f.blockSoftMatchEnabled],
      ['blockCloudObjectTakeoverThroughHardMatch', f.blockCloudObjectTakeoverThroughHardMatchEnabled],
      ['softMatchOnUpn', f.softMatchOnUpnEnabled],
    ];
    for (const [name, value] of read) if (keep(name)) features[name] = value;
    if (Object.keys(features).length > 0) tenant['features'] = features;
  }
  const adp = t.accidentalDeletionPrevention;
  if (keep('accidentalDeletionThreshold') && adp?.synchronizationPreventionType === 'enabledForCount' && adp.alertThreshold !== null) {
    tenant['accidentalDeletionThreshold'] = adp.alertThreshold;
  }
  if (given.graphEndpoint !== undefined) tenant['graphEndpoint'] = given.graphEndpoint;

  // active directory
  const c = given.connection ?? {};
  const connection: Record<string, unknown> = {
    url: c.url ?? 'ldaps://dc1.example.com',
    baseDn: observed.ad.baseDn,
    bindDn: c.bindDn ?? `CN=svc-entra-soa,OU=Service Accounts,${observed.ad.baseDn}`,
    bindPasswordEnv: c.bindPasswordEnv ?? 'ENTRA_SOA_AD_PASSWORD',
  };
  if (c.caFile !== undefined) connection['caFile'] = c.caFile;
  if (c.startTls === true) connection['startTls'] = true;
  const activeDirectory: Record<string, unknown> = {
    connection,
    sourceAnchor,
    syncScope: { include: syncScope.include, exclude: syncScope.exclude },
  };
  if (given.unsyncedOu !== undefined) activeDirectory['unsyncedOu'] = given.unsyncedOu;

  // rules
  const members: Record<Category, Identity[]> = { 'cloud-managed': [], linked: [] };
  for (const i of identities) {
    if (leaveOut.objects.has(i.key)) continue;
    const cat = categoryOf(i);
    if (cat !== null) members[cat].push(i);
  }
  const taken = new Set<string>();
  const drafts = [...userRules('cloud-managed', members['cloud-managed'], identities, ous, taken), ...userRules('linked', members.linked, identities, ous, taken)];
  const nameCount = new Map<string, number>();
  for (const g of observed.entra.groups) nameCount.set(g.displayName.toLowerCase(), (nameCount.get(g.displayName.toLowerCase()) ?? 0) + 1);
  const cloudGroups = observed.entra.groups.filter((g) => g.isCloudManaged === true && !leaveOut.objects.has(`group/${g.id}`));
  const ambiguousGroups = cloudGroups.filter((g) => (nameCount.get(g.displayName.toLowerCase()) ?? 0) > 1);
  const groupNames = cloudGroups.filter((g) => !ambiguousGroups.includes(g)).map((g) => g.displayName).sort();

  const doc = new Document({
    apiVersion: 'entra-soa/v1',
    tenant,
    activeDirectory,
    users: drafts.map((d) => ({ name: d.name, select: d.select, ...d.body })),
    groups: groupNames.length > 0 ? [{ name: 'cloud-managed-groups', select: groupNames.length === 1 ? { displayName: groupNames[0] } : { displayNames: groupNames }, authority: 'cloud' }] : [],
    allow: { disruptive: false, irreversible: false, exceedDeletionThreshold: false },
  });

  doc.commentBefore = [
    ` Starter manifest written by ${input.tool.name} export ${input.tool.version} on ${input.createdAt}`,
    ` from ${input.source}.`,
    ' It describes the directories as they are: `entra-soa plan -f <this file>` against the same state',
    ' plans no changes. Check every TODO below, then edit the rules to say what you want.',
    ' No secret is in this file: the AD bind password is read from the environment variable that',
    ' activeDirectory.connection.bindPasswordEnv names.',
  ].join('\n');

  const tenantNode = node(doc, ['tenant']);
  commentOn(tenantNode, 'id', ' The tenant (directory) id, as read from Graph (organization.id).');
  if (t.disablePending) tenantNotes.push(['id', ' directorySync is left out: a tenant-wide disable is in progress (up to 72 h); add it once it completes.']);
  else if (tenant['directorySync'] !== undefined) {
    commentOn(tenantNode, 'directorySync', ` Read: organization.onPremisesSyncEnabled = ${String(t.onPremisesSyncEnabled)}.`);
  }
  if (t.features === null) {
    tenantNotes.push([
      'id',
      ' features and accidentalDeletionThreshold are left out: they could not be read (GET /directory/onPremisesSynchronization\n' +
        ' is delegated-only, a signed-in Global Administrator). Export again signed in as one to add them.',
    ]);
  } else if (tenant['features'] !== undefined) {
    const pwd = t.features.passwordSyncEnabled;
    commentOn(
      tenantNode,
      'features',
      ` The sync features as read (directory/onPremisesSynchronization).${pwd !== null ? ` Password hash sync is ${pwd ? 'on' : 'off'} (read only: entra-soa does not manage it).` : ''}`,
    );
  }
  if (tenant['accidentalDeletionThreshold'] !== undefined) {
    commentOn(tenantNode, 'accidentalDeletionThreshold', ' Accidental-deletion prevention: an export deleting more objects than this stops.');
  } else if (adp !== null) {
    tenantNotes.push(['id', ` accidentalDeletionThreshold is left out: prevention is ${adp.synchronizationPreventionType} (entra-soa manages a count threshold only).`]);
  }
  for (const [key, text] of tenantNotes) {
    const existing = isMap(tenantNode) ? (tenantNode.items.find((p: Pair) => isScalar(p.key) && p.key.value === key)?.key as { commentBefore?: string | null } | undefined) : undefined;
    if (existing) existing.commentBefore = `${existing.commentBefore ?? ''}\n${text}`;
  }

  const adNode = node(doc, ['activeDirectory']);
  const connNode = node(doc, ['activeDirectory', 'connection']);
  commentOn(adNode, 'connection', ' How entra-soa reaches a domain controller. No password here: set the environment variable bindPasswordEnv names.');
  if (c.url === undefined) commentOn(connNode, 'url', ' TODO: the LDAPS URL of a domain controller (export could not read it).');
  commentOn(connNode, 'baseDn', ' The naming context that was read.');
  if (c.bindDn === undefined) commentOn(connNode, 'bindDn', ' TODO: the account entra-soa binds as (docs/active-directory.md lists the rights it needs).');
  commentOn(
    adNode,
    'sourceAnchor',
    inferredAnchor
      ? ' Inferred: the attribute whose value matches the most cloud users\' immutable ids. Check it against the Entra Connect install.'
      : ' As given.',
  );
  commentOn(
    adNode,
    'syncScope',
    scopeInferred
      ? ' Inferred from which AD users are synced (neither Graph nor LDAP holds Entra Connect\'s OU filter):\n TODO: check it against the OU filtering in the Entra Connect wizard.'
      : ' As given.',
  );
  if (given.unsyncedOu === undefined) {
    const scopeNode = node(doc, ['activeDirectory', 'syncScope']);
    if (scopeNode) scopeNode.comment = ' unsyncedOu (an OU Entra Connect does not sync) is needed only for method scopeRemoval.';
  }
  const selectFlow = (path: (string | number)[]) => {
    const n = node(doc, path);
    if (isMap(n) && !isSeq(n.items[0]?.value)) n.flow = true;
  };

  const usersNode = node(doc, ['users']);
  if (isSeq(usersNode)) {
    drafts.forEach((d, i) => {
      const item = usersNode.items[i];
      if (item) (item as YamlNode).commentBefore = d.comment;
      selectFlow(['users', i, 'select']);
    });
  }
  const leftOutUsers = [...leaveOut.objects.entries()].filter(([k]) => k.startsWith('user/'));
  const usersComment = [
    ` Users: ${plural(members['cloud-managed'].length, 'cloud-managed user')}, ${plural(members.linked.length, 'linked user')}.`,
    ' Users that are neither (cloud-only users that were never synced, AD users that are not synced) have no rule:',
    ' entra-soa leaves them alone.',
    ...leftOutUsers.slice(0, 50).map(([k, why]) => ` left out: ${k}: ${why}`),
    ...(leftOutUsers.length > 50 ? [` left out: ${leftOutUsers.length - 50} more`] : []),
  ].join('\n');
  commentOn(doc.contents, 'users', usersComment);
  const groupsComment = [
    ` Groups: ${plural(groupNames.length, 'cloud-managed group')} (onPremisesSyncBehavior.isCloudManaged). Synced groups stay with AD.`,
    ...ambiguousGroups.map((g) => ` left out: group ${g.displayName} (${g.id}): another group has the same display name, and rules select groups by name.`),
    ...[...leaveOut.objects.entries()].filter(([k]) => k.startsWith('group/')).map(([k, why]) => ` left out: ${k}: ${why}`),
  ].join('\n');
  commentOn(doc.contents, 'groups', groupsComment);
  if (groupNames.length > 1) {
    const sel = node(doc, ['groups', 0, 'select']);
    if (isMap(sel)) sel.flow = false;
  } else selectFlow(['groups', 0, 'select']);
  commentOn(doc.contents, 'allow', ' Consents apply needs for disruptive or irreversible steps; none are needed to keep things as they are.');

  return {
    text: doc.toString({ lineWidth: 0 }),
    summary: {
      cloudManagedUsers: members['cloud-managed'].length,
      linkedUsers: members.linked.length,
      cloudManagedGroups: groupNames.length,
      userRules: drafts.length,
      groupRules: groupNames.length > 0 ? 1 : 0,
      ouRules: drafts.filter((d) => d.byOu).length,
      sourceAnchor: { value: sourceAnchor, inferred: inferredAnchor },
      syncScope: { include: syncScope.include, exclude: syncScope.exclude, inferred: scopeInferred },
      leftOut: leaveOut.objects.size + leaveOut.tenantSettings.size + ambiguousGroups.length,
    },
  };
}
