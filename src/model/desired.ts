import type { SourceLocation } from './diagnostic.js';
import type { SourceAnchorAttribute } from './observed.js';

/**
 * The manifest after loading, validation and normalisation. Every rule keeps the manifest
 * location it came from so that diagnostics and plan reasons can point back at it.
 */
export interface DesiredState {
  /** Path of the manifest as given on the command line (used in diagnostics). */
  file: string;
  /** sha256 (hex) of the manifest bytes; recorded in plans. */
  digest: string;
  tenant: DesiredTenant;
  activeDirectory: DesiredActiveDirectory;
  users: UserRule[];
  groups: GroupRule[];
  /** Explicit consent for hazards the apply step otherwise refuses. */
  allow: AllowOptions;
  sync: SyncAwaitOptions;
}

export interface DesiredTenant {
  id: string;
  /** Undefined = not managed by this manifest. */
  directorySync?: 'enabled' | 'disabled';
  /** Only the flags the manifest sets; others are not managed. Keys are the manifest names. */
  features: Partial<Record<ManifestFeatureName, boolean>>;
  /** Undefined = not managed. */
  accidentalDeletionThreshold?: number;
  /** Graph endpoint override (national clouds); undefined = global service. */
  graphEndpoint?: string;
  /**
   * Whether password hash sync is on, as the manifest states it (never managed). Used when the
   * tenant's `features.passwordSyncEnabled` cannot be read; undefined = not stated.
   */
  passwordHashSync?: boolean;
  location: SourceLocation;
}

/** Feature names as written in the manifest (mapped to Graph's `...Enabled` names by `FEATURE_GRAPH_NAME`). */
export const MANIFEST_FEATURE_NAMES = ['blockSoftMatch', 'blockCloudObjectTakeoverThroughHardMatch', 'softMatchOnUpn'] as const;
export type ManifestFeatureName = (typeof MANIFEST_FEATURE_NAMES)[number];

export const FEATURE_GRAPH_NAME = {
  blockSoftMatch: 'blockSoftMatchEnabled',
  blockCloudObjectTakeoverThroughHardMatch: 'blockCloudObjectTakeoverThroughHardMatchEnabled',
  softMatchOnUpn: 'softMatchOnUpnEnabled',
} as const satisfies Record<ManifestFeatureName, string>;

export interface DesiredActiveDirectory {
  connection: {
    /** ldaps://host[:port] or ldap://host[:port]. */
    url: string;
    baseDn: string;
    bindDn: string;
    /** Name of the environment variable that holds the bind password (never the password). */
    bindPasswordEnv: string;
    /** PEM file with the CA that signed the DC's certificate (relative to the manifest). */
    caFile?: string;
    /** Upgrade an ldap:// connection with StartTLS. */
    startTls: boolean;
  };
  sourceAnchor: SourceAnchorAttribute;
  /** Entra Connect's OU filtering. An empty include list means the whole base DN is in scope. */
  syncScope: { include: string[]; exclude: string[] };
  /** The OU Entra Connect does not sync, used by the scope-removal method. */
  unsyncedOu?: string;
  location: SourceLocation;
}

/** Which users a rule applies to: exactly one form, minus the users any `exclude` selector matches. */
export type UserSelector = (
  | { kind: 'upn'; upn: string }
  | { kind: 'upns'; upns: string[] }
  | { kind: 'upnGlob'; glob: string }
  | { kind: 'ou'; dn: string }
  | { kind: 'samAccountName'; name: string }
  | { kind: 'all' }
) & {
  /** Users any of these selectors match are left out ("everyone but the admins"). */
  exclude?: UserSelector[];
};

/** What to clear on the cloud user after it became cloud-owned. */
export interface ClearOptions {
  immutableId: boolean;
  /**
   * The other on-premises attributes Microsoft documents as clearable (distinguished name, domain,
   * SAM, SID, UPN): `CLEARABLE_ON_PREMISES_ATTRIBUTES` without the immutable id and the object
   * identifier, which have their own options.
   */
  otherOnPremisesAttributes: boolean;
  /**
   * Set `onPremisesObjectIdentifier` to null (its own option: Graph needs the extra permission
   * `User-OnPremisesSyncBehavior.ReadWrite.All` for it, and it decides the 2026-07-01 hard-match
   * protections). Absent = false.
   */
  objectIdentifier?: boolean;
}

export type UserRule = CloudUserRule | OnPremisesUserRule;

interface UserRuleBase {
  /** Rule name (from the manifest, or `users[N]`). */
  name: string;
  selector: UserSelector;
  location: SourceLocation;
}

export interface CloudUserRule extends UserRuleBase {
  authority: 'cloud';
  method: 'sourceOfAuthority' | 'scopeRemoval' | 'tenantDisable';
  clear: ClearOptions;
}

export interface OnPremisesUserRule extends UserRuleBase {
  authority: 'onPremises';
  link: 'hard' | 'soft';
  /** How to find the AD counterpart of a cloud user. Default: same UPN. */
  counterpart: { by: 'upn' | 'mail' | 'samAccountName' };
  /** Create the AD user in this OU when no counterpart exists (soft link only). */
  createIn?: string;
  /**
   * Soft link only: also set the cloud user's immutable id to the AD counterpart's anchor (what the
   * seeds' soft-match script did with `-UpdateImmutableID`), so the cycle matches by anchor (a hard match).
   */
  setImmutableId: boolean;
  /** AD users this rule creates must change their password at next logon. */
  requirePasswordChange: boolean;
}

/** Which groups a rule applies to: exactly one form, minus the groups any `exclude` selector matches. */
export type GroupSelector = (
  | { kind: 'displayName'; name: string }
  | { kind: 'displayNames'; names: string[] }
  | { kind: 'all' }
) & {
  exclude?: GroupSelector[];
};

export interface GroupRule {
  name: string;
  selector: GroupSelector;
  authority: 'cloud';
  location: SourceLocation;
}

export interface AllowOptions {
  /** Allow steps that interrupt users (scope removal deletes users for a while; password reset). */
  disruptive: boolean;
  /** Allow irreversible or slow steps (tenant-wide disable). */
  irreversible: boolean;
  /** Allow plans whose deletions exceed the accidental-deletion threshold. */
  exceedDeletionThreshold: boolean;
}

export interface SyncAwaitOptions {
  /** Seconds a sync.await step waits for the sync engine's effect before it fails. */
  timeoutS: number;
  /** Seconds between the first polls (doubles up to 60 s). */
  pollIntervalS: number;
  /**
   * When a plan's scope removals exceed the accidental-deletion threshold: split them into waves of
   * at most the threshold, each wave's moves waiting for the previous wave's deletions, instead of
   * asking for consent to exceed it.
   */
  deletionWaves: boolean;
  /**
   * Operator-supplied command run before waiting (e.g. one that runs
   * `Start-ADSyncSyncCycle -PolicyType Delta` on the Connect server). argv form, no shell.
   */
  triggerCommand?: string[];
}
