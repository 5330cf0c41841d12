import { adfProblem } from '../adf.ts';
import { ADF_REQUIRED, badRequest, fieldErrors, jiraError, notFound } from '../errors.ts';
import type { Adf, Comment } from '../model.ts';
import { noContent, ok, type JCtx, type JRoute } from '../route.ts';
import { commentJson } from '../serialize.ts';
import { intParam, objectBody, visibleIssue, writer } from './common.ts';

const MAX_COMMENTS = 5000;
const SD_PUBLIC = 'sd.public.comment';

/** `sd.public.comment` must hold `{internal: <boolean>}`: a string "true" is the known pitfall (JSDCLOUD-9766) and is refused. */
function internalFrom(properties: unknown): { internal: boolean; props: Record<string, unknown> } {
  const props: Record<string, unknown> = {};
  if (properties === undefined) return { internal: false, props };
  if (!Array.isArray(properties)) throw badRequest("'properties' must be an array of {key, value}.");
  for (const p of properties as Array<{ key?: unknown; value?: unknown }>) {
    if (typeof p?.key !== 'string' || p.key.length > 255) throw badRequest('Each property needs a key of at most 255 characters.');
    props[p.key] = p.value;
  }
  const sd = props[SD_PUBLIC] as { internal?: unknown } | undefined;
  if (sd !== undefined && (typeof sd !== 'object' || sd === null || typeof sd.internal !== 'boolean'))
    throw badRequest(`The value of '${SD_PUBLIC}' must be {"internal": true|false} with a JSON boolean.`);
  return { internal: sd?.internal === true, props };
}

function commentOf(ctx: JCtx): Comment {
  const issue = visibleIssue(ctx);
  const c = ctx.state.comments.get(ctx.params.comment ?? '');
  if (!c || c.issueId !== issue.id) throw notFound(`Can not find a comment for the id: ${ctx.params.comment ?? ''}.`);
  return c;
}

export const commentRoutes: JRoute[] = [
  {
    method: 'GET',
    path: '/rest/api/3/issue/:issue/comment',
    auth: 'issue',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      let all = ctx.state.commentsOf(issue.id);
      if (ctx.query.orderBy === '-created') all = all.reverse();
      const startAt = intParam(ctx, 'startAt', 0, Number.MAX_SAFE_INTEGER);
      const maxResults = intParam(ctx, 'maxResults', 100, 5000) || 100;
      const page = all.slice(startAt, startAt + maxResults);
      const withProps = (ctx.query.expand ?? '').split(',').includes('properties');
      return ok({
        startAt,
        maxResults,
        total: all.length,
        comments: page.map((c) => ({
          ...commentJson(ctx.view, c),
          ...(withProps ? { properties: Object.entries(c.properties).map(([key, value]) => ({ key, value })) } : {}),
        })),
      });
    },
  },
  {
    method: 'POST',
    path: '/rest/api/3/issue/:issue/comment',
    auth: 'issue',
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const user = writer(ctx, 'add comments to this issue');
      const body = objectBody(ctx);
      if (adfProblem(body.body)) throw fieldErrors({ comment: ADF_REQUIRED });
      if (ctx.state.commentsOf(issue.id).length >= MAX_COMMENTS) throw jiraError(413, [`This issue has reached the limit of ${MAX_COMMENTS} comments.`]);
      const { internal, props } = internalFrom(body.properties);
      const c = ctx.state.addComment(issue, user.accountId, body.body as Adf, !internal, props);
      return ok(commentJson(ctx.view, c), 201);
    },
  },
  { method: 'GET', path: '/rest/api/3/issue/:issue/comment/:comment', auth: 'issue', handler: (ctx) => ok(commentJson(ctx.view, commentOf(ctx))) },
  {
    method: 'PUT',
    path: '/rest/api/3/issue/:issue/comment/:comment',
    auth: 'issue',
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const c = commentOf(ctx);
      const user = writer(ctx, 'edit this comment');
      const body = objectBody(ctx);
      if (adfProblem(body.body)) throw fieldErrors({ comment: ADF_REQUIRED });
      const issue = ctx.state.issues.get(c.issueId)!;
      ctx.state.updateIssue(issue, user.accountId, () => {
        c.body = body.body as Adf;
        c.updated = ctx.state.now();
        return [];
      });
      ctx.state.events.emit('change', { event: 'comment_updated', issue, comment: c, userId: user.accountId });
      return ok(commentJson(ctx.view, c));
    },
  },
  {
    method: 'DELETE',
    path: '/rest/api/3/issue/:issue/comment/:comment',
    auth: 'issue',
    issueWrite: true,
    handler: (ctx) => {
      const c = commentOf(ctx);
      const user = writer(ctx, 'delete this comment');
      ctx.state.comments.delete(c.id);
      ctx.state.events.emit('change', { event: 'comment_deleted', issue: ctx.state.issues.get(c.issueId)!, comment: c, userId: user.accountId });
      return noContent();
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/comment/:comment/properties',
    auth: 'issue',
    handler: (ctx) => {
      const c = anyComment(ctx);
      return ok({ keys: Object.keys(c.properties).map((key) => ({ key, self: `${ctx.view.base}/rest/api/3/comment/${c.id}/properties/${key}` })) });
    },
  },
  {
    method: 'GET',
    path: '/rest/api/3/comment/:comment/properties/:key',
    auth: 'issue',
    handler: (ctx) => {
      const c = anyComment(ctx);
      const key = ctx.params.key!;
      if (!(key in c.properties)) throw notFound(`The property with key '${key}' does not exist.`);
      return ok({ key, value: c.properties[key] });
    },
  },
  {
    method: 'PUT',
    path: '/rest/api/3/comment/:comment/properties/:key',
    auth: 'issue',
    body: 'json',
    handler: (ctx) => {
      const c = anyComment(ctx);
      writer(ctx, 'edit this comment');
      const key = ctx.params.key!;
      const existed = key in c.properties;
      if (key === SD_PUBLIC) internalFrom([{ key, value: ctx.body }]);
      c.properties[key] = ctx.body;
      if (key === SD_PUBLIC) c.jsdPublic = !(ctx.body as { internal: boolean }).internal;
      return { status: existed ? 200 : 201 };
    },
  },
  {
    method: 'DELETE',
    path: '/rest/api/3/comment/:comment/properties/:key',
    auth: 'issue',
    handler: (ctx) => {
      const c = anyComment(ctx);
      writer(ctx, 'edit this comment');
      delete c.properties[ctx.params.key!];
      return noContent();
    },
  },
];

function anyComment(ctx: JCtx): Comment {
  const c = ctx.state.comments.get(ctx.params.comment ?? '');
  if (!c || !ctx.user || ctx.user.accountType !== 'atlassian') throw notFound(`Can not find a comment for the id: ${ctx.params.comment ?? ''}.`);
  return c;
}
