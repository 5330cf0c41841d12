import { RateWindows, type RateCharge, type RateWindowDef } from '../kit/rate-windows.ts';

// Jira's three independent limits [spec 3]: a burst bucket per endpoint × method (per second), per-issue
// write windows (20 per 2 s and 100 per 30 s), and an hourly points quota (OAuth apps in real life; here
// switchable for any caller so budgets can be tested). Reasons are the `RateLimit-Reason` values.

export interface JiraRateOptions {
  /** Requests per second by method (defaults GET 100, POST 100, PUT 50, DELETE 50). */
  burst?: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', number>>;
  /** Per-issue write windows (default on). */
  perIssue?: boolean;
  /** Points per hour for the tenant (default: no quota). Each call costs 1. */
  hourlyPoints?: number;
}

const DEFAULT_BURST = { GET: 100, POST: 100, PUT: 50, DELETE: 50, PATCH: 50 } as const;
const perIssue2s: RateWindowDef = { name: 'jira-per-issue-on-write', limit: 20, windowMs: 2_000 };
const perIssue30s: RateWindowDef = { name: 'jira-per-issue-on-write', limit: 100, windowMs: 30_000 };

export class JiraRateLimiter {
  readonly windows: RateWindows;
  private burstDefs = new Map<string, RateWindowDef>();

  constructor(
    private readonly opts: JiraRateOptions | false,
    now: () => number,
  ) {
    this.windows = new RateWindows(now);
    this.windows.enabled = opts !== false;
  }

  private burstDef(method: string, perSecond: number | undefined): RateWindowDef {
    const limit = perSecond ?? (this.opts ? this.opts.burst?.[method as 'GET'] : undefined) ?? DEFAULT_BURST[method as 'GET'] ?? 50;
    const id = `${method}:${limit}`;
    let d = this.burstDefs.get(id);
    if (!d) this.burstDefs.set(id, (d = { name: 'jira-burst-based', limit, windowMs: 1_000 }));
    return d;
  }

  /** Charges one request; answers the 429 headers when refused, else null (plus informational headers when a quota is on). */
  consume(
    method: string,
    endpoint: string,
    issueId: string | null,
    burstPerSecond?: number,
  ): { refused: Record<string, string> | null; headers: Record<string, string> } {
    const charges: RateCharge[] = [{ window: this.burstDef(method, burstPerSecond), key: `${method} ${endpoint}` }];
    if (issueId && (this.opts === false || this.opts.perIssue !== false) && method !== 'GET')
      charges.push({ window: perIssue2s, key: issueId }, { window: perIssue30s, key: issueId });
    const quota = this.opts ? this.opts.hourlyPoints : undefined;
    if (quota) charges.push({ window: { name: 'jira-quota-tenant-based', limit: quota, windowMs: 3_600_000 }, key: 'tenant' });
    const d = this.windows.consume(charges);
    if (!d.allowed) {
      const w = d.blockedBy!.window;
      return {
        refused: {
          'retry-after': String(d.retryAfterSeconds),
          'x-ratelimit-limit': String(w.limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': new Date(d.resetAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'ratelimit-reason': w.name,
        },
        headers: {},
      };
    }
    const headers: Record<string, string> = {};
    if (quota) {
      const q = d.tightest && d.tightest.charge.window.name === 'jira-quota-tenant-based' ? d.tightest.remaining : null;
      if (q !== null) {
        headers['x-ratelimit-limit'] = String(quota);
        headers['x-ratelimit-remaining'] = String(q);
        headers['x-ratelimit-nearlimit'] = String(q < quota * 0.2);
      }
    }
    return { refused: null, headers };
  }
}
