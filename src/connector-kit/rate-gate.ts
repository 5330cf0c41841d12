/**
 * A budget of API credits per platform account, shared by every worker process. Connectors call
 * `acquire` before each request and `observe` after it; the engine never sees it. Implementations live
 * outside the connector (the database-backed one in src/db/repositories/rate-budget.ts).
 */
export interface RateGate {
  /**
   * Resolves when `credits` may be spent on `account` now (and records them); waits otherwise.
   * `onWait` is told each time this call has to wait (before it sleeps). With `opts.signal` the wait
   * ends when the signal aborts (rejecting with its reason); with `opts.maxWaitMs` a wait that would be
   * longer rejects at once with a BudgetUnavailableError (for a person waiting on a page, not a run).
   */
  acquire(account: string, credits: number, onWait?: BudgetWaitListener, limitClass?: RateLimitClass, opts?: AcquireOptions): Promise<void>;
  /** What the platform reported with its answer (X-RateLimit-Total / -Remaining). */
  observe(account: string, info: { total: number | null; remaining: number | null; retryAfterMs?: number | null }): Promise<void>;
}

/**
 * A kind of request with its own, lower limit inside the account's overall one (a platform's
 * sub-limits for listing, viewing, creating or updating tickets...). The platform reports only the overall limit, so the
 * class says what its own limit is for a given overall limit (the plan).
 */
export interface RateLimitClass {
  name: string;
  limitFor(overallLimit: number): number;
}

export interface AcquireOptions {
  signal?: AbortSignal | undefined;
  maxWaitMs?: number | undefined;
}

/** The budget has no room now and the caller cannot wait that long (`until`: when it will). */
export class BudgetUnavailableError extends Error {
  constructor(
    readonly account: string,
    readonly until: Date,
    reason: string,
  ) {
    super(`${reason}; try again in ${Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000))} s`);
    this.name = 'BudgetUnavailableError';
  }
}

/**
 * Called when a request has to wait for budget, so the run can show "waiting", not an error.
 * `usedPercent`: how much of the account's limit (or of the sub-limit that is full) is in use, 0–100.
 */
export type BudgetWaitListener = (info: { account: string; until: Date; reason?: string; usedPercent?: number }) => void;

export const unlimitedGate: RateGate = {
  async acquire() {},
  async observe() {},
};

/**
 * The gate for calls a person waits for (a page loading): a budget wait longer than `maxWaitMs` fails at
 * once with BudgetUnavailableError instead of holding the request.
 */
export function withMaxWait(gate: RateGate, maxWaitMs: number): RateGate {
  return {
    acquire: (account, credits, onWait, limitClass, opts) =>
      gate.acquire(account, credits, onWait, limitClass, { ...opts, maxWaitMs: Math.min(maxWaitMs, opts?.maxWaitMs ?? Infinity) }),
    observe: (account, info) => gate.observe(account, info),
  };
}
