/**
 * The Microsoft Graph SDK client, configured for entra-soa: the SDK's own middleware (RetryHandler for
 * outer 429/503/504 with Retry-After, RedirectHandler, TelemetryHandler, HTTPMessageHandler), with two
 * small handlers of ours:
 *
 * - `EndpointAuthHandler` instead of the SDK's AuthenticationHandler. The SDK attaches the token only to
 *   `https://` URLs of the hosts it knows (or `customHosts`), so it would never authenticate to the lab's
 *   emulator on `http://127.0.0.1`. Ours attaches the token to requests for the configured endpoint's
 *   origin, and to nothing else.
 * - `TrafficHandler` (innermost) counts every request that goes on the wire, retries included, and
 *   reports throttling, for progress output and benchmarks.
 */
import {
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { DEFAULT_GRAPH_ENDPOINT } from './credentials.js';

/** Counters of what went over the wire (retries included). */
export interface GraphTraffic {
  requests: number;
  /** Requests by `METHOD /version/first-segment` (e.g. `GET /v1.0/users`), for reports. */
  byRoute: Record<string, number>;
  /** 429 answers received (outer; inner $batch 429s are counted by the batch helper). */
  throttled: number;
  /** Other retryable answers (503/504). */
  unavailable: number;
  /** Seconds the retry handler was told to wait (Retry-After), summed. */
  retryAfterSeconds: number;
  /**
   * `METHOD url` of every request, when created with `newGraphTraffic({ log: true })` (tests, debugging;
   * URLs hold no secrets); after a `POST …/$batch`, one `$batch METHOD /version/url` line per request in it.
   */
  log?: string[];
}

export function newGraphTraffic(opts: { log?: boolean } = {}): GraphTraffic {
  return { requests: 0, byRoute: {}, throttled: 0, unavailable: 0, retryAfterSeconds: 0, ...(opts.log ? { log: [] } : {}) };
}

export interface GraphClientOptions {
  /** Graph origin: https://graph.microsoft.com (default), a national cloud, or the lab (http://127.0.0.1:port). */
  endpoint?: string;
  authProvider: AuthenticationProvider;
  /** Outer retries of 429/503/504 by the SDK's RetryHandler. Defaults: 5 retries, 3 s base delay (Retry-After wins). */
  retry?: { maxRetries?: number; delaySeconds?: number };
  /** How the retry handler waits (ms); injected in tests. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Filled as requests are made. */
  traffic?: GraphTraffic;
  /** Called for each throttled/unavailable answer before the retry handler waits (progress output). */
  onRetry?: (info: { status: number; retryAfterSeconds: number | null; route: string }) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Normalises and checks an endpoint: an origin; plain http only for loopback (the lab), never to send a token over the network. */
export function normaliseEndpoint(endpoint: string = DEFAULT_GRAPH_ENDPOINT): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`the Graph endpoint ${JSON.stringify(endpoint)} is not a URL (expected e.g. https://graph.microsoft.com)`);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`the Graph endpoint ${url.origin} must use https:// (plain http is allowed only for the lab on 127.0.0.1)`);
  }
  return url.origin;
}

function requestUrl(request: RequestInfo): string {
  return typeof request === 'string' ? request : request.url;
}

function routeOf(method: string, url: string): string {
  try {
    const parts = new URL(url).pathname.split('/').filter(Boolean);
    return `${method.toUpperCase()} /${parts.slice(0, 2).join('/')}`;
  } catch {
    return `${method.toUpperCase()} ?`;
  }
}

function setHeader(context: Context, name: string, value: string): void {
  if (typeof context.request !== 'string') {
    context.request.headers.set(name, value);
    return;
  }
  context.options ??= {};
  const headers = context.options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else if (Array.isArray(headers)) headers.push([name, value]);
  else context.options.headers = { ...(headers ?? {}), [name]: value };
}

