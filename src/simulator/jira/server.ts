import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { applyFaults } from '../kit/fault-gate.ts';
import type { FaultController } from '../kit/faults.ts';
import { loopedOffset, loopedToken } from '../kit/page-loop.ts';
import { logRequest, splitUrl, type RequestLogEntry } from '../kit/request-log.ts';
import { KitRouter } from '../kit/router.ts';
import { accessibleResources, authenticate, type JiraOAuth } from './auth.ts';
import { JiraError, jiraError, localise } from './errors.ts';
import type { JiraRateLimiter } from './rate.ts';
import type { JCtx, JResult, JRoute, JRouteMeta, UploadedFile } from './route.ts';
import { jiraRoutes } from './routes/index.ts';
import type { JiraState } from './state.ts';

export interface JiraServerDeps {
  state: JiraState;
  faults: FaultController;
  limiter: JiraRateLimiter;
  requests: RequestLogEntry[];
  closing: { value: boolean };
  cloudId: string;
  origin: () => string;
  /** The site's 3LO app: Bearer tokens through the gateway, and accessible-resources (absent: Basic only). */
  oauth?: JiraOAuth;
}

const NOT_AUTHENTICATED = 'Client must be authenticated to access this resource.';

export function buildRouter(routes: JRoute[] = jiraRoutes): KitRouter<JRouteMeta> {
  const router = new KitRouter<JRouteMeta>();
  router.add(...routes.map(({ method, path, ...meta }) => ({ method, path, handler: meta })));
  return router;
}

/** `GET /rest/api/3/issue/SUP-12/comment` → `GET /rest/api/3/issue/:id/comment` (for request summaries). */
export function jiraEndpointOf(method: string, path: string): string {
  return `${method} ${path.replace(/^\/ex\/jira\/[^/]+/, '').replace(/(?<!\/api)\/([A-Z][A-Z0-9_]*-\d+|\d+)(?=\/|$)/g, '/:id')}`;
}

export async function buildJiraApp(deps: JiraServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 100 * 1024 * 1024, forceCloseConnections: true });
  // Raw bodies: the API layer decides between 400 and 415 the way Jira does, not Fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 60 } });
  const router = buildRouter();
  const handler = (req: FastifyRequest, reply: FastifyReply) => handleApi(deps, router, req, reply);
  for (const url of ['/rest/*', '/ex/jira/:cloudId/rest/*']) app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'], url, handler });
  const oauth = deps.oauth;
  if (oauth) {
    // api.atlassian.com's list of the sites a 3LO grant covers; the simulator serves the gateway on its own host.
    app.get('/oauth/token/accessible-resources', async (req, reply) => {
      const r = accessibleResources(oauth, req.headers.authorization, { cloudId: deps.cloudId, name: deps.state.siteName, url: deps.origin() });
      return reply.code(r.status).type('application/json').send(JSON.stringify(r.body));
    });
  }
  return app;
}

async function handleApi(deps: JiraServerDeps, router: KitRouter<JRouteMeta>, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { state } = deps;
  const { path: fullPath, query, search } = splitUrl(req.url);
  const entry = logRequest(deps.requests, req, reply, fullPath, query);
  reply.headers({ server: 'AtlassianEdge', 'x-arequestid': Math.random().toString(16).slice(2, 18), 'cache-control': 'no-cache, no-store, no-transform' });

  const fault = await applyFaults(deps.faults, deps.closing, req, reply, fullPath);
  if (fault.kind === 'drop') return;

  const gateway = /^\/ex\/jira\/([^/]+)(\/.*)$/.exec(fullPath);
  const path = gateway ? gateway[2]! : fullPath;
  const origin = deps.origin();
  const host = req.headers.host ? `http://${req.headers.host}` : origin;
  const base = gateway ? `${host}/ex/jira/${gateway[1]}` : host;
  const match = router.match(req.method, path);
  const route = match.kind === 'found' ? match.route.handler : null;
  const issueParam = match.kind === 'found' ? (match.params.issue ?? null) : null;
  const rate = deps.limiter.consume(
    req.method,
    jiraEndpointOf(req.method, path),
    route?.issueWrite && issueParam ? (state.issue(issueParam)?.id ?? null) : null,
    route?.burstPerSecond,
  );
  reply.headers(rate.headers);
  if (rate.refused) return send(reply, { status: 429, body: jiraError(429, ['Rate limit exceeded.']).body, headers: rate.refused }, state);
  if (fault.kind === 'respond') return send(reply, { status: fault.status, body: fault.body, headers: fault.headers }, state);

  try {
    if (gateway && gateway[1] !== deps.cloudId) throw new JiraError(404, undefined, {}, '');
    if (match.kind === 'none') throw jiraError(404, ['null for uri: ' + `${base}${path}`]);
    if (match.kind === 'method') throw new JiraError(405, undefined, { allow: match.allowed.join(', ') }, '');
    const meta = match.route.handler;
    const user = authenticate(state, req.headers.authorization, gateway ? deps.oauth : null);
    entry.agentId = user?.accountId ?? null;
    if (!user) {
      const mode = meta.auth ?? 'user';
      if (mode === 'user') throw new JiraError(401, undefined, {}, NOT_AUTHENTICATED);
      if (mode === 'issue') {
        if (state.options.badAuthOnIssue === 401) throw new JiraError(401, undefined, {}, NOT_AUTHENTICATED);
        throw jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      }
    }
    if (user) reply.header('x-aaccountid', encodeURIComponent(user.accountId));
    const { body, files } = await readBody(req, meta.body ?? 'none');
    const looped = deps.faults.loopsPages(path);
    const ctx: JCtx = {
      state,
      user,
      params: match.params,
      query: looped ? loopOffsetQuery(query) : query,
      search,
      body,
      files,
      headers: req.headers,
      method: req.method,
      origin,
      view: { state, base, site: origin, tz: user?.timeZone ?? state.defaultTimeZone },
    };
    const result = await meta.handler(ctx);
    if (looped) loopPageAnswer(ctx, result);
    return send(reply, result, state);
  } catch (err) {
    if (err instanceof JiraError) {
      if (err.text !== undefined) return void reply.code(err.status).headers(err.headers).type('text/plain;charset=UTF-8').send(err.text);
      return send(reply, { status: err.status, body: err.body, headers: err.headers }, state);
    }
    throw err;
  }
}

