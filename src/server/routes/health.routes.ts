import type { FastifyInstance } from 'fastify';
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
 * `GET /metrics` (Prometheus text format): this process's counters plus the cluster gauges read from the
 * database. Behind SF_METRICS_TOKEN when set. Not part of the JSON API (hidden from the OpenAPI document).
 */
export async function metricsRoute(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const registry = metricsRegistry(databaseMetrics(ctx.db, { rateHeadroom: ctx.config.rateHeadroom }));
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!metricsAuthorized(ctx.config.metricsToken, req.headers.authorization)) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <SF_METRICS_TOKEN>' } });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
