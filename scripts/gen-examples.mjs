#!/usr/bin/env node
// Generates examples/<workflow>/{manifest.yaml,snapshot.json} for the Contoso sample company.
// Deterministic: every GUID comes from a seeded PRNG, so running it again gives the same bytes.
// Imports nothing from src/ (it runs on plain Node 20); what it shares with gen-lab-seed.mjs (the
// PRNG, GUIDs, the anchor algorithm of src/model/anchor.ts, user defaults) is in scripts/lib/.
//
//   node scripts/gen-examples.mjs            # rewrite the examples
//   node scripts/gen-examples.mjs --check    # exit 1 when a committed file differs
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { immutableId } from './lib/anchor.mjs';
import { SeededRandom, randomGuid } from './lib/random.mjs';
import { NO_ON_PREMISES_LEFTOVERS } from './lib/users.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000001';
const BASE_DN = 'DC=contoso,DC=com';
const STAFF = `OU=Staff,${BASE_DN}`;
const OU = {
  staff: STAFF,
  sales: `OU=Sales,${STAFF}`,
  finance: `OU=Finance,${STAFF}`,
  it: `OU=IT,${STAFF}`,
  contractors: `OU=Contractors,${STAFF}`,
  disabled: `OU=Disabled,${STAFF}`,
  unsynced: `OU=Unsynced,${BASE_DN}`,
  service: `OU=Service,${BASE_DN}`,
};
// When each example's state was read. Most were captured on 2026-03-02, before Entra ID's
// hard-match hardening of 2026-07-01; hard-link and groups-and-features were captured after it, so
// their plans (planned an hour after capture by test/golden) show how the hardening applies: refusals,
// a cleared onPremisesObjectIdentifier, and a rollback it does not block. Set per example below.
const DEFAULT_DATES = { capturedAt: '2026-03-02T08:00:00.000Z', lastSync: '2026-03-02T07:41:12Z' };
const AFTER_HARDENING = { capturedAt: '2026-11-20T08:00:00.000Z', lastSync: '2026-11-20T07:41:12Z' };
const EXAMPLE_DATES = { 'hard-link': AFTER_HARDENING, 'groups-and-features': AFTER_HARDENING };
let CAPTURED_AT = DEFAULT_DATES.capturedAt;
let LAST_SYNC = DEFAULT_DATES.lastSync;
const SID_PREFIX = 'S-1-5-21-1004336348-1177238915-682003330';

// ---------------------------------------------------------------------------------------------
// deterministic randomness

function seedOf(text) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** A version-4 GUID derived only from `name`. */
function guid(name) {
  return randomGuid(new SeededRandom(seedOf(name)));
}

// ---------------------------------------------------------------------------------------------
// the company

/**
 * People in AD. `ou` is a key of OU; `entra` says what Entra holds for them in the base state:
 * 'synced' (in scope, synced), 'none'. `roles` are Entra directory roles.
 */
