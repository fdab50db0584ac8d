import type { AdUser, EntraUser, DeletedEntraUser, SourceAnchorAttribute } from './observed.js';

/** How AD and Entra users are joined: the install's source anchor and whether UPN soft match is on. */
export interface JoinOptions {
  sourceAnchor: SourceAnchorAttribute;
  softMatchOnUpn: boolean;
}

/** How an AD user and an Entra user are related. */
export type LinkKind =
  /** The Entra user's immutable id equals the AD user's source anchor. */
  | 'hard'
  /** Not linked, but Entra Connect would soft-match them (primary SMTP, or UPN with the feature on). */
  | 'soft-candidate'
  | 'none';

/** One person, seen from both sides; either side may be missing. */
export interface Identity {
  /** Stable address used in plans and fingerprints: `user/<lower-case UPN>` (Entra UPN first, else AD UPN, else `user/sam:<sAMAccountName>`). */
  key: string;
  ad?: AdUser;
  entra?: EntraUser;
  /** A soft-deleted Entra user that carries this AD user's anchor (e.g. mid scope-removal). */
  deleted?: DeletedEntraUser;
  link: LinkKind;
  /** The AD user's source anchor as an ImmutableID (base64), when there is an AD side. */
  anchor?: string;
  /** How a soft-match candidate was found. */
  softMatchBy?: 'smtp' | 'upn';
}

/** A problem found while joining (two cloud users with one anchor, two AD users with one UPN...). */
export interface JoinConflict {
  code: 'duplicate-anchor' | 'duplicate-ad-upn' | 'duplicate-ad-address' | 'duplicate-entra-address' | 'ambiguous-soft-match';
  /** The identity keys involved, sorted. */
  keys: string[];
  /** The shared value (the anchor, the UPN, the address). */
  value: string;
  message: string;
}

export interface JoinResult {
  /** Sorted by key. */
  identities: Identity[];
  conflicts: JoinConflict[];
}
