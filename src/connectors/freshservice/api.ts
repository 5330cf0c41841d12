import type { z } from 'zod';
import { PlatformError } from '../../core/connector.ts';
import { createHttpClient, type HttpClient, type HttpResponse } from '../../connector-kit/http.ts';
import { DEFAULT_PLATFORM_LIMITS, type PlatformLimits } from '../../connector-kit/limits.ts';
import type { BudgetWaitListener, RateGate } from '../../connector-kit/rate-gate.ts';
import type { AddressPolicy } from '../../connector-kit/ssrf.ts';
import { createRetrier, type Retrier, type RetryPolicy } from '../../connector-kit/retry.ts';
import { freshserviceError, unexpectedShape, type CallDescription } from './errors.ts';
import { rateLimitClassOf } from './rate-classes.ts';

export interface FsApiOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: Partial<RetryPolicy>;
  /** For tests: a prepared HTTP client. */
  http?: HttpClient;
  /** The shared API budget: every request to the Freshservice host waits for its credits first. */
  rateGate?: RateGate;
  /** Told when a request waits for budget. */
  onBudgetWait?: BudgetWaitListener;
  /** Where requests may go (SSRF guard, see connector-kit/ssrf.ts); unchecked without one. */
  addressPolicy?: AddressPolicy;
  /** The budget account requests spend (connector-kit/budget-account.ts); the host when unset. */
  budgetAccount?: string;
  /** Ends every request and budget wait of this connector (a run past its time limit). */
  signal?: AbortSignal;
  /** Pages per listing and bytes per attachment (connector-kit/limits.ts); the defaults without. */
  limits?: Partial<PlatformLimits> | undefined;
}

/** A listing's bounds besides its page count: the bytes its pages may bring in all (when they are held). */
export interface ListingBounds {
  maxBytes?: number;
}

export interface FsCall {
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
}

const NEXT_LINK = /<([^>]+)>\s*;\s*rel="?next"?/i;

/** Freshservice API v2 access: retries, error mapping, schema checks, link-header paging. */
export class FreshserviceApi {
  readonly http: HttpClient;
  readonly retrier: Retrier;
  readonly baseUrl: URL;
  /** The budget account: the Freshservice host for a tested key (limits are per account), else the key's own. */
  readonly account: string;
  /** Pages per listing and bytes per attachment this connector reads at most. */
  readonly limits: PlatformLimits;
  private readonly host: string;
  private readonly signal: AbortSignal | undefined;
  private readonly rateGate: RateGate | undefined;
  private readonly onBudgetWait: BudgetWaitListener | undefined;

