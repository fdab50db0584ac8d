import { resolve } from 'node:path';
import type {
  AllowOptions,
  ClearOptions,
  DesiredActiveDirectory,
  DesiredTenant,
  GroupRule,
  GroupSelector,
  ManifestFeatureName,
  OnPremisesUserRule,
  SyncAwaitOptions,
  UserRule,
  UserSelector,
} from '../model/desired.js';
import type { SourceAnchorAttribute } from '../model/observed.js';
import { durationToSeconds } from './duration.js';
import type { YamlSource } from './yaml-source.js';
import { locate } from './yaml-source.js';

/** Defaults applied when the manifest leaves a setting out. */
export const MANIFEST_DEFAULTS = {
  syncTimeoutS: 2 * 3600,
  syncPollIntervalS: 30,
} as const;

/** A normalised rule with its position in the manifest's list. */
export interface Indexed<T> {
  index: number;
  rule: T;
}

/**
 * The parts of a manifest that passed the schema, normalised. A part is absent (or a rule
 * missing from its list) when the schema found a problem inside it, so the semantic checks can
 * still run on everything else and all problems are reported at once.
 */
export interface ManifestParts {
  tenant?: DesiredTenant;
  activeDirectory?: DesiredActiveDirectory;
  users: Indexed<UserRule>[];
  groups: Indexed<GroupRule>[];
  allow?: AllowOptions;
  sync?: SyncAwaitOptions;
  /** Number of rules written in the manifest (valid or not). */
  userRuleCount: number;
  groupRuleCount: number;
}

// Shapes the schema guarantees for a part that passed it.
interface RawTenant {
  id: string;
  directorySync?: 'enabled' | 'disabled';
  features?: Partial<Record<ManifestFeatureName, boolean>>;
  accidentalDeletionThreshold?: number;
  graphEndpoint?: string;
  passwordHashSync?: boolean;
}
interface RawActiveDirectory {
  connection: { url: string; baseDn: string; bindDn: string; bindPasswordEnv: string; caFile?: string; startTls?: boolean };
  sourceAnchor: SourceAnchorAttribute;
  syncScope?: { include?: string[]; exclude?: string[] };
  unsyncedOu?: string;
}
type RawUserSelector = {
  upn?: string;
  upns?: string[];
  upnGlob?: string;
  ou?: string;
  samAccountName?: string;
  all?: true;
  exclude?: RawUserSelector[];
};
type RawGroupSelector = { displayName?: string; displayNames?: string[]; all?: true; exclude?: RawGroupSelector[] };
interface RawUserRule {
  name?: string;
  select: RawUserSelector;
  authority: 'cloud' | 'onPremises';
  method?: 'sourceOfAuthority' | 'scopeRemoval' | 'tenantDisable';
  clear?: { immutableId?: boolean; otherOnPremisesAttributes?: boolean; objectIdentifier?: boolean };
  link?: 'hard' | 'soft';
  counterpart?: { by: 'upn' | 'mail' | 'samAccountName' };
  createIn?: string;
  setImmutableId?: boolean;
  requirePasswordChange?: boolean;
}
interface RawGroupRule {
  name?: string;
  select: RawGroupSelector;
  authority: 'cloud';
}
interface RawAllow {
  disruptive?: boolean;
  irreversible?: boolean;
  exceedDeletionThreshold?: boolean;
}
interface RawSync {
  timeout?: string;
  pollInterval?: string;
  triggerCommand?: string[];
  deletionWaves?: boolean;
}

/**
 * Normalises every part of `data` for which `isClean(pointer segments)` holds.
 * `baseDir` (the manifest's directory) makes `caFile` absolute.
 */
export function normaliseParts(
  data: unknown,
  source: YamlSource,
  isClean: (segments: string[]) => boolean,
  opts: { baseDir?: string } = {},
): ManifestParts {
  const root = asRecord(data);
  const parts: ManifestParts = { users: [], groups: [], userRuleCount: 0, groupRuleCount: 0 };
  if (!root) return parts;
  const users = Array.isArray(root['users']) ? (root['users'] as unknown[]) : [];
  const groups = Array.isArray(root['groups']) ? (root['groups'] as unknown[]) : [];
  parts.userRuleCount = users.length;
  parts.groupRuleCount = groups.length;

  if (root['tenant'] !== undefined && isClean(['tenant'])) {
    parts.tenant = normaliseTenant(root['tenant'] as RawTenant, source);
  }
  if (root['activeDirectory'] !== undefined && isClean(['activeDirectory'])) {
    parts.activeDirectory = normaliseActiveDirectory(root['activeDirectory'] as RawActiveDirectory, source, opts.baseDir);
  }
  users.forEach((raw, index) => {
    if (isClean(['users', String(index)])) {
      parts.users.push({ index, rule: normaliseUserRule(raw as RawUserRule, index, source) });
    }
  });
  groups.forEach((raw, index) => {
    if (isClean(['groups', String(index)])) {
      parts.groups.push({ index, rule: normaliseGroupRule(raw as RawGroupRule, index, source) });
    }
  });
  if (isClean(['allow'])) parts.allow = normaliseAllow((root['allow'] ?? {}));
  if (isClean(['sync'])) parts.sync = normaliseSync((root['sync'] ?? {}));
  return parts;
}

