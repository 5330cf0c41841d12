/**
 * What every connector's API access has in common: each request waits for the shared budget, is retried
 * by the retry policy, bounded in time and size by the HTTP client, and ends as the successful answer, null
 * (an allowed 404) or the platform's own PlatformError; a JSON answer is checked against its schema. A
 * platform supplies its name, credentials, error mapping and what its rate-limit headers mean.
 */
import type { z } from 'zod';
import type { PlatformError } from '../core/connector.ts';
import { createHttpClient, type AuthSpec, type HttpClient, type HttpResponse, type RateLimitInfo } from './http.ts';
import { DEFAULT_PLATFORM_LIMITS, type PlatformLimits } from './limits.ts';
import { abortableSleep } from './abortable-sleep.ts';
import { scopedPausesOf, type BudgetWaitListener, type CallScopes, type PauseScope, type RateGate, type RateLimitClass } from './rate-gate.ts';
import { createRetrier, realSleep, type Retrier, type RetryPolicy } from './retry.ts';
import type { AddressPolicy } from './ssrf.ts';

export interface PlatformApiOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: Partial<RetryPolicy>;
  /** For tests: a prepared HTTP client. */
  http?: HttpClient;
  /** The shared API budget: every request to the platform's host waits for its credits first. */
  rateGate?: RateGate;
  /** Told when a request waits for budget. */
  onBudgetWait?: BudgetWaitListener;
  /** Where requests may go (SSRF guard, see ssrf.ts); unchecked without one. */
  addressPolicy?: AddressPolicy;
  /** The budget account requests spend (budget-account.ts); the host when unset. */
  budgetAccount?: string;
  /** Ends every request and budget wait of this connector (a run past its time limit). */
  signal?: AbortSignal;
  /** Pages per listing and bytes per attachment (limits.ts); the defaults without. */
  limits?: Partial<PlatformLimits> | undefined;
}

export interface PlatformCall {
  /** Infinitive, e.g. "update ticket 42": names the call in messages. */
  what: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  form?: FormData;
  /** Defaults to true except for POST. */
  idempotent?: boolean;
  /** Return null instead of throwing on 404. */
  allow404?: boolean;
  responseType?: 'text' | 'bytes';
  maxBodyBytes?: number;
  headers?: Record<string, string>;
}

export interface CallDescription {
  method: string;
  /** The path as called: under the API base, or an absolute, vetted URL. */
  path: string;
  /** Infinitive, e.g. "update ticket 42". */
  what: string;
}

/**
 * What a platform's X-RateLimit-* headers count: `account`, the account's budget (reported to the shared
 * gate with every answer); `burst`, a short window of the platform's own that says nothing of the budget,
 * so only a 429 (the account is used up for a while) is reported.
 */
export type RateWindow = 'account' | 'burst';

export interface PlatformSpec {
  /** The platform's name in messages, as its manifest gives it. */
  name: string;
  /** The platform id, naming its calls in metrics. */
  platform: string;
  /** Where relative paths are resolved; its host is the budget account unless one is given. */
  baseUrl: URL;
  auth: AuthSpec;
  rateWindow: RateWindow;
  /** The PlatformError a non-success answer means (not a transient failure the retrier waited out). */
  errorOf(res: HttpResponse, call: CallDescription): PlatformError;
  /** The PlatformError for a 2xx whose body is not the documented JSON. */
  unexpectedShape(call: CallDescription, status: number): PlatformError;
}

export interface BudgetNews {
  total: number | null;
  remaining: number | null;
  retryAfterMs: number | null;
  /** Set when the platform said its whole account waits (a used-up quota): every worker holds until then. */
  holdAccountMs?: number;
}

/** What one answer tells the shared budget, or null when it tells nothing. */
export function budgetNews(res: HttpResponse, window: RateWindow): BudgetNews | null {
  const { total, remaining, retryAfterSeconds } = res.rateLimit;
  const limited = res.status === 429;
  // A 429 says when the account refills (Retry-After): every worker waits that long, not a whole window.
  const retryAfterMs = limited && retryAfterSeconds !== null ? retryAfterSeconds * 1000 : null;
  // A 429 means the account is used up, whatever else it says: every worker pauses, not only this one.
  if (window === 'burst') return limited ? { total: null, remaining: 0, retryAfterMs } : null;
  return total !== null || remaining !== null ? { total, remaining: limited ? 0 : remaining, retryAfterMs } : null;
}

