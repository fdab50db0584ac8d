/**
 * `GET /users/delta`: an initial round of every live user, then rounds of the users changed (and the
 * ids of users deleted) since the round the `$deltatoken` ends, paged by `Prefer: odata.maxpagesize`.
 */
import type { LabUser } from '../tenant/records.js';
import { json, type LabRequest, type LabResponse } from './protocol.js';
import { MAX_PAGE_SIZE, decodeToken, encodeToken, selectList } from './odata.js';
import { contextUrl, selectSuffix, type RouteContext } from './route-context.js';
import { DEFAULT_USER_PROPERTIES, userProperties } from './user-properties.js';
import { userView } from './user-view.js';

interface DeltaState {
  /** Changes after this sequence number are included (-1 = initial round: everything). */
  since: number;
  /** Sequence number at the start of the round (becomes the next deltaLink's `since`). */
  upTo: number;
  o: number;
  sel: string[] | null;
}
const isDelta = (v: unknown): v is DeltaState =>
  typeof v === 'object' && v !== null && typeof (v as DeltaState).since === 'number' && typeof (v as DeltaState).upTo === 'number';

/** Users delta page size: `Prefer: odata.maxpagesize=N` (as Graph documents), default 100. */
function deltaPageSize(req: LabRequest): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(req.headers['prefer'] ?? '');
  return m?.[1] ? Math.min(Math.max(Number(m[1]), 1), MAX_PAGE_SIZE) : 100;
}

export function usersDelta(ctx: RouteContext, req: LabRequest): LabResponse {
  const t = ctx.tenant;
  const skip = req.query.get('$skiptoken');
  const delta = req.query.get('$deltatoken');
  let st: DeltaState;
  if (skip !== null) st = decodeToken(skip, isDelta);
  else if (delta !== null) {
    const d = decodeToken(delta, isDelta);
    st = { since: d.upTo, upTo: t.changeSequence(), o: 0, sel: d.sel };
  } else {
    st = { since: -1, upTo: t.changeSequence(), o: 0, sel: selectList(req.query, userProperties(req), 'microsoft.graph.user') };
  }
  let entries: readonly (Readonly<LabUser> | string)[];
  if (st.since < 0) entries = t.listUsers();
  else {
    const { changed, removedIds } = t.usersChangedSince(st.since);
    entries = [...changed, ...removedIds];
  }
  const size = deltaPageSize(req);
  const page = entries
    .slice(st.o, st.o + size)
    .map((e) =>
      typeof e === 'string' ? { '@odata.type': '#microsoft.graph.user', id: e, '@removed': { reason: 'changed' } } : userView(t, e, st.sel, DEFAULT_USER_PROPERTIES),
    );
  const base = `${ctx.origin}/${req.version}/users/delta`;
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, req, `users${selectSuffix(st.sel)}`) };
  if (st.o + size < entries.length) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...st, o: st.o + size })}`;
  } else {
    body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ since: st.upTo, upTo: st.upTo, o: 0, sel: st.sel })}`;
  }
  body.value = page;
  return json(200, body);
}
