import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { startWorkerHttp } from '../observability/worker-server.ts';
import { ConfigError, loadConfig, type AppConfig } from '../config/env.ts';
import { registerOwnPort, registerOwnServer } from '../connector-kit/ssrf.ts';
import { startRuntime } from '../runtime.ts';
import { buildApp } from './app.ts';
import { webMetricsRegistry } from './routes/health.routes.ts';

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

/**
 * SIGTERM/SIGINT: `stop` gets SF_SHUTDOWN_TIMEOUT_SECONDS to finish or release the jobs in progress and
 * close; the process then exits 0. If closing hangs past the bound it exits 1 anyway (nothing is lost:
 * a run cut off is adopted by the next worker that takes its job).
 */
function onSignals(timeoutSeconds: number, stop: (signal: string) => Promise<void>, log: (msg: string) => void = (m) => console.error(m)): void {
  let stopping = false;
  const once = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // A job still running when its grace ends was released to another worker; once storage closes under
    // it, its own writes fail (and must: the run stays open for whoever adopts it). Those failures are
    // expected now and must not crash the exit.
    process.on('unhandledRejection', (err) => log(`after release (expected while stopping): ${(err as Error)?.message ?? String(err)}`));
    setTimeout(() => {
      log(`shutdown did not finish within SF_SHUTDOWN_TIMEOUT_SECONDS=${timeoutSeconds}; exiting anyway`);
      process.exit(1);
    }, timeoutSeconds * 1000).unref();
    void stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => once('SIGINT'));
  process.on('SIGTERM', () => once('SIGTERM'));
}

/** Of the shutdown bound, the share jobs in progress get to finish before they are released (the rest closes storage). */
export const jobGraceMs = (timeoutSeconds: number) => Math.max(500, Math.floor(timeoutSeconds * 1000 * 0.6));

/** `npm start`: configuration, storage, master key, job engine (and workers unless SF_ROLE=web), then HTTP. */
export async function runServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = configOrExit(env);
  if (config.role === 'worker') return runWorker(env);
  // Jobs may start before the app exists (runs queued before a restart): log through a late-bound sink.
  let warn: (data: Record<string, unknown>, msg: string) => void = (data, msg) => console.warn(msg, data);
  let info: (data: Record<string, unknown>, msg: string) => void = () => {};
  const runtime = await startRuntime(config, (msg, data) => warn(data ?? {}, msg), { info: (msg, data) => info(data ?? {}, msg) });
  const app = await buildApp(runtime.ctx);
  let stopping = false;
  // Metrics (with the cluster gauges) and health off the public port, for a scraper inside the network.
  const metricsHttp =
    config.metricsPort !== undefined
      ? await startWorkerHttp({
          db: runtime.ctx.db,
          port: config.metricsPort,
          host: config.host,
          metricsToken: config.metricsToken,
          isStopping: () => stopping,
          registry: webMetricsRegistry(runtime.ctx),
        })
      : undefined;
  warn = (data, msg) => app.log.warn(data, msg);
  info = (data, msg) => app.log.info(data, msg);
  onSignals(
    config.shutdownTimeoutSeconds,
    async (signal) => {
      const graceMs = jobGraceMs(config.shutdownTimeoutSeconds);
      app.log.info({ signal, graceMs }, 'shutting down: no new requests or jobs; jobs in progress get graceMs to finish, then are released');
      stopping = true;
      metricsHttp?.closeAllConnections();
      // HTTP and jobs stop together: a long request (e.g. a live progress stream) must not eat the jobs' grace.
      await Promise.all([app.close(), runtime.close({ graceMs }), metricsHttp ? new Promise<void>((r) => metricsHttp.close(() => r())) : undefined]);
      app.log.info('stopped');
    },
    (msg) => app.log.error(msg),
  );
  // Connectors never call the product itself (a platform redirecting a download to its /metrics or /api).
  registerOwnServer(app.server);
  await app.listen({ port: config.port, host: config.host });
  const where = runtime.database.kind === 'pglite' ? `embedded storage in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  const role = config.role === 'web' ? ' (web only: sync work is done by `support-fusion worker` processes)' : '';
  const metricsAt = metricsHttp ? `; metrics and health also on http://${config.host}:${(metricsHttp.address() as AddressInfo).port}` : '';
  app.log.info(`Support Fusion is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} on ${where}${role}${metricsAt}`);
}

/** `support-fusion worker`: sync jobs only, no HTTP; any number may run against one PostgreSQL database. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = configOrExit({ ...env, SF_ROLE: 'worker' });
  registerOwnPort(config.port); // the web process's port: never a connector destination either
  const log = pino({ level: config.logLevel, base: { role: 'worker', pid: process.pid } });
  const runtime = await startRuntime(config, (msg, data) => log.warn(data ?? {}, msg), { info: (msg, data) => log.info(data ?? {}, msg) });
  let stopping = false;
  const http =
    config.metricsPort !== undefined
      ? await startWorkerHttp({
          db: runtime.ctx.db,
          port: config.metricsPort,
          host: config.host,
          metricsToken: config.metricsToken,
          isStopping: () => stopping,
        })
      : undefined;
  onSignals(
    config.shutdownTimeoutSeconds,
    async (signal) => {
      stopping = true;
      const graceMs = jobGraceMs(config.shutdownTimeoutSeconds);
      log.info({ signal, graceMs }, 'worker shutting down: no new jobs; jobs in progress get graceMs to finish, then are released');
      await runtime.close({ graceMs });
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((r) => http.close(() => r()));
      }
      log.info('worker stopped');
    },
    (msg) => log.error(msg),
  );
  const where = http ? `; metrics and health on http://${config.host}:${(http.address() as AddressInfo).port}` : '';
  log.info(`Support Fusion worker ${process.pid} is working sync jobs (concurrency ${config.workerConcurrency})${where}`);
}
