/**
 * A budget of API credits per platform account, shared by every worker process. Connectors call
 * `acquire` before each request and `observe` after it; the engine never sees it. Implementations live
 * outside the connector (the database-backed one in src/db/repositories/rate-budget.ts).
 */
export interface RateGate {
  /**
   * Resolves when `credits` may be spent on `account` now (and records them); waits otherwise.
   * `onWait` is told each time this call has to wait (before it sleeps).
   */
  acquire(account: string, credits: number, onWait?: BudgetWaitListener, limitClass?: RateLimitClass): Promise<void>;
  /** What the platform reported with its answer (X-RateLimit-Total / -Remaining). */
  observe(account: string, info: { total: number | null; remaining: number | null; retryAfterMs?: number | null }): Promise<void>;
}

/**
 * A kind of request with its own, lower limit inside the account's overall one (Freshservice: list
 * tickets, view / create / update ticket...). The platform reports only the overall limit, so the
 * class says what its own limit is for a given overall limit (the plan).
 */
export interface RateLimitClass {
  name: string;
  limitFor(overallLimit: number): number;
}

/** Called when a request has to wait for budget, so the run can show "waiting", not an error. */
export type BudgetWaitListener = (info: { account: string; until: Date; reason?: string }) => void;

export const unlimitedGate: RateGate = {
  async acquire() {},
  async observe() {},
};
