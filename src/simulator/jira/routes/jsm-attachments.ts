import { randomInt } from 'node:crypto';
import { paragraphDoc } from '../adf.ts';
import { jsmError } from '../errors.ts';
import { ok, type JCtx, type JRoute } from '../route.ts';
import { jiraTime } from '../time.ts';
import { agent, desk, jsmComment, jsmUser, page, request } from './jsm.ts';

// JSM attachments with a comment [spec 10]: (1) upload to attachTemporaryFile (multipart `file`, XSRF
// header, experimental opt-in), (2) attach the temporary ids to a request with a public or internal comment.

const SD = '/rest/servicedeskapi';

// The status without the opt-in header is not documented [Inferred: 412 Precondition Failed].
function optedIn(ctx: JCtx): void {
  if (String(ctx.headers['x-experimentalapi'] ?? '').toLowerCase() !== 'opt-in')
    throw jsmError(412, 'This is an experimental API: send the header X-ExperimentalApi: opt-in to use it.');
}

export const jsmAttachmentRoutes: JRoute[] = [
  {
    method: 'POST',
    path: `${SD}/servicedesk/:desk/attachTemporaryFile`,
    body: 'multipart',
    handler: (ctx) => {
      const p = desk(ctx);
      optedIn(ctx);
      const files = ctx.files.filter((f) => f.field === 'file');
      if (files.length === 0) throw jsmError(400, "No file was found in the request: send it as a multipart part named 'file'.");
      const temporaryAttachments = files.map((f) => {
        const id = `temp${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
        ctx.state.temporaryFiles.set(id, {
          deskId: p.serviceDeskId!,
          filename: f.filename || 'file',
          mimeType: f.mimeType || 'application/octet-stream',
          data: f.data,
        });
        return { temporaryAttachmentId: id, fileName: f.filename || 'file' };
      });
      return ok({ temporaryAttachments }, 201);
    },
  },
  {
    method: 'POST',
    path: `${SD}/request/:issue/attachment`,
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const issue = request(ctx);
      const user = agent(ctx);
      optedIn(ctx);
      if (!user.canWrite) throw jsmError(403, 'You do not have permission to add attachments to this request.');
      const b = (ctx.body ?? {}) as { temporaryAttachmentIds?: unknown; public?: unknown; additionalComment?: { body?: unknown } };
      if (!Array.isArray(b.temporaryAttachmentIds) || b.temporaryAttachmentIds.length === 0) throw jsmError(400, 'temporaryAttachmentIds is required.');
      if (b.public !== undefined && typeof b.public !== 'boolean') throw jsmError(400, "'public' must be a boolean.");
      const deskId = ctx.state.projectOf(issue).serviceDeskId;
      const temps = b.temporaryAttachmentIds.map((id) => {
        const t = ctx.state.temporaryFiles.get(String(id as string));
        if (!t || t.deskId !== deskId) throw jsmError(400, `The temporary attachment '${String(id as string)}' does not exist or has expired.`);
        return [String(id as string), t] as const;
      });
      const isPublic = b.public !== false;
      const attachments = temps.map(([id, t]) => {
        ctx.state.temporaryFiles.delete(id);
        return ctx.state.addAttachment(issue, user.accountId, { filename: t.filename, mimeType: t.mimeType, data: t.data });
      });
      const text = [typeof b.additionalComment?.body === 'string' ? b.additionalComment.body : '', ...attachments.map((a) => `[^${a.filename}]`)]
        .filter(Boolean)
        .join(' ');
      const comment = ctx.state.addComment(issue, user.accountId, paragraphDoc(text), isPublic, isPublic ? {} : { 'sd.public.comment': { internal: true } });
      const values = attachments.map((a) => ({
        filename: a.filename,
        author: jsmUser(ctx, user),
        created: {
          iso8601: jiraTime(a.created, ctx.view.tz).replace(/\.\d{3}/, ''),
          jira: jiraTime(a.created, ctx.view.tz),
          friendly: '',
          epochMillis: a.created,
        },
        size: a.data.length,
        mimeType: a.mimeType,
        _links: {
          jiraRest: `${ctx.view.base}/rest/api/2/attachment/${a.id}`,
          content: `${ctx.view.base}/rest/api/3/attachment/content/${a.id}`,
          self: `${ctx.view.base}/rest/api/3/attachment/${a.id}`,
        },
      }));
      return ok({ comment: jsmComment(ctx, comment), attachments: page(ctx, values, `/request/${issue.key}/attachment`) }, 201);
    },
  },
];
