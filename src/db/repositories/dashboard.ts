import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { accountHost, isUntestedAccount } from '../../connector-kit/budget-account.ts';
import { createRateBudget } from './rate-budget.ts';
import { stateOf, type ConnectionState } from './connection-state.ts';

/**
 * The figures of the dashboard (GET /api/v1/dashboard), all computed from what the database records:
 * runs, their detail rows, the retry set, webhook hints, open create intents and the rate budget.
 * See README "Dashboard figures" for the definitions.
 */

export type DashboardState = ConnectionState;
export type LagSource = 'retry' | 'hint' | 'create' | 'last_run';

const RUN_STATUSES = ['success', 'partial', 'failed', 'no_tickets', 'running'] as const;
const OUTCOMES = ['created', 'updated', 'closed', 'failed'] as const;
type RunCounts = Record<(typeof RUN_STATUSES)[number], number>;
type TicketCounts = Record<(typeof OUTCOMES)[number], number>;

export interface DayFigures {
  /** The calendar day in the requested time zone, YYYY-MM-DD. */
  date: string;
  runs: RunCounts;
  tickets: TicketCounts;
}

export interface ConnectionFigures {
  state: DashboardState;
  /** Seconds since the oldest change known not to be synced yet; null before the first finished run that read changes. */
  lagSeconds: number | null;
  lagSince: string | null;
  lagSource: LagSource | null;
  /** Share (0–1) of the runs finished in the last 7 days that were Success or No tickets; null without any. */
  successRate: number | null;
  finishedRuns7d: number;
  /** The last 30 days, oldest first (zeros included). */
  daily: DayFigures[];
  totals: { '7d': { runs: RunCounts; tickets: TicketCounts }; '30d': { runs: RunCounts; tickets: TicketCounts } };
}

const zeroRuns = (): RunCounts => ({ success: 0, partial: 0, failed: 0, no_tickets: 0, running: 0 });
const zeroTickets = (): TicketCounts => ({ created: 0, updated: 0, closed: 0, failed: 0 });

/** True when `tz` is an IANA time zone name this process knows. */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The `count` calendar days ending today in `tz`, oldest first, as YYYY-MM-DD. */
export function lastDays(tz: string, count: number, now = new Date()): string[] {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(new Date(Date.UTC(y!, m! - 1, d! - i)).toISOString().slice(0, 10));
  return out;
}

