import { ConfigError, loadConfig } from '../config/env.ts';
import { openDatabase } from '../db/database.ts';
import { startBoss } from '../queue/boss.ts';
import { loadMasterKey } from '../security/secret-key.ts';
import { buildApp } from './app.ts';
import { failInterruptedRuns } from '../db/repositories/sync-runs.ts';
import { engineDeps } from '../sync/deps.ts';
import { startSyncWorker } from '../sync/jobs.ts';

/** `npm start`: configuration, storage, master key, job engine, then HTTP. Stops cleanly on SIGINT/SIGTERM. */
export async function runServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const boss = await startBoss(database.boss);
  const interrupted = await failInterruptedRuns(database.db);
  const ctx = { config, db: database.db, masterKey, boss };
  // Jobs may start before the app exists (runs queued before a restart): log through a late-bound sink.
  let warn: (data: Record<string, unknown>, msg: string) => void = (data, msg) => console.warn(msg, data);
  const jobs = await startSyncWorker(boss, engineDeps(ctx, (msg, data) => warn(data ?? {}, msg)));
  const app = await buildApp({ ...ctx, jobs });
  warn = (data, msg) => app.log.warn(data, msg);
  if (interrupted > 0) app.log.warn(`${interrupted} sync run(s) were interrupted by the last stop; marked Failed, the next run picks up`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await jobs.stop();
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const where = database.kind === 'pglite' ? `embedded storage in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  app.log.info(`Support Fusion is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} on ${where}`);
}
