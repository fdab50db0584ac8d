/**
 * The beta reads of objects that were synced before: `onPremisesSyncBehavior.isCloudManaged` (users and
 * groups) and, for users, `onPremisesObjectIdentifier`, in `$batch`es of 20 or, for the identifiers of
 * many users, from the beta user list, whichever costs fewer requests.
 */
import { GraphError } from '../model/entra.js';
import type { BatchRequest, BatchResult } from './batch.js';
import { str, type Json } from './graph-json.js';
import type { GraphReader } from './graph-reader.js';

/**
 * What is read of onPremisesObjectIdentifier, on **beta** (the 2026-07-01 hard-match hardening:
 * a cloud user mapped to another AD object is not hard-matched until it is cleared). Microsoft documents
 * reading and clearing it with beta calls
 * (https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-clear-on-premises-attributes); the
 * v1.0 user schema does not have it. Read only where it can matter: the users that were synced before
 * and are not synced now (`needsSyncBehavior`: cloud-managed, restored, previously synced), the ones a
 * hard link or a rollback can hand to an AD object. For the others it reads as null.
 */
export const OBJECT_IDENTIFIER_SELECT = ['id', 'onPremisesObjectIdentifier'] as const;
/** The note when beta refuses the property (unconfirmed whether a tenant can): what the plan then cannot see. */
const OBJECT_IDENTIFIER_LOST = 'the plan cannot foresee the 2026-07-01 hard-match refusal for cloud users that were synced before';

/** GET onPremisesSyncBehavior answers `{isCloudManaged}`; the docs' examples wrap it in `value`: accept both. */
export function isCloudManagedFrom(body: unknown): boolean | null {
  if (body === null || typeof body !== 'object') return null;
  const b = body as Json;
  if (typeof b['isCloudManaged'] === 'boolean') return b['isCloudManaged'];
  const v = b['value'];
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Json)['isCloudManaged'] === 'boolean') {
    return (v as Json)['isCloudManaged'] as boolean;
  }
  if (Array.isArray(v) && v[0] && typeof (v[0] as Json)['isCloudManaged'] === 'boolean') return (v[0] as Json)['isCloudManaged'] as boolean;
  return null;
}

/** What the beta reads cost (part of GraphEntraAccess's ReadStats). */
export interface BetaReadStats {
  syncBehaviorReads: number;
  /** Users whose onPremisesObjectIdentifier was asked for on beta (in `$batch`es, or picked from beta user pages). */
  objectIdentifierReads: number;
  /** Pages of `GET /beta/users?$select=id,onPremisesObjectIdentifier` (when cheaper than `$batch`es). */
  objectIdentifierPages: number;
}

export interface BetaDetails {
  behaviors: Map<string, boolean | null>;
  identifiers: Map<string, string | null>;
}

export class SyncBehaviorReads {
  /** False once beta refused onPremisesObjectIdentifier (400): later reads do not ask again (one note). */
  #objectIdentifierReadable = true;

  constructor(
    private readonly reader: GraphReader,
    readonly stats: BetaReadStats,
    private readonly progress: (message: string) => void,
  ) {}

  get objectIdentifierReadable(): boolean {
    return this.#objectIdentifierReadable;
  }

  /**
   * Whether onPremisesObjectIdentifier of M previously synced users among N is read in the beta `$batch`
   * (one more request per user, ⌈M / 20⌉ more batches) or from the beta user list (⌈N / 999⌉ pages of
   * `GET /beta/users?$select=id,onPremisesObjectIdentifier`): whichever takes fewer requests, so the
   * read costs at most min(⌈M / 20⌉, ⌈N / 999⌉) requests more. null: not read (nobody needs it, or beta
   * refused it before).
   */
  objectIdentifierRoute(candidates: number, totalUsers: number): 'batch' | 'pages' | null {
    if (candidates === 0 || !this.#objectIdentifierReadable) return null;
    return Math.ceil(candidates / 20) <= Math.ceil(totalUsers / 999) ? 'batch' : 'pages';
  }

  /** onPremisesObjectIdentifier of `ids`, picked from the beta user list (see objectIdentifierRoute). */
  async readObjectIdentifierPages(ids: readonly string[]): Promise<Map<string, string | null>> {
    const wanted = new Set(ids);
    const out = new Map<string, string | null>();
    let users: Json[];
    try {
      users = await this.reader.getAll(`/users?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}&$top=999`, 'beta', (_n, pages) => {
        this.stats.objectIdentifierPages = pages;
      });
    } catch (err) {
      if (!(err instanceof GraphError && err.status === 400)) throw err;
      this.#objectIdentifierRefused(err);
      return out;
    }
    for (const u of users) if (wanted.has(String(u['id']))) out.set(String(u['id']), str(u['onPremisesObjectIdentifier']));
    this.stats.objectIdentifierReads += ids.length;
    return out;
  }

  /**
   * Beta reads per object in `$batch`es of 20: isCloudManaged (`GET /{kind}/{id}/onPremisesSyncBehavior`)
   * and, for users with `identifiers`, onPremisesObjectIdentifier (`GET /users/{id}?$select=id,
   * onPremisesObjectIdentifier`). An object gone meanwhile (404) reads as null.
   */
  async read(kind: 'users' | 'groups', ids: readonly string[], identifiers: boolean): Promise<BetaDetails> {
    const out: BetaDetails = { behaviors: new Map(), identifiers: new Map() };
    if (ids.length === 0) return out;
    const requests: BatchRequest[] = ids.flatMap((id, i) => [
      { id: `b${i}`, method: 'GET' as const, url: `/${kind}/${encodeURIComponent(id)}/onPremisesSyncBehavior` },
      ...(identifiers ? [{ id: `o${i}`, method: 'GET' as const, url: `/users/${encodeURIComponent(id)}?$select=${OBJECT_IDENTIFIER_SELECT.join(',')}` }] : []),
    ]);
    const results = await this.reader.batch(requests, 'beta', (s, n, throttled) =>
      this.progress(`Graph ${throttled > 0 ? 'throttled' : 'could not answer'} ${n} beta read(s) of sync behaviour; retrying after ${s}s`),
    );
    // Beta refusing the property (400: unconfirmed that a tenant can) loses only the identifiers.
    const refused = identifiers ? [...results.values()].find((r) => r.id.startsWith('o') && r.status === 400) : undefined;
    if (refused?.error) this.#objectIdentifierRefused(refused.error);
    ids.forEach((id, i) => {
      const b = results.get(`b${i}`) as BatchResult;
      if (b.error && b.status !== 404) throw b.error;
      out.behaviors.set(id, b.error ? null : isCloudManagedFrom(b.body));
      if (!identifiers || refused) return;
      const o = results.get(`o${i}`) as BatchResult;
      if (o.error && o.status !== 404) throw o.error;
      out.identifiers.set(id, o.error ? null : str((o.body as Json | null)?.['onPremisesObjectIdentifier']));
    });
    this.stats.syncBehaviorReads += ids.length;
    if (identifiers && !refused) this.stats.objectIdentifierReads += ids.length;
    return out;
  }

  /** Beta refused onPremisesObjectIdentifier (400): say so once, read it as null from now on. */
  #objectIdentifierRefused(err: GraphError): void {
    if (!this.#objectIdentifierReadable) return;
    this.#objectIdentifierReadable = false;
    this.progress(`note: onPremisesObjectIdentifier not read (Graph ${err.status} ${err.code} on beta); ${OBJECT_IDENTIFIER_LOST}`);
  }
}