/** Per connection: state, lag, success rate and daily series. `connections` are active connections of one organisation. */
export async function connectionFigures(
  db: Db,
  connections: Array<{ id: string; syncState: string; automaticSync: boolean }>,
  opts: { timeZone: string; now?: Date },
): Promise<Map<string, ConnectionFigures>> {
  const out = new Map<string, ConnectionFigures>();
  if (connections.length === 0) return out;
  const ids = connections.map((c) => c.id);
  const now = opts.now ?? new Date();
  const days = lastDays(opts.timeZone, 30, now);
  const days7 = new Set(days.slice(-7));
  // A day more than 30 whole days, so the first local day is complete whatever the zone; trimmed to `days` below.
  const from = new Date(now.getTime() - 31 * 86_400_000);
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  const localDay = (col: string) => sql<string>`to_char(${sql.ref(col)} AT TIME ZONE ${opts.timeZone}, 'YYYY-MM-DD')`;

  const [runRows, ticketRows, lastFinished, automaticRuns, covered, retries, hints, intents, week] = await Promise.all([
    db
      .selectFrom('sync_runs')
      .select(['connection_id', 'status', localDay('started_at').as('day'), sql<number>`count(*)::integer`.as('n')])
      .where('connection_id', 'in', ids)
      .where('started_at', '>=', from)
      .groupBy(sql`1, 2, 3`)
      .execute(),
    db
      .selectFrom('sync_run_details as d')
      .innerJoin('sync_runs as r', 'r.id', 'd.run_id')
      .select(['r.connection_id', 'd.outcome', localDay('d.created_at').as('day'), sql<number>`count(*)::integer`.as('n')])
      .where('r.connection_id', 'in', ids)
      .where('d.created_at', '>=', from)
      // Like the run totals: a failure before the filters admitted the ticket counts for neither side.
      .where('d.owner_only', '=', false)
      .groupBy(sql`1, 2, 3`)
      .execute(),
    db
      .selectFrom('sync_runs')
      .select(['connection_id', 'status'])
      .distinctOn('connection_id')
      .where('connection_id', 'in', ids)
      .where('status', '!=', 'running')
      .orderBy('connection_id')
      .orderBy('started_at', 'desc')
      .execute(),
    db.selectFrom('sync_runs').select('connection_id').distinct().where('connection_id', 'in', ids).where('trigger', '=', 'automatic').execute(),
    // The start of the last finished run that read every change: whatever changed before it has been seen.
    db
      .selectFrom('sync_runs')
      .select(['connection_id', sql<Date>`max(started_at)`.as('at')])
      .where('connection_id', 'in', ids)
      .where('status', 'in', ['success', 'partial', 'no_tickets'])
      // Manual and scheduled runs read every change; webhook (and per-ticket) runs only the tickets they were told about.
      .where('trigger', 'in', ['manual', 'automatic'])
      .groupBy('connection_id')
      .execute(),
    db
      .selectFrom('sync_retries')
      .select(['connection_id', sql<Date>`min(created_at)`.as('at')])
      .where('connection_id', 'in', ids)
      .groupBy('connection_id')
      .execute(),
    db
      .selectFrom('sync_hints')
      .select(['connection_id', sql<Date>`min(created_at)`.as('at')])
      .where('connection_id', 'in', ids)
      .groupBy('connection_id')
      .execute(),
    db
      .selectFrom('create_intents')
      .select(['connection_id', sql<Date>`min(created_at)`.as('at')])
      .where('connection_id', 'in', ids)
      .groupBy('connection_id')
      .execute(),
    db
      .selectFrom('sync_runs')
      .select([
        'connection_id',
        sql<number>`count(*)::integer`.as('finished'),
        sql<number>`count(*) FILTER (WHERE status IN ('success', 'no_tickets'))::integer`.as('ok'),
      ])
      .where('connection_id', 'in', ids)
      .where('status', '!=', 'running')
      .where('started_at', '>=', weekAgo)
      .groupBy('connection_id')
      .execute(),
  ]);

  const byConn = <T extends { connection_id: string }>(rows: T[]) => new Map(rows.map((r) => [r.connection_id, r]));
  const last = byConn(lastFinished);
  const auto = new Set(automaticRuns.map((r) => r.connection_id));
  const coveredAt = byConn(covered);
  const pending: Array<[LagSource, Map<string, { at: Date }>]> = [
    ['retry', byConn(retries)],
    ['hint', byConn(hints)],
    ['create', byConn(intents)],
  ];
  const weekly = byConn(week);

  for (const c of connections) {
    const daily = new Map(days.map((date) => [date, { date, runs: zeroRuns(), tickets: zeroTickets() }]));
    for (const r of runRows)
      if (r.connection_id === c.id && daily.has(r.day) && r.status in daily.get(r.day)!.runs)
        daily.get(r.day)!.runs[r.status as keyof RunCounts] += Number(r.n);
    for (const t of ticketRows)
      if (t.connection_id === c.id && daily.has(t.day) && t.outcome in daily.get(t.day)!.tickets)
        daily.get(t.day)!.tickets[t.outcome as keyof TicketCounts] += Number(t.n);
    const series = [...daily.values()];
    const sum = (list: DayFigures[]) => {
      const runs = zeroRuns();
      const tickets = zeroTickets();
      for (const d of list) {
        for (const k of RUN_STATUSES) runs[k] += d.runs[k];
        for (const k of OUTCOMES) tickets[k] += d.tickets[k];
      }
      return { runs, tickets };
    };

    const state = stateOf({
      syncState: c.syncState,
      automaticSync: c.automaticSync,
      lastFinishedStatus: last.get(c.id)?.status ?? null,
      hadAutomaticRun: auto.has(c.id),
    });

    // Lag: the oldest change known not to be synced. Before the first finished run there is no baseline.
    let lagSince: Date | null = null;
    let lagSource: LagSource | null = null;
    const base = coveredAt.get(c.id)?.at;
    if (base) {
      lagSince = new Date(base);
      lagSource = 'last_run';
      for (const [source, m] of pending) {
        const at = m.get(c.id)?.at;
        if (at && new Date(at) < lagSince) {
          lagSince = new Date(at);
          lagSource = source;
        }
      }
    }
    const w = weekly.get(c.id);
    out.set(c.id, {
      state,
      lagSeconds: lagSince ? Math.max(0, Math.round((now.getTime() - lagSince.getTime()) / 1000)) : null,
      lagSince: lagSince ? lagSince.toISOString() : null,
      lagSource,
      successRate: w && w.finished > 0 ? Number(w.ok) / Number(w.finished) : null,
      finishedRuns7d: w ? Number(w.finished) : 0,
      daily: series,
      totals: { '7d': sum(series.filter((d) => days7.has(d.date))), '30d': sum(series) },
    });
  }
  return out;
}