export class PlatformApi<C extends PlatformCall = PlatformCall> {
  readonly http: HttpClient;
  readonly retrier: Retrier;
  readonly baseUrl: URL;
  /** The budget account: the host for a tested credential (limits are per account), else the credential's own. */
  readonly account: string;
  /** Pages per listing and bytes per attachment this connector reads at most. */
  readonly limits: PlatformLimits;
  protected readonly spec: PlatformSpec;
  private readonly signal: AbortSignal | undefined;
  private readonly rateGate: RateGate | undefined;
  private readonly onBudgetWait: BudgetWaitListener | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;

  constructor(spec: PlatformSpec, opts: PlatformApiOptions) {
    this.spec = spec;
    this.timeoutMs = opts.timeoutMs;
    this.baseUrl = spec.baseUrl;
    this.http =
      opts.http ??
      createHttpClient({
        baseUrl: spec.baseUrl.toString(),
        auth: spec.auth,
        timeoutMs: opts.timeoutMs,
        maxBodyBytes: 20 * 1024 * 1024,
        platform: spec.platform,
        ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
      });
    this.retrier = createRetrier({
      platform: spec.name,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.retryPolicy ? { policy: opts.retryPolicy } : {}),
    });
    this.account = opts.budgetAccount ?? spec.baseUrl.host;
    this.signal = opts.signal;
    this.limits = { ...DEFAULT_PLATFORM_LIMITS, ...definedOnly(opts.limits) };
    this.rateGate = opts.rateGate;
    this.onBudgetWait = opts.onBudgetWait;
    this.sleep = abortableSleep(opts.signal, opts.sleep ?? realSleep);
  }

  /** One call; the successful response, null on an allowed 404, or a PlatformError. `path` may be an absolute, vetted URL. */
  async raw(method: string, path: string, call: C): Promise<HttpResponse | null> {
    const idempotent = call.idempotent ?? method !== 'POST';
    // Only calls to the platform's host spend its credits (not a download redirected to storage).
    const absolute = /^https?:\/\//i.test(path);
    const gate = absolute && new URL(path).host !== this.baseUrl.host ? undefined : this.rateGate;
    const { credits, limitClass } = this.costOf(method, path, call);
    const headers = this.headersFor(method, call);
    const scopes = gate ? this.scopesOf(method, path, call) : {};
    // A pause this call's own 429 asked for is waited out by the retrier; the retry does not wait it again.
    let covered = -Infinity;
    const res = await this.retrier.run(
      async () => {
        // Every attempt is a request the platform counts, so each one waits for its credits.
        if (gate) await this.waitForPauses(gate, scopes, covered);
        const release = gate
          ? await gate.acquire(this.account, credits, this.onBudgetWait, limitClass, { signal: this.signal, requestTimeoutMs: this.timeoutMs })
          : undefined;
        // A place among the account's requests in flight ends with the request, however it ends (answer, error, timeout, abort).
        try {
          this.signal?.throwIfAborted();
          const sent = await this.http.request(method, path, {
            ...(headers ? { headers } : {}),
            ...(call.query ? { query: call.query } : {}),
            ...(call.body !== undefined ? { body: call.body } : {}),
            ...(call.form ? { form: call.form } : {}),
            ...(call.responseType ? { responseType: call.responseType } : {}),
            ...(call.maxBodyBytes ? { maxBodyBytes: call.maxBodyBytes } : {}),
            ...(this.signal ? { signal: this.signal } : {}),
          });
          let answer: HttpResponse = { ...sent, rateLimit: this.rateLimitOf(sent) };
          const pause = gate && answer.status === 429 ? this.recordPause(gate, answer, scopes) : null;
          if (pause) covered = Math.max(covered, pause.until);
          const narrow = pause?.narrow ?? false;
          // The limit and remaining of a narrow 429 are its endpoint's or record's: the retrier must not slow every call on them.
          if (narrow) answer = { ...answer, rateLimit: { ...answer.rateLimit, total: null, remaining: null } };
          // A 429 of one endpoint or record leaves the account's budget alone: other calls go on.
          const news = gate && !narrow ? budgetNews(answer, this.spec.rateWindow) : null;
          if (news && pause && news.retryAfterMs !== null) news.holdAccountMs = news.retryAfterMs;
          // The answer counts even when the budget cannot be updated: a created ticket must not be lost.
          if (gate && news) await gate.observe(this.account, news).catch(() => {});
          return answer;
        } finally {
          // A release that fails leaves the lease to expire; the request's own outcome stands.
          if (release) await release().catch(() => {});
        }
      },
      { what: call.what, idempotent },
    );
    if (res.status === 404 && call.allow404) return null;
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status >= 300 && res.status < 400 && call.responseType === 'bytes') return res; // the caller vets redirects
    throw this.spec.errorOf(res, { method, path, what: call.what });
  }

  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: C & { allow404: true }): Promise<z.infer<S> | null>;
  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: C): Promise<z.infer<S>>;
  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: C): Promise<z.infer<S> | null> {
    const res = await this.raw(method, path, call);
    if (res === null) return null;
    return this.parse(res, schema, { method, path, what: call.what });
  }

  parse<S extends z.ZodTypeAny>(res: HttpResponse, schema: S, desc: CallDescription): z.infer<S> {
    const parsed = schema.safeParse(res.json);
    if (!parsed.success) throw this.spec.unexpectedShape(desc, res.status);
    return parsed.data;
  }

  /** Credits a call spends of the budget, and the sub-limit it counts against: one credit, none, unless a platform says otherwise. */
  protected costOf(_method: string, _path: string, _call: C): { credits: number; limitClass?: RateLimitClass | undefined } {
    return { credits: 1 };
  }

  /** The endpoint and record a call falls under, for 429s that pause only those (none unless a platform says). */
  protected scopesOf(_method: string, _path: string, _call: C): CallScopes {
    return {};
  }

  /**
   * What a 429 pauses, when the platform's answer says which of its limits refused it (a reason header):
   * null when it does not say, and the shared budget alone decides, as for any 429.
   */
  protected pauseScopeOf(_info: RateLimitInfo): PauseScope | null {
    return null;
  }

  /**
   * Records the pause a 429 asks for, when its scope is known; `narrow` when it is an endpoint's or a
   * record's (the account's budget is then not told).
   */
  private recordPause(gate: RateGate, answer: HttpResponse, scopes: CallScopes): { until: number; narrow: boolean } | null {
    const scope = this.pauseScopeOf(answer.rateLimit);
    const seconds = answer.rateLimit.retryAfterSeconds;
    const key = scope === 'endpoint' ? scopes.endpoint : scope === 'subject' ? scopes.subject : undefined;
    if (scope === null || seconds === null || (scope !== 'account' && key === undefined)) return null;
    return { until: scopedPausesOf(gate).pause(this.account, key, seconds * 1000), narrow: key !== undefined };
  }

  /** Waits out a pause a 429 asked for that this call falls under (its account, endpoint or record). */
  private async waitForPauses(gate: RateGate, scopes: CallScopes, covered: number): Promise<void> {
    const { ms, reason } = scopedPausesOf(gate).waitOf(this.account, scopes, covered);
    if (ms <= 0) return;
    try {
      this.onBudgetWait?.({ account: this.account, until: new Date(Date.now() + ms), reason });
    } catch {
      // a listener's failure must not stop the request
    }
    await this.sleep(ms);
  }

  /** Request headers besides the client's own. */
  protected headersFor(_method: string, call: C): Record<string, string> | undefined {
    return call.headers;
  }

  /** The rate-limit reading of an answer: the HTTP client's, unless a platform reads its headers its own way. */
  protected rateLimitOf(res: HttpResponse): RateLimitInfo {
    return res.rateLimit;
  }
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
