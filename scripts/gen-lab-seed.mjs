#!/usr/bin/env node
// Generates examples/lab/sample-company.json, the lab's sample company "Lab Example".
// Deterministic: the same script always writes the same bytes (seeded PRNG, fixed clock).
// Usage: npm run build && node scripts/gen-lab-seed.mjs [out.json]
//
// The file is a lab seed (src/lab/seed.ts): the tenant as LabTenantData (src/lab/tenant/records.ts) and the
// AD as MemoryDirectoryJson (src/lab/memory-directory.ts). Keep the shapes in step with those files.
// The company is written as it was before its last sync cycle, then settled with the lab's own sync
// engine from the build (dist/src/lab/settle.js): cycles run until one changes nothing, so the file
// holds a state a real tenant with Entra Connect running could be in (for example the new hire whose
// address repeats a colleague's is synced, with that address quarantined).
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { immutableId } from './lib/anchor.mjs';
import { SeededRandom, randomGuid } from './lib/random.mjs';
import { NO_ON_PREMISES_LEFTOVERS } from './lib/users.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = process.argv[2] ?? join(ROOT, 'examples/lab/sample-company.json');

// ---- deterministic randomness (scripts/lib/random.mjs) ----
const random = new SeededRandom(20260615);
const int = (n) => random.int(n);
const pick = (xs) => xs[int(xs.length)];
const guid = () => randomGuid(random);

// ---- the company ----
const TENANT_ID = 'a1b2c3d4-0000-4000-8000-1abe7a3b1e01';
const DOMAIN = 'lab.example.test';
const CONTRACTOR_DOMAIN = 'contractors.lab.example.test';
const INITIAL_DOMAIN = 'labexample.onmicrosoft.com';
const BASE = 'DC=lab,DC=example,DC=test';
const NOW = '2026-06-15T09:00:00.000Z';
const LAST_SYNC = '2026-06-15T08:40:00.000Z';
const DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820';
const ou = (...names) => [...names.map((n) => `OU=${n}`), BASE].join(',');
const OU = {
  staff: ou('Staff'),
  sales: ou('Sales', 'Staff'),
  finance: ou('Finance', 'Staff'),
  it: ou('IT', 'Staff'),
  engineering: ou('Engineering', 'Staff'),
  // AD accounts prepared for people who exist in the cloud already: not synced until they are linked
  onboarding: ou('Onboarding'),
  disabled: ou('Disabled'),
  unsynced: ou('Unsynced'),
  service: ou('ServiceAccounts'),
  groups: ou('Groups'),
};

