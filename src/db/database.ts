import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { memoryLocks, postgresLocks, type ConnectionLocks } from './connection-locks.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { migrate } from './migrations.ts';
import { PGlitePool } from './pglite-pool.ts';
import type { Database } from './schema.ts';
import { waitForDatabase } from './wait-for-database.ts';

export type Db = Kysely<Database>;

/** What pg-boss needs to reach the same database: its own pool on a server, our locked adapter on PGlite. */
export type BossConnection =
  { kind: 'postgres'; connectionString: string } | { kind: 'pglite'; executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  boss: BossConnection;
  /** One sync run per connection at a time, across every process on this database. */
  locks: ConnectionLocks;
  /** Migrations this open applied (empty when the database was up to date). */
  migrated: string[];
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL server; when absent the embedded PGlite store in `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Keep PGlite in memory (tests that do not need persistence). */
  inMemory?: boolean;
  /** PostgreSQL not reachable yet at start-up: keep trying this long (SF_DATABASE_WAIT_SECONDS; default: one attempt). */
  waitSeconds?: number;
  /**
   * Warnings about the connection: start-up retries, and connections the server closed (a restart, a
   * failover, an administrator ending them). Default: standard error.
   */
  log?: (msg: string, data: Record<string, unknown>) => void;
}

const stderrLog = (msg: string, data: Record<string, unknown>) => console.error(`${msg} ${JSON.stringify(data)}`);

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const log = opts.log ?? stderrLog;
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // A server restart ends every connection: pooled idle ones report it as a pool 'error' event, ones held
    // by a transaction on the client. Unheard, either event kills the process; heard, the pool just opens
    // new connections on the next query, and readiness (SELECT 1) answers 503 until that works again.
    const lost = (err: Error) => log('database connection lost; new connections are opened on demand', { error: err.message });
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    let migrated: string[];
    try {
      migrated = await waitForDatabase(() => migrate(db), { waitSeconds: opts.waitSeconds ?? 0, log });
    } catch (err) {
      await db.destroy();
      throw new Error(`Cannot use the PostgreSQL database at DATABASE_URL: ${(err as Error).message}`, { cause: err });
    }
    const locks = postgresLocks(opts.databaseUrl, { onError: lost });
    return {
      db,
      kind: 'postgres',
      boss: { kind: 'postgres', connectionString: opts.databaseUrl },
      locks,
      migrated,
      close: async () => {
        await locks.close();
        await db.destroy();
      },
    };
  }

  let pglite: PGlite;
  let unlock = async () => {};
  if (opts.inMemory) {
    pglite = await PGlite.create();
  } else {
    const dir = join(opts.dataDir, 'pglite');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    unlock = await lockDataDir(opts.dataDir);
    try {
      pglite = await PGlite.create(dir);
    } catch (err) {
      await unlock();
      throw err;
    }
  }
  const pool = new PGlitePool(pglite);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let migrated: string[];
  try {
    migrated = await migrate(db);
  } catch (err) {
    // E.g. a database a newer version migrated: let go of the data directory for whoever comes next.
    await db.destroy();
    await pglite.close();
    await unlock();
    throw err;
  }
  return {
    db,
    kind: 'pglite',
    boss: { kind: 'pglite', executeSql: (text, values) => pool.execute(text, values ?? []) },
    locks: memoryLocks(),
    migrated,
    close: async () => {
      await db.destroy();
      await pglite.close();
      await unlock();
    },
  };
}
