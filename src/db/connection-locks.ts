import pg from 'pg';

/**
 * "At most one worker syncs a connection at a time", across processes. On PostgreSQL it is a
 * session-level advisory lock held on a dedicated connection for the whole run: if the process dies,
 * its connection closes and the lock is released at once, so another worker can take the connection
 * over. PGlite is one process, so a set in memory is the same guarantee there.
 */
export interface ConnectionLocks {
  /** A release function when the lock was free, null when another run holds it. */
  tryLock(key: string): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

const LOCK_SPACE = 727_002;

export function postgresLocks(connectionString: string, opts: { max?: number; onError?: (err: Error) => void } = {}): ConnectionLocks {
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 20 });
  const onError = opts.onError ?? (() => {});
  // A lock connection the server ends (a restart) must not crash the process: idle ones report to the pool,
  // the one held for a run reports on its client. Its lock is gone with it; the run's heartbeat keeps other
  // workers from taking the run over while this worker is alive.
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return {
    async tryLock(key) {
      const client = await pool.connect();
      try {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_SPACE, key]);
        if (!r.rows[0]?.ok) {
          client.release();
          return null;
        }
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        try {
          await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, key]);
          client.release();
        } catch (err) {
          client.release(err as Error);
        }
      };
    },
    close: () => pool.end(),
  };
}

export function memoryLocks(): ConnectionLocks {
  const held = new Set<string>();
  return {
    async tryLock(key) {
      if (held.has(key)) return null;
      held.add(key);
      return async () => void held.delete(key);
    },
    async close() {},
  };
}
