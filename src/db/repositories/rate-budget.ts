import { sql, type Transaction } from 'kysely';
import { abortableSleep } from '../../connector-kit/abortable-sleep.ts';
import { isUntestedAccount } from '../../connector-kit/budget-account.ts';
import {
  BudgetUnavailableError,
  type BudgetModel,
  type BudgetWaitListener,
  type RateGate,
  type RateLimitClass,
  type ReleaseLease,
} from '../../connector-kit/rate-gate.ts';
import { allowedOf as allowedWithHeadroom, fitWindows, windowLabel, windowsWith, type CheckedWindow } from '../../connector-kit/rate-windows.ts';
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
 * A platform's rate-limit model (its manifest's, passed with each acquire: `AcquireOptions.model`) may
 * have several windows (per second, per minute, per hour): a reservation counts in every one, and a
 * request goes only when each window's sum stays within its own `floor(limit × (1 − headroom))`; the
 * wait names the window that binds. The reported limit adapts the shortest window (the one headers
 * describe); a model whose platform reports no headers is used as it is. Without a model the account has
 * one window of `windowMs` and `defaultLimit` (as has every account when `windowMs` is set). Reservations are kept as long as the longest window this
 * process has been asked about needs them.
 *
 * Reservations count for a little longer than the window (`marginMs`): a request reaches the platform a
 * moment after it reserved, and the platform's window starts when the request arrives.
 *
 * A model may also cap the requests in flight at once (`maxConcurrent`): a granted request then also
 * holds a lease (a `rate_leases` row, counted under the same lock) until the caller releases it. A lease
 * ends by itself after the request's timeout and a margin, so a crashed worker blocks no one for long.
 * A waiter polls (another process's release cannot be heard) and wakes at once on a release in its own
 * process.
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
  /**
   * The one window every account is budgeted with (e.g. per minute). When set, platforms' models are not
   * used (a simulator's shortened window); unset, an account without a model has one 60 s window.
   */
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
/** A lease outlives its request's timeout by this much (clock skew, a slow finally) before it counts as a crashed worker's. */
const LEASE_MARGIN_MS = 30_000;
/** The request timeout assumed when the caller does not say. */
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** How often a waiter for a free place in flight looks again: a release in another process wakes no one here. */
const LEASE_POLL_MS = 200;
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
  /** Granted with a lease (the model caps requests in flight): its row id. */
  leaseId?: string;
  /** Refused because the requests in flight are at the cap: a release in this process ends the wait early. */
  inFlight?: boolean;
}

