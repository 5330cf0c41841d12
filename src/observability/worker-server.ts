import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { registerOwnServer } from '../connector-kit/ssrf.ts';
import type { Db } from '../db/database.ts';
import { checkReadiness, metricsAuthorized } from './health.ts';
import { metricsRegistry } from './metrics.ts';
import { VERSION } from '../version.ts';

/**
 * The SF_METRICS_PORT server, kept off the public port: GET /metrics, GET /api/v1/health (liveness) and
 * GET /api/v1/health/ready (the database answers). A worker (no web app) serves its own counters (API
 * calls, 429s, tickets synced, job durations); the web process passes `registry` with the cluster gauges too.
 */
export async function startWorkerHttp(opts: {
  db: Db;
  port: number;
  host: string;
  metricsToken: string | undefined;
  isStopping: () => boolean;
  /** What /metrics serves; default: this process's counters only. */
  registry?: Registry;
}): Promise<Server> {
  const registry = opts.registry ?? metricsRegistry();
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = 'application/json; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, JSON.stringify({ error: { code: 'method_not_allowed', message: 'GET only' } }));
      if (path === '/api/v1/health') return send(200, JSON.stringify({ status: 'ok', version: VERSION }));
      if (path === '/api/v1/health/ready') {
        if (opts.isStopping()) return send(503, JSON.stringify({ status: 'unavailable', reason: 'shutting down' }));
        const r = await checkReadiness(opts.db);
        return r.ok ? send(200, JSON.stringify({ status: 'ready' })) : send(503, JSON.stringify({ status: 'unavailable', reason: r.reason }));
      }
      if (path === '/metrics') {
        if (!metricsAuthorized(opts.metricsToken, req.headers.authorization))
          return send(401, JSON.stringify({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <SF_METRICS_TOKEN>' } }));
        return send(200, await registry.metrics(), registry.contentType);
      }
      return send(404, JSON.stringify({ error: { code: 'not_found', message: 'Workers serve /metrics, /api/v1/health and /api/v1/health/ready only' } }));
    })().catch((err: unknown) => send(500, JSON.stringify({ error: { code: 'internal', message: (err as Error).message } })));
  });
  // Connectors never call this server (a platform redirecting a download to the worker's /metrics).
  registerOwnServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return server;
}
