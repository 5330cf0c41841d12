import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { FaultPatch } from '../faults.ts';
import { SearchLagSchema } from '../search-index.ts';
import { summariseLog } from '../../kit/request-log.ts';
import type { ServerDeps } from '../server.ts';
import type { SimulatorState } from '../state.ts';
import { controlBody } from '../../kit/control-body.ts';
import { registerMandatoryFieldsControl } from '../mandatory-fields.ts';

/** Test/demo controls under /_sim: no auth, no rate limit, never part of the Freshservice API. */
export function registerControlRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const json = (body: unknown) => JSON.stringify(body);

  app.get('/_sim/requests', async (_req, reply) => reply.type('application/json').send(json({ requests: deps.requests })));
  app.delete('/_sim/requests', async (_req, reply) => {
    deps.requests.length = 0;
    return reply.code(204).send();
  });

  // Benchmark controls (bench/): bulk seeding, counts without shipping the whole log, edits that cost no API budget.
  const body = (req: { body: unknown }): unknown => {
    try {
      return JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '{}');
    } catch {
      return undefined;
    }
  };
  const bad = (reply: FastifyReply, message: string) => reply.code(400).type('application/json').send(json({ message }));

  app.post('/_sim/seed-bulk', async (req, reply) => {
    const r = SeedBulk.safeParse(body(req));
    if (!r.success) return bad(reply, z.prettifyError(r.error));
    return reply.type('application/json').send(json(seedBulk(deps.state, r.data)));
  });

  app.get<{ Querystring: { from?: string; entries?: string } }>('/_sim/request-summary', async (req, reply) => {
    const from = Math.max(0, Number(req.query.from ?? 0) || 0);
    return reply.type('application/json').send(json(summariseLog(deps.requests, from, req.query.entries === '1', endpointOf)));
  });

  app.get('/_sim/counts', async (_req, reply) => {
    const s = deps.state;
    return reply.type('application/json').send(
      json({
        tickets: s.tickets.size,
        conversations: s.conversations.size,
        attachments: s.attachments.size,
        users: s.users.size,
        requests: deps.requests.length,
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/_sim/tickets/:id/edit', async (req, reply) => {
    const r = TicketEdit.safeParse(body(req));
    if (!r.success) return bad(reply, z.prettifyError(r.error));
    const t = deps.state.tickets.get(Number(req.params.id));
    if (!t)
      return reply
        .code(404)
        .type('application/json')
        .send(json({ message: 'no such ticket' }));
    if (r.data.subject !== undefined) t.subject = r.data.subject;
    if (r.data.priority !== undefined) t.priority = r.data.priority;
    deps.state.touchTicket(t);
    return reply.type('application/json').send(json({ id: t.id, subject: t.subject, updated_at: new Date(t.updated_at).toISOString() }));
  });

  /** Which of these subjects exist now (ticket id by subject): how a benchmark sees a change arrive. */
  app.post('/_sim/find-subjects', async (req, reply) => {
    const r = z
      .object({ subjects: z.array(z.string()).max(100_000) })
      .strict()
      .safeParse(body(req));
    if (!r.success) return bad(reply, z.prettifyError(r.error));
    const wanted = new Set(r.data.subjects);
    const found: Record<string, number> = {};
    if (wanted.size > 0) for (const t of deps.state.tickets.values()) if (wanted.has(t.subject)) found[t.subject] = t.id;
    return reply.type('application/json').send(json({ found }));
  });

  app.get('/_sim/faults', async (_req, reply) => reply.type('application/json').send(json(deps.faults.get())));
  app.put('/_sim/faults', async (req, reply) => {
    const patch = controlBody(req, reply, FaultPatch);
    if (!patch) return reply;
    deps.faults.set(patch);
    return reply.type('application/json').send(json(deps.faults.get()));
  });
  app.delete('/_sim/faults', async (_req, reply) => {
    deps.faults.clear();
    return reply.code(204).send();
  });

  // Search-index lag of /tickets/filter (search-index.ts): {"mode":"held"}, {"mode":"delay","ms":N} or {"mode":"off"}.
  app.get('/_sim/search-lag', async (_req, reply) => reply.type('application/json').send(json(deps.state.search.current)));
  app.put('/_sim/search-lag', async (req, reply) => {
    const r = SearchLagSchema.safeParse(body(req));
    if (!r.success) return bad(reply, z.prettifyError(r.error));
    deps.state.search.set(r.data);
    return reply.type('application/json').send(json(deps.state.search.current));
  });

  registerMandatoryFieldsControl(app, deps.state);

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

const SeedBulk = z
  .object({
    tickets: z.number().int().min(0).max(1_000_000),
    /** Public replies per ticket, by an agent. */
    replies: z.number().int().min(0).max(100).default(0),
    /** Private notes per ticket. */
    notes: z.number().int().min(0).max(100).default(0),
    /** One ticket attachment on every n-th ticket (0: none). */
    attachmentEvery: z.number().int().min(0).default(0),
    attachmentBytes: z
      .number()
      .int()
      .min(0)
      .max(10 * 1024 * 1024)
      .default(1024),
    /** Distinct requesters (e-mail addresses) the tickets cycle through. */
    requesters: z.number().int().min(1).max(100_000).default(50),
    /** Tickets are created this many seconds apart, ending in the past, so changes are spread as in real life. */
    spacingSeconds: z.number().int().min(0).max(3600).default(1),
    subjectPrefix: z.string().min(1).max(100).default('Bench ticket'),
  })
  .strict();
type SeedBulk = z.infer<typeof SeedBulk>;

const TicketEdit = z.object({ subject: z.string().min(1).max(255).optional(), priority: z.number().int().min(1).max(4).optional() }).strict();

/**
 * Creates `tickets` tickets with their conversations and attachments directly in the state (no API
 * calls, no rate limit). Times: ticket i is created `spacingSeconds` after ticket i-1, its conversations
 * a second apart after it, the last one a little before now.
 */
function seedBulk(
  state: SimulatorState,
  o: SeedBulk,
): {
  tickets: number;
  firstId: number | null;
  lastId: number | null;
  conversations: number;
  attachments: number;
  requesters: number;
  newestUpdatedAt: string | null;
} {
  const agent = state.agentByProfile('admin');
  if (!agent) throw new Error('seed-bulk: the account has no admin agent');
  const perTicket = o.replies + o.notes;
  const now = state.nowMs();
  const start = now - (o.tickets * o.spacingSeconds + perTicket + 2) * 1000;
  const requesters = Array.from({ length: Math.min(o.requesters, Math.max(1, o.tickets)) }, (_, k) =>
    state.createUser({ first_name: `Requester${k}`, last_name: 'Bench', email: `requester${k}.${Math.round(now / 1000)}@${state.name}.bench.example` }),
  );
  const data = Buffer.alloc(o.attachmentBytes, 0x61);
  let first: number | null = null;
  let last: number | null = null;
  let conversations = 0;
  let attachments = 0;
  let newest = 0;
  for (let i = 0; i < o.tickets; i++) {
    const created = start + i * o.spacingSeconds * 1000;
    const t = state.createTicket({
      subject: `${o.subjectPrefix} ${i + 1}`,
      description: `<p>Body of ${o.subjectPrefix.toLowerCase()} ${i + 1}</p>`,
      requester_id: requesters[i % requesters.length]!.id,
      priority: 1 + (i % 4),
      created_at: created,
      updated_at: created,
    });
    first ??= t.id;
    last = t.id;
    for (let k = 0; k < perTicket; k++) {
      const isReply = k < o.replies;
      const at = created + (k + 1) * 1000;
      state.addConversation(
        t.id,
        isReply
          ? { kind: 'reply', body: `Reply ${k + 1} on ticket ${i + 1}`, user_id: agent.id, private: false, source: 0, created_at: at, updated_at: at }
          : { kind: 'note', body: `Private note ${k + 1 - o.replies} on ticket ${i + 1}`, user_id: agent.id, private: true, created_at: at, updated_at: at },
      );
      conversations++;
    }
    if (o.attachmentEvery > 0 && (i + 1) % o.attachmentEvery === 0) {
      state.addAttachment({ ticketId: t.id }, { name: `file-${i + 1}.txt`, content_type: 'text/plain', data });
      attachments++;
    }
    newest = Math.max(newest, t.updated_at);
  }
  return {
    tickets: o.tickets,
    firstId: first,
    lastId: last,
    conversations,
    attachments,
    requesters: requesters.length,
    newestUpdatedAt: newest ? new Date(newest).toISOString() : null,
  };
}

/** `GET /tickets/123/conversations` → `GET /tickets/:id/conversations`. */
export function endpointOf(method: string, path: string): string {
  return `${method} ${path.replace(/^\/api\/v2/, '').replace(/\/\d+(?=\/|$)/g, '/:id') || '/'}`;
}