const FIRST = ['Ava', 'Ben', 'Chloe', 'Daniel', 'Ella', 'Finn', 'Grace', 'Henry', 'Isla', 'Jack', 'Kara', 'Liam', 'Maya', 'Noah', 'Olivia', 'Owen', 'Priya', 'Quinn', 'Ruby', 'Sam', 'Tara', 'Umar', 'Vera', 'Will', 'Xena', 'Yusuf', 'Zoe', 'Aaron', 'Bianca', 'Carlos', 'Dana', 'Elias', 'Fatima', 'George', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Lena', 'Marco', 'Nina', 'Oscar', 'Paula', 'Rafael', 'Sofia', 'Tomas', 'Ursula', 'Victor', 'Wendy', 'Yara'];
const LAST = ['Adams', 'Baker', 'Clark', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Khan', 'Lopez', 'Meyer', 'Novak', 'Olsen', 'Patel', 'Quintero', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Varga', 'Walsh', 'Xu', 'Young', 'Zimmer', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fong', 'Gallo', 'Haas', 'Iqbal', 'Jovanovic', 'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Reyes', 'Santos', 'Torres', 'Vogel', 'Weber', 'Yilmaz', 'Zhou'];

const used = new Set();
function person() {
  for (;;) {
    const given = pick(FIRST);
    const sur = pick(LAST);
    const nick = `${given}.${sur}`.toLowerCase();
    if (!used.has(nick)) {
      used.add(nick);
      return { given, sur, nick };
    }
  }
}
// reserved names used by the scenario users below
for (const n of ['riley.morgan', 'alex.kim', 'alexandra.kim', 'former.employee']) used.add(n);

let rid = 1104;
const adUsers = [];
const entraUsers = [];
const deletedUsers = [];
let seq = 0;
const roleMembers = { 'Global Administrator': [], 'User Administrator': [], 'Helpdesk Administrator': [] };
// PIM eligibilities (served as roleEligibilityScheduleInstances), by role
const roleEligible = { 'Global Administrator': [], 'User Administrator': [], 'Helpdesk Administrator': [] };

function adUser(ouDn, p, opts = {}) {
  const objectGuid = guid();
  const upn = opts.upn === undefined ? `${p.nick}@${DOMAIN}` : opts.upn;
  const mail = opts.mail === undefined ? upn : opts.mail;
  const sam = (opts.sam ?? p.nick).slice(0, 20);
  const u = {
    dn: `CN=${p.given} ${p.sur},${ouDn}`,
    objectGuid,
    consistencyGuid: opts.consistencyGuid === undefined ? objectGuid : opts.consistencyGuid,
    samAccountName: sam,
    userPrincipalName: upn,
    mail,
    proxyAddresses: opts.proxyAddresses ?? (mail ? [`SMTP:${mail}`] : []),
    givenName: p.given,
    surname: p.sur,
    displayName: `${p.given} ${p.sur}`,
    enabled: opts.enabled ?? true,
  };
  adUsers.push(u);
  return { ...u, sid: `${DOMAIN_SID}-${rid++}` };
}

function created(daysBefore) {
  return new Date(Date.parse(NOW) - daysBefore * 86400_000 - int(86400) * 1000).toISOString();
}

function cloudUser(fields) {
  const u = {
    id: guid(),
    userPrincipalName: fields.userPrincipalName,
    displayName: null,
    givenName: null,
    surname: null,
    mail: null,
    mailNickname: null,
    proxyAddresses: [],
    accountEnabled: true,
    createdDateTime: created(30 + int(900)),
    onPremisesSyncEnabled: null,
    onPremisesImmutableId: null,
    ...NO_ON_PREMISES_LEFTOVERS,
    onPremisesObjectIdentifier: null,
    isCloudManaged: false,
    passwordLastResetAt: null,
    // a cloud user with an address has an Exchange Online mailbox unless said otherwise
    exchangeMailbox: (fields.proxyAddresses ?? []).some((a) => a.startsWith('SMTP:')),
    connectorJoin: null,
    changeSeq: 0,
    ...fields,
  };
  u.changeSeq = ++seq;
  return u;
}

/** The Entra user Entra Connect made from an AD user (exactly what the simulator would flow). */
function syncedFrom(a) {
  const anchor = immutableId(a.consistencyGuid ?? a.objectGuid);
  return cloudUser({
    userPrincipalName: a.userPrincipalName,
    displayName: a.displayName,
    givenName: a.givenName,
    surname: a.surname,
    mail: a.mail,
    mailNickname: a.samAccountName,
    proxyAddresses: a.proxyAddresses.length ? [...a.proxyAddresses] : a.mail ? [`SMTP:${a.mail}`] : [],
    accountEnabled: a.enabled,
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: anchor,
    onPremisesDistinguishedName: a.dn,
    onPremisesDomainName: DOMAIN,
    onPremisesSamAccountName: a.samAccountName,
    onPremisesSecurityIdentifier: a.sid,
    onPremisesUserPrincipalName: a.userPrincipalName,
    onPremisesLastSyncDateTime: LAST_SYNC,
    onPremisesObjectIdentifier: a.objectGuid,
    connectorJoin: a.objectGuid,
  });
}

// Synced staff: an AD user in scope and its synced Entra user
const DEPARTMENTS = [
  ['sales', 48],
  ['finance', 36],
  ['it', 24],
  ['engineering', 96],
];
const syncedByDept = {};
for (const [dept, n] of DEPARTMENTS) {
  syncedByDept[dept] = [];
  for (let i = 0; i < n; i++) {
    const a = adUser(OU[dept], person());
    const e = syncedFrom(a);
    entraUsers.push(e);
    syncedByDept[dept].push(e);
  }
}
// one synced Global Administrator (the first IT user)
roleMembers['Global Administrator'].push(syncedByDept.it[0].id);
// a synced helpdesk administrator
roleMembers['Helpdesk Administrator'].push(syncedByDept.it[1].id);

// Older AD accounts whose mS-DS-ConsistencyGuid Connect has not written yet are not in the seed:
// every synced user already carries it (Connect writes it on its first export).

// The duplicate: a synced engineer, and a new hire whose secondary address repeats the engineer's
{
  const alex = adUser(OU.engineering, { given: 'Alex', sur: 'Kim', nick: 'alex.kim' });
  entraUsers.push(syncedFrom(alex));
  adUser(OU.engineering, { given: 'Alexandra', sur: 'Kim', nick: 'alexandra.kim' }, {
    proxyAddresses: [`SMTP:alexandra.kim@${DOMAIN}`, `smtp:alex.kim@${DOMAIN}`],
    consistencyGuid: null,
  });
}

// Contractors: cloud-only users, and AD accounts with the same UPN ready for a hard link
for (let i = 0; i < 10; i++) {
  const p = person();
  const upn = `${p.nick}@${CONTRACTOR_DOMAIN}`;
  // Prepared for the link, outside the sync scope (in scope, Connect would provision each one as a
  // second cloud user with its UPN quarantined): same UPN and mail as the cloud user, an internal
  // primary SMTP address (so no soft match competes with the hard link), the cloud address as a
  // secondary one; consistency guid not yet written.
  adUser(OU.onboarding, p, { upn, mail: upn, proxyAddresses: [`SMTP:${p.nick}@${DOMAIN}`, `smtp:${upn}`], consistencyGuid: null });
  entraUsers.push(
    cloudUser({
      userPrincipalName: upn,
      displayName: `${p.given} ${p.sur} (Contractor)`,
      givenName: p.given,
      surname: p.sur,
      mail: upn,
      mailNickname: p.nick,
      proxyAddresses: [`SMTP:${upn}`],
    }),
  );
}

// Cloud-only staff (never synced)
for (let i = 0; i < 12; i++) {
  const p = person();
  const upn = `${p.nick}@${DOMAIN}`;
  const u = cloudUser({ userPrincipalName: upn, displayName: `${p.given} ${p.sur}`, givenName: p.given, surname: p.sur, mail: upn, mailNickname: p.nick, proxyAddresses: [`SMTP:${upn}`] });
  entraUsers.push(u);
  // the last one is eligible (PIM, not active) for Global Administrator: from 2026-07-01 Entra ID
  // refuses to hard-match such a user, and the planner says so (privileged-role)
  if (i === 11) roleEligible['Global Administrator'].push(u.id);
}
// A cloud-only user with a mailbox, and an AD account of the same UPN but no mail attributes, outside
// the sync scope: ready for a soft link
{
  const upn = `riley.morgan@${DOMAIN}`;
  adUser(OU.onboarding, { given: 'Riley', sur: 'Morgan', nick: 'riley.morgan' }, { mail: null, consistencyGuid: null });
  entraUsers.push(
    cloudUser({ userPrincipalName: upn, displayName: 'Riley Morgan', givenName: 'Riley', surname: 'Morgan', mail: upn, mailNickname: 'riley.morgan', proxyAddresses: [`SMTP:${upn}`] }),
  );
}

// Cloud-only administrators
for (const [nick, name, role] of [
  ['admin', 'Tenant Admin', 'Global Administrator'],
  ['breakglass', 'Break Glass', 'Global Administrator'],
]) {
  const u = cloudUser({ userPrincipalName: `${nick}@${INITIAL_DOMAIN}`, displayName: name, mailNickname: nick });
  entraUsers.push(u);
  roleMembers[role].push(u.id);
}
{
  const upn = `user.admin@${DOMAIN}`;
  const u = cloudUser({ userPrincipalName: upn, displayName: 'User Admin', mail: upn, mailNickname: 'user.admin', proxyAddresses: [`SMTP:${upn}`] });
  entraUsers.push(u);
  roleMembers['User Administrator'].push(u.id);
}

// Disabled OU: former staff, out of scope; their cloud users were purged long ago, except one
for (let i = 0; i < 8; i++) adUser(OU.disabled, person(), { enabled: false });
{
  const a = adUser(OU.disabled, { given: 'Former', sur: 'Employee', nick: 'former.employee' }, { enabled: false });
  const e = syncedFrom({ ...a, enabled: true, dn: `CN=Former Employee,${OU.sales}` });
  // deleted by Connect when the account left scope: DirSyncEnabled false, Connect's join gone
  deletedUsers.push({ ...e, onPremisesSyncEnabled: false, connectorJoin: null, onPremisesLastSyncDateTime: '2026-06-10T11:40:00.000Z', deletedDateTime: '2026-06-10T12:10:00.000Z' });
}

// Unsynced OU: AD-only test accounts
for (let i = 1; i <= 2; i++) adUser(OU.unsynced, { given: 'Test', sur: `User${i}`, nick: `test.user${i}` }, { mail: null });

// Service accounts (AD only, out of scope)
for (const name of ['svc-entra-soa', 'svc-backup', 'svc-sql', 'svc-print', 'svc-scan', 'svc-adsync']) {
  adUser(OU.service, { given: name, sur: '', nick: name }, { upn: `${name}@${DOMAIN}`, mail: null });
  const last = adUsers[adUsers.length - 1];
  last.dn = `CN=${name},${OU.service}`;
  last.givenName = null;
  last.surname = null;
  last.displayName = name;
}

// Groups: AD groups (synced) and cloud groups
const adGroups = [];
const groups = [];
for (const [name, dept] of [
  ['Sales Team', 'sales'],
  ['Finance Team', 'finance'],
  ['Engineering', 'engineering'],
  ['IT Operations', 'it'],
]) {
  const g = guid();
  const members = adUsers.filter((u) => u.dn.endsWith(`,${OU[dept]}`)).map((u) => u.dn);
  adGroups.push({ dn: `CN=${name},${OU.groups}`, objectGuid: g, samAccountName: name, members });
  groups.push({
    id: guid(),
    displayName: name,
    mailNickname: name.toLowerCase().replace(/\s+/g, '-'),
    securityEnabled: true,
    mailEnabled: false,
    onPremisesSyncEnabled: true,
    onPremisesSecurityIdentifier: `${DOMAIN_SID}-${rid++}`,
    onPremisesLastSyncDateTime: LAST_SYNC,
    isCloudManaged: false,
    createdDateTime: created(400),
  });
}
for (const [name, mailEnabled] of [
  ['All Company', true],
  ['Project Apollo', true],
  ['Contractors', false],
]) {
  groups.push({
    id: guid(),
    displayName: name,
    mailNickname: name.toLowerCase().replace(/\s+/g, '-'),
    securityEnabled: !mailEnabled,
    mailEnabled,
    onPremisesSyncEnabled: null,
    onPremisesSecurityIdentifier: null,
    onPremisesLastSyncDateTime: null,
    isCloudManaged: false,
    createdDateTime: created(200),
  });
}

// Only the features that differ from Graph's default (false): LabTenant fills in the others.
const features = {
  blockCloudObjectTakeoverThroughHardMatchEnabled: true,
  blockSoftMatchEnabled: true,
  passwordSyncEnabled: true,
};

const ROLE_TEMPLATE_IDS = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
};

const seed = {
  kind: 'entra-soa/lab-seed',
  formatVersion: 1,
  name: 'Lab Example',
  description:
    'A sample company for the entra-soa lab: synced staff in OU=Staff (Sales, Finance, IT, Engineering), cloud-only contractors with AD accounts in OU=Onboarding ready for a hard link, a cloud-only user ready for a soft link, admins, a new hire whose duplicate address is quarantined, a soft-deleted user. Generated by scripts/gen-lab-seed.mjs and settled by the lab\'s sync engine.',
  randomSeed: 4242,
  syncConfig: {
    sourceAnchor: 'mS-DS-ConsistencyGuid',
    syncScope: { include: [OU.staff, OU.groups], exclude: [] },
    syncIntervalMinutes: 30,
  },
  unsyncedOu: OU.unsynced,
  tenant: {
    now: NOW,
    changeSequence: seq,
    organization: {
      id: TENANT_ID,
      displayName: 'Lab Example',
      createdDateTime: '2023-02-01T10:00:00.000Z',
      onPremisesSyncEnabled: true,
      onPremisesLastSyncDateTime: LAST_SYNC,
      verifiedDomains: [
        { name: DOMAIN, isDefault: true, isInitial: false, type: 'Managed', capabilities: 'Email, OfficeCommunicationsOnline' },
        { name: CONTRACTOR_DOMAIN, isDefault: false, isInitial: false, type: 'Managed', capabilities: 'Email' },
        { name: INITIAL_DOMAIN, isDefault: false, isInitial: true, type: 'Managed', capabilities: 'Email, OfficeCommunicationsOnline' },
      ],
      pendingDisable: null,
    },
    onPremisesSynchronization: {
      id: TENANT_ID,
      features,
      configuration: { accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 } },
    },
    users: entraUsers,
    deletedUsers,
    groups,
    directoryRoles: Object.entries(roleMembers).map(([name, memberIds], i) => ({
      id: `${(i + 1).toString(16).padStart(8, '0')}-0000-4000-8000-${ROLE_TEMPLATE_IDS[name].slice(-12)}`,
      displayName: name,
      roleTemplateId: ROLE_TEMPLATE_IDS[name],
      description: name,
      memberIds,
      eligibleMemberIds: roleEligible[name],
    })),
    provisioningErrors: [],
  },
  directory: {
    kind: 'entra-soa/lab-directory',
    formatVersion: 1,
    baseDn: BASE,
    randomState: random.state,
    organizationalUnits: [OU.staff, OU.sales, OU.finance, OU.it, OU.engineering, OU.onboarding, OU.disabled, OU.unsynced, OU.service, OU.groups],
    users: adUsers,
    groups: adGroups,
  },
};