const PEOPLE = [
  // Sales
  { given: 'Alice', sn: 'Ng', ou: 'sales', rid: 1104 },
  { given: 'Bruno', sn: 'Costa', ou: 'sales', rid: 1105, extraProxy: ['smtp:sales@contoso.com'] },
  { given: 'Chloe', sn: 'Martin', ou: 'sales', rid: 1106, extraProxy: ['smtp:sales@contoso.com'] },
  { given: 'Dev', sn: 'Patel', ou: 'sales', rid: 1107 },
  { given: 'Elena', sn: 'Rossi', ou: 'sales', rid: 1108 },
  { given: 'Farid', sn: 'Haddad', ou: 'sales', rid: 1109 },
  { given: 'Grace', sn: 'Kim', ou: 'sales', rid: 1110 },
  {
    given: 'Hugo',
    sn: 'Weber',
    ou: 'sales',
    rid: 1111,
    roles: [{ role: 'User Administrator', state: 'active', privileged: true }],
  },
  // Finance
  { given: 'Ingrid', sn: 'Larsen', ou: 'finance', rid: 1120 },
  { given: 'Jamal', sn: 'Reed', ou: 'finance', rid: 1121 },
  { given: 'Keiko', sn: 'Sato', ou: 'finance', rid: 1122 },
  { given: 'Liam', sn: "O'Brien", ou: 'finance', rid: 1123, sam: 'lobrien', local: 'liam.obrien' },
  { given: 'Maria', sn: 'Garcia', ou: 'finance', rid: 1124 },
  { given: 'Noah', sn: 'Fischer', ou: 'finance', rid: 1125 },
  { given: 'Olivia', sn: 'Brown', ou: 'finance', rid: 1126 },
  // IT
  {
    given: 'Pavel',
    sn: 'Novak',
    ou: 'it',
    rid: 1130,
    roles: [{ role: 'Global Administrator', state: 'active', privileged: true }],
  },
  { given: 'Quinn', sn: 'Hughes', ou: 'it', rid: 1131 },
  {
    given: 'Rosa',
    sn: 'Silva',
    ou: 'it',
    rid: 1132,
    roles: [{ role: 'Privileged Role Administrator', state: 'eligible', privileged: true }],
  },
  { given: 'Sam', sn: 'Taylor', ou: 'it', rid: 1133 },
  { given: 'Tomas', sn: 'Berg', ou: 'it', rid: 1134 },
  { given: 'Uma', sn: 'Iyer', ou: 'it', rid: 1135, roles: [{ role: 'Reports Reader', state: 'active', privileged: false }] },
  // Contractors (UPN suffix contractors.contoso.com)
  { given: 'Victor', sn: 'Lang', ou: 'contractors', rid: 1140, domain: 'contractors.contoso.com' },
  { given: 'Wendy', sn: 'Zhou', ou: 'contractors', rid: 1141, domain: 'contractors.contoso.com' },
  { given: 'Xavier', sn: 'Dubois', ou: 'contractors', rid: 1142, domain: 'contractors.contoso.com' },
  { given: 'Yara', sn: 'Nasser', ou: 'contractors', rid: 1143, domain: 'contractors.contoso.com' },
  { given: 'Zane', sn: 'Cooper', ou: 'contractors', rid: 1144, domain: 'contractors.contoso.com' },
  // Disabled (out of scope: excluded OU)
  { given: 'Adam', sn: 'Fox', ou: 'disabled', rid: 1150, enabled: false },
  { given: 'Beth', sn: 'Clark', ou: 'disabled', rid: 1151, enabled: false },
  { given: 'Carl', sn: 'Moore', ou: 'disabled', rid: 1152, enabled: false },
  // Unsynced: converted long ago with the legacy seed method; the cloud user still carries leftovers
  { given: 'Dora', sn: 'Lee', ou: 'unsynced', rid: 1160, entra: 'previously-synced' },
  { given: 'Emil', sn: 'Horvat', ou: 'unsynced', rid: 1161, entra: 'none' },
  // Service accounts (not synced)
  { given: 'svc', sn: 'entra-soa', ou: 'service', rid: 1170, sam: 'svc-entra-soa', cn: 'svc-entra-soa', entra: 'none', noMail: true },
  { given: 'svc', sn: 'backup', ou: 'service', rid: 1171, sam: 'svc-backup', cn: 'svc-backup', entra: 'none', noMail: true },
];

/** Cloud-only users (created in Entra, never synced). */
const CLOUD_ONLY = [
  {
    upn: 'admin@contoso.onmicrosoft.com',
    given: null,
    sn: null,
    displayName: 'Break-glass Administrator',
    roles: [{ role: 'Global Administrator', state: 'active', privileged: true }],
    noMail: true,
  },
  { upn: 'frontdesk@contoso.com', given: null, sn: null, displayName: 'Front Desk (shared)', roles: [] },
  { upn: 'nina.schmidt@contoso.com', given: 'Nina', sn: 'Schmidt', displayName: 'Nina Schmidt', roles: [] },
];

function lower(s) {
  return s.toLowerCase();
}

