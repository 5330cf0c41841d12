import { z } from 'zod';
import { adminOnly, badRequest, notFound } from '../errors.ts';
import { parseJql } from '../jql-parse.ts';
import type { AdminWebhook } from '../model.ts';
import { noContent, ok, type JCtx, type JRoute } from '../route.ts';

// Admin webhooks through `/rest/webhooks/1.0/webhook` (admin only) [spec 13]. The body follows the
// admin-webhook REST shape: name, url, events, filters["issue-related-events-section"] (JQL), excludeBody,
// and the secret the settings page offers.

export const WEBHOOK_EVENTS = [
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
] as const;

export const WebhookBody = z
  .object({
    name: z.string().min(1).max(255),
    url: z.url({ protocol: /^https?$/ }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
    filters: z.object({ 'issue-related-events-section': z.string().max(2000).optional() }).optional(),
    excludeBody: z.boolean().optional(),
    enabled: z.boolean().optional(),
    secret: z.string().min(1).max(500).optional(),
  })
  .passthrough();

export function webhookJson(base: string, h: AdminWebhook) {
  return {
    self: `${base}/rest/webhooks/1.0/webhook/${h.id}`,
    name: h.name,
    url: h.url,
    events: h.events,
    filters: { 'issue-related-events-section': h.jql ?? '' },
    excludeBody: h.excludeBody,
    enabled: h.enabled,
    lastUpdatedUser: null,
  };
}

function admin(ctx: JCtx) {
  if (!ctx.user?.admin) throw adminOnly();
}

function parse(ctx: JCtx): z.infer<typeof WebhookBody> {
  const r = WebhookBody.safeParse(ctx.body);
  if (!r.success) throw badRequest(z.prettifyError(r.error));
  const jql = r.data.filters?.['issue-related-events-section'];
  if (jql) parseJql(jql);
  return r.data;
}

export function registerWebhook(ctx: Pick<JCtx, 'state'>, b: z.infer<typeof WebhookBody>): AdminWebhook {
  const h: AdminWebhook = {
    id: ctx.state.nextId('webhook', 1),
    name: b.name,
    url: b.url,
    events: b.events,
    jql: b.filters?.['issue-related-events-section'] || null,
    secret: b.secret ?? null,
    enabled: b.enabled ?? true,
    excludeBody: b.excludeBody ?? false,
  };
  ctx.state.webhooks.set(h.id, h);
  return h;
}

export const webhookRoutes: JRoute[] = [
  {
    method: 'GET',
    path: '/rest/webhooks/1.0/webhook',
    handler: (ctx) => (admin(ctx), ok([...ctx.state.webhooks.values()].map((h) => webhookJson(ctx.view.base, h)))),
  },
  {
    method: 'POST',
    path: '/rest/webhooks/1.0/webhook',
    body: 'json',
    handler: (ctx) => (admin(ctx), ok(webhookJson(ctx.view.base, registerWebhook(ctx, parse(ctx))), 201)),
  },
  {
    method: 'GET',
    path: '/rest/webhooks/1.0/webhook/:id',
    handler: (ctx) => {
      admin(ctx);
      const h = ctx.state.webhooks.get(ctx.params.id ?? '');
      if (!h) throw notFound('Webhook not found.');
      return ok(webhookJson(ctx.view.base, h));
    },
  },
  {
    method: 'DELETE',
    path: '/rest/webhooks/1.0/webhook/:id',
    handler: (ctx) => {
      admin(ctx);
      if (!ctx.state.webhooks.delete(ctx.params.id ?? '')) throw notFound('Webhook not found.');
      return noContent();
    },
  },
];
