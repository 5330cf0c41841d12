// Per-account fixed window with an overall pool and per-operation sub-limits inside it [Docs table, spec 3.1].

export type RateLimitedOp = 'list_tickets' | 'view_ticket' | 'create_ticket' | 'update_ticket' | 'list_agents' | 'list_requesters';
export type Plan = 'starter' | 'growth' | 'pro' | 'enterprise';

export interface RateLimitConfig {
  windowMs: number;
  overall: number;
  subLimits: Partial<Record<RateLimitedOp, number>>;
  enabled: boolean;
}

/** What an account with limiting switched off reports as its per-minute total. */
export const UNLIMITED_TOTAL = 1_000_000;

export const planLimits: Record<Plan, { overall: number } & Record<RateLimitedOp, number>> = {
  starter: { overall: 100, list_tickets: 40, view_ticket: 50, create_ticket: 50, update_ticket: 50, list_agents: 40, list_requesters: 40 },
  growth: { overall: 200, list_tickets: 70, view_ticket: 80, create_ticket: 80, update_ticket: 80, list_agents: 70, list_requesters: 70 },
  pro: { overall: 400, list_tickets: 120, view_ticket: 140, create_ticket: 140, update_ticket: 140, list_agents: 120, list_requesters: 120 },
  enterprise: { overall: 500, list_tickets: 140, view_ticket: 160, create_ticket: 160, update_ticket: 160, list_agents: 140, list_requesters: 140 },
};

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  credits: number;
}

export class RateLimiter {
  private windowStart = 0;
  private used = 0;
  private usedByOp = new Map<RateLimitedOp, number>();

  constructor(
    readonly config: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.windowStart = 0;
    this.used = 0;
    this.usedByOp.clear();
  }

  private roll(): void {
    const t = this.now();
    if (t >= this.windowStart + this.config.windowMs) {
      this.windowStart = t;
      this.used = 0;
      this.usedByOp.clear();
    }
  }

  /** Seconds until the window resets, as Retry-After (at least 1). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStart + this.config.windowMs - this.now()) / 1000));
  }

  /**
   * Charges `credits` unless the overall pool or the op's sub-limit would overflow. Rejected calls
   * are not charged (so a client honouring Retry-After gets a clean window).
   */
  consume(op: RateLimitedOp | null, credits: number): RateDecision {
    this.roll();
    const sub = op ? this.config.subLimits[op] : undefined;
    const opUsed = op ? (this.usedByOp.get(op) ?? 0) : 0;
    const over = this.used + credits > this.config.overall || (sub !== undefined && opUsed + credits > sub);
    if (this.config.enabled && over) {
      return { allowed: false, credits: 0, headers: { ...this.headers(0), 'retry-after': String(this.retryAfterSeconds()) } };
    }
    this.used += credits;
    if (op) this.usedByOp.set(op, opUsed + credits);
    return { allowed: true, credits, headers: this.headers(credits) };
  }

  headers(creditsThisRequest: number): Record<string, string> {
    // With limiting switched off (a test/bench convenience) the account behaves as if it had no limit:
    // a budget that reads these headers must not bind either.
    const total = this.config.enabled ? this.config.overall : UNLIMITED_TOTAL;
    return {
      'x-ratelimit-total': String(total),
      'x-ratelimit-remaining': String(this.config.enabled ? Math.max(0, this.config.overall - this.used) : total),
      'x-ratelimit-used-currentrequest': String(creditsThisRequest),
    };
  }
}
