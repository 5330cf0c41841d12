import pino from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '../config/env.ts';
import { startRuntime } from '../runtime.ts';
import { buildApp } from './app.ts';

function configOrExit(env: NodeJS.ProcessEnv): AppConfig {
  try {
    const config = loadConfig(env);
    if (config.role !== 'all' && !config.databaseUrl) {
      throw new ConfigError(
        `SF_ROLE=${config.role} needs DATABASE_URL: separate web and worker processes share their jobs and data through PostgreSQL. ` +
          'Unset SF_ROLE to run everything in one process on embedded storage.',
      );
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

function onSignals(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const once = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void stop(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', () => once('SIGINT'));
  process.on('SIGTERM', () => once('SIGTERM'));
}

/** `npm start`: configuration, storage, master key, job engine (and workers unless SF_ROLE=web), then HTTP. */
export async function runServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = configOrExit(env);
  if (config.role === 'worker') return runWorker(env);
  // Jobs may start before the app exists (runs queued before a restart): log through a late-bound sink.
  let warn: (data: Record<string, unknown>, msg: string) => void = (data, msg) => console.warn(msg, data);
  const runtime = await startRuntime(config, (msg, data) => warn(data ?? {}, msg));
  const app = await buildApp(runtime.ctx);
  warn = (data, msg) => app.log.warn(data, msg);
  onSignals(async (signal) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await runtime.close();
  });
  await app.listen({ port: config.port, host: config.host });
  const where = runtime.database.kind === 'pglite' ? `embedded storage in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  const role = config.role === 'web' ? ' (web only: sync work is done by `support-fusion worker` processes)' : '';
  app.log.info(`Support Fusion is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} on ${where}${role}`);
}

/** `support-fusion worker`: sync jobs only, no HTTP; any number may run against one PostgreSQL database. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = configOrExit({ ...env, SF_ROLE: 'worker' });
  const log = pino({ level: config.logLevel, base: { role: 'worker', pid: process.pid } });
  const runtime = await startRuntime(config, (msg, data) => log.warn(data ?? {}, msg));
  onSignals(async (signal) => {
    log.info({ signal }, 'worker shutting down');
    await runtime.close();
  });
  log.info(`Support Fusion worker ${process.pid} is working sync jobs (concurrency ${config.workerConcurrency})`);
}
