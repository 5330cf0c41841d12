import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';
import type { Side } from './sync-store.ts';
import { toDetailView, toView, type SyncRunDetailView, type SyncRunView } from './sync-runs.ts';

/**
 * Sync history a page at a time (keyset pagination) and what Retry needs to know about a run's rows.
 * Cursors are opaque to callers: base64url of the last row's sort key, so a page never skips or repeats a
 * row while new runs are added on top.
 */

export class BadCursorError extends Error {}

interface RunKey {
  /** started_at as PostgreSQL keeps it (microseconds), not as a JS Date would round it. */
  t: string;
  i: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MICRO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function decode<T>(cursor: string, valid: (v: unknown) => v is T): T {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('cursor is not one this API returned');
  }
  if (!valid(v)) throw new BadCursorError('cursor is not one this API returned');
  return v;
}

const isRunKey = (v: unknown): v is RunKey =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as RunKey).t === 'string' &&
  MICRO_TS.test((v as RunKey).t) &&
  typeof (v as RunKey).i === 'string' &&
  UUID.test((v as RunKey).i);

const isDetailKey = (v: unknown): v is { d: string } =>
  typeof v === 'object' && v !== null && typeof (v as { d: string }).d === 'string' && /^\d{1,18}$/.test((v as { d: string }).d);

