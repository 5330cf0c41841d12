import { sql, type Transaction } from 'kysely';
import { abortableSleep } from '../../connector-kit/abortable-sleep.ts';
import { isUntestedAccount } from '../../connector-kit/budget-account.ts';
import { BudgetUnavailableError, type BudgetWaitListener, type RateGate, type RateLimitClass } from '../../connector-kit/rate-gate.ts';
import { realSleep } from '../../connector-kit/retry.ts';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';

/**
 * The API budget of each platform account, shared by every worker process on this database.
 *
 * An account is a platform host (`acme.example.com`, `127.0.0.1:4010`). Every request reserves its
 * credits first: in one transaction, under a per-account advisory lock, the credits reserved in the last
 * window (60 s) are summed and a reservation is added only when the sum stays within
 * `allowed = floor(limit × (1 − headroom))`. Any window-long stretch of time then holds at most `allowed`
 * credits from all workers together, so the platform's own window (fixed, sliding, wherever it starts)
 * cannot be overrun by us, and `limit − allowed` stays free for the customer's own agents and apps.
 * When the budget is used up the caller is told until when (so its run shows "waiting") and sleeps until
 * enough old reservations have left the window.
 *
 * `limit` is the account's X-RateLimit-Total, learned from answers (`observe`); until one is seen a
 * conservative `defaultLimit` is used. X-RateLimit-Remaining below the headroom means someone else is
 * using the account heavily: every worker then waits until the platform's window must have refreshed
 * (one window after the first such answer; the platform does not say when its window started).
 *
 * A request of a rate-limit class (a platform sub-limit such as "view ticket") also has to
 * fit the class's own allowance, `floor(classLimit × (1 − headroom))` within the window, counted the same
 * way; otherwise the platform would answer 429 while the overall budget still looked fine.
 *
 * Reservations count for a little longer than the window (`marginMs`): a request reaches the platform a
 * moment after it reserved, and the platform's window starts when the request arrives.
 *
 * An account is a host only for credentials that passed Test Connection; an untested credential has an
 * account of its own (`connector-kit/budget-account.ts`), optionally capped at `untestedLimit`, so a key
 * saved by anyone never spends (or blocks) the real account's budget.
 *
 * Works the same on PostgreSQL and on embedded PGlite (one connection; transactions take turns). Times
 * come from the database clock, so processes on several hosts agree on them.
 */
export interface RateBudgetOptions {
  /** Share of the limit left unused (0–0.9). */
  headroom: number;
  /** The limit assumed before the platform has reported one (e.g. a smallest plan's 100 a minute). */
  defaultLimit?: number;
  /** The most an untested credential's own account may assume as its limit (default: no cap, as reported). */
  untestedLimit?: number;
  /** The platform's window (e.g. per minute). */
  windowMs?: number;
  /** How much longer than the window a reservation counts (request latency). */
  marginMs?: number;
  /** Upper bound of a wait caused by a low X-RateLimit-Remaining; defaults to the window. */
  maxLowWaitMs?: number;
  /** Up to this much random delay is added to each wait, so waiters do not all wake at once. */
  jitterMs?: number;
  /** Milliseconds since the epoch; defaults to the database clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every wait of this process (in addition to the caller's own listener). */
  onWait?: BudgetWaitListener;
}

export interface RateBudgetUsage {
  limit: number;
  allowed: number;
  /** Credits reserved within the current window (margin included). */
  used: number;
  /** Set while workers wait because the platform reported a low remaining budget. */
  blockedUntil: Date | null;
}

export interface RateBudget extends RateGate {
  usage(account: string): Promise<RateBudgetUsage>;
  /** Deletes reservations no window can see any more; returns how many. Also done now and then by `acquire`. */
  prune(): Promise<number>;
  /** How many times this process has waited for budget (diagnostics, tests). */
  readonly waits: number;
}

const PRUNE_EVERY_MS = 30_000;
const percent = (used: number, of: number) => Math.max(0, Math.min(100, Math.round((used / Math.max(1, of)) * 100)));
const MIN_SLEEP_MS = 20;
/** The longest a platform's quota may hold an account (quotas reset every hour). */
const MAX_HOLD_MS = 3_600_000;