  constructor(apiUrl: string, apiKey: string, opts: FsApiOptions) {
    this.baseUrl = new URL(`${apiUrl.replace(/\/$/, '')}/api/v2`);
    this.http =
      opts.http ??
      createHttpClient({
        baseUrl: this.baseUrl.toString(),
        auth: { kind: 'basic', username: apiKey, password: 'X' },
        timeoutMs: opts.timeoutMs,
        maxBodyBytes: 20 * 1024 * 1024,
        platform: 'freshservice',
        ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
      });
    this.retrier = createRetrier({
      platform: 'Freshservice',
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.retryPolicy ? { policy: opts.retryPolicy } : {}),
    });
    this.host = this.baseUrl.host;
    this.account = opts.budgetAccount ?? this.host;
    this.signal = opts.signal;
    this.limits = { ...DEFAULT_PLATFORM_LIMITS, ...definedOnly(opts.limits) };
    this.rateGate = opts.rateGate;
    this.onBudgetWait = opts.onBudgetWait;
  }

  /** One call; the successful response, null on an allowed 404, or a PlatformError. `path` may be an absolute, vetted URL. */
  async raw(method: string, path: string, call: FsCall): Promise<HttpResponse | null> {
    const idempotent = call.idempotent ?? method !== 'POST';
    // Only calls to the Freshservice host spend its credits (not a download redirected to storage).
    const gate = this.rateGate && (!/^https?:\/\//i.test(path) || new URL(path).host === this.host) ? this.rateGate : undefined;
    const credits = requestCredits(path, call.query);
    const limitClass = /^https?:\/\//i.test(path) ? undefined : rateLimitClassOf(method, path);
    const res = await this.retrier.run(
      async () => {
        // Every attempt is a request the platform counts, so each one waits for its credits.
        if (gate) await gate.acquire(this.account, credits, this.onBudgetWait, limitClass, { signal: this.signal });
        this.signal?.throwIfAborted();
        const answer = await this.http.request(method, path, {
          ...(call.query ? { query: call.query } : {}),
          ...(call.body !== undefined ? { body: call.body } : {}),
          ...(call.form ? { form: call.form } : {}),
          ...(call.responseType ? { responseType: call.responseType } : {}),
          ...(call.maxBodyBytes ? { maxBodyBytes: call.maxBodyBytes } : {}),
          ...(this.signal ? { signal: this.signal } : {}),
        });
        const { total } = answer.rateLimit;
        // A 429 means the account is used up, whatever else it says: every worker pauses, not only this one.
        const remaining = answer.status === 429 ? 0 : answer.rateLimit.remaining;
        // The answer counts even when the budget cannot be updated: a created ticket must not be lost.
        // A 429 says when the account refills (Retry-After): every worker waits that long, not a whole window.
        const retryAfterMs = answer.status === 429 && answer.rateLimit.retryAfterSeconds !== null ? answer.rateLimit.retryAfterSeconds * 1000 : null;
        if (gate && (total !== null || remaining !== null)) await gate.observe(this.account, { total, remaining, retryAfterMs }).catch(() => {});
        return answer;
      },
      { what: call.what, idempotent },
    );
    if (res.status === 404 && call.allow404) return null;
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status >= 300 && res.status < 400 && call.responseType === 'bytes') return res; // the caller vets redirects
    throw freshserviceError(res, { method, path, what: call.what });
  }

  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: FsCall & { allow404: true }): Promise<z.infer<S> | null>;
  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: FsCall): Promise<z.infer<S>>;
  async json<S extends z.ZodTypeAny>(method: string, path: string, schema: S, call: FsCall): Promise<z.infer<S> | null> {
    const res = await this.raw(method, path, call);
    if (res === null) return null;
    return this.parse(res, schema, { method, path, what: call.what });
  }

  parse<S extends z.ZodTypeAny>(res: HttpResponse, schema: S, desc: CallDescription): z.infer<S> {
    const parsed = schema.safeParse(res.json);
    if (!parsed.success) throw unexpectedShape(desc, res.status);
    return parsed.data;
  }

  /**
   * Every page of a list, following the `link` header (absent on the last page) [spec 4], each handed to
   * `visit` and then let go, so a caller keeps only what it needs of a long listing. A listing that goes
   * on past the page bound, repeats a page (nothing on it that was not listed before) or brings more than
   * `bounds.maxBytes` in all fails with a PlatformError saying so: a platform must not be able to keep a
   * run (and the memory of the process every tenant shares) busy without end.
   */
  async eachPage<S extends z.ZodTypeAny, T extends { id: number }>(
    path: string,
    query: Record<string, string | number>,
    schema: S,
    items: (env: z.infer<S>) => T[],
    what: string,
    visit: (page: T[]) => void,
    bounds: ListingBounds = {},
  ): Promise<void> {
    const max = this.limits.maxListPages;
    const seen = new Set<number>();
    let bytes = 0;
    let page = 1;
    for (let n = 0; n < max; n++) {
      const res = (await this.raw('GET', path, { what, query: { ...query, per_page: 100, page } }))!;
      bytes += res.text.length;
      if (bounds.maxBytes !== undefined && bytes > bounds.maxBytes) {
        throw new PlatformError(
          'unexpected_response',
          `Freshservice's listing brought more than ${Math.round(bounds.maxBytes / 1048576)} MB by page ${page} while trying to ${what}; it was stopped there (a listing this large is not held in memory).`,
        );
      }
      const list = items(this.parse(res, schema, { method: 'GET', path, what }));
      const next = nextPage(res.headers.get('link'));
      // Only the page number is taken from the link: the link's host is never called.
      const more = next !== null && next > page;
      if (more && list.length > 0 && list.every((t) => seen.has(t.id))) {
        throw new PlatformError(
          'unexpected_response',
          `Freshservice's listing repeated itself: page ${page} had nothing that earlier pages had not listed, and it announced page ${next}, while trying to ${what}. The listing was stopped there.`,
        );
      }
      for (const t of list) seen.add(t.id);
      visit(list);
      if (!more) return;
      page = next;
    }
    throw new PlatformError(
      'unexpected_response',
      `Freshservice kept announcing more pages after ${max} pages while trying to ${what}. A listing is read up to ${max} pages (SF_MAX_LIST_PAGES); the rest is not read, so this run stops here.`,
    );
  }

  /** Every item of a list (see eachPage), held together: for listings the caller needs whole. */
  async allPages<S extends z.ZodTypeAny, T extends { id: number }>(
    path: string,
    query: Record<string, string | number>,
    schema: S,
    items: (env: z.infer<S>) => T[],
    what: string,
    bounds: ListingBounds = {},
  ): Promise<T[]> {
    const out: T[] = [];
    await this.eachPage(path, query, schema, items, what, (page) => out.push(...page), bounds);
    return out;
  }
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Credits Freshservice charges for a call [spec 3.2]: 1, plus 1 per `include` embed on a single object
 * and 2 per embed on a list.
 */
export function requestCredits(path: string, query?: Record<string, string | number | undefined>): number {
  const include = query?.include;
  if (include === undefined) return 1;
  const embeds = String(include)
    .split(',')
    .filter((s) => s.trim() !== '').length;
  const single = /\/\d+\/?$/.test(path.split('?')[0] ?? path);
  return 1 + embeds * (single ? 1 : 2);
}

export function nextPage(link: string | null): number | null {
  if (!link) return null;
  const m = NEXT_LINK.exec(link);
  if (!m?.[1]) return null;
  try {
    const page = Number(new URL(m[1], 'http://x').searchParams.get('page'));
    return Number.isSafeInteger(page) && page > 0 ? page : null;
  } catch {
    return null;
  }
}
