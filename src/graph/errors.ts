/**
 * Graph failures → `GraphError` (src/model/entra.ts), and the sentence an administrator reads.
 * Branches on HTTP status and Graph's error `code` only, never on the message text (docs/graph-access.md "Errors").
 * Nothing here ever includes a token, a client secret or a password.
 */
import { GraphError } from '../model/entra.js';
import { SignInError } from './client.js';
import { stepPermissions } from './permissions.js';


interface SdkGraphErrorLike {
  statusCode: number;
  code: string | null;
  message: string;
  requestId: string | null;
}

function isSdkGraphError(err: unknown): err is SdkGraphErrorLike {
  return (
    typeof err === 'object' &&
    err !== null &&
    'statusCode' in err &&
    typeof (err).statusCode === 'number'
  );
}

/** Graph's error body `{"error":{"code","message","innerError":{"request-id"}}}`, when `body` is one. */
export function graphErrorFromBody(status: number, body: unknown, fallbackCode = 'UnknownError'): GraphError {
  const e = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | null)?.error;
  const code = typeof e?.code === 'string' ? e.code : fallbackCode;
  const message = typeof e?.message === 'string' ? e.message : `HTTP ${status}`;
  const rid = e?.innerError?.['request-id'];
  return new GraphError(status, code, message, typeof rid === 'string' ? rid : undefined);
}

/**
 * Any failure of an SDK call → `GraphError`. Network failures get status 0 and code `NetworkError`; a
 * credential that could not get a token, status 0 and code `SignInFailed` (nothing was sent).
 */
export function toGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  if (err instanceof SignInError) return new GraphError(0, 'SignInFailed', `signing in to Microsoft Entra failed: ${err.message}`, undefined, { cause: err });
  if (isSdkGraphError(err)) {
    const status = err.statusCode;
    // The SDK wraps what a middleware threw, keeping its name as the code: our SignInError (client.ts).
    if (status <= 0 && err.code === 'SignInError') {
      return new GraphError(0, 'SignInFailed', `signing in to Microsoft Entra failed: ${err.message}`, undefined, { cause: err });
    }
    if (status <= 0) {
      return new GraphError(0, 'NetworkError', `cannot reach Microsoft Graph: ${err.message}`, undefined, { cause: err });
    }
    return new GraphError(status, err.code ?? `Http${status}`, err.message || `HTTP ${status}`, err.requestId ?? undefined, {
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GraphError(0, 'NetworkError', `cannot reach Microsoft Graph: ${message}`, undefined, { cause: err });
}

/** Seconds of the `Retry-After` header of an SDK error (the original, before mapping), when it has one. */
export function retryAfterSecondsOf(err: unknown): number | null {
  const source = err instanceof GraphError ? err.cause : err;
  const headers = (source as { headers?: { get?: (n: string) => string | null } } | null | undefined)?.headers;
  const v = typeof headers?.get === 'function' ? headers.get('Retry-After') : null;
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Runs one SDK call and maps its failure. */
export async function graphCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toGraphError(err);
  }
}

export interface ErrorContext {
  /** What was being done: a Step kind (`entra.setCloudManaged`) or a read (`read users`). */
  step: string;
  /** The object, for people: a UPN, a group name, `tenant`. */
  object?: string;
}

/** Steps that write attributes Entra Connect owns while the user is synced. */
const SYNCED_OWNED_WRITES = new Set(['entra.setImmutableId', 'entra.clearOnPremisesAttributes', 'entra.resetPassword']);

/**
 * One actionable sentence for an administrator: what failed, on which object, why, and what to do.
 * Ends with Graph's status/code and request id (what Microsoft support asks for).
 */
export function describeGraphError(err: unknown, ctx: ErrorContext): string {
  const e = toGraphError(err);
  const what = `${ctx.step}${ctx.object ? ` on ${ctx.object}` : ''} failed`;
  const ref = `(Graph ${e.status || 'no answer'} ${e.code}${e.requestId ? `, request-id ${e.requestId}` : ''})`;
  const advice = adviceFor(e, ctx);
  return `${what}: ${advice} ${ref}`;
}

function adviceFor(e: GraphError, ctx: ErrorContext): string {
  if (e.code === 'SignInFailed') {
    return `${e.message.replace(/[.\s]+$/, '')}: check --auth and its credential (--client-id, --certificate-file, --client-secret-env, --federated-token-file, --tenant-id), then re-run.`;
  }
  if (e.status === 0) {
    return 'Microsoft Graph could not be reached: check the network, proxy and --graph-endpoint, then re-run.';
  }
  if (e.status === 401 || e.code === 'InvalidAuthenticationToken') {
    return 'the access token was rejected: check --auth, the tenant and client ids, and that the token is for this cloud (--graph-endpoint); expired static tokens must be re-issued.';
  }
  if (e.status === 403 || e.code === 'Authorization_RequestDenied') {
    const need = stepPermissions(ctx.step);
    if (need?.delegatedOnly) {
      return `permission denied: only a signed-in ${need.entraRoles.join(' or ')} can do this (Microsoft supports no application permission; delegated permission ${need.delegatedPermissions.join(', ')}). See docs/graph-access.md.`;
    }
    const perms = need ? need.graphPermissions.join(need.allRequired ? ' and ' : ' or ') : 'the Graph permission for this call';
    const roles = need && need.entraRoles.length > 0 ? `; for delegated sign-in, also the role ${need.entraRoles.join(' or ')}` : '';
    return `permission denied: grant the app ${perms} (admin consent)${roles}. See docs/graph-access.md.`;
  }
  if (e.status === 404 || e.code === 'Request_ResourceNotFound' || e.code === 'ResourceNotFound') {
    return 'the object no longer exists (deleted or restored meanwhile): re-run plan to see the current state.';
  }
  if (e.status === 429) {
    return 'Microsoft Graph is throttling this app and tenant and retries ran out: wait a few minutes and re-run (apply resumes from its journal).';
  }
  if (e.status === 503 || e.status === 504 || e.status === 502) {
    return 'Microsoft Graph is temporarily unavailable and retries ran out: re-run later.';
  }
  if (e.status === 424) {
    return 'not attempted because a request it depends on in the same batch failed: fix that one and re-run.';
  }
  if (e.status === 400 && e.code === 'Request_BadRequest' && SYNCED_OWNED_WRITES.has(ctx.step)) {
    return 'Graph refused the write. If the user is synced, this attribute is owned by AD while the user is synced: convert it first (isCloudManaged) or change it in AD.';
  }
  if (e.status === 400 && e.code === 'Request_UnsupportedQuery') {
    return 'Graph refused the query (advanced query parameters missing): this is a bug in entra-soa, please report it.';
  }
  if (e.status === 400 || e.code === 'Request_BadRequest') {
    return `Graph refused the request as invalid: ${e.message}`;
  }
  return `unexpected answer from Graph: ${e.message}`;
}