export interface RateBudgetFigures {
  /** The platform account (its host), e.g. acme.example.com. */
  account: string;
  /** Where this organisation uses it: its platform settings, or a connection's API override. */
  usedFor: string[];
  /**
   * Whether the key passed Test Connection and so spends the account's shared budget; an untested key
   * spends a budget of its own (connector-kit/budget-account.ts), which these figures then show.
   */
  keyTested: boolean;
  windowSeconds: number;
  /** The platform's limit per window (learned from its answers; a default until then). */
  limit: number;
  /** What all workers together may use per window (limit less the headroom). */
  allowed: number;
  /** Credits reserved in the current window. */
  used: number;
  /** allowed − used, never below 0. */
  remaining: number;
  /** The last X-RateLimit-Remaining the platform reported when it was low, and when; null otherwise. */
  observedRemaining: number | null;
  observedAt: string | null;
  /** Set while every worker waits because the platform reported a low remaining budget. */
  blockedUntil: string | null;
}

/**
 * The rate budget of every platform account the organisation's own credentials use (never the partner's).
 * `budgetAccountOf` names the budget a credential spends (the caller can read keys; this module cannot);
 * without it every credential is taken to spend its host's budget.
 */
export async function rateBudgetFigures(
  db: Db,
  organisationId: string,
  headroom: number,
  budgetAccountOf?: (apiUrl: string, apiKeyCiphertext: string) => Promise<string>,
): Promise<RateBudgetFigures[]> {
  const [platform, overrides] = await Promise.all([
    db.selectFrom('platform_configs').select(['api_url', 'api_key_ciphertext']).where('organisation_id', '=', organisationId).executeTakeFirst(),
    db
      .selectFrom('connection_sides as s')
      .innerJoin('connections as c', 'c.id', 's.connection_id')
      .select(['s.api_override_url', 's.api_override_key_ciphertext', 'c.contract_name'])
      .where('s.organisation_id', '=', organisationId)
      .where('c.status', '!=', 'revoked')
      .where('s.api_override_url', 'is not', null)
      .execute(),
  ]);
  const accounts = new Map<string, string[]>();
  const add = async (url: string | null | undefined, ciphertext: string | null | undefined, what: string) => {
    if (!url) return;
    let account: string;
    try {
      account = new URL(url).host;
    } catch {
      return;
    }
    if (budgetAccountOf && ciphertext) account = await budgetAccountOf(url, ciphertext).catch(() => account);
    accounts.set(account, [...(accounts.get(account) ?? []), what]);
  };
  await add(platform?.api_url, platform?.api_key_ciphertext, 'Platform settings');
  for (const o of overrides) await add(o.api_override_url, o.api_override_key_ciphertext, `API override of ${o.contract_name}`);
  if (accounts.size === 0) return [];

  const budget = createRateBudget(db, { headroom });
  const rows = await db
    .selectFrom('rate_accounts')
    .select(['account', 'observed_remaining', 'observed_at'])
    .where('account', 'in', [...accounts.keys()])
    .execute();
  const observed = new Map(rows.map((r) => [r.account, r]));
  const out: RateBudgetFigures[] = [];
  for (const [account, usedFor] of accounts) {
    const u = await budget.usage(account);
    const o = observed.get(account);
    out.push({
      account: accountHost(account),
      usedFor,
      keyTested: !isUntestedAccount(account),
      windowSeconds: 60,
      limit: u.limit,
      allowed: u.allowed,
      used: u.used,
      remaining: Math.max(0, u.allowed - u.used),
      observedRemaining: o?.observed_at ? o.observed_remaining : null,
      observedAt: o?.observed_at ? o.observed_at.toISOString() : null,
      blockedUntil: u.blockedUntil ? u.blockedUntil.toISOString() : null,
    });
  }
  return out;
}