function adUser(p) {
  const local = p.local ?? `${lower(p.given)}.${lower(p.sn)}`.replace(/[^a-z.]/g, '');
  const domain = p.domain ?? 'contoso.com';
  const upn = `${local}@${domain}`;
  const sam = p.sam ?? `${lower(p.given)[0]}${lower(p.sn)}`.replace(/[^a-z]/g, '');
  const cn = p.cn ?? `${p.given} ${p.sn}`;
  const objectGuid = guid(`ad:${sam}`);
  const mail = p.noMail ? null : upn;
  return {
    dn: `CN=${cn},${OU[p.ou]}`,
    objectGuid,
    consistencyGuid: p.ou === 'service' || p.ou === 'disabled' ? null : objectGuid,
    samAccountName: sam,
    userPrincipalName: upn,
    mail,
    proxyAddresses: mail === null ? [] : [`SMTP:${mail}`, `smtp:${local}@contoso.mail.onmicrosoft.com`, ...(p.extraProxy ?? [])],
    givenName: p.given,
    surname: p.sn,
    displayName: `${p.given} ${p.sn}`,
    enabled: p.enabled ?? true,
  };
}

function leftovers(ad, rid) {
  return {
    onPremisesDistinguishedName: ad.dn,
    onPremisesDomainName: 'contoso.com',
    onPremisesSamAccountName: ad.samAccountName,
    onPremisesSecurityIdentifier: `${SID_PREFIX}-${rid}`,
    onPremisesUserPrincipalName: ad.userPrincipalName,
    onPremisesLastSyncDateTime: LAST_SYNC,
  };
}

/** An Entra user synced from `ad`. Keys in the order of the EntraUser interface. */
function syncedEntraUser(ad, p) {
  return {
    ...leftovers(ad, p.rid),
    id: guid(`entra:${ad.userPrincipalName}`),
    userPrincipalName: ad.userPrincipalName,
    displayName: ad.displayName,
    givenName: ad.givenName,
    surname: ad.surname,
    mail: ad.mail,
    // Connect exports one object per address: the duplicate sales@ stays on the first user only
    proxyAddresses: ad.proxyAddresses.filter((a) => !(a === 'smtp:sales@contoso.com' && ad.samAccountName !== 'bcosta')),
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: immutableId(ad.consistencyGuid ?? ad.objectGuid),
    // Entra Connect writes the objectGUID of the AD object it syncs from
    onPremisesObjectIdentifier: ad.objectGuid,
    isCloudManaged: false,
    accountEnabled: ad.enabled,
    roles: p.roles ?? [],
    // Exchange Online mailbox (provisionedPlans): every Contoso user with an address has one
    exchangeMailbox: ad.mail !== null,
  };
}

function cloudOnlyUser(c) {
  const local = c.upn.split('@')[0];
  return {
    ...NO_ON_PREMISES_LEFTOVERS,
    id: guid(`entra:${c.upn}`),
    userPrincipalName: c.upn,
    displayName: c.displayName,
    givenName: c.given,
    surname: c.sn,
    mail: c.noMail ? null : c.upn,
    proxyAddresses: c.noMail ? [] : [`SMTP:${c.upn}`, `smtp:${local}@contoso.mail.onmicrosoft.com`],
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    onPremisesObjectIdentifier: null,
    isCloudManaged: null,
    accountEnabled: true,
    roles: c.roles ?? [],
    exchangeMailbox: !c.noMail,
  };
}

function group(name, synced, extra = {}) {
  return {
    id: guid(`group:${name}`),
    displayName: name,
    mailNickname: name.toLowerCase().replace(/[^a-z0-9]/g, ''),
    onPremisesSyncEnabled: synced ? true : null,
    isCloudManaged: synced ? false : null,
    securityEnabled: true,
    mailEnabled: false,
    ...extra,
  };
}

