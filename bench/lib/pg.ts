import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { clkTck } from './util.ts';

/** The PostgreSQL server for scale-out (and `--db postgres`): SF_BENCH_DATABASE_URL, else SF_TEST_DATABASE_URL. */
export const benchDatabaseUrl = process.env.SF_BENCH_DATABASE_URL || process.env.SF_TEST_DATABASE_URL || '';

export interface TempDatabase {
  url: string;
  name: string;
  /** A client on the temp database, for counters and run polling (its own statements are counted by `stats`). */
  client: pg.Client;
  /** Statements this client has sent (so they can be taken out of the database's counters). */
  ownQueries(): number;
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

export async function serverReachable(url = benchDatabaseUrl): Promise<boolean> {
  if (!url) return false;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function createTempDatabase(serverUrl = benchDatabaseUrl): Promise<TempDatabase> {
  const name = `sf_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  let own = 0;
  return {
    url: url.toString(),
    name,
    client,
    ownQueries: () => own,
    query: (text, values) => {
      own++;
      return client.query(text, values as unknown[]);
    },
    async drop() {
      await client.end().catch(() => {});
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface DbCounters {
  /** Committed transactions (each autocommit statement is one). */
  xactCommit: number;
  /** Sequential + index scans of the product's own tables (not pg-boss's). */
  scans: number;
  /** Rows inserted, updated and deleted in the product's own tables. */
  rowsWritten: number;
  /** The same, in pg-boss's tables (the queue). */
  queueRowsWritten: number;
}

/** Counters of the temp database (statistics are flushed by the server at most every ~0.5 s: read after a pause). */
export async function dbCounters(db: TempDatabase): Promise<DbCounters> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const x = await db.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()');
  const t = await db.query<{ schemaname: string; scans: string; written: string }>(
    `SELECT schemaname, sum(coalesce(seq_scan,0) + coalesce(idx_scan,0))::text AS scans, sum(n_tup_ins + n_tup_upd + n_tup_del)::text AS written
       FROM pg_stat_user_tables GROUP BY schemaname`,
  );
  const of = (schema: string, k: 'scans' | 'written') => Number(t.rows.find((r) => r.schemaname === schema)?.[k] ?? 0);
  return {
    xactCommit: Number(x.rows[0]?.n ?? 0),
    scans: of('public', 'scans'),
    rowsWritten: of('public', 'written'),
    queueRowsWritten: of('pgboss', 'written'),
  };
}

/**
 * CPU time of the PostgreSQL backends serving the temp database, sampled every `everyMs` from /proc
 * (the server runs on this machine). Backends that end between samples lose their last slice.
 */
export function backendCpuSampler(db: TempDatabase, everyMs = 1000, serverUrl = benchDatabaseUrl): { stop(): Promise<number> } {
  const seen = new Map<number, { first: number; last: number }>();
  let stopped = false;
  let initial = true;
  // A client on the server's own database, so the samples do not count in the temp database's statistics.
  const c = new pg.Client({ connectionString: serverUrl });
  const connected = c.connect();
  const sample = async () => {
    await connected;
    const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name]);
    const fresh = !initial;
    initial = false;
    for (const { pid } of r.rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ms = ((Number(f[11]) + Number(f[12])) * 1000) / clkTck();
        const s = seen.get(pid);
        if (s) s.last = ms;
        // A backend that appeared after the first sample started from zero.
        else seen.set(pid, { first: fresh ? 0 : ms, last: ms });
      } catch {
        // gone, or not on this machine
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await sample().catch(() => {});
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await sample().catch(() => {});
      await c.end().catch(() => {});
      let total = 0;
      for (const s of seen.values()) total += s.last - s.first;
      return total;
    },
  };
}
