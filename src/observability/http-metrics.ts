import type { FastifyInstance } from 'fastify';
import { recordHttpRequest } from './metrics.ts';

/**
 * Times every request the app answers into sf_http_request_duration_seconds. The route label is the
 * matched route's pattern (`/api/v1/connections/:id`); paths no route serves (the UI fallback, 404s,
 * invitation pages) are "unmatched": a raw URL would hold ids and tokens and make label values unbounded.
 */
export function registerHttpMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    recordHttpRequest(req.method, req.is404 ? undefined : req.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });
}