/** The company as it is before any example changes it. */
function baseState() {
  const ad = [];
  const entra = [];
  for (const p of PEOPLE) {
    const a = adUser(p);
    ad.push(a);
    const inScope = !['disabled', 'unsynced', 'service'].includes(p.ou);
    const kind = p.entra ?? (inScope ? 'synced' : 'none');
    if (kind === 'synced') entra.push(syncedEntraUser(a, p));
    if (kind === 'previously-synced') {
      entra.push({
        ...syncedEntraUser(a, p),
        onPremisesDistinguishedName: `CN=${a.displayName},${OU.it}`,
        onPremisesSyncEnabled: false,
        isCloudManaged: null,
      });
    }
  }
  for (const c of CLOUD_ONLY) entra.push(cloudOnlyUser(c));
  return {
    tenant: {
      tenantId: TENANT_ID,
      onPremisesSyncEnabled: true,
      disablePending: false,
      disableRequestedAt: null,
      onPremisesLastSyncDateTime: LAST_SYNC,
      features: {
        blockSoftMatchEnabled: false,
        blockCloudObjectTakeoverThroughHardMatchEnabled: true,
        softMatchOnUpnEnabled: false,
        // read by a Global Administrator's sign-in; express installs turn it on
        passwordSyncEnabled: true,
      },
      accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
    },
    ad: {
      baseDn: BASE_DN,
      users: ad,
      organizationalUnits: Object.values(OU).map((dn) => ({ dn })),
    },
    entra: {
      users: entra,
      deletedUsers: [],
      groups: [
        group('All Company', false, { mailEnabled: true, securityEnabled: false, mailNickname: 'allcompany' }),
        group('Finance', true),
        group('IT Admins', true),
        group('Sales Team', true),
        group('VPN Users', true),
      ],
    },
  };
}

// helpers for the examples' edits
function findAd(state, sam) {
  const u = state.ad.users.find((x) => x.samAccountName === sam);
  if (!u) throw new Error(`no AD user ${sam}`);
  return u;
}
function findEntra(state, upn) {
  const u = state.entra.users.find((x) => x.userPrincipalName === upn);
  if (!u) throw new Error(`no Entra user ${upn}`);
  return u;
}
function removeEntra(state, upn) {
  const i = state.entra.users.findIndex((x) => x.userPrincipalName === upn);
  if (i < 0) throw new Error(`no Entra user ${upn}`);
  return state.entra.users.splice(i, 1)[0];
}
/** The user as converted by an SOA switch: cloud-managed, leftovers still there. */
function convert(u) {
  u.onPremisesSyncEnabled = null;
  u.isCloudManaged = true;
}
/** An Entra user turned into a never-synced cloud user (e.g. created in the cloud first). */
function makeCloudOnly(u) {
  Object.assign(u, NO_ON_PREMISES_LEFTOVERS);
  u.onPremisesSyncEnabled = null;
  u.onPremisesImmutableId = null;
  u.onPremisesObjectIdentifier = null;
  u.isCloudManaged = null;
}

// ---------------------------------------------------------------------------------------------
// output

function sortState(s) {
  const by = (f) => (a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);
  s.ad.users.sort(by((u) => u.dn.toLowerCase()));
  s.ad.organizationalUnits.sort(by((o) => o.dn.toLowerCase()));
  s.entra.users.sort(by((u) => u.userPrincipalName.toLowerCase()));
  s.entra.deletedUsers.sort(by((u) => u.id));
  s.entra.groups.sort(by((g) => g.displayName.toLowerCase()));
  return s;
}

/** Key order of the Snapshot / EntraUser interfaces, so the files read naturally. */
function orderEntraUser(u) {
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    mail: u.mail,
    proxyAddresses: u.proxyAddresses,
    onPremisesSyncEnabled: u.onPremisesSyncEnabled,
    onPremisesImmutableId: u.onPremisesImmutableId,
    onPremisesObjectIdentifier: u.onPremisesObjectIdentifier,
    isCloudManaged: u.isCloudManaged,
    accountEnabled: u.accountEnabled,
    roles: u.roles,
    onPremisesDistinguishedName: u.onPremisesDistinguishedName,
    onPremisesDomainName: u.onPremisesDomainName,
    onPremisesSamAccountName: u.onPremisesSamAccountName,
    onPremisesSecurityIdentifier: u.onPremisesSecurityIdentifier,
    onPremisesUserPrincipalName: u.onPremisesUserPrincipalName,
    onPremisesLastSyncDateTime: u.onPremisesLastSyncDateTime,
    exchangeMailbox: u.exchangeMailbox,
  };
}

