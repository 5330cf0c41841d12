import { jiraError, notFound } from '../errors.ts';
import type { Attachment } from '../model.ts';
import { noContent, ok, type JCtx, type JRoute } from '../route.ts';
import { attachmentJson } from '../serialize.ts';
import { visibleIssue, writer } from './common.ts';

// Upload: multipart part `file` with `X-Atlassian-Token: no-check` (checked in server.ts readBody) → 200 array.
// Download: 303 to a media URL on the simulator's own host (the token in it grants access, as a real media
// URL does); `redirect=false` → 200 bytes [spec 10].

const MAX_PER_ISSUE = 2000;
export const MEDIA_PREFIX = '/_media/file';

function attachmentOf(ctx: JCtx): Attachment {
  const a = ctx.state.attachments.get(ctx.params.id ?? '');
  if (!a || !ctx.user || ctx.user.accountType !== 'atlassian') throw notFound(`The attachment with id '${ctx.params.id ?? ''}' does not exist`);
  return a;
}

export const attachmentRoutes: JRoute[] = [
  {
    method: 'POST',
    path: '/rest/api/3/issue/:issue/attachments',
    auth: 'issue',
    body: 'multipart',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const user = writer(ctx, 'create attachments for this issue');
      const files = ctx.files.filter((f) => f.field === 'file');
      if (files.length === 0) throw jiraError(400, ["No attachments were found in the request: send each file as a multipart part named 'file'."]);
      if (ctx.state.attachmentsOf(issue.id).length + files.length > MAX_PER_ISSUE)
        throw jiraError(413, [`This issue has reached the limit of ${MAX_PER_ISSUE} attachments.`]);
      const created = files.map((f) =>
        ctx.state.addAttachment(issue, user.accountId, { filename: f.filename || 'file', mimeType: f.mimeType || 'application/octet-stream', data: f.data }),
      );
      return ok(created.map((a) => attachmentJson(ctx.view, a)));
    },
  },
  { method: 'GET', path: '/rest/api/3/attachment/:id', auth: 'issue', handler: (ctx) => ok(attachmentJson(ctx.view, attachmentOf(ctx))) },
  {
    method: 'GET',
    path: '/rest/api/3/attachment/content/:id',
    auth: 'issue',
    burstPerSecond: 300,
    handler: (ctx) => {
      const a = attachmentOf(ctx);
      if (ctx.query.redirect === 'false') return { status: 200, raw: { contentType: a.mimeType, data: a.data, fileName: a.filename } };
      return { status: 303, headers: { location: `${ctx.origin}${MEDIA_PREFIX}/${a.id}/${a.mediaToken}/${encodeURIComponent(a.filename)}` } };
    },
  },
  {
    method: 'DELETE',
    path: '/rest/api/3/attachment/:id',
    auth: 'issue',
    handler: (ctx) => {
      const a = attachmentOf(ctx);
      writer(ctx, 'delete this attachment');
      ctx.state.attachments.delete(a.id);
      return noContent();
    },
  },
];