function normaliseTenant(raw: RawTenant, source: YamlSource): DesiredTenant {
  const t: DesiredTenant = { id: raw.id, features: { ...(raw.features ?? {}) }, location: locate(source, ['tenant'], 'key') };
  if (raw.directorySync !== undefined) t.directorySync = raw.directorySync;
  if (raw.accidentalDeletionThreshold !== undefined) t.accidentalDeletionThreshold = raw.accidentalDeletionThreshold;
  if (raw.graphEndpoint !== undefined) t.graphEndpoint = raw.graphEndpoint;
  if (raw.passwordHashSync !== undefined) t.passwordHashSync = raw.passwordHashSync;
  return t;
}

function normaliseActiveDirectory(raw: RawActiveDirectory, source: YamlSource, baseDir: string | undefined): DesiredActiveDirectory {
  const c = raw.connection;
  const connection: DesiredActiveDirectory['connection'] = {
    url: c.url,
    baseDn: c.baseDn,
    bindDn: c.bindDn,
    bindPasswordEnv: c.bindPasswordEnv,
    startTls: c.startTls ?? false,
  };
  if (c.caFile !== undefined) connection.caFile = baseDir === undefined ? c.caFile : resolve(baseDir, c.caFile);
  const ad: DesiredActiveDirectory = {
    connection,
    sourceAnchor: raw.sourceAnchor,
    syncScope: { include: [...(raw.syncScope?.include ?? [])], exclude: [...(raw.syncScope?.exclude ?? [])] },
    location: locate(source, ['activeDirectory'], 'key'),
  };
  if (raw.unsyncedOu !== undefined) ad.unsyncedOu = raw.unsyncedOu;
  return ad;
}

function normaliseUserSelector(s: RawUserSelector): UserSelector {
  const sel = userSelectorForm(s);
  if (s.exclude !== undefined) sel.exclude = s.exclude.map(normaliseUserSelector);
  return sel;
}

function userSelectorForm(s: RawUserSelector): UserSelector {
  if (s.upn !== undefined) return { kind: 'upn', upn: s.upn };
  if (s.upns !== undefined) return { kind: 'upns', upns: [...s.upns] };
  if (s.upnGlob !== undefined) return { kind: 'upnGlob', glob: s.upnGlob };
  if (s.ou !== undefined) return { kind: 'ou', dn: s.ou };
  if (s.samAccountName !== undefined) return { kind: 'samAccountName', name: s.samAccountName };
  return { kind: 'all' };
}

function normaliseUserRule(raw: RawUserRule, index: number, source: YamlSource): UserRule {
  const base = {
    name: raw.name ?? `users[${index}]`,
    selector: normaliseUserSelector(raw.select),
    location: locate(source, ['users', String(index)]),
  };
  if (raw.authority === 'cloud') {
    const clear: ClearOptions = { immutableId: raw.clear?.immutableId ?? false, otherOnPremisesAttributes: raw.clear?.otherOnPremisesAttributes ?? false };
    if (raw.clear?.objectIdentifier === true) clear.objectIdentifier = true;
    return { ...base, authority: 'cloud', method: raw.method ?? 'sourceOfAuthority', clear };
  }
  const rule: OnPremisesUserRule = {
    ...base,
    authority: 'onPremises',
    link: raw.link ?? 'hard',
    counterpart: { by: raw.counterpart?.by ?? 'upn' },
    setImmutableId: raw.setImmutableId ?? false,
    requirePasswordChange: raw.requirePasswordChange ?? false,
  };
  if (raw.createIn !== undefined) rule.createIn = raw.createIn;
  return rule;
}

function normaliseGroupSelector(s: RawGroupSelector): GroupSelector {
  const sel: GroupSelector =
    s.displayName !== undefined
      ? { kind: 'displayName', name: s.displayName }
      : s.displayNames !== undefined
        ? { kind: 'displayNames', names: [...s.displayNames] }
        : { kind: 'all' };
  if (s.exclude !== undefined) sel.exclude = s.exclude.map(normaliseGroupSelector);
  return sel;
}

function normaliseGroupRule(raw: RawGroupRule, index: number, source: YamlSource): GroupRule {
  return {
    name: raw.name ?? `groups[${index}]`,
    selector: normaliseGroupSelector(raw.select),
    authority: 'cloud',
    location: locate(source, ['groups', String(index)]),
  };
}

function normaliseAllow(raw: RawAllow): AllowOptions {
  return {
    disruptive: raw.disruptive ?? false,
    irreversible: raw.irreversible ?? false,
    exceedDeletionThreshold: raw.exceedDeletionThreshold ?? false,
  };
}

function normaliseSync(raw: RawSync): SyncAwaitOptions {
  const sync: SyncAwaitOptions = {
    timeoutS: (raw.timeout === undefined ? null : durationToSeconds(raw.timeout)) ?? MANIFEST_DEFAULTS.syncTimeoutS,
    pollIntervalS: (raw.pollInterval === undefined ? null : durationToSeconds(raw.pollInterval)) ?? MANIFEST_DEFAULTS.syncPollIntervalS,
    deletionWaves: raw.deletionWaves ?? false,
  };
  if (raw.triggerCommand !== undefined) sync.triggerCommand = [...raw.triggerCommand];
  return sync;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
