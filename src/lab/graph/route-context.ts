/** What every route is given, and the pieces of Graph's answer all routes share. */
import type { LabTenant } from '../tenant/lab-tenant.js';
import type { LabCaller } from './authorization.js';
import { GraphHttpError, type LabRequest } from './protocol.js';

export interface RouteContext {
  tenant: LabTenant;
  /** `http://127.0.0.1:<port>`: used in `@odata.context`, nextLink and deltaLink. */
  origin: string;
  /** Who is calling (authorization.ts decides what it may do). */
  caller: LabCaller;
}

export function contextUrl(ctx: RouteContext, req: LabRequest, fragment: string): string {
  return `${ctx.origin}/${req.version}/$metadata#${fragment}`;
}

/** The `(a,b)` part of an `@odata.context` for a `$select`, or nothing. */
export function selectSuffix(select: readonly string[] | null): string {
  return select ? `(${select.join(',')})` : '';
}

/** Keep the selected properties (id always), or the default set. */
export function project(rec: Record<string, unknown>, select: readonly string[] | null, defaults: readonly string[]): Record<string, unknown> {
  const keys = select ?? defaults;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = rec[k] ?? (k in rec ? rec[k] : null);
  if (!('id' in out)) out.id = rec.id;
  return out;
}

export function methodNotAllowed(): GraphHttpError {
  return new GraphHttpError(405, 'Request_BadRequest', 'The specified HTTP method is not allowed for the request target.');
}