/** The pageLoop fault on an offset-paged listing: any offset past the second page's is the second page's. */
function loopOffsetQuery(query: Record<string, string>): Record<string, string> {
  // JSM listings page by `start`/`limit` [spec 4.2], the platform API by `startAt`/`maxResults`.
  const [offsetName, sizeName] = query.start !== undefined ? ['start', 'limit'] : ['startAt', 'maxResults'];
  const offset = Number(query[offsetName]);
  if (!Number.isInteger(offset) || offset <= 0) return query;
  return { ...query, [offsetName]: String(loopedOffset(offset, Number(query[sizeName]) || 50)) };
}

/**
 * The pageLoop fault on a listing's answer: an offset page is never the last; a page asked for with a
 * token announces that token again.
 */
function loopPageAnswer(ctx: JCtx, result: JResult): void {
  const body = result.body as Record<string, unknown> | undefined;
  if (result.status !== 200 || !body || typeof body !== 'object') return;
  if ('isLastPage' in body) {
    body.isLastPage = false;
    return;
  }
  if (!('isLast' in body)) return;
  if ('startAt' in body) {
    body.isLast = false;
    return;
  }
  const sent = ctx.method === 'GET' ? (ctx.search.get('nextPageToken') ?? undefined) : (ctx.body as { nextPageToken?: unknown } | undefined)?.nextPageToken;
  const token = loopedToken(typeof sent === 'string' ? sent : undefined, typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined);
  if (token === undefined) return;
  body.nextPageToken = token;
  body.isLast = false;
}

async function readBody(req: FastifyRequest, kind: 'none' | 'json' | 'multipart'): Promise<{ body: unknown; files: UploadedFile[] }> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const raw = Buffer.isBuffer(req.body) ? req.body : null;
  if (kind === 'none') return { body: undefined, files: [] };
  if (kind === 'multipart') {
    // XSRF protection blocks multipart writes without the header [spec 10; exact answer Unknown].
    if (String(req.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') throw new JiraError(403, undefined, {}, 'XSRF check failed');
    if (type !== 'multipart/form-data') throw jiraError(415, ['Unsupported Media Type: the request must be multipart/form-data.']);
    const files: UploadedFile[] = [];
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') files.push({ field: part.fieldname, filename: part.filename, mimeType: part.mimetype, data: await part.toBuffer() });
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_FILES_LIMIT') throw jiraError(413, ['Too many attachments: at most 60 files per request.']);
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw jiraError(413, ['The attachment is larger than the site allows.']);
      throw jiraError(400, [`Could not read the multipart body: ${(err as Error).message}`]);
    }
    return { body: undefined, files };
  }
  if (!raw || raw.length === 0) return { body: undefined, files: [] };
  if (type !== 'application/json') throw jiraError(415, ['Unsupported Media Type: send application/json.']);
  try {
    return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
  } catch (err) {
    throw jiraError(400, [`Unexpected character in the JSON body: ${(err as Error).message}`]);
  }
}

function send(reply: FastifyReply, r: JResult, state: JiraState): void {
  reply.code(r.status);
  if (r.headers) reply.headers(r.headers);
  if (r.raw) {
    reply.header('content-type', r.raw.contentType);
    if (r.raw.fileName) reply.header('content-disposition', `attachment; filename="${r.raw.fileName.replace(/["\r\n]/g, '')}"`);
    reply.send(r.raw.data);
    return;
  }
  if (r.body === undefined || r.status === 204) return void reply.send();
  reply.type('application/json;charset=UTF-8').send(JSON.stringify(localise(r.body, state.options.locale)));
}
