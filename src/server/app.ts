import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from './auth.ts';
import type { AppContext } from './context.ts';
import { registerBodyGuard } from './body-guard.ts';
import { frameworkErrorHandler, registerErrorHandling } from './errors.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { connectionRoutes } from './routes/connections.routes.ts';
import { workspaceRoutes } from './routes/workspaces.routes.ts';
import { dryRunRoutes } from './routes/dry-runs.routes.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { runEventRoutes } from './routes/run-events.routes.ts';
import { metricsRoute, readinessRoutes } from './routes/health.routes.ts';
import { platformRoutes } from './routes/platform.routes.ts';
import { registerWeb } from './static.ts';
import { redactingLoggerOptions } from './log-redaction.ts';
import { fastifyTrustProxy, registerTransportSecurity } from './transport-security.ts';
import { registerHttpMetrics } from '../observability/http-metrics.ts';
import { syncRunRoutes } from './routes/sync-runs.routes.ts';
import { runDetailRoutes } from './routes/run-details.routes.ts';
import { webhookRoutes } from './routes/webhooks.routes.ts';
import { auditLogRoutes } from './routes/audit-log.routes.ts';
import { memberRoutes } from './routes/members.routes.ts';
import { ticketFindRoutes } from './routes/ticket-find.routes.ts';
import { ticketTimelineRoutes } from './routes/ticket-timeline.routes.ts';
import { apiTokenRoutes } from './routes/api-tokens.routes.ts';
import { openApiOptions } from './openapi.ts';
import { registerApiDocs } from './api-docs.ts';
import { changeProposalRoutes } from './routes/change-proposals.routes.ts';
import { notificationRoutes } from './routes/notifications.routes.ts';
import { oauthRoutes } from './routes/oauth.routes.ts';
import { fieldsRoutes } from './routes/fields.routes.ts';
import { VERSION } from '../version.ts';

export interface BuildAppOptions {
  /** Test hook: pino options or false; defaults to the configured level with secrets redacted. */
  logger?: boolean | object;
  /** Test hook: the default logger (configured level, secrets redacted) writing to this stream. */
  logStream?: { write(line: string): void };
  webDir?: string;
  /** Time allowed to receive a whole request (headers and body), in ms; default REQUEST_TIMEOUT_MS. Tests shorten it. */
  requestTimeoutMs?: number;
}

/** A request must arrive whole within this: a slowly trickled body must not hold a connection for minutes. */
export const REQUEST_TIMEOUT_MS = 30_000;

// credentials: a platform's credential set (its secrets by the manifest's names), wherever it is logged.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.apiKey',
  '*.password',
  '*.credentials',
  'apiKey',
  'password',
  'credentials',
];

/** Builds the app without listening, so tests drive it with inject(). */
export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const requestTimeoutMs = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: opts.logger ?? {
      level: ctx.config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      // URLs may carry secret tokens (invitation, sign-up and webhook links): every logged URL is redacted.
      ...redactingLoggerOptions,
      // People at a terminal get readable lines; log collectors (no TTY) get JSON.
      ...(opts.logStream
        ? { stream: opts.logStream }
        : process.stdout.isTTY
          ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
          : {}),
    },
    bodyLimit: 64 * 1024,
    // SF_TRUST_PROXY: only then are X-Forwarded-For / -Proto / -Host believed (req.ip, req.protocol, req.host).
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy ?? false),
    requestTimeout: requestTimeoutMs,
    // Node checks request deadlines every connectionsCheckingInterval (30 s by default): check often
    // enough that the limit holds to within a quarter of it. Headers get no longer than the whole request.
    http: { connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))), headersTimeout: Math.min(60_000, requestTimeoutMs) },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    frameworkErrors: frameworkErrorHandler,
  });
  registerErrorHandling(app);
  registerHttpMetrics(app);
  registerBodyGuard(app);
  await app.register(fastifyCookie);
  await registerTransportSecurity(app, ctx.config);
  // The document's frame, operation ids and common answers are derived in one place (openapi.ts).
  await app.register(fastifySwagger, openApiOptions());
  registerAuth(app, ctx);

  await app.register(
    async (api) => {
      api.get(
        '/health',
        {
          schema: {
            tags: ['system'],
            summary: 'Liveness: 200 once the app can serve, with the running version',
            security: [],
            response: { 200: { type: 'object', properties: { status: { type: 'string' }, version: { type: 'string' } } } },
          },
        },
        async () => ({ status: 'ok', version: VERSION }),
      );
      await readinessRoutes(api, ctx);
      await authRoutes(api, ctx);
      await platformRoutes(api, ctx);
      await connectionRoutes(api, ctx);
      await workspaceRoutes(api, ctx);
      await syncRunRoutes(api, ctx);
      await runDetailRoutes(api, ctx);
      await runEventRoutes(api, ctx);
      await dashboardRoutes(api, ctx);
      await dryRunRoutes(api, ctx);
      await webhookRoutes(api, ctx);
      await memberRoutes(api, ctx);
      await auditLogRoutes(api, ctx);
      await ticketTimelineRoutes(api, ctx);
      await ticketFindRoutes(api, ctx);
      await apiTokenRoutes(api, ctx);
      await changeProposalRoutes(api, ctx);
      await notificationRoutes(api, ctx);
      await oauthRoutes(api, ctx);
      await fieldsRoutes(api, ctx);
    },
    { prefix: '/api/v1' },
  );
  // JSON for programs, a readable page for browsers (content-negotiated), JSON always at /api/docs/json.
  await registerApiDocs(app);
  await metricsRoute(app, ctx);
  await registerWeb(app, opts.webDir);
  return app;
}
