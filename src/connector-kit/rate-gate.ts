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
   * When the model caps requests in flight (`maxConcurrent`), it resolves with the lease's release, which
   * the caller must call once the request has ended, however it ended.
   */
  acquire(account: string, credits: number, onWait?: BudgetWaitListener, limitClass?: RateLimitClass, opts?: AcquireOptions): Promise<ReleaseLease | void>;
  /** What the platform reported with its answer (X-RateLimit-Total / -Remaining). */
  observe(
    account: string,
    info: {
      total: number | null;
      remaining: number | null;
      retryAfterMs?: number | null;
      /** The platform said every call of the account waits this long (a used-up quota, until it resets): all workers wait, up to an hour. */
      holdAccountMs?: number | null;
    },
  ): Promise<void>;
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

/** Ends a request's place among the account's requests in flight; calling it again does nothing. */
export type ReleaseLease = () => Promise<void>;

export interface AcquireOptions {
  signal?: AbortSignal | undefined;
  maxWaitMs?: number | undefined;
  /** The platform's rate-limit model (its manifest's): the windows the budget checks; one 60 s window when unset. */
  model?: BudgetModel | undefined;
  /** How long the request may take (the platform timeout): a lease not released by then has a crashed worker behind it. */
  requestTimeoutMs?: number | undefined;
}

/** What the budget needs of a platform's rate-limit model (core's RateLimitModel has this shape). */
export interface BudgetModel {
  windows: readonly { windowMs: number; limit: number }[];
  /** Whether answers report the limit; when not, the windows' limits are used as they are. */
  reportsHeaders: boolean;
  /** Requests the platform tolerates in flight at once per account, all workers together; null or unset = no cap. */
  maxConcurrent?: number | null | undefined;
}

/** Model wrappers (withRateModel) of a gate: their scoped pauses are the inner gate's, so a process keeps one set. */
const innerOf = new WeakMap<RateGate, RateGate>();
const rootOf = (gate: RateGate): RateGate => {
  for (let g = innerOf.get(gate); g; g = innerOf.get(gate)) gate = g;
  return gate;
};
const modelled = new WeakMap<RateGate, WeakMap<BudgetModel, RateGate>>();

/**
 * The gate a platform's connectors use: every acquire carries the platform's model, so the shared budget
 * checks the platform's own windows without the connector (or the engine) knowing about it. One wrapper
 * per gate and model, so wrapping again is cheap.
 */
export function withRateModel(gate: RateGate, model: BudgetModel): RateGate {
  let byModel = modelled.get(gate);
  if (!byModel) modelled.set(gate, (byModel = new WeakMap()));
  let wrapped = byModel.get(model);
  if (!wrapped) {
    wrapped = {
      acquire: (account, credits, onWait, limitClass, opts) => gate.acquire(account, credits, onWait, limitClass, { ...opts, model: opts?.model ?? model }),
      observe: (account, info) => gate.observe(account, info),
    };
    innerOf.set(wrapped, gate);
    byModel.set(model, wrapped);
  }
  return wrapped;
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

/**
 * Where a 429 applies, as the platform's answer says (a reason header): `account`, every call to the
 * account waits (a used-up quota); `endpoint`, only calls to the same endpoint and method (a burst
 * limit); `subject`, only calls that write the same record (a per-record write limit).
 */
export type PauseScope = 'account' | 'endpoint' | 'subject';

/** The narrower scopes one call falls under besides its account: its endpoint, and the record it writes. */
export interface CallScopes {
  endpoint?: string | undefined;
  subject?: string | undefined;
}

/** Seconds-long platform windows are trusted to Retry-After; a quota's wait runs to its reset, up to an hour. */
const MAX_PAUSE_MS = 3_600_000;
const ACCOUNT = '*';
const SWEEP_AT = 1_000;

/**
 * Pauses a 429 asked for, per account and scope, in this process: the whole account until a quota resets,
 * one endpoint for a burst limit, one record for a per-record write limit, so a busy endpoint or record
 * never holds up the calls that would pass. Burst and per-record windows last seconds, so each worker
 * process keeping its own is enough: another process that meets the same limit is told by its own 429.
 * (The account-wide pause is also reported to the shared budget, which every process sees.)
 */
export class ScopedPauses {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records that `scope` (a CallScopes key, or the whole account when undefined) waits `ms` from now. */
  pause(account: string, scope: string | undefined, ms: number): number {
    const key = `${account}\n${scope ?? ACCOUNT}`;
    const now = this.now();
    // Pauses of records never called again are dropped once over, so the map stays small in a long-lived worker.
    if (this.until.size >= SWEEP_AT) for (const [k, u] of this.until) if (u <= now) this.until.delete(k);
    const until = now + Math.min(Math.max(0, ms), MAX_PAUSE_MS);
    if (until > (this.until.get(key) ?? -Infinity)) this.until.set(key, until);
    return until;
  }

  /**
   * How long a call under `scopes` of `account` still has to wait (0: none), and why. Pauses ending by
   * `covered` are passed over: the call already waited them out (its own 429's Retry-After).
   */
  waitOf(account: string, scopes: CallScopes, covered = -Infinity): { ms: number; reason: string } {
    const now = this.now();
    let best = { ms: 0, reason: '' };
    const named: [string, string][] = [[ACCOUNT, `${account} reported its API quota used up until it resets`]];
    if (scopes.endpoint) named.push([scopes.endpoint, `${account} limits bursts of ${scopes.endpoint}; only calls to it wait`]);
    if (scopes.subject) named.push([scopes.subject, `${account} limits how often ${scopes.subject} is written; only writes to it wait`]);
    for (const [scope, reason] of named) {
      const key = `${account}\n${scope}`;
      const until = this.until.get(key);
      if (until === undefined) continue;
      if (until <= now) this.until.delete(key);
      else if (until > covered && until - now > best.ms) best = { ms: until - now, reason };
    }
    return best;
  }
}

const pausesByGate = new WeakMap<RateGate, ScopedPauses>();

/** The scoped pauses of a gate: one set per gate (the process's shared budget), whichever connector asks. */
export function scopedPausesOf(gate: RateGate): ScopedPauses {
  gate = rootOf(gate);
  let p = pausesByGate.get(gate);
  if (!p) pausesByGate.set(gate, (p = new ScopedPauses()));
  return p;
}