const startedKey = sql<string>`to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Runs newest first (started_at, then id, both descending), `limit` per page; `nextCursor` null on the last page. */
export async function listRunsPage(
  db: Db,
  filter: { connectionIds: string[]; status?: string | undefined; from: Date; to: Date; limit: number; cursor?: string | undefined },
): Promise<{ runs: SyncRunView[]; nextCursor: string | null }> {
  const after = filter.cursor ? decode(filter.cursor, isRunKey) : null;
  if (filter.connectionIds.length === 0) return { runs: [], nextCursor: null };
  let q = db
    .selectFrom('sync_runs')
    .selectAll()
    .select(startedKey.as('started_key'))
    .where('connection_id', 'in', filter.connectionIds)
    .where('started_at', '>=', filter.from)
    .where('started_at', '<=', filter.to);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (after) q = q.where(sql<boolean>`(started_at, id) < (${after.t}::timestamptz, ${after.i}::uuid)`);
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  const last = page.at(-1);
  return { runs: page.map((r) => toView(r)), nextCursor: more && last ? encode({ t: last.started_key, i: last.id }) : null };
}

/** Rows `viewerSide` may see: its own, and the partner's that are not kept to the partner. */
const visibleTo = (viewerSide: Side) => (eb: ExpressionBuilder<Database, 'sync_run_details'>) =>
  eb.or([eb('owner_only', '=', false), eb('origin_side', '=', viewerSide)]);

/**
 * A run's detail rows as `viewerSide` may see them, in the order they were recorded, a page at a time.
 * `q`: every word must match — a number is a ticket id of either side (exactly), other words are looked for
 * in the subject and the error; `outcome` narrows further.
 */
export async function runDetailsPage(
  db: Db,
  runId: string,
  viewerSide: Side,
  opts: { limit: number; cursor?: string | undefined; q?: string | undefined; outcome?: string | undefined },
): Promise<{ details: SyncRunDetailView[]; nextCursor: string | null }> {
  const after = opts.cursor ? decode(opts.cursor, isDetailKey) : null;
  let q = db.selectFrom('sync_run_details').selectAll().where('run_id', '=', runId).where(visibleTo(viewerSide));
  if (after) q = q.where('id', '>', after.d);
  if (opts.outcome) q = q.where('outcome', '=', opts.outcome);
  const words = (opts.q ?? '').trim().replace(/#/g, '').split(/\s+/).filter(Boolean).slice(0, 10);
  for (const w of words) {
    const like = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        ...(/^[A-Za-z0-9_.-]+$/.test(w) ? [eb('source_ticket_id', '=', w), eb('target_ticket_id', '=', w)] : []),
        eb('subject', 'ilike', like),
        eb('error', 'ilike', like),
      ]),
    );
  }
  const rows = await q
    .orderBy('id')
    .limit(opts.limit + 1)
    .execute();
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page.at(-1);
  return { details: page.map(toDetailView), nextCursor: more && last ? encode({ d: String(last.id) }) : null };
}

/** Every row of a run `viewerSide` may see, oldest first, in pages read one after another (CSV export). */
export async function* allRunDetails(db: Db, runId: string, viewerSide: Side, pageSize = 1_000): AsyncGenerator<SyncRunDetailView & { recordedAt: string }> {
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('sync_run_details')
      .selectAll()
      .where('run_id', '=', runId)
      .where(visibleTo(viewerSide))
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const r of rows) yield { ...toDetailView(r), recordedAt: r.created_at.toISOString() };
    if (rows.length < pageSize) return;
    after = String(rows.at(-1)!.id);
  }
}

/** The ticket a failed row is about, as Retry works it: the one whose pass failed (the row's origin). */
export interface RetryTarget {
  detailId: string;
  side: Side;
  ticketId: string;
  linkedTicketId: string | null;
}

const retryTargetOf = (r: { id: string; origin_side: string; source_ticket_id: string | null; target_ticket_id: string | null }): RetryTarget | null => {
  const side = r.origin_side as Side;
  const ticketId = side === 'source' ? r.source_ticket_id : r.target_ticket_id;
  if (!ticketId) return null;
  return { detailId: String(r.id), side, ticketId, linkedTicketId: side === 'source' ? r.target_ticket_id : r.source_ticket_id };
};

/** One row of a run, if `viewerSide` may see it. */
export async function visibleDetail(
  db: Db,
  runId: string,
  detailId: string,
  viewerSide: Side,
): Promise<(SyncRunDetailView & { target: RetryTarget | null }) | null> {
  if (!/^\d{1,18}$/.test(detailId)) return null;
  const r = await db
    .selectFrom('sync_run_details')
    .selectAll()
    .where('run_id', '=', runId)
    .where('id', '=', detailId)
    .where(visibleTo(viewerSide))
    .executeTakeFirst();
  return r ? { ...toDetailView(r), target: retryTargetOf(r) } : null;
}

/**
 * Tickets of a run whose pass got as far as writing into the other side's platform: the engine records the
 * `mapped` step just before it writes (create or update). A failure after it is the receiving side's to fix.
 */
async function passesThatWrote(db: Db, runId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('ticket_events').select(['side', 'ticket_id']).distinct().where('run_id', '=', runId).where('kind', '=', 'mapped').execute();
  return new Set(rows.map((r) => `${r.side}:${r.ticket_id}`));
}

/**
 * The failed rows of a run `viewerSide` may retry, each with its ticket: its own tickets, and the partner's
 * whose failure came when they were written into `viewerSide`'s platform (the side that can fix the cause).
 * A partner's ticket that failed on the partner's own platform (reading it) is the partner's to retry.
 */
export async function retryableRows(db: Db, runId: string, viewerSide: Side): Promise<RetryTarget[]> {
  const rows = await db
    .selectFrom('sync_run_details')
    .select(['id', 'origin_side', 'source_ticket_id', 'target_ticket_id'])
    .where('run_id', '=', runId)
    .where(visibleTo(viewerSide))
    .where((eb) => eb.or([eb('outcome', '=', 'failed'), eb('failed_comments', '>', 0), eb('failed_attachments', '>', 0)]))
    .orderBy('id')
    .execute();
  const wrote = rows.some((r) => r.origin_side !== viewerSide) ? await passesThatWrote(db, runId) : new Set<string>();
  return rows.flatMap((r) => {
    const t = retryTargetOf(r);
    return t && (t.side === viewerSide || wrote.has(`${t.side}:${t.ticketId}`)) ? [t] : [];
  });
}

/** retryableRows, one per ticket (a ticket has one pass per run, but rows are not unique by constraint). */
export async function failedRetryTargets(db: Db, runId: string, viewerSide: Side): Promise<RetryTarget[]> {
  const seen = new Set<string>();
  return (await retryableRows(db, runId, viewerSide)).filter((t) => !seen.has(`${t.side}:${t.ticketId}`) && seen.add(`${t.side}:${t.ticketId}`));
}

/**
 * Whether the partner of a ticket's organisation may see it although it has no copy: its newest detail
 * row is one both sides see (the filters had admitted it) and a pass reached the partner's platform (the
 * write there is what failed — the partner is the side that can fix it). Returns the runs of those passes,
 * to show them only on the timeline; null when the ticket stays its own organisation's business.
 */
export async function partnerVisibleRuns(db: Db, connectionId: string, side: Side, ticketId: string): Promise<string[] | null> {
  // Only passes that reached the partner's platform: a failure reading the ticket is its own organisation's business.
  const col = side === 'source' ? 'source_ticket_id' : 'target_ticket_id';
  const rows = await db
    .selectFrom('sync_run_details')
    .innerJoin('sync_runs', 'sync_runs.id', 'sync_run_details.run_id')
    .select(['sync_run_details.run_id', 'sync_run_details.owner_only'])
    .where('sync_runs.connection_id', '=', connectionId)
    .where('sync_run_details.origin_side', '=', side)
    .where(`sync_run_details.${col}`, '=', ticketId)
    .orderBy('sync_run_details.id', 'desc')
    .limit(200)
    .execute();
  if (rows.length === 0 || rows[0]!.owner_only) return null;
  const visible = [...new Set(rows.filter((r) => !r.owner_only).map((r) => r.run_id))];
  const wrote = await db
    .selectFrom('ticket_events')
    .select('run_id')
    .distinct()
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', 'mapped')
    .where('run_id', 'in', visible)
    .execute();
  const runs = wrote.flatMap((r) => (r.run_id ? [r.run_id] : []));
  return runs.length > 0 ? runs : null;
}