/** `$batch METHOD /version/url` for each request of a `$batch` body (for the traffic log). */
function batchedRequestsOf(url: string, body: unknown): string[] {
  const m = /\/(v1\.0|beta)\/\$batch$/.exec(url.split('?')[0] ?? '');
  if (!m || typeof body !== 'string') return [];
  try {
    const requests = (JSON.parse(body) as { requests?: { method?: unknown; url?: unknown }[] }).requests ?? [];
    return requests.map((r) => `$batch ${String(r.method).toUpperCase()} /${m[1]}${String(r.url).startsWith('/') ? '' : '/'}${String(r.url)}`);
  } catch {
    return [];
  }
}

/**
 * Getting a token failed (the credential could not sign in: a bad certificate, secret or federated
 * token, a refused client): no request was sent. Mapped to GraphError code `SignInFailed`, which is
 * never retried as if it were a network failure.
 */
export class SignInError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'SignInError';
  }
}

/** Attaches `Authorization: Bearer` to requests for the endpoint's origin only. */
class EndpointAuthHandler implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly provider: AuthenticationProvider,
    private readonly origin: string,
  ) {}
  async execute(context: Context): Promise<void> {
    let sameOrigin: boolean;
    try {
      sameOrigin = new URL(requestUrl(context.request)).origin === this.origin;
    } catch {
      sameOrigin = false;
    }
    if (sameOrigin) {
      let token: string;
      try {
        token = await this.provider.getAccessToken();
      } catch (e) {
        throw new SignInError(e);
      }
      setHeader(context, 'Authorization', `Bearer ${token}`);
    }
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Counts requests as they leave (retries included) and reports retryable answers. */
class TrafficHandler implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly traffic: GraphTraffic,
    private readonly onRetry: GraphClientOptions['onRetry'],
  ) {}
  async execute(context: Context): Promise<void> {
    const method = context.options?.method ?? (typeof context.request === 'string' ? 'GET' : context.request.method);
    const url = requestUrl(context.request);
    const route = routeOf(method, url);
    this.traffic.requests += 1;
    if (this.traffic.log) {
      this.traffic.log.push(`${method.toUpperCase()} ${url}`);
      this.traffic.log.push(...batchedRequestsOf(url, context.options?.body));
    }
    this.traffic.byRoute[route] = (this.traffic.byRoute[route] ?? 0) + 1;
    await this.next!.execute(context);
    const status = context.response?.status ?? 0;
    if (status === 429 || status === 503 || status === 504) {
      const header = context.response?.headers.get('Retry-After') ?? null;
      const seconds = header !== null && !Number.isNaN(Number(header)) ? Number(header) : null;
      if (status === 429) this.traffic.throttled += 1;
      else this.traffic.unavailable += 1;
      if (seconds !== null) this.traffic.retryAfterSeconds += seconds;
      this.onRetry?.({ status, retryAfterSeconds: seconds, route });
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * A Graph client over the SDK's middleware chain. `baseUrl` is the endpoint origin; callers pick the
 * API version per request (`.version('beta')`).
 */
export function createGraphClient(opts: GraphClientOptions): Client {
  const origin = normaliseEndpoint(opts.endpoint);
  const retryHandler = new RetryHandler(
    new RetryHandlerOptions(opts.retry?.delaySeconds ?? 3, opts.retry?.maxRetries ?? 5),
  );
  // The SDK waits with setTimeout; route its waits through the injected sleep so tests and the
  // pacer's clock see them. (RetryHandler.sleep is declared private, hence the cast.)
  const sleep = opts.sleep ?? realSleep;
  (retryHandler as unknown as { sleep: (seconds: number) => Promise<void> }).sleep = (seconds: number) =>
    sleep(Math.max(0, seconds) * 1000);
  const middleware: Middleware[] = [
    new EndpointAuthHandler(opts.authProvider, origin),
    retryHandler,
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new TrafficHandler(opts.traffic ?? newGraphTraffic(), opts.onRetry),
    new HTTPMessageHandler(),
  ];
  return Client.initWithMiddleware({ middleware, baseUrl: `${origin}/`, defaultVersion: 'v1.0' });
}
