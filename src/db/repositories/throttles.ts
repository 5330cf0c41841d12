import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { isExpired, waitMs, type ThrottleRule, type ThrottleState } from '../../core/throttle-policy.ts';
import type { Db } from '../database.ts';

/**
 * Throttle counters in the database, so every web process counts the same attempts (in memory, N
 * processes behind a load balancer gave an attacker N times the tries). Times come from the database
 * clock, so processes on several hosts agree on them. A counter's key is the rule's name and a SHA-256 of
 * the subject: the table holds no e-mail, address or token.
 */
export interface Counter {
  rule: ThrottleRule;
  /** What is counted: an e-mail, an address, an organisation, a token hash. */
  subject: string;
}

export type Reservation =
  | { outcome: 'allowed' }
  | { outcome: 'wait'; retryAfterMs: number }
  /** Another attempt holds the exclusive counter right now. */
  | { outcome: 'in_flight' };

/** Rows older than this are of no rule's concern any more (the longest wait or window is an hour). */
const STALE_AFTER = '1 day';

export function counterKey(c: Counter): string {
  return `${c.rule.name}:${createHash('sha256').update(c.subject).digest('hex')}`;
}

/**
 * Counts one attempt on every counter, in one transaction, unless one of them says wait: the attempt is
 * counted before the caller checks anything (a password, a code), so concurrent attempts cannot all slip
 * under the limit. With `exclusive` (one of `counters`), the attempt also holds that counter for up to
 * `inFlightMs` until `settleAttempt` releases it; a second attempt meanwhile gets `in_flight`.
 */
export async function reserveAttempt(db: Db, counters: Counter[], opts: { exclusive?: Counter; inFlightMs?: number } = {}): Promise<Reservation> {
  return withCounters(db, counters, async (trx, rows, now) => {
    let wait = 0;
    for (const c of counters) wait = Math.max(wait, waitMs(c.rule, rows.get(counterKey(c))!, now));
    if (wait > 0) return { outcome: 'wait', retryAfterMs: wait };
    const exclusiveKey = opts.exclusive && counterKey(opts.exclusive);
    if (exclusiveKey) {
      const until = rows.get(exclusiveKey)!.inFlightUntil;
      if (until !== null && until > now) return { outcome: 'in_flight' };
    }
    await count(trx, counters, rows, now, exclusiveKey ? { key: exclusiveKey, until: new Date(now + (opts.inFlightMs ?? 30_000)) } : undefined);
    return { outcome: 'allowed' };
  });
}

/** Counts an attempt that already happened (a failure found after the check), whatever the counters say. */
export async function recordAttempt(db: Db, counters: Counter[]): Promise<void> {
  await withCounters(db, counters, (trx, rows, now) => count(trx, counters, rows, now));
}

/** Milliseconds before the counters allow another attempt (0: now); counts nothing. */
export async function peekWait(db: Db, counters: Counter[]): Promise<number> {
  const rows = await db
    .selectFrom('auth_throttles')
    .select(['key', 'attempts', 'window_start', 'last_at', sql<Date>`clock_timestamp()`.as('now')])
    .where('key', 'in', counters.map(counterKey))
    .execute();
  let wait = 0;
  for (const r of rows) {
    const c = counters.find((x) => counterKey(x) === r.key)!;
    wait = Math.max(
      wait,
      waitMs(c.rule, { attempts: r.attempts, windowStart: r.window_start.getTime(), lastAt: r.last_at.getTime() }, new Date(r.now).getTime()),
    );
  }
  return wait;
}

/**
 * After a reserved attempt: `clear` forgets counters (a successful log-in clears its account+address
 * counter), `refund` takes the attempt back from counters that count failures only, `release` frees the
 * exclusive counter.
 */
export async function settleAttempt(db: Db, s: { clear?: Counter[]; refund?: Counter[]; release?: Counter }): Promise<void> {
  const keys = [...new Set([...(s.clear ?? []), ...(s.refund ?? []), ...(s.release ? [s.release] : [])].map(counterKey))].sort();
  if (keys.length === 0) return;
  await db.transaction().execute(async (trx) => {
    // Rows are locked in key order, as reserveAttempt does: the two cannot deadlock on PostgreSQL.
    await trx.selectFrom('auth_throttles').select('key').where('key', 'in', keys).orderBy('key').forUpdate().execute();
    if (s.clear?.length) await trx.deleteFrom('auth_throttles').where('key', 'in', s.clear.map(counterKey)).execute();
    if (s.refund?.length) {
      await trx
        .updateTable('auth_throttles')
        .set({ attempts: sql`greatest(attempts - 1, 0)` })
        .where('key', 'in', s.refund.map(counterKey))
        .execute();
    }
    if (s.release) await trx.updateTable('auth_throttles').set({ in_flight_until: null }).where('key', '=', counterKey(s.release)).execute();
  });
}

type Row = ThrottleState & { inFlightUntil: number | null };

/** Locks the counters' rows (created when missing, in key order so two callers cannot deadlock) and reads them. */
async function withCounters<T>(db: Db, counters: Counter[], fn: (trx: Db, rows: Map<string, Row>, now: number) => Promise<T>): Promise<T> {
  const keys = [...new Set(counters.map(counterKey))].sort();
  return db.transaction().execute(async (trx) => {
    // Now and then, forget counters nobody has touched for a day (a sprayer of e-mails leaves many).
    if (Math.random() < 0.01)
      await trx
        .deleteFrom('auth_throttles')
        .where('last_at', '<', sql<Date>`clock_timestamp() - ${STALE_AFTER}::interval`)
        .execute();
    await trx
      .insertInto('auth_throttles')
      .values(keys.map((key) => ({ key, attempts: 0 })))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const found = await trx
      .selectFrom('auth_throttles')
      .select(['key', 'attempts', 'window_start', 'last_at', 'in_flight_until', sql<Date>`clock_timestamp()`.as('now')])
      .where('key', 'in', keys)
      .orderBy('key')
      .forUpdate()
      .execute();
    const rows = new Map<string, Row>(
      found.map((r) => [
        r.key,
        { attempts: r.attempts, windowStart: r.window_start.getTime(), lastAt: r.last_at.getTime(), inFlightUntil: r.in_flight_until?.getTime() ?? null },
      ]),
    );
    const now = new Date(found[0]!.now).getTime();
    return fn(trx, rows, now);
  });
}

async function count(trx: Db, counters: Counter[], rows: Map<string, Row>, now: number, hold?: { key: string; until: Date }): Promise<void> {
  const at = new Date(now);
  for (const c of counters) {
    const key = counterKey(c);
    const r = rows.get(key)!;
    const fresh = r.attempts === 0 || isExpired(c.rule, r, now);
    await trx
      .updateTable('auth_throttles')
      .set({
        attempts: fresh ? 1 : r.attempts + 1,
        window_start: fresh ? at : new Date(r.windowStart),
        last_at: at,
        ...(hold?.key === key ? { in_flight_until: hold.until } : {}),
      })
      .where('key', '=', key)
      .execute();
  }
}
