import { adfText, paragraphDoc } from '../adf.ts';
import { jsmError } from '../errors.ts';
import type { Comment, Issue, JiraUser, Project } from '../model.ts';
import { addCustomer } from '../seed.ts';
import { ok, type JCtx, type JRoute } from '../route.ts';
import { jsmDate } from '../time.ts';

// The JSM API [spec 4.2, 9.2, 11, 12]: JSM pages ({start, limit, size, isLastPage, _links, values}),
// plain-text comment bodies with `public`, customers (portal-only `qm:` accounts), requests.

const SD = '/rest/servicedeskapi';

export function page<T>(ctx: JCtx, all: T[], path: string) {
  const start = Math.max(0, Number(ctx.query.start ?? 0) || 0);
  const limit = Math.min(100, Math.max(1, Number(ctx.query.limit ?? 50) || 50));
  const values = all.slice(start, start + limit);
  const isLastPage = start + values.length >= all.length;
  const base = `${ctx.view.base}${SD}`;
  return {
    _expands: [],
    size: values.length,
    start,
    limit,
    isLastPage,
    _links: {
      base: ctx.view.base,
      context: '',
      self: `${base}${path}`,
      ...(isLastPage ? {} : { next: `${base}${path}?start=${start + limit}&limit=${limit}` }),
    },
    values,
  };
}

export function agent(ctx: JCtx): JiraUser {
  if (!ctx.user || ctx.user.accountType !== 'atlassian') throw jsmError(404, 'The request does not exist or you do not have permission to see it.');
  return ctx.user;
}

export function desk(ctx: JCtx): Project {
  agent(ctx);
  const p = [...ctx.state.projects.values()].find((x) => x.serviceDeskId === ctx.params.desk);
  if (!p) throw jsmError(404, `Service desk with id '${ctx.params.desk ?? ''}' does not exist.`);
  return p;
}

export function request(ctx: JCtx): Issue {
  agent(ctx);
  const i = ctx.state.issue(ctx.params.issue ?? '');
  if (!i || !ctx.state.projectOf(i).serviceDeskId) throw jsmError(404, 'The request does not exist or you do not have permission to see it.');
  return i;
}

export function jsmUser(ctx: JCtx, u: JiraUser | undefined) {
  if (!u) return null;
  return {
    accountId: u.accountId,
    emailAddress: u.email,
    displayName: u.displayName,
    active: u.active,
    timeZone: u.timeZone,
    _links: { self: `${ctx.view.base}/rest/api/2/user?accountId=${encodeURIComponent(u.accountId)}` },
  };
}

export function jsmComment(ctx: JCtx, c: Comment) {
  return {
    id: c.id,
    body: adfText(c.body),
    public: c.jsdPublic,
    author: jsmUser(ctx, ctx.state.users.get(c.authorId)),
    created: jsmDate(c.created, ctx.view.tz),
    _links: { self: `${ctx.view.base}${SD}/request/${c.issueId}/comment/${c.id}` },
  };
}

export function requestJson(ctx: JCtx, i: Issue) {
  const p = ctx.state.projectOf(i);
  const st = p.statuses.find((s) => s.id === i.statusId)!;
  return {
    issueId: i.id,
    issueKey: i.key,
    requestTypeId: i.requestTypeId,
    serviceDeskId: p.serviceDeskId,
    createdDate: jsmDate(i.created, ctx.view.tz),
    reporter: jsmUser(ctx, ctx.state.users.get(i.reporterId ?? '')),
    requestFieldValues: [
      { fieldId: 'summary', label: 'Summary', value: i.summary },
      { fieldId: 'description', label: 'Description', value: adfText(i.description) },
    ],
    currentStatus: { status: st.name, statusCategory: st.category.toUpperCase(), statusDate: jsmDate(i.statusChangedMs, ctx.view.tz) },
    _links: {
      jiraRest: `${ctx.view.base}/rest/api/2/issue/${i.id}`,
      web: `${ctx.view.site}/servicedesk/customer/portal/${p.serviceDeskId}/${i.key}`,
      self: `${ctx.view.base}${SD}/request/${i.id}`,
    },
  };
}