type Trx = Transaction<Database>;

interface Decision {
  granted: boolean;
  now: number;
  until: number;
  reason: string;
  /** Share of the (class) limit in use when refused, 0–100. */
  usedPercent?: number;
}

export function createRateBudget(db: Db, options: RateBudgetOptions): RateBudget {
  const headroom = Math.min(0.9, Math.max(0, options.headroom));
  const defaultLimit = Math.max(1, Math.floor(options.defaultLimit ?? 100));
  const untestedLimit = options.untestedLimit === undefined ? Infinity : Math.max(1, Math.floor(options.untestedLimit));
  /** The limit an account works with: what the platform reported (or the default), capped for untested credentials. */
  const limitOf = (account: string, reported: number | null | undefined) => {
    const limit = reported ?? defaultLimit;
    return isUntestedAccount(account) ? Math.min(limit, untestedLimit) : limit;
  };
  const windowMs = options.windowMs ?? 60_000;
  const marginMs = options.marginMs ?? Math.min(1_000, windowMs / 10);
  const lowWaitMs = Math.min(options.maxLowWaitMs ?? windowMs, windowMs);
  const jitterMs = options.jitterMs ?? 25;
  const sleep = options.sleep ?? realSleep;
  const localNow = () => options.now?.() ?? Date.now();
  const perWindow = windowMs === 60_000 ? 'a minute' : `per ${Math.round(windowMs / 100) / 10} s`;

  /** Credits all workers together may use per window, and what is left for others. */
  const allowedOf = (limit: number) => Math.max(1, Math.floor(limit * (1 - headroom) + 1e-9));
  const reserveOf = (limit: number) => limit - allowedOf(limit);

  // Per process: one budget transaction per account at a time (no pool connections parked on the advisory
  // lock), the last known limit, and until when a low remaining is known to be recorded (skips writes).
  const queues = new Map<string, Promise<unknown>>();
  const known = new Map<string, { limit: number | null; lowRecordedUntil: number }>();
  let lastPrune = -Infinity;
  let waits = 0;

  const cacheOf = (account: string) => {
    let c = known.get(account);
    if (!c) known.set(account, (c = { limit: null, lowRecordedUntil: -Infinity }));
    return c;
  };

  function serial<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const prev = queues.get(account) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    queues.set(account, tail);
    void tail.then(() => {
      if (queues.get(account) === tail) queues.delete(account);
    });
    return next;
  }

  async function clock(trx: Trx | Db): Promise<number> {
    if (options.now) return options.now();
    const r = await sql<{ ms: number }>`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`.execute(trx);
    return Number(r.rows[0]!.ms);
  }

  async function lock(trx: Trx, account: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`sf-rate:${account}`}))`.execute(trx);
  }

  async function accountRow(trx: Trx | Db, account: string) {
    return trx.selectFrom('rate_accounts').select(['limit_total', 'observed_remaining', 'observed_at']).where('account', '=', account).executeTakeFirst();
  }

  /** Until when a recorded low remaining keeps everyone waiting, or null. */
  function blockedUntil(row: { observed_remaining: number | null; observed_at: Date | null } | undefined, limit: number, now: number): number | null {
    if (!row?.observed_at || row.observed_remaining === null || row.observed_remaining >= reserveOf(limit)) return null;
    const until = row.observed_at.getTime() + lowWaitMs;
    return until > now ? until : null;
  }

  async function usedSince(trx: Trx | Db, account: string, since: number, op?: string): Promise<number> {
    let q = trx
      .selectFrom('rate_reservations')
      .select(sql<number>`coalesce(sum(credits), 0)::integer`.as('used'))
      .where('account', '=', account)
      .where('at', '>', new Date(since));
    if (op !== undefined) q = q.where('op', '=', op);
    const r = await q.executeTakeFirst();
    return Number(r?.used ?? 0);
  }

  /** The earliest moment enough of the window's reservations (of `op`, or all) have left it for `credits` more. */
  async function freeAt(trx: Trx, account: string, since: number, used: number, credits: number, allowed: number, now: number, op?: string): Promise<number> {
    let q = trx.selectFrom('rate_reservations').select(['at', 'credits']).where('account', '=', account).where('at', '>', new Date(since));
    if (op !== undefined) q = q.where('op', '=', op);
    const rows = await q.orderBy('at').orderBy('id').execute();
    let left = used;
    for (const r of rows) {
      left -= r.credits;
      if (left + credits <= allowed) return r.at.getTime() + windowMs + marginMs;
    }
    return now + windowMs;
  }

  function tryReserve(account: string, wanted: number, cls?: RateLimitClass): Promise<Decision> {
    return serial(account, () =>
      db.transaction().execute(async (trx): Promise<Decision> => {
        await lock(trx, account);
        const now = await clock(trx);
        const row = await accountRow(trx, account);
        const c = cacheOf(account);
        if (row?.limit_total) c.limit = row.limit_total;
        const limit = limitOf(account, row?.limit_total);
        const allowed = allowedOf(limit);
        const blocked = blockedUntil(row, limit, now);
        if (blocked !== null) {
          const reason = `${account} reported only ${row!.observed_remaining} of its ${limit} API credits left: someone else is using the account, so syncing waits for its window to refresh`;
          return { granted: false, now, until: blocked, reason, usedPercent: percent(limit - row!.observed_remaining!, limit) };
        }
        const classLimit = cls ? Math.max(1, Math.floor(cls.limitFor(limit))) : null;
        const classAllowed = classLimit === null ? null : Math.min(allowed, allowedOf(classLimit));
        const credits = Math.min(wanted, classAllowed ?? allowed);
        const since = now - windowMs - marginMs;
        const used = await usedSince(trx, account, since);
        const classUsed = cls ? await usedSince(trx, account, since, cls.name) : 0;
        const overallFits = used + credits <= allowed;
        const classFits = classAllowed === null || classUsed + credits <= classAllowed;
        if (overallFits && classFits) {
          await trx
            .insertInto('rate_reservations')
            .values({ account, at: new Date(now), credits, op: cls?.name ?? null })
            .execute();
          return { granted: true, now, until: now, reason: '' };
        }
        const until = Math.max(
          overallFits ? now : await freeAt(trx, account, since, used, credits, allowed, now),
          classFits ? now : await freeAt(trx, account, since, classUsed, credits, classAllowed!, now, cls!.name),
        );
        const reason = overallFits
          ? `waiting for API budget on ${account}: at most ${classAllowed} of its ${classLimit} "${cls!.name}" credits ${perWindow} (a limit of its own inside the ${limit}), leaving ${Math.round(headroom * 100)}% for the account's own agents and apps`
          : `waiting for API budget on ${account}: all workers together use at most ${allowed} of its ${limit} credits ${perWindow}, leaving ${Math.round(headroom * 100)}% for the account's own agents and apps`;
        const usedPercent = overallFits ? percent(classUsed, classLimit!) : percent(used, limit);
        return { granted: false, now, until: Math.max(until, now + 1), reason, usedPercent };
      }),
    );
  }

  async function prune(): Promise<number> {
    const now = await clock(db);
    const cutoff = now - Math.max(120_000, 2 * (windowMs + marginMs));
    const r = await db.deleteFrom('rate_reservations').where('at', '<', new Date(cutoff)).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  return {
    get waits() {
      return waits;
    },

    async acquire(account, credits, onWait, limitClass, opts) {
      const wanted = Math.max(1, Math.ceil(Number.isFinite(credits) ? credits : 1));
      const pause = abortableSleep(opts?.signal, sleep);
      for (;;) {
        opts?.signal?.throwIfAborted();
        const d = await tryReserve(account, wanted, limitClass);
        if (d.granted) break;
        if (opts?.maxWaitMs !== undefined && d.until - d.now > opts.maxWaitMs)
          throw new BudgetUnavailableError(account, new Date(localNow() + (d.until - d.now)), d.reason);
        waits += 1;
        const info = { account, until: new Date(d.until), reason: d.reason, ...(d.usedPercent !== undefined ? { usedPercent: d.usedPercent } : {}) };
        for (const listener of [onWait, options.onWait]) {
          try {
            listener?.(info);
          } catch {
            // a listener's failure must not stop the request
          }
        }
        const jitter = jitterMs > 0 ? Math.floor(Math.random() * jitterMs) : 0;
        await pause(Math.max(MIN_SLEEP_MS, d.until - d.now) + jitter);
      }
      if (localNow() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = localNow();
        await prune().catch(() => {});
      }
    },

    async observe(account, info) {
      const total = info.total !== null && Number.isFinite(info.total) && info.total > 0 ? Math.floor(info.total) : null;
      const remaining = info.remaining !== null && Number.isFinite(info.remaining) ? Math.max(0, Math.floor(info.remaining)) : null;
      if (total === null && remaining === null) return;
      const c = cacheOf(account);
      const limitGuess = limitOf(account, total ?? c.limit);
      const low = remaining !== null && remaining < reserveOf(limitGuess);
      const newLimit = total !== null && total !== c.limit;
      const holdMs = info.holdAccountMs != null && info.holdAccountMs > 0 ? Math.min(info.holdAccountMs, MAX_HOLD_MS) : null;
      if (!newLimit && !(low && (localNow() >= c.lowRecordedUntil || holdMs !== null))) return;
      await serial(account, () =>
        db.transaction().execute(async (trx) => {
          await lock(trx, account);
          const now = await clock(trx);
          const row = await accountRow(trx, account);
          const limitTotal = total ?? row?.limit_total ?? null;
          const limit = limitOf(account, limitTotal);
          let observedRemaining = row?.observed_remaining ?? null;
          let observedAt = row?.observed_at ?? null;
          if (remaining !== null && remaining < reserveOf(limit)) {
            const active = blockedUntil(row, limit, now);
            // The first low answer starts the wait; later ones in the same window do not extend it. A 429
            // with Retry-After ends the wait when the platform says, not after a whole window.
            if (active === null) observedAt = new Date(info.retryAfterMs != null ? now + Math.min(info.retryAfterMs, lowWaitMs) - lowWaitMs : now);
            // A used-up quota holds the account until it resets, past the window if need be (and past a shorter wait already on).
            if (holdMs !== null && now + holdMs > (active ?? -Infinity)) observedAt = new Date(now + holdMs - lowWaitMs);
            observedRemaining = active === null ? remaining : Math.min(remaining, observedRemaining ?? remaining);
            c.lowRecordedUntil = localNow() + (observedAt!.getTime() + lowWaitMs - now);
          }
          await trx
            .insertInto('rate_accounts')
            .values({ account, limit_total: limitTotal, observed_remaining: observedRemaining, observed_at: observedAt })
            .onConflict((oc) => oc.column('account').doUpdateSet({ limit_total: limitTotal, observed_remaining: observedRemaining, observed_at: observedAt }))
            .execute();
          c.limit = limitTotal;
        }),
      );
    },

    async usage(account) {
      const now = await clock(db);
      const row = await accountRow(db, account);
      const limit = limitOf(account, row?.limit_total);
      const blocked = blockedUntil(row, limit, now);
      return {
        limit,
        allowed: allowedOf(limit),
        used: await usedSince(db, account, now - windowMs - marginMs),
        blockedUntil: blocked === null ? null : new Date(blocked),
      };
    },

    prune,
  };
}

const shared = new WeakMap<Db, Map<number, RateBudget>>();

/**
 * The process's one budget object for a database (and headroom): the per-account queues and the known
 * limits live in it, so every connector of the process should use the same one.
 */
export function sharedRateBudget(db: Db, headroom: number): RateBudget {
  let byHeadroom = shared.get(db);
  if (!byHeadroom) shared.set(db, (byHeadroom = new Map()));
  let budget = byHeadroom.get(headroom);
  if (!budget) byHeadroom.set(headroom, (budget = createRateBudget(db, { headroom })));
  return budget;
}
