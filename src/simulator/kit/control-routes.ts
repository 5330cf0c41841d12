import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { controlBody } from './control-body.ts';
import { FaultPatch, type FaultController } from './faults.ts';
import { summariseLog, type RequestLogEntry } from './request-log.ts';

/** What a platform plugs into the generic /_sim control routes. */
export interface KitControls {
  faults: FaultController;
  requests: RequestLogEntry[];
  /** Groups log entries for /_sim/request-summary (`GET /issue/:id`...). */
  endpointOf(method: string, path: string): string;
  /** Faults patch schema when the platform extends the kit's (default: the kit's FaultPatch). */
  faultPatch?: z.ZodType<Record<string, unknown>>;
  resetRateLimit?(): void;
  /** Back to the start state (records, rate windows); faults and the request log are cleared by the kit. */
  reset?(): void;
  /** Bulk seeding: body checked with `schema`, answer is `run`'s result. */
  seed?: { schema: z.ZodType; run(body: unknown): unknown };
  /** An edit made as if a person did it in the platform's UI (no API call, no rate limit); null → 404. */
  edit?: { schema: z.ZodType; run(kind: string, id: string, body: unknown): unknown };
}

const send = (reply: FastifyReply, body: unknown, status = 200) => reply.code(status).type('application/json').send(JSON.stringify(body));

/** Test/demo controls under /_sim: no auth, no rate limit, never part of the simulated platform's API. */
export function registerKitControls(app: FastifyInstance, c: KitControls): void {
  app.get('/_sim/requests', async (_req, reply) => send(reply, { requests: c.requests }));
  app.delete('/_sim/requests', async (_req, reply) => {
    c.requests.length = 0;
    return reply.code(204).send();
  });
  app.get<{ Querystring: { from?: string; entries?: string } }>('/_sim/request-summary', async (req, reply) => {
    const from = Math.max(0, Number(req.query.from ?? 0) || 0);
    return send(reply, summariseLog(c.requests, from, req.query.entries === '1', c.endpointOf));
  });

  app.get('/_sim/faults', async (_req, reply) => send(reply, c.faults.get()));
  app.put('/_sim/faults', async (req, reply) => {
    const patch = controlBody(req, reply, c.faultPatch ?? FaultPatch);
    if (!patch) return reply;
    c.faults.set(patch);
    return send(reply, c.faults.get());
  });
  app.delete('/_sim/faults', async (_req, reply) => {
    c.faults.clear();
    return reply.code(204).send();
  });
  app.put('/_sim/latency', async (req, reply) => {
    const body = controlBody(req, reply, z.object({ ms: z.number().int().min(0).max(600_000) }).strict());
    if (!body) return reply;
    c.faults.set({ latencyMs: body.ms });
    return send(reply, { latencyMs: c.faults.latencyMs });
  });

  app.post('/_sim/reset-rate-limit', async (_req, reply) => {
    c.resetRateLimit?.();
    return reply.code(204).send();
  });
  app.post('/_sim/reset', async (_req, reply) => {
    c.reset?.();
    c.resetRateLimit?.();
    c.faults.clear();
    c.requests.length = 0;
    return reply.code(204).send();
  });

  const seed = c.seed;
  if (seed)
    app.post('/_sim/seed', async (req, reply) => {
      const body = controlBody(req, reply, seed.schema);
      if (body === null) return reply;
      return send(reply, seed.run(body));
    });
  const edit = c.edit;
  if (edit)
    app.post<{ Params: { kind: string; id: string } }>('/_sim/records/:kind/:id/edit', async (req, reply) => {
      const body = controlBody(req, reply, edit.schema);
      if (body === null) return reply;
      const result = edit.run(req.params.kind, req.params.id, body);
      if (result === null) return send(reply, { message: `no ${req.params.kind} ${req.params.id}` }, 404);
      return send(reply, result);
    });
}