export const jsmRoutes: JRoute[] = [
  {
    method: 'GET',
    path: `${SD}/servicedesk`,
    handler: (ctx) => {
      agent(ctx);
      const desks = [...ctx.state.projects.values()]
        .filter((p) => p.serviceDeskId)
        .map((p) => ({
          id: p.serviceDeskId,
          projectId: p.id,
          projectKey: p.key,
          projectName: p.name,
          _links: { self: `${ctx.view.base}${SD}/servicedesk/${p.serviceDeskId}` },
        }));
      return ok(page(ctx, desks, '/servicedesk'));
    },
  },
  {
    method: 'GET',
    path: `${SD}/servicedesk/:desk/requesttype`,
    handler: (ctx) => {
      const p = desk(ctx);
      return ok(
        page(
          ctx,
          p.requestTypes.map((r) => ({
            id: r.id,
            name: r.name,
            description: r.description,
            issueTypeId: r.issueTypeId,
            serviceDeskId: p.serviceDeskId,
            groupIds: [],
          })),
          `/servicedesk/${p.serviceDeskId}/requesttype`,
        ),
      );
    },
  },
  {
    method: 'GET',
    path: `${SD}/servicedesk/:desk/customer`,
    burstPerSecond: 5,
    handler: (ctx) => {
      desk(ctx);
      const q = (ctx.query.query ?? '').toLowerCase();
      const customers = [...ctx.state.users.values()].filter(
        (u) => u.accountType === 'customer' && (!q || u.email.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q)),
      );
      return ok(
        page(
          ctx,
          customers.map((u) => jsmUser(ctx, u)),
          `/servicedesk/${ctx.params.desk}/customer`,
        ),
      );
    },
  },
  { method: 'POST', path: `${SD}/servicedesk/:desk/customer`, body: 'json', handler: (ctx) => (desk(ctx), { status: 204 }) },
  {
    method: 'POST',
    path: `${SD}/customer`,
    body: 'json',
    handler: (ctx) => {
      agent(ctx);
      const b = (ctx.body ?? {}) as { email?: unknown; displayName?: unknown };
      if (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(b.email)) throw jsmError(400, 'Enter a valid email address.');
      if (ctx.state.userByEmail(b.email)) throw jsmError(400, 'An account already exists for this email.');
      const u = addCustomer(ctx.state, b.email, typeof b.displayName === 'string' && b.displayName ? b.displayName : b.email);
      return ok(jsmUser(ctx, u), 201);
    },
  },
  { method: 'GET', path: `${SD}/request/:issue`, handler: (ctx) => ok(requestJson(ctx, request(ctx))) },
  {
    method: 'GET',
    path: `${SD}/request/:issue/comment`,
    handler: (ctx) => {
      const i = request(ctx);
      const pub = ctx.query.public !== 'false';
      const internal = ctx.query.internal !== 'false';
      const list = ctx.state.commentsOf(i.id).filter((c) => (c.jsdPublic ? pub : internal));
      return ok(
        page(
          ctx,
          list.map((c) => jsmComment(ctx, c)),
          `/request/${i.key}/comment`,
        ),
      );
    },
  },
  {
    method: 'POST',
    path: `${SD}/request/:issue/comment`,
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const i = request(ctx);
      const user = agent(ctx);
      if (!user.canWrite) throw jsmError(403, 'You do not have permission to comment on this request.');
      const b = (ctx.body ?? {}) as { body?: unknown; public?: unknown };
      if (typeof b.body !== 'string' || !b.body.trim()) throw jsmError(400, 'The comment body is required.');
      if (b.public !== undefined && typeof b.public !== 'boolean') throw jsmError(400, "'public' must be a boolean.");
      const isPublic = b.public !== false;
      const c = ctx.state.addComment(i, user.accountId, paragraphDoc(b.body), isPublic, isPublic ? {} : { 'sd.public.comment': { internal: true } });
      return ok(jsmComment(ctx, c), 201);
    },
  },
];
