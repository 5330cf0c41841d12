/**
 * The one HTTP client connectors use. It builds auth headers from data, bounds every request in time
 * and size (by the bytes actually read, whatever Content-Length says), never follows redirects (a
 * redirect to a private address would bypass the URL checks), connects only to the addresses the
 * destination check approved, and turns transport failures into a NetworkError with a kind the engine
 * can reason about.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, fetch as undiciFetch, FormData as UndiciFormData, type Dispatcher } from 'undici';
import { readRateLimit, type RateLimitInfo } from './rate-headers.ts';
import { BlockedDestinationError, destinationGuard, type AddressPolicy } from './ssrf.ts';

/**
 * undici's own fetch: unlike the global one it takes undici's Agent as `dispatcher`, which is how the
 * connection is pinned to the checked addresses. A property (not a bare call) so tests can stand in for
 * the network where no real platform exists.
 */
export const transport = { fetch: undiciFetch };

/** The default body bound of a client (a JSON page or a single record is far below it). */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

export type AuthSpec = { kind: 'basic'; username: string; password: string } | { kind: 'none' };

export interface HttpClientOptions {
  baseUrl: string;
  auth: AuthSpec;
  timeoutMs: number;
  maxBodyBytes?: number;
  userAgent?: string;
  /**
   * Where requests may go (see ssrf.ts): every destination is checked, after DNS resolution, before it is
   * contacted. Without a policy nothing is checked (tests that talk to a local simulator directly).
   */
  addressPolicy?: AddressPolicy;
  /** Names the platform in metrics (src/observability/metrics.ts); 'unknown' when unset. */
  platform?: string;
}

/** What every request ended with: an HTTP status, or the NetworkError kind when no answer came. */
export interface HttpCallEvent {
  platform: string;
  method: string;
  url: URL;
  baseUrl: string;
  status: number | `error:${NetworkErrorKind}`;
  durationMs: number;
}

/** Listeners told about every request of every client in this process (metrics). Must not throw. */
export const httpObservers = new Set<(e: HttpCallEvent) => void>();

function notify(e: HttpCallEvent): void {
  for (const o of httpObservers) {
    try {
      o(e);
    } catch {
      // observers never break a request
    }
  }
}

// The rate-limit reading lives in rate-headers.ts, one for every platform; it is re-exported here, where
// connectors and tests have always found it.
export { readRateLimit, type RateLimitInfo } from './rate-headers.ts';

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  rateLimit: RateLimitInfo;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  /** The raw body, only when the request asked for `responseType: 'bytes'`. */
  bytes?: Uint8Array;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  /** JSON body. */
  body?: unknown;
  /** multipart/form-data body (file uploads); fetch sets the boundary. Takes precedence over `body`. */
  form?: FormData;
  signal?: AbortSignal;
  /** 'bytes' keeps the raw body in `bytes` (attachment downloads); `text`/`json` are then filled only for textual answers. */
  responseType?: 'text' | 'bytes';
  /** Per-request override of the client's body size bound. */
  maxBodyBytes?: number;
  /** Extra request headers (a notification webhook's signature); they cannot replace the client's authorization. */
  headers?: Record<string, string>;
}

/** `blocked`: the destination is a private address the address policy refuses (nothing was sent). */
export type NetworkErrorKind = 'timeout' | 'refused' | 'reset' | 'unreachable' | 'dns' | 'tls' | 'too_large' | 'blocked' | 'other';

