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

export type Db = Kysely<Database>;

/** What pg-boss needs to reach the same database: its own pool on a server, our locked adapter on PGlite. */
export type BossConnection =
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'pglite'; executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

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
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    let migrated: string[];
    try {
      migrated = await migrate(db);
    } catch (err) {
      await db.destroy();
      throw new Error(`Cannot use the PostgreSQL database at DATABASE_URL: ${(err as Error).message}`, { cause: err });
    }
    const locks = postgresLocks(opts.databaseUrl);
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
  const migrated = await migrate(db);
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
