import PgBoss from 'pg-boss';
import type { BossConnection } from '../db/database.ts';

/** pg-boss is the job engine in both storage modes; on PGlite it goes through our locked adapter. */
export async function startBoss(conn: BossConnection, opts: { maintenanceIntervalSeconds?: number; onError?: (err: Error) => void } = {}): Promise<PgBoss> {
  // Maintenance also expires jobs whose worker died: its interval bounds how soon another worker takes over.
  const common = { schema: 'pgboss', maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 30 };
  const boss =
    conn.kind === 'postgres'
      ? new PgBoss({ connectionString: conn.connectionString, ...common })
      : new PgBoss({ db: { executeSql: conn.executeSql } as never, supervise: true, ...common });
  // Without a listener an 'error' event (its pool losing a connection in a database restart, a failed poll)
  // would crash the process; pg-boss itself goes on polling and reconnects.
  boss.on('error', (err: unknown) => {
    if (opts.onError) opts.onError(err as Error);
    else process.emitWarning(`pg-boss: ${(err as Error).message}`);
  });
  await boss.start();
  return boss;
}
