import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { authenticate } from './auth.ts';
import { readBody } from './body.ts';
import { uploadOf } from '../kit/fault-gate.ts';
import { LOOPED_NEXT_PAGE, loopedPageNumber } from '../kit/page-loop.ts';
import { ApiError, methodNotAllowed, notAcceptable, notFound } from './errors.ts';
import type { FaultController } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import { creditsFor, Router, type ApiResult } from './router.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { registerControlRoutes } from './routes/control.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { rejectUnknownQuery } from './query-params.ts';
import { orgRoutes } from './routes/org.ts';
import { peopleRoutes } from './routes/people.ts';
import { ticketFilterRoutes } from './routes/ticket-filter.ts';
import { ticketSourceRoutes } from './routes/ticket-sources.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { timeEntryRoutes } from './routes/time-entries.ts';
import type { SimulatorState } from './state.ts';
import { iso } from './util.ts';

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 while pending, or when the answer was a reset/hang fault. */
  status: number;
  credits: number;
  agentId: number | null;
  /** Millisecond times of arrival and answer (for ordering and overlap checks in tests). */
  startedMs: number;
  finishedMs: number | null;
  userAgent: string | null;
}

export interface ServerDeps {
  state: SimulatorState;
  faults: FaultController;
  limiter: RateLimiter;
  requests: RequestLogEntry[];
  baseUrl: () => string;
  agentsInfo: () => unknown;
  /** Set when close() starts, so hung requests stop waiting. */
  closing: { value: boolean };
}

const API_PREFIX = '/api/v2';

export function buildRouter(): Router {
  const router = new Router();
  router.add(
    ...ticketFilterRoutes,
    ...ticketRoutes,
    ...conversationRoutes,
    ...attachmentRoutes,
    ...timeEntryRoutes,
    ...peopleRoutes,
    ...orgRoutes,
    ...ticketSourceRoutes,
  );
  return router;
}

export async function buildApp(deps: ServerDeps): Promise<FastifyInstance> {
  // forceCloseConnections: close() must not wait for hung requests or idle keep-alive sockets.
  const app = Fastify({ logger: false, bodyLimit: 200 * 1024 * 1024, forceCloseConnections: true });
  // Bodies are kept raw so the API layer, not Fastify, decides between 400 invalid_json and 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: 200 * 1024 * 1024, files: 100 } });
  const router = buildRouter();

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'],
    url: `${API_PREFIX}/*`,
    handler: (req, reply) => handleApi(deps, router, req, reply),
  });
  registerControlRoutes(app, deps);
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send();
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ code: 'internal_error', message: err.message }));
  });
  return app;
}

async function handleApi(deps: ServerDeps, router: Router, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { state, faults, limiter } = deps;
  const url = new URL(req.url, 'http://sim.local');
  const path = url.pathname;
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const now = Date.now();
  const entry: RequestLogEntry = {
    at: iso(now),
    method: req.method,
    path,
    query,
    status: 0,
    credits: 0,
    agentId: null,
    startedMs: now,
    finishedMs: null,
    userAgent: req.headers['user-agent'] ?? null,
  };
  deps.requests.push(entry);
  reply.raw.on('finish', () => {
    entry.status = reply.statusCode;
    entry.finishedMs = Date.now();
  });

  if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
  const action = faults.decide(req.method, path, uploadOf(req.headers));
  if (action.kind === 'reset') {
    reply.hijack();
    req.raw.socket.destroy();
    return;
  }
  if (action.kind === 'hang') {
    await faults.waitWhileHung(action.ms);
    if (deps.closing.value) {
      reply.hijack();
      return;
    }
  }

  const match = router.match(req.method, path.slice(API_PREFIX.length) || '/');
  const route = match.kind === 'found' ? match.route : null;
  const credits = creditsFor(route, query);
  const decision = limiter.consume(route?.op ?? null, credits);
  entry.credits = decision.credits;
  reply.headers({ 'x-freshservice-api-version': 'latest=v2; requested=v2', ...decision.headers });
  if (!decision.allowed) {
    // 429 body is undocumented [Unknown]; clients must rely on status + Retry-After.
    return send(reply, { status: 429, body: { message: 'You have exceeded the limit of requests per minute' } });
  }
  if (action.kind === 'respond') return send(reply, { status: action.status, body: action.body, headers: action.headers });

  try {
    if (match.kind === 'none') throw notFound(state.options.notFoundBody === 'json');
    if (match.kind === 'method') throw methodNotAllowed(req.method, match.allowed);
    if (!acceptsJson(req.headers.accept)) throw notAcceptable();
    const agent = authenticate(state, req.headers.authorization);
    entry.agentId = agent.id;
    rejectUnknownQuery(match.route.query, query);
    const { body, files } = await readBody(req, match.route.body ?? 'none');
    // The pageLoop fault: from the second page on, the same page again, announcing itself as the next.
    const looped = req.method === 'GET' && faults.loopsPages(path);
    const asked = Number(query.page ?? 1) || 1;
    const q = looped ? { ...query, page: String(loopedPageNumber(asked)) } : query;
    const result = await match.route.handler({ state, agent, params: match.params, query: q, body, files, baseUrl: deps.baseUrl(), method: req.method });
    if (looped && (result.headers?.link !== undefined || asked >= LOOPED_NEXT_PAGE)) {
      const next = new URLSearchParams({ ...query, page: String(LOOPED_NEXT_PAGE) });
      result.headers = { ...result.headers, link: `<${deps.baseUrl()}${path}?${next.toString()}>;rel="next"` };
    }
    return send(reply, result);
  } catch (err) {
    if (err instanceof ApiError) return send(reply, { status: err.status, body: err.body, headers: err.headers });
    throw err;
  }
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === '*/*' || type === 'application/*';
  });
}

function send(reply: FastifyReply, result: ApiResult): void {
  reply.code(result.status);
  if (result.headers) reply.headers(result.headers);
  if (result.raw) {
    reply.header('content-type', result.raw.contentType);
    reply.header('content-disposition', `attachment; filename="${result.raw.fileName.replace(/"/g, '')}"`);
    reply.send(result.raw.data);
    return;
  }
  if (result.body === undefined || result.status === 204) {
    reply.send();
    return;
  }
  reply.type('application/json; charset=utf-8').send(JSON.stringify(result.body));
}

export function trackSockets(app: FastifyInstance): Set<Socket> {
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}
