import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * PGlite is one connection. Kysely and pg-boss both believe they talk to a pool, so every
 * "connection" taken from this pool holds an exclusive lock until released: a Kysely
 * transaction can never interleave with a pg-boss statement.
 */
export class PGlitePool implements PostgresPool {
  #tail: Promise<void> = Promise.resolve();
  constructor(readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    await previous;
    let released = false;
    return {
      query: (sql: string, parameters: readonly unknown[]) => runOn(this.pglite, sql, parameters),
      release: () => {
        if (!released) {
          released = true;
          release();
        }
      },
    } as unknown as PostgresPoolClient;
  }

  /** Runs one statement (or a parameterless script) under the lock. */
  async execute<R>(sql: string, parameters: readonly unknown[] = []): Promise<PostgresQueryResult<R>> {
    const client = await this.connect();
    try {
      return (await runOn(this.pglite, sql, parameters)) as PostgresQueryResult<R>;
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    // The owner closes PGlite itself, after pg-boss and Kysely have stopped.
  }
}

async function runOn(pglite: PGlite, sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<unknown>> {
  const command = commandOf(sql);
  if (parameters.length === 0) {
    // exec() accepts several statements (migrations, pg-boss scripts); query() would refuse them.
    const results = await pglite.exec(sql);
    const last = results.at(-1);
    return { command, rowCount: last?.affectedRows ?? last?.rows.length ?? 0, rows: last?.rows ?? [] };
  }
  const r = await pglite.query(sql, parameters as unknown[]);
  return { command, rowCount: r.affectedRows ?? r.rows.length, rows: r.rows };
}

function commandOf(sql: string): PostgresQueryResult<unknown>['command'] {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase();
  switch (word) {
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
    case 'SELECT':
      return word;
    default:
      return 'SELECT';
  }
}
