/**
 * The emulator's request/response values and Graph's error shape. Routes are functions from a
 * `LabRequest` to a `LabResponse`; the HTTP server and `$batch` both go through them.
 */
import { LabTenantError } from '../tenant/tenant-error.js';

export type GraphVersion = 'v1.0' | 'beta';

export interface LabRequest {
  method: string;
  version: GraphVersion;
  /** Path after the version, URL-decoded per segment, e.g. `/users/alice@lab.example.test`. */
  segments: string[];
  /** Query string as sent (already decoded by URLSearchParams). */
  query: URLSearchParams;
  /** Header names lower-case. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
}

export interface LabResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body (serialised by the caller), or a text body when `text` is set. */
  body?: unknown;
  text?: string;
}

/** A Graph error the routes throw; turned into Graph's error body by `errorResponse`. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

export const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Graph's innerError.date: UTC without a zone designator or fraction, e.g. `2026-11-21T23:50:00`. */
export function graphErrorDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export interface ErrorIds {
  requestId: string;
  clientRequestId: string;
  date: Date;
}

/** Graph's error body: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`. */
function errorBody(code: string, message: string, ids: ErrorIds): unknown {
  return {
    error: {
      code,
      message,
      innerError: { date: graphErrorDate(ids.date), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    },
  };
}

/** Any thrown value → a Graph error response (unexpected errors become 500 `generalException`). */
export function errorResponse(e: unknown, ids: ErrorIds): LabResponse {
  let status = 500;
  let code = 'generalException';
  let message = 'An internal server error occurred.';
  let headers: Record<string, string> = {};
  if (e instanceof GraphHttpError) {
    ({ status, code, message, headers } = e);
  } else if (e instanceof LabTenantError) {
    ({ status, code, message } = e);
  } else if (e instanceof Error) {
    message = `Lab emulator error: ${e.message}`;
  }
  return { status, headers: { ...headers, 'content-type': JSON_CONTENT_TYPE }, body: errorBody(code, message, ids) };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): LabResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body };
}

export function noContent(): LabResponse {
  return { status: 204, headers: {} };
}

export function notFound(id: string): GraphHttpError {
  return new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

export function badSegment(segment: string): GraphHttpError {
  return new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

export function badRequest(message: string, code = 'Request_BadRequest'): GraphHttpError {
  return new GraphHttpError(400, code, message);
}

/** The body as a plain object, or a 400 like Graph's when it is not one. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphHttpError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  }
  return body as Record<string, unknown>;
}
