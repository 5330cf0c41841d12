import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { controlBody } from '../kit/control-body.ts';
import { paragraphDoc } from './adf.ts';
import type { Issue } from './model.ts';
import { MEDIA_PREFIX } from './routes/attachments.ts';
import { registerWebhook, WebhookBody } from './routes/webhooks.ts';
import type { JiraState } from './state.ts';
import type { WebhookDispatcher } from './webhook-delivery.ts';

// Jira-only controls under /_sim (the generic ones come from the kit), plus the media host stand-in.

export const SeedIssues = z
  .object({
    issues: z
      .array(
        z
          .object({
            summary: z.string().min(1).max(255),
            project: z.string().optional(),
            description: z.string().max(100_000).optional(),
            created: z.iso.datetime({ offset: true }).optional(),
            updated: z.iso.datetime({ offset: true }).optional(),
          })
          .strict(),
      )
      .max(100_000),
  })
  .strict();

export const PersonEdit = z
  .object({
    summary: z.string().min(1).max(255).optional(),
    description: z.string().max(100_000).optional(),
    /** Moves the issue to this status by name, as a workflow admin could (no transition check). */
    status: z.string().optional(),
    comment: z.object({ text: z.string().min(1), internal: z.boolean().default(false) }).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export function seedIssues(state: JiraState, body: z.infer<typeof SeedIssues>): { ids: string[]; keys: string[] } {
  const admin = state.userByProfile('admin')!;
  const out = body.issues.map((s) => {
    const p = state.project(s.project ?? '') ?? [...state.projects.values()][0]!;
    // Only `updated` given: the issue was created then too (never after its last change).
    const created = s.created ? Date.parse(s.created) : s.updated ? Date.parse(s.updated) : state.now();
    const type = p.issueTypes[0]!;
    return state.createIssue(
      {
        projectId: p.id,
        issueTypeId: type.id,
        summary: s.summary,
        description: s.description ? paragraphDoc(s.description) : null,
        statusId: p.initialStatus,
        priorityId: '3',
        assigneeId: null,
        reporterId: admin.accountId,
        creatorId: admin.accountId,
        labels: [],
        resolutionId: null,
        resolutionMs: null,
        custom: {},
        properties: {},
        requestTypeId: p.requestTypes.find((r) => r.issueTypeId === type.id)?.id ?? null,
        participants: [],
        created,
        updated: s.updated ? Date.parse(s.updated) : created,
      },
      admin.accountId,
    );
  });
  return { ids: out.map((i) => i.id), keys: out.map((i) => i.key) };
}

/** A change made in Jira's UI by a person (the agent profile): no API call, no rate limit. */
export function editAsPerson(state: JiraState, idOrKey: string, e: z.infer<typeof PersonEdit>): Issue | null {
  const issue = state.issue(idOrKey);
  if (!issue) return null;
  const person = state.userByProfile('agent')!;
  const at = e.at ? Date.parse(e.at) : undefined;
  const p = state.projectOf(issue);
  const status = e.status ? p.statuses.find((s) => s.name.toLowerCase() === e.status!.toLowerCase() || s.id === e.status) : undefined;
  if (e.status && !status) throw new Error(`no status "${e.status}" in ${p.key}`);
  if (e.summary !== undefined || e.description !== undefined || status)
    state.updateIssue(
      issue,
      person.accountId,
      (i) => {
        if (e.summary !== undefined) i.summary = e.summary;
        if (e.description !== undefined) i.description = paragraphDoc(e.description);
        if (status) {
          i.statusId = status.id;
          i.statusChangedMs = at ?? state.now();
          i.resolutionId = status.category === 'done' ? (i.resolutionId ?? '10000') : null;
          i.resolutionMs = status.category === 'done' ? (i.resolutionMs ?? at ?? state.now()) : null;
        }
        return [];
      },
      'issue_generic',
      at,
    );
  if (e.comment)
    state.addComment(
      issue,
      person.accountId,
      paragraphDoc(e.comment.text),
      !e.comment.internal,
      e.comment.internal ? { 'sd.public.comment': { internal: true } } : {},
      at,
    );
  return issue;
}

const IndexLagBody = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }).strict(),
  z.object({ mode: z.literal('held') }).strict(),
  z.object({ mode: z.literal('delay'), ms: z.number().int().min(0) }).strict(),
]);

export function registerJiraControls(app: FastifyInstance, state: JiraState, hooks: WebhookDispatcher, info: () => unknown): void {
  const json = (body: unknown) => JSON.stringify(body);
  app.get('/_sim/users', async (_req, reply) => reply.type('application/json').send(json(info())));
  app.get('/_sim/index-lag', async (_req, reply) => reply.type('application/json').send(json(state.indexLag)));
  app.put('/_sim/index-lag', async (req, reply) => {
    const body = controlBody(req, reply, IndexLagBody);
    if (!body) return reply;
    state.setIndexLag(body);
    return reply.type('application/json').send(json(state.indexLag));
  });
  app.put('/_sim/options', async (req, reply) => {
    const body = controlBody(
      req,
      reply,
      z
        .object({ locale: z.enum(['en', 'fr']), badAuthOnIssue: z.union([z.literal(404), z.literal(401)]) })
        .partial()
        .strict(),
    );
    if (!body) return reply;
    Object.assign(state.options, body);
    return reply.type('application/json').send(json(state.options));
  });
  // Registration as an admin would do it in Settings → System → WebHooks (same body as the REST route).
  app.post('/_sim/webhooks', async (req, reply) => {
    const body = controlBody(req, reply, WebhookBody);
    if (!body) return reply;
    const h = registerWebhook({ state }, body);
    return reply
      .code(201)
      .type('application/json')
      .send(json({ id: h.id }));
  });
  app.get('/_sim/webhook-deliveries', async (_req, reply) => reply.type('application/json').send(json({ deliveries: hooks.deliveries })));
  app.get<{ Params: { id: string; token: string; name: string } }>(`${MEDIA_PREFIX}/:id/:token/:name`, async (req, reply) => {
    const a = state.attachments.get(req.params.id);
    if (!a || a.mediaToken !== req.params.token)
      return reply
        .code(403)
        .type('application/json')
        .send(json({ error: 'Forbidden' }));
    return reply
      .header('content-type', a.mimeType)
      .header('content-disposition', `attachment; filename="${a.filename.replace(/["\r\n]/g, '')}"`)
      .send(a.data);
  });
}