// Pretty at the top, one line per array element below: readable and diff-friendly.
function format(value, indent = '') {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + (v !== null && typeof v === 'object' ? JSON.stringify(v) : JSON.stringify(v))).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const inner = indent + '  ';
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
// Settle: the lab's sync engine from the build runs cycles until one changes nothing.
const SETTLE = join(ROOT, 'dist/src/lab/settle.js');
if (!existsSync(SETTLE)) {
  process.stderr.write(`${SETTLE} is missing: build first (npm run build), then run this script again\n`);
  process.exit(1);
}
const { settleSeed } = await import(pathToFileURL(SETTLE).href);
const settled = await settleSeed(seed);
const out = settled.seed;
// Written as the generator writes them: features only where true (LabTenant reads the others as
// false), user records in the generator's key order (objects the cycle created list theirs otherwise).
out.tenant.onPremisesSynchronization.features = Object.fromEntries(Object.entries(out.tenant.onPremisesSynchronization.features).filter(([, v]) => v));
const KEY_ORDER = Object.keys(entraUsers[0]);
const ordered = (u) => Object.fromEntries([...KEY_ORDER.filter((k) => k in u), ...Object.keys(u).filter((k) => !KEY_ORDER.includes(k))].map((k) => [k, u[k]]));
out.tenant.users = out.tenant.users.map(ordered);
out.tenant.deletedUsers = out.tenant.deletedUsers.map(ordered);
writeFileSync(OUT, format(out) + '\n');
const cloud = out.tenant.users;
process.stdout.write(
  `wrote ${OUT}: ${out.directory.users.length} AD users, ${cloud.length} Entra users (${cloud.filter((u) => u.onPremisesSyncEnabled).length} synced), ${out.tenant.deletedUsers.length} deleted, ${out.tenant.groups.length} groups; settled in ${settled.cycles.length} sync cycles\n`,
);