export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export interface HttpClient {
  /**
   * `path` is relative to the base URL, or an absolute http(s) URL (e.g. a redirect target the caller
   * has vetted). Credentials are sent only to the base URL's origin, never to another host.
   */
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse>;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent whose connections resolve host names only from `pinned` (the addresses the
 * destination check approved for that name a moment before), never from DNS: what was checked is what
 * is connected to. TLS still names the original host (SNI and certificate check), as does the Host header.
 */
function pinnedAgent(pinned: Map<string, string[]>): Agent {
  const lookup = (hostname: string, opts: LookupOptions, callback: LookupCallback) => {
    const addresses = pinned.get(hostname.toLowerCase());
    if (!addresses || addresses.length === 0) {
      callback(Object.assign(new Error(`${hostname} was not checked before connecting; the request was not sent`), { code: 'ENOTFOUND' }), []);
      return;
    }
    const list = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (opts.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  return new Agent({ connect: { lookup: lookup as never } });
}

/** undici's fetch recognises only its own FormData class: the connector's form is copied into one. */
function toUndiciForm(form: FormData): UndiciFormData {
  const out = new UndiciFormData();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') out.append(name, value);
    else out.append(name, value, value.name);
  }
  return out;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const headers: Record<string, string> = {
    accept: 'application/json',
    // The process id tells apart the workers of one instance in a platform's logs (and the simulator's).
    'user-agent': options.userAgent ?? `SupportFusion/0.1 (worker ${process.pid})`,
  };
  if (options.auth.kind === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  const baseOrigin = new URL(options.baseUrl).origin;
  const guard = options.addressPolicy ? destinationGuard(options.addressPolicy) : undefined;
  const pinned = new Map<string, string[]>();
  const dispatcher: Dispatcher | undefined = guard ? pinnedAgent(pinned) : undefined;
  return {
    async request(method, path, opts = {}) {
      const absolute = /^https?:\/\//i.test(path);
      const url = new URL(absolute ? path : options.baseUrl.replace(/\/$/, '') + path);
      for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
      const reqHeaders: Record<string, string> = { ...opts.headers, ...headers };
      if (url.origin !== baseOrigin) delete reqHeaders.authorization;
      if (opts.responseType === 'bytes') reqHeaders.accept = '*/*';
      const init: NonNullable<Parameters<typeof undiciFetch>[1]> = {
        method,
        headers: reqHeaders,
        redirect: 'manual',
        signal,
        ...(dispatcher ? { dispatcher } : {}),
      };
      if (opts.form !== undefined) {
        init.body = toUndiciForm(opts.form);
      } else if (opts.body !== undefined) {
        init.body = JSON.stringify(opts.body);
        reqHeaders['content-type'] = 'application/json';
      }
      let res: Awaited<ReturnType<typeof undiciFetch>>;
      let raw: Buffer;
      const started = Date.now();
      const event = { platform: options.platform ?? 'unknown', method, url, baseUrl: options.baseUrl };
      try {
        if (guard) pinned.set(url.hostname.toLowerCase(), await untilAborted(guard(url), signal));
        res = await transport.fetch(url, init);
        raw = await readBounded(res, opts.maxBodyBytes ?? maxBody);
      } catch (err) {
        const failure = toNetworkError(err, timeout.aborted, options.timeoutMs);
        notify({ ...event, status: `error:${failure.kind}`, durationMs: Date.now() - started });
        throw failure;
      }
      notify({ ...event, status: res.status, durationMs: Date.now() - started });
      const rateLimit = readRateLimit(res.headers);
      if (opts.responseType === 'bytes') {
        const textual = /json|^text\//i.test(res.headers.get('content-type') ?? '');
        const text = textual ? raw.toString('utf8') : '';
        return {
          status: res.status,
          headers: res.headers,
          text,
          rateLimit,
          json: textual ? parseJson(text, res.headers) : undefined,
          bytes: new Uint8Array(raw),
        };
      }
      const text = raw.toString('utf8');
      return { status: res.status, headers: res.headers, text, rateLimit, json: parseJson(text, res.headers) };
    },
  };
}

/**
 * The body, read chunk by chunk and abandoned (connection closed) as soon as more than `max` bytes have
 * arrived: a declared Content-Length is only an early refusal, never trusted as a bound, since a hostile
 * server may send a small one, none, or a chunked body without end.
 */
async function readBounded(res: Awaited<ReturnType<typeof undiciFetch>>, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new NetworkError('too_large', `Response of ${declared} bytes is larger than the ${max}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max)
        throw new NetworkError(
          'too_large',
          `Response is larger than the ${max}-byte limit (more arrived than ${declared >= 0 ? `the ${declared} bytes declared` : 'any declared length'})`,
        );
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
  return Buffer.concat(chunks);
}

function parseJson(text: string, headers: Headers): unknown {
  if (!text || !/json/i.test(headers.get('content-type') ?? 'application/json')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const CODE_KINDS: Record<string, NetworkErrorKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EAI_AGAIN: 'dns',
  ENOTFOUND: 'dns',
};

/** The promise, or a rejection once the signal aborts (a DNS lookup cannot be cancelled, only left behind). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function toNetworkError(err: unknown, timedOut: boolean, timeoutMs: number): NetworkError {
  if (err instanceof NetworkError) return err;
  if (err instanceof BlockedDestinationError) return new NetworkError('blocked', err.message, { cause: err });
  if (timedOut || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') && timedOut)) {
    return new NetworkError('timeout', `No answer within ${Math.round(timeoutMs / 100) / 10} s`, { cause: err });
  }
  if (err instanceof Error && err.name === 'AbortError') return new NetworkError('other', 'Request cancelled', { cause: err });
  let cause: unknown = err;
  // undici wraps the socket error: TypeError('fetch failed', { cause: Error{code} }), sometimes twice.
  for (let i = 0; i < 4 && cause instanceof Error; i++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && CODE_KINDS[code]) return new NetworkError(CODE_KINDS[code], `${describeKind(CODE_KINDS[code])} (${code})`, { cause: err });
    if (code && /CERT|SSL|TLS/i.test(code)) return new NetworkError('tls', `TLS handshake failed (${code})`, { cause: err });
    cause = cause.cause;
  }
  return new NetworkError('other', err instanceof Error ? err.message : String(err), { cause: err });
}

function describeKind(kind: NetworkErrorKind): string {
  switch (kind) {
    case 'refused':
      return 'Connection refused';
    case 'reset':
      return 'Connection reset before an answer';
    case 'timeout':
      return 'No answer in time';
    case 'unreachable':
      return 'Network unreachable';
    case 'dns':
      return 'Host name not found';
    case 'tls':
      return 'TLS handshake failed';
    case 'too_large':
      return 'Response too large';
    case 'blocked':
      return 'Destination refused';
    case 'other':
      return 'Network error';
  }
}
