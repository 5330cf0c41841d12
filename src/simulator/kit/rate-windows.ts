// Several fixed windows at once (a per-second burst per endpoint, a per-hour points quota, a per-record
// write cap...): a request passes only when every window it counts against has room. Rejected calls are
// not charged, so a client that honours Retry-After meets a clean window.

export interface RateWindowDef {
  /** Names the window in decisions (and, on the platform side, e.g. Jira's `RateLimit-Reason`). */
  name: string;
  limit: number;
  windowMs: number;
}

/** One window a request is charged to: the definition plus the bucket key (endpoint, record id, tenant...). */
export interface RateCharge {
  window: RateWindowDef;
  key: string;
  cost?: number;
}

export interface RateWindowsDecision {
  allowed: boolean;
  /** The first window that refused (when not allowed). */
  blockedBy: RateCharge | null;
  /** Seconds until that window resets (at least 1). */
  retryAfterSeconds: number;
  /** When that window resets (ms). */
  resetAtMs: number;
  /** Of the charged windows, the one with the least room left after this request (for X-RateLimit-* style headers). */
  tightest: { charge: RateCharge; remaining: number } | null;
}

interface Bucket {
  start: number;
  used: number;
}

export class RateWindows {
  private buckets = new Map<string, Bucket>();
  enabled = true;

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.buckets.clear();
  }

  private bucket(c: RateCharge, t: number): Bucket {
    // Two windows may share a name (Jira's per-issue 2 s and 30 s caps): the length and limit tell them apart.
    const id = `${c.window.name}\u0000${c.window.windowMs}\u0000${c.window.limit}\u0000${c.key}`;
    let b = this.buckets.get(id);
    if (!b || t >= b.start + c.window.windowMs) {
      // Windows are aligned to multiples of their length (a per-hour quota resets at the top of the hour).
      b = { start: Math.floor(t / c.window.windowMs) * c.window.windowMs, used: 0 };
      this.buckets.set(id, b);
    }
    return b;
  }

  consume(charges: RateCharge[]): RateWindowsDecision {
    const t = this.now();
    const state = charges.map((c) => ({ c, b: this.bucket(c, t), cost: c.cost ?? 1 }));
    if (this.enabled) {
      const blocked = state.find(({ c, b, cost }) => b.used + cost > c.window.limit);
      if (blocked) {
        const resetAtMs = blocked.b.start + blocked.c.window.windowMs;
        return {
          allowed: false,
          blockedBy: blocked.c,
          retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - t) / 1000)),
          resetAtMs,
          tightest: { charge: blocked.c, remaining: Math.max(0, blocked.c.window.limit - blocked.b.used) },
        };
      }
    }
    let tightest: RateWindowsDecision['tightest'] = null;
    for (const { c, b, cost } of state) {
      b.used += cost;
      const remaining = Math.max(0, c.window.limit - b.used);
      if (!tightest || remaining < tightest.remaining) tightest = { charge: c, remaining };
    }
    return { allowed: true, blockedBy: null, retryAfterSeconds: 0, resetAtMs: 0, tightest };
  }
}
