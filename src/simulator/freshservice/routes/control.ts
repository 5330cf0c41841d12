import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FaultPatch } from '../faults.ts';
import type { ServerDeps } from '../server.ts';

/** Test/demo controls under /_sim: no auth, no rate limit, never part of the Freshservice API. */
export function registerControlRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const json = (body: unknown) => JSON.stringify(body);

  app.get('/_sim/requests', async (_req, reply) => reply.type('application/json').send(json({ requests: deps.requests })));
  app.delete('/_sim/requests', async (_req, reply) => {
    deps.requests.length = 0;
    return reply.code(204).send();
  });

  app.get('/_sim/faults', async (_req, reply) => reply.type('application/json').send(json(deps.faults.get())));
  app.put('/_sim/faults', async (req, reply) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '{}');
    } catch {
      return reply.code(400).type('application/json').send(json({ message: 'Body must be JSON' }));
    }
    const r = FaultPatch.safeParse(parsed);
    if (!r.success) return reply.code(400).type('application/json').send(json({ message: z.prettifyError(r.error) }));
    deps.faults.set(r.data);
    return reply.type('application/json').send(json(deps.faults.get()));
  });
  app.delete('/_sim/faults', async (_req, reply) => {
    deps.faults.clear();
    return reply.code(204).send();
  });

  app.get('/_sim/agents', async (_req, reply) => reply.type('application/json').send(json({ agents: deps.agentsInfo() })));
  app.post('/_sim/reset-rate-limit', async (_req, reply) => {
    deps.limiter.reset();
    return reply.code(204).send();
  });

  // Stand-in for the pre-signed CDN URL in attachment_url: the token, not the API key, grants access.
  app.get<{ Params: { id: string; name: string }; Querystring: { token?: string } }>('/_sim/files/:id/:name', async (req, reply) => {
    const a = deps.state.attachments.get(Number(req.params.id));
    if (!a || req.query.token !== a.token) return reply.code(403).type('application/xml').send('<Error><Code>AccessDenied</Code></Error>');
    return reply.header('content-type', a.content_type).send(a.data ?? Buffer.alloc(0));
  });
}
