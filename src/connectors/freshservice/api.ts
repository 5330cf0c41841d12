import type { z } from 'zod';
import { PlatformError } from '../../core/connector.ts';
import { PlatformApi, type PlatformApiOptions, type PlatformCall } from '../../connector-kit/platform-api.ts';
import type { RateLimitClass } from '../../connector-kit/rate-gate.ts';
import { freshserviceError, unexpectedShape } from './errors.ts';
import { rateLimitClassOf } from './rate-classes.ts';

export type FsApiOptions = PlatformApiOptions;

/** A listing's bounds besides its page count: the bytes its pages may bring in all (when they are held). */
export interface ListingBounds {
  maxBytes?: number;
}

export type FsCall = Omit<PlatformCall, 'headers'>;

const NEXT_LINK = /<([^>]+)>\s*;\s*rel="?next"?/i;

/** Freshservice API v2 access (retries, budget, error mapping, schema checks: connector-kit/platform-api.ts) and link-header paging. */
export class FreshserviceApi extends PlatformApi<FsCall> {
  constructor(apiUrl: string, apiKey: string, opts: FsApiOptions) {
    super(
      {
        name: 'Freshservice',
        platform: 'freshservice',
        baseUrl: new URL(`${apiUrl.replace(/\/$/, '')}/api/v2`),
        auth: { kind: 'basic', username: apiKey, password: 'X' },
        rateWindow: 'account',
        errorOf: freshserviceError,
        unexpectedShape,
      },
      opts,
    );
  }

  /** Credits Freshservice charges for the call, and the sub-limit it counts against (none for an absolute URL: a download). */
  protected override costOf(method: string, path: string, call: FsCall): { credits: number; limitClass?: RateLimitClass | undefined } {
    return { credits: requestCredits(path, call.query), limitClass: /^https?:\/\//i.test(path) ? undefined : rateLimitClassOf(method, path) };
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
      // Only the page number is taken from the link: the link's host is never called. A link back to a page
      // already read would make the feed hand out a cursor past pages it never read: that loses tickets.
      if (next !== null && next <= page) {
        throw new PlatformError(
          'unexpected_response',
          `Freshservice's listing repeated itself: page ${page} announced page ${next} as the next one while trying to ${what}. The listing was stopped there.`,
        );
      }
      const more = next !== null;
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
