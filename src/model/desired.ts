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
  location: SourceLocation;
}

/** Feature names as written in the manifest (mapped to Graph's `...Enabled` names by `FEATURE_GRAPH_NAME`). */
export type ManifestFeatureName = 'blockSoftMatch' | 'blockCloudObjectTakeoverThroughHardMatch' | 'softMatchOnUpn';

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

/** Which users a rule applies to. Exactly one form. */
export type UserSelector =
  | { kind: 'upn'; upn: string }
  | { kind: 'upns'; upns: string[] }
  | { kind: 'upnGlob'; glob: string }
  | { kind: 'ou'; dn: string }
  | { kind: 'samAccountName'; name: string }
  | { kind: 'all' };

/** What to clear on the cloud user after it became cloud-owned. */
export interface ClearOptions {
  immutableId: boolean;
  /** The other onPremises* leftovers (distinguished name, SAM, SID, domain, UPN, last sync). */
  otherOnPremisesAttributes: boolean;
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
}

export type GroupSelector =
  | { kind: 'displayName'; name: string }
  | { kind: 'displayNames'; names: string[] }
  | { kind: 'all' };

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
   * Operator-supplied command run before waiting (e.g. one that runs
   * `Start-ADSyncSyncCycle -PolicyType Delta` on the Connect server). argv form, no shell.
   */
  triggerCommand?: string[];
}