function snapshotText(state) {
  const s = sortState(state);
  s.entra.users = s.entra.users.map(orderEntraUser);
  const doc = {
    kind: 'entra-soa/snapshot',
    formatVersion: 1,
    capturedAt: CAPTURED_AT,
    source: 'graph.microsoft.com (tenant contoso.com) + ldaps://dc1.contoso.com',
    state: s,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const AD_BLOCK = (extra = '') => `activeDirectory:
  connection:
    url: ldaps://dc1.contoso.com
    baseDn: ${BASE_DN}
    bindDn: CN=svc-entra-soa,${OU.service}
    bindPasswordEnv: ENTRA_SOA_AD_PASSWORD
  sourceAnchor: mS-DS-ConsistencyGuid
  syncScope:
    include:
      - ${STAFF}
    exclude:
      - ${OU.disabled}
${extra}`;

const HEADER = (title) => `# yaml-language-server: $schema=../../schema/manifest.schema.json
# ${title}
# Plan it against the recorded state:  entra-soa plan -f manifest.yaml --snapshot snapshot.json
apiVersion: entra-soa/v1
`;

// ---------------------------------------------------------------------------------------------
// the examples

const EXAMPLES = {
  'sync-switch': () => {
    const s = baseState();
    // Elena was switched last week; her on-premises leftovers are still there.
    convert(findEntra(s, 'elena.rossi@contoso.com'));
    // A copy-paste slip: Chloe's AD user got Bruno's primary address, so Entra Connect reports a
    // duplicate-attribute error for her (her Entra user keeps the values it had).
    const chloe = findAd(s, 'cmartin');
    chloe.proxyAddresses = ['SMTP:bruno.costa@contoso.com', 'smtp:chloe.martin@contoso.com', ...chloe.proxyAddresses.slice(1)];
    const manifest = `${HEADER('Move the Sales team and two IT staff to cloud ownership with the modern SOA switch.')}tenant:
  id: ${TENANT_ID}
${AD_BLOCK()}users:
  - name: sales-to-cloud
    select: { ou: "${OU.sales}" }
    authority: cloud
    method: sourceOfAuthority
    clear:
      immutableId: true
      otherOnPremisesAttributes: true
  - name: it-staff-to-cloud
    select: { upns: [quinn.hughes@contoso.com, sam.taylor@contoso.com] }
    authority: cloud
    method: sourceOfAuthority
    clear:
      immutableId: true
`;
    return { manifest, state: s };
  },

  'scope-removal': () => {
    const s = baseState();
    // Maria's scope removal is under way: her AD user was moved and Entra Connect deleted her.
    const maria = findAd(s, 'mgarcia');
    maria.dn = `CN=Maria Garcia,${OU.unsynced}`;
    const deleted = removeEntra(s, 'maria.garcia@contoso.com');
    s.entra.deletedUsers.push({
      id: deleted.id,
      userPrincipalName: `${deleted.id.replace(/-/g, '')}maria.garcia@contoso.com`,
      onPremisesImmutableId: deleted.onPremisesImmutableId,
      onPremisesSyncEnabled: true,
      deletedDateTime: '2026-03-02T07:41:15Z',
    });
    const manifest = `${HEADER('Legacy method: take Finance users out of sync scope, restore them as cloud users, reset passwords.')}tenant:
  id: ${TENANT_ID}
${AD_BLOCK(`  unsyncedOu: ${OU.unsynced}
`)}users:
  - name: finance-legacy
    select: { upns: [ingrid.larsen@contoso.com, jamal.reed@contoso.com, keiko.sato@contoso.com, maria.garcia@contoso.com] }
    authority: cloud
    method: scopeRemoval
    clear:
      immutableId: true
# Scope removal deletes each user in Entra ID until it is restored (mail, Teams and sign-in stop).
# Apply refuses it until this is true (or --allow-disruptive is given).
allow:
  disruptive: false
sync:
  timeout: 90m
  pollInterval: 30s
`;
    return { manifest, state: s };
  },

  'tenant-disable': () => {
    const s = baseState();
    const manifest = `${HEADER('Turn directory synchronization off for the whole tenant: every synced user becomes cloud-owned.')}tenant:
  id: ${TENANT_ID}
  directorySync: disabled
${AD_BLOCK()}users:
  - name: everyone-to-cloud
    select: { all: true }
    authority: cloud
    method: tenantDisable
# Up to 72 hours, cannot be cancelled, and sync cannot be turned on again until it completes.
allow:
  irreversible: true
sync:
  timeout: 72h
`;
    return { manifest, state: s };
  },

  'hard-link': () => {
    const s = baseState();
    // The contractors were created in the cloud first; their AD accounts exist now but are not linked.
    // Their AD accounts have no mail attributes yet, so Entra Connect has not soft-matched them.
    for (const local of ['victor.lang', 'wendy.zhou', 'xavier.dubois', 'yara.nasser', 'zane.cooper']) {
      makeCloudOnly(findEntra(s, `${local}@contractors.contoso.com`));
      const a = s.ad.users.find((u) => u.userPrincipalName === `${local}@contractors.contoso.com`);
      a.mail = null;
      a.proxyAddresses = [];
    }
    findEntra(s, 'zane.cooper@contractors.contoso.com').roles = [
      { role: 'Helpdesk Administrator', state: 'active', privileged: true },
    ];
    // Xavier is only eligible (PIM) for a privileged role: from 2026-07-01 that blocks the hard match too.
    findEntra(s, 'xavier.dubois@contractors.contoso.com').roles = [
      { role: 'User Administrator', state: 'eligible', privileged: true },
    ];
    // Yara was synced from an older AD account once (a previous contract); Entra ID kept its
    // objectGUID in onPremisesObjectIdentifier, so from 2026-07-01 the plan clears it before the match.
    findEntra(s, 'yara.nasser@contractors.contoso.com').onPremisesObjectIdentifier = '5d0c3a9e-7b21-4f6e-9c84-2a1f0e6b7d13';
    // Wendy's display name was edited in the cloud; the match puts the AD one back.
    findEntra(s, 'wendy.zhou@contractors.contoso.com').displayName = 'Wendy Zhou (Contractor)';
    const manifest = `${HEADER('Hand the contractors created in the cloud over to AD by setting their immutable id (hard match).')}tenant:
  id: ${TENANT_ID}
  features:
    # the hard match takes over cloud users, which this tenant blocks; lift the block for the links
    blockCloudObjectTakeoverThroughHardMatch: false
${AD_BLOCK()}users:
  - name: link-contractors
    select: { upnGlob: "*@contractors.contoso.com" }
    authority: onPremises
    link: hard
    counterpart: { by: upn }
sync:
  timeout: 2h
  triggerCommand: [ssh, connect01.contoso.com, "Start-ADSyncSyncCycle -PolicyType Delta"]
`;
    return { manifest, state: s };
  },

  'soft-link': () => {
    const s = baseState();
    // Four people were created in the cloud. IT prepared AD accounts for three of them, with
    // their old addresses; Lena has no AD account yet. blockSoftMatch is on in this tenant.
    s.tenant.features.blockSoftMatchEnabled = true;
    const hires = [
      { given: 'Ravi', sn: 'Menon', rid: 1180, oldMail: 'r.menon@contoso.com' },
      { given: 'Sofia', sn: 'Alves', rid: 1181, oldMail: 'sofia.a@contoso.com' },
      // holds an admin role in Entra: Entra Connect never soft-matches admins
      {
        given: 'Omar',
        sn: 'Khan',
        rid: 1182,
        oldMail: 'o.khan@contoso.com',
        roles: [{ role: 'Exchange Administrator', state: 'active', privileged: true }],
      },
    ];
    for (const h of hires) {
      const local = `${lower(h.given)}.${lower(h.sn)}`;
      s.entra.users.push(
        cloudOnlyUser({ upn: `${local}@contoso.com`, given: h.given, sn: h.sn, displayName: `${h.given} ${h.sn}`, roles: h.roles ?? [] }),
      );
      const a = adUser({ given: h.given, sn: h.sn, ou: 'it', rid: h.rid, sam: local });
      a.consistencyGuid = null;
      a.userPrincipalName = `${local}@corp.contoso.com`;
      a.mail = h.oldMail;
      a.proxyAddresses = [`SMTP:${h.oldMail}`];
      // Sofia's AD account was prepared but not enabled yet: the match would disable her cloud account
      if (h.given === 'Sofia') a.enabled = false;
      s.ad.users.push(a);
    }
    s.entra.users.push(
      cloudOnlyUser({ upn: 'lena.park@contoso.com', given: 'Lena', sn: 'Park', displayName: 'Lena Park', roles: [] }),
    );
    const manifest = `${HEADER('Hand cloud-created users over to AD by preparing matching AD users (soft match on SMTP).')}tenant:
  id: ${TENANT_ID}
  features:
    # On in this tenant. Without this line the plan reports every soft link below as blocked.
    blockSoftMatch: false
${AD_BLOCK()}users:
  - name: link-new-hires
    select: { upns: [ravi.menon@contoso.com, sofia.alves@contoso.com, omar.khan@contoso.com] }
    authority: onPremises
    link: soft
    counterpart: { by: samAccountName }
  - name: create-missing
    select: { upn: lena.park@contoso.com }
    authority: onPremises
    link: soft
    createIn: ${OU.sales}
    requirePasswordChange: true
`;
    return { manifest, state: s };
  },

  'groups-and-features': () => {
    const s = baseState();
    // Tomas was switched to the cloud by mistake; he goes back to AD (rollback). He is still mapped to
    // his own AD object (onPremisesObjectIdentifier), which the 2026-07-01 hardening does not block.
    // His display name was edited in the cloud meanwhile: the rollback puts the AD one back.
    const tomas = findEntra(s, 'tomas.berg@contoso.com');
    convert(tomas);
    tomas.displayName = 'Tomas Berg (on leave)';
    const manifest = `${HEADER('Convert groups to cloud ownership, set the tenant sync features and threshold, and roll back one switch.')}tenant:
  id: ${TENANT_ID}
  directorySync: enabled
  features:
    blockSoftMatch: true
    blockCloudObjectTakeoverThroughHardMatch: true
    softMatchOnUpn: false
  accidentalDeletionThreshold: 1000
${AD_BLOCK()}users:
  - name: rollback-tomas
    select: { upn: tomas.berg@contoso.com }
    authority: onPremises
    link: hard
groups:
  # Microsoft advises converting groups before their members.
  - name: convert-groups
    select: { displayNames: [Sales Team, Finance] }
    authority: cloud
`;
    // the tenant's current settings differ from the manifest
    s.tenant.features.blockSoftMatchEnabled = false;
    s.tenant.features.softMatchOnUpnEnabled = true;
    return { manifest, state: s };
  },
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [name, build] of Object.entries(EXAMPLES)) {
  ({ capturedAt: CAPTURED_AT, lastSync: LAST_SYNC } = EXAMPLE_DATES[name] ?? DEFAULT_DATES);
  const { manifest, state } = build();
  const files = { 'manifest.yaml': manifest, 'snapshot.json': snapshotText(state) };
  for (const [file, text] of Object.entries(files)) {
    const path = join(ROOT, 'examples', name, file);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        process.stderr.write(`examples/${name}/${file} is out of date: run node scripts/gen-examples.mjs\n`);
        stale += 1;
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
}
if (check && stale > 0) process.exitCode = 1;