export function createRateBudget(db: Db, options: RateBudgetOptions): RateBudget {
  const headroom = Math.min(0.9, Math.max(0, options.headroom));
  const defaultLimit = Math.max(1, Math.floor(options.defaultLimit ?? 100));
  const untestedLimit = options.untestedLimit === undefined ? Infinity : Math.max(1, Math.floor(options.untestedLimit));
  /** The limit an account works with: what the platform reported (or the default), capped for untested credentials. */
  const limitOf = (account: string, reported: number | null | undefined, fallback = defaultLimit) => {
    const limit = reported ?? fallback;
    return isUntestedAccount(account) ? Math.min(limit, untestedLimit) : limit;
  };
  const windowMs = options.windowMs ?? 60_000;
  const marginOf = (ms: number) => options.marginMs ?? Math.min(1_000, ms / 10);
  const marginMs = marginOf(windowMs);
  const lowWaitMs = Math.min(options.maxLowWaitMs ?? windowMs, windowMs);
  const jitterMs = options.jitterMs ?? 25;
  const sleep = options.sleep ?? realSleep;
  const localNow = () => options.now?.() ?? Date.now();

  /** Credits all workers together may use per window, and what is left for others. */
  const allowedOf = (limit: number) => allowedWithHeadroom(limit, headroom);
  const reserveOf = (limit: number) => limit - allowedOf(limit);

  // Per process: one budget transaction per account at a time (no pool connections parked on the advisory
  // lock), the last known limit, and until when a low remaining is known to be recorded (skips writes).
  const queues = new Map<string, Promise<unknown>>();
  const known = new Map<string, { limit: number | null; lowRecordedUntil: number }>();
  let lastPrune = -Infinity;
  /** The longest window (margin included) any acquire of this process has checked: prune keeps that much. */
  let longestMs = windowMs + marginMs;
  let waits = 0;
  /** Waiters of this process for a place in flight, per account: a release here wakes them without polling. */
  const leaseWaiters = new Map<string, Set<() => void>>();

  const wakeLeaseWaiters = (account: string) => {
    const set = leaseWaiters.get(account);
    leaseWaiters.delete(account);
    for (const wake of set ?? []) wake();
  };

  /** Resolves on the next release of `account` in this process; `cancel` forgets the waiter. */
  const nextRelease = (account: string) => {
    let wake = () => {};
    const released = new Promise<void>((resolve) => (wake = resolve));
    let set = leaseWaiters.get(account);
    if (!set) leaseWaiters.set(account, (set = new Set()));
    set.add(wake);
    return { released, cancel: () => leaseWaiters.get(account)?.delete(wake) };
  };

  /** The requests in flight on the account: expired leases (crashed workers) are dropped first. */
  async function inFlightOf(trx: Trx, account: string, now: number): Promise<number> {
    await trx.deleteFrom('rate_leases').where('account', '=', account).where('expires_at', '<=', new Date(now)).execute();
    const r = await trx
      .selectFrom('rate_leases')
      .select(sql<number>`count(*)::integer`.as('n'))
      .where('account', '=', account)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  function releaseOf(account: string, id: string): ReleaseLease {
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await db.deleteFrom('rate_leases').where('id', '=', id).execute();
      } finally {
        wakeLeaseWaiters(account);
      }
    };
  }

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

  /**
   * The windows an account is checked against, shortest first: the model's (or one of `windowMs`), the
   * shortest one's limit as the platform reported it (unless the model says it reports nothing).
   */
  function windowsOf(account: string, reported: number | null | undefined, model: BudgetModel | undefined): CheckedWindow[] {
    const modelWindows = model && options.windowMs === undefined ? windowsWith(model.windows, null) : [];
    const base = modelWindows.length > 0 ? modelWindows : [{ windowMs, limit: defaultLimit }];
    const shortest = limitOf(account, model?.reportsHeaders === false ? null : reported, base[0]!.limit);
    return windowsWith(base, shortest).map((w) => ({ ...w, allowed: allowedOf(w.limit), marginMs: marginOf(w.windowMs) }));
  }

  /** Whether `credits` more fit the window (reservations of `op`, or all), else when they will. */
  async function fitIn(trx: Trx, account: string, w: CheckedWindow, credits: number, now: number, op?: string) {
    const since = now - w.windowMs - w.marginMs;
    const used = await usedSince(trx, account, since, op);
    if (used + credits <= w.allowed) return { fits: true as const, used };
    let q = trx.selectFrom('rate_reservations').select(['at', 'credits']).where('account', '=', account).where('at', '>', new Date(since));
    if (op !== undefined) q = q.where('op', '=', op);
    const rows = await q.orderBy('at').orderBy('id').execute();
    const fit = fitWindows(
      rows.map((r) => ({ at: r.at.getTime(), credits: r.credits })),
      [w],
      credits,
      now,
    );
    return { fits: false as const, used, until: fit.fits ? now : fit.until };
  }

  function tryReserve(account: string, wanted: number, cls?: RateLimitClass, model?: BudgetModel, requestTimeoutMs?: number): Promise<Decision> {
    return serial(account, () =>
      db.transaction().execute(async (trx): Promise<Decision> => {
        await lock(trx, account);
        const now = await clock(trx);
        const row = await accountRow(trx, account);
        const c = cacheOf(account);
        if (row?.limit_total) c.limit = row.limit_total;
        const windows = windowsOf(account, row?.limit_total, model);
        const shortest = windows[0]!;
        const longest = windows[windows.length - 1]!;
        longestMs = Math.max(longestMs, longest.windowMs + longest.marginMs);
        const limit = shortest.limit;
        const allowed = shortest.allowed;
        const blocked = blockedUntil(row, limit, now);
        if (blocked !== null) {
          const reason = `${account} reported only ${row!.observed_remaining} of its ${limit} API credits left: someone else is using the account, so syncing waits for its window to refresh`;
          return { granted: false, now, until: blocked, reason, usedPercent: percent(limit - row!.observed_remaining!, limit) };
        }
        const cap = model?.maxConcurrent != null ? Math.max(1, Math.floor(model.maxConcurrent)) : null;
        if (cap !== null && (await inFlightOf(trx, account, now)) >= cap) {
          const reason = `waiting for a request to ${account} to finish: it takes at most ${cap} at once from all workers together`;
          return { granted: false, now, until: now + LEASE_POLL_MS, reason, usedPercent: 100, inFlight: true };
        }
        const classLimit = cls ? Math.max(1, Math.floor(cls.limitFor(limit))) : null;
        const classAllowed = classLimit === null ? null : Math.min(allowed, allowedOf(classLimit));
        const credits = Math.min(wanted, classAllowed ?? allowed, ...windows.map((w) => w.allowed));
        let refused: { until: number; w: CheckedWindow; used: number } | null = null;
        for (const w of windows) {
          const fit = await fitIn(trx, account, w, credits, now);
          if (!fit.fits && (refused === null || fit.until > refused.until)) refused = { until: fit.until, w, used: fit.used };
        }
        const classWindow = classLimit === null ? null : { ...shortest, limit: classLimit, allowed: classAllowed! };
        const classFit = classWindow ? await fitIn(trx, account, classWindow, credits, now, cls!.name) : null;
        if (refused === null && (classFit === null || classFit.fits)) {
          await trx
            .insertInto('rate_reservations')
            .values({ account, at: new Date(now), credits, op: cls?.name ?? null, keep_until: new Date(now + longest.windowMs + longest.marginMs) })
            .execute();
          if (cap === null) return { granted: true, now, until: now, reason: '' };
          const leaseMs = (requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) + LEASE_MARGIN_MS;
          const lease = await trx
            .insertInto('rate_leases')
            .values({ account, expires_at: new Date(now + leaseMs) })
            .returning('id')
            .executeTakeFirstOrThrow();
          return { granted: true, now, until: now, reason: '', leaseId: String(lease.id) };
        }
        const classUntil = classFit && !classFit.fits ? classFit.until : now;
        const until = Math.max(refused?.until ?? now, classUntil);
        const leaving = `leaving ${Math.round(headroom * 100)}% for the account's own agents and apps`;
        const reason =
          refused === null
            ? `waiting for API budget on ${account}: at most ${classAllowed} of its ${classLimit} "${cls!.name}" credits ${windowLabel(shortest.windowMs)} (a limit of its own inside the ${limit}), ${leaving}`
            : `waiting for API budget on ${account}: all workers together use at most ${refused.w.allowed} of its ${refused.w.limit} credits ${windowLabel(refused.w.windowMs)}, ${leaving}`;
        const usedPercent = refused === null ? percent(classFit!.used, classLimit!) : percent(refused.used, refused.w.limit);
        return { granted: false, now, until: Math.max(until, now + 1), reason, usedPercent };
      }),
    );
  }

  async function prune(): Promise<number> {
    const now = await clock(db);
    const cutoff = now - Math.max(120_000, 2 * (windowMs + marginMs), longestMs);
    // A row another process wrote for a longer window (an hourly quota this process never checks) stays until its keep_until.
    const r = await db
      .deleteFrom('rate_reservations')
      .where('at', '<', new Date(cutoff))
      .where((eb) => eb.or([eb('keep_until', 'is', null), eb('keep_until', '<', new Date(now))]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  return {
    get waits() {
      return waits;
    },

    async acquire(account, credits, onWait, limitClass, opts) {
      const wanted = Math.max(1, Math.ceil(Number.isFinite(credits) ? credits : 1));
      const pause = abortableSleep(opts?.signal, sleep);
      let leaseId: string | undefined;
      for (;;) {
        opts?.signal?.throwIfAborted();
        const d = await tryReserve(account, wanted, limitClass, opts?.model, opts?.requestTimeoutMs);
        if (d.granted) {
          leaseId = d.leaseId;
          break;
        }
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
        const slept = pause(Math.max(MIN_SLEEP_MS, d.until - d.now) + jitter);
        if (!d.inFlight) await slept;
        else {
          const release = nextRelease(account);
          try {
            await Promise.race([slept, release.released]);
          } finally {
            release.cancel();
          }
        }
      }
      if (localNow() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = localNow();
        await prune().catch(() => {});
      }
      return leaseId === undefined ? undefined : releaseOf(account, leaseId);
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
