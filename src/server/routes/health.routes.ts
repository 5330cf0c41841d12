import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AppContext } from '../context.ts';
import { checkReadiness, metricsAuthorized } from '../../observability/health.ts';
import { databaseMetrics, metricsRegistry } from '../../observability/metrics.ts';

/** `GET /api/v1/health/ready` (inside the /api/v1 prefix): 200 when the database answers, else 503 with the reason. */
export async function readinessRoutes(api: FastifyInstance, ctx: AppContext): Promise<void> {
  api.get(
    '/health/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: 200 when the database answers a query, 503 with the reason otherwise',
        security: [],
        response: {
          200: { type: 'object', properties: { status: { type: 'string' } } },
          503: { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string' } } },
        },
      },
    },
    async (_req, reply) => {
      const r = await checkReadiness(ctx.db);
      if (r.ok) return { status: 'ready' };
      return reply.code(503).send({ status: 'unavailable', reason: r.reason });
    },
  );
}

/**
 * What the web process's /metrics serves, on SF_PORT (with SF_METRICS_TOKEN) or on SF_METRICS_PORT: this
 * process's counters plus the cluster gauges read from the database.
 */
export function webMetricsRegistry(ctx: AppContext): Registry {
  return metricsRegistry(databaseMetrics(ctx.db, { rateHeadroom: ctx.config.rateHeadroom }));
}

/**
 * `GET /metrics` (Prometheus text format) on the public port: only with SF_METRICS_TOKEN set, and then
 * only for `Authorization: Bearer <token>`. Without a token it answers 404 as for any unknown path: the
 * public port does not reveal the instance's workload; scrape SF_METRICS_PORT instead. Not part of the
 * JSON API (hidden from the OpenAPI document).
 */
export async function metricsRoute(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const registry = ctx.config.metricsToken ? webMetricsRegistry(ctx) : undefined;
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!registry) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} /metrics.` } });
    }
    if (!metricsAuthorized(ctx.config.metricsToken, req.headers.authorization)) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <SF_METRICS_TOKEN>' } });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
