import type { z } from 'zod';
import { PlatformError } from '../../core/connector.ts';
import { createHttpClient, type HttpClient, type HttpResponse } from '../../connector-kit/http.ts';
import { DEFAULT_PLATFORM_LIMITS, type PlatformLimits } from '../../connector-kit/limits.ts';
import type { BudgetWaitListener, RateGate } from '../../connector-kit/rate-gate.ts';
import { createRetrier, type Retrier, type RetryPolicy } from '../../connector-kit/retry.ts';
import type { AddressPolicy } from '../../connector-kit/ssrf.ts';
import { jiraError, unexpectedShape, type CallDescription } from './errors.ts';

export interface JiraCredentials {
  /** The normalised site URL (scheme + host). */
  apiUrl: string;
  email: string;
  apiToken: string;
}

export interface JiraApiOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: Partial<RetryPolicy>;
  http?: HttpClient;
  rateGate?: RateGate;
  onBudgetWait?: BudgetWaitListener;
  addressPolicy?: AddressPolicy;
  budgetAccount?: string;
  signal?: AbortSignal;
  limits?: Partial<PlatformLimits> | undefined;
}

export interface JiraCall {
  what: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  form?: FormData;
  /** Defaults to true except for POST. */
  idempotent?: boolean;
  allow404?: boolean;
  responseType?: 'text' | 'bytes';
  maxBodyBytes?: number;
  headers?: Record<string, string>;
}

/**
 * Seconds to wait after a 429: Retry-After, else the ISO `X-RateLimit-Reset` [§3], else null (the
 * retrier's default). Jira's limit headers count a per-second burst, not the account's budget window,
 * so only a 429 is reported to the shared gate.
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | null {
  const ra = headers.get('retry-after') ?? headers.get('beta-retry-after');
  if (ra !== null && ra.trim() !== '' && Number.isFinite(Number(ra))) return Math.max(0, Number(ra));
  // Retry-After may also be an HTTP date (RFC 9110); a gateway in front of the site may send that form.
  const raAt = ra ? Date.parse(ra) : NaN;
  if (!Number.isNaN(raAt)) return Math.max(0, Math.ceil((raAt - now) / 1000));
  const reset = headers.get('x-ratelimit-reset');
  const at = reset ? Date.parse(reset) : NaN;
  return Number.isNaN(at) ? null : Math.max(1, Math.ceil((at - now) / 1000));
}

function headerNumber(headers: Headers, name: string): number | null {
  const v = headers.get(name);
  const n = v === null || v.trim() === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Jira Cloud REST access: retries, error mapping, schema checks. Paths are under the site (`/rest/api/3/...`). */
export class JiraApi {
  readonly http: HttpClient;
  readonly retrier: Retrier;
  readonly baseUrl: URL;
  readonly account: string;
  readonly limits: PlatformLimits;
  private readonly signal: AbortSignal | undefined;
  private readonly rateGate: RateGate | undefined;
  private readonly onBudgetWait: BudgetWaitListener | undefined;

  constructor(creds: JiraCredentials, opts: JiraApiOptions) {
    this.baseUrl = new URL(creds.apiUrl.replace(/\/$/, ''));
    this.http =
      opts.http ??
      createHttpClient({
        baseUrl: this.baseUrl.origin,
        auth: { kind: 'basic', username: creds.email, password: creds.apiToken },
        timeoutMs: opts.timeoutMs,
        maxBodyBytes: 20 * 1024 * 1024,
        platform: 'jira_service_management',
        ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
      });
    this.retrier = createRetrier({ platform: 'Jira', ...(opts.sleep ? { sleep: opts.sleep } : {}), ...(opts.retryPolicy ? { policy: opts.retryPolicy } : {}) });
    this.account = opts.budgetAccount ?? this.baseUrl.host;
    this.signal = opts.signal;
    this.limits = { ...DEFAULT_PLATFORM_LIMITS, ...Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)) };
    this.rateGate = opts.rateGate;
    this.onBudgetWait = opts.onBudgetWait;
  }

  async raw(method: string, path: string, call: JiraCall): Promise<HttpResponse | null> {
    const idempotent = call.idempotent ?? method !== 'POST';
    const absolute = /^https?:\/\//i.test(path);
    const gate = absolute && new URL(path).host !== this.baseUrl.host ? undefined : this.rateGate;
    // Writes must carry it, multipart uploads above all, or Jira's XSRF check blocks them [§1.1].
    const headers = { ...(method === 'GET' ? {} : { 'x-atlassian-token': 'no-check' }), ...call.headers };
    const res = await this.retrier.run(
      async () => {
        if (gate) await gate.acquire(this.account, 1, this.onBudgetWait, undefined, { signal: this.signal });
        this.signal?.throwIfAborted();
        const answer = await this.http.request(method, path, {
          headers,
          ...(call.query ? { query: call.query } : {}),
          ...(call.body !== undefined ? { body: call.body } : {}),
          ...(call.form ? { form: call.form } : {}),
          ...(call.responseType ? { responseType: call.responseType } : {}),
          ...(call.maxBodyBytes ? { maxBodyBytes: call.maxBodyBytes } : {}),
          ...(this.signal ? { signal: this.signal } : {}),
        });
        const wait = answer.status === 429 || answer.status === 503 ? retryAfterSeconds(answer.headers) : answer.rateLimit.retryAfterSeconds;
        // The retrier slows down before the window is spent (X-RateLimit-Limit/-Remaining [§3]); the shared
        // gate is not told them, as they count Jira's own short window, not the account's budget.
        const rateLimit = { total: headerNumber(answer.headers, 'x-ratelimit-limit'), remaining: headerNumber(answer.headers, 'x-ratelimit-remaining') };
        const patched: HttpResponse = { ...answer, rateLimit: { ...rateLimit, usedByRequest: null, retryAfterSeconds: wait } };
        if (gate && answer.status === 429)
          await gate.observe(this.account, { total: null, remaining: 0, retryAfterMs: wait !== null ? wait * 1000 : null }).catch(() => {});
        return patched;
      },
      { what: call.what, idempotent },
    );
    if (res.status === 404 && call.allow404) return null;
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status >= 300 && res.status < 400 && call.responseType === 'bytes') return res; // the caller vets redirects
    throw jiraError(res, { method, path, what: call.what });
  }

  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: JiraCall & { allow404: true }): Promise<z.infer<S> | null>;
  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: JiraCall): Promise<z.infer<S>>;
  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: JiraCall): Promise<z.infer<S> | null> {
    const res = await this.raw(method, path, call);
    if (res === null) return null;
    return this.parse(res, schema, { method, path, what: call.what });
  }

  parse<S extends z.ZodTypeAny>(res: HttpResponse, schema: S, desc: CallDescription): z.infer<S> {
    const parsed = schema.safeParse(res.json);
    if (!parsed.success) throw unexpectedShape(desc, res.status);
    return parsed.data;
  }

  /** A listing stopped because it went on past the page bound (a platform must not keep a run busy without end). */
  tooManyPages(what: string): PlatformError {
    const max = this.limits.maxListPages;
    return new PlatformError(
      'unexpected_response',
      `Jira kept announcing more pages after ${max} pages while trying to ${what}. A listing is read up to ${max} pages (SF_MAX_LIST_PAGES); this run stops here.`,
    );
  }
}
