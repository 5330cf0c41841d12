import { ConfigError, loadConfig } from '../config/env.ts';
import { openDatabase } from '../db/database.ts';
import { startBoss } from '../queue/boss.ts';
import { loadMasterKey } from '../security/secret-key.ts';
import { buildApp } from './app.ts';

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
  const app = await buildApp({ config, db: database.db, masterKey, boss });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
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
