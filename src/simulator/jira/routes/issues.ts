import { adfProblem } from '../adf.ts';
import { ADF_REQUIRED, badRequest, fieldErrors, notFound } from '../errors.ts';
import { applyFields, fieldCatalogue, type FieldInfo } from '../fields.ts';
import type { Adf, Issue, Project } from '../model.ts';
import { noContent, ok, type JCtx, type JRoute } from '../route.ts';
import { fieldSelection, issueJson } from '../serialize.ts';
import { objectBody, visibleIssue, writer } from './common.ts';

const A3 = '/rest/api/3';

function fieldMeta(ctx: JCtx, p: Project, f: FieldInfo, required: boolean) {
  return {
    required,
    schema: f.schema,
    name: f.name,
    key: f.id,
    fieldId: f.id,
    hasDefaultValue: f.id === 'priority',
    operations: f.id === 'labels' ? ['add', 'set', 'remove'] : ['set'],
    ...(f.allowedValues ? { allowedValues: f.allowedValues({ base: ctx.view.base }, p) } : {}),
  };
}

function createProject(ctx: JCtx): Project {
  const p = ctx.user ? ctx.state.project(ctx.params.project ?? '') : undefined;
  if (!p) throw notFound(`No project could be found with key '${ctx.params.project ?? ''}'.`);
  return p;
}

/** Adds `update.comment[].add.body` comments (edit and transition bodies may carry one). */
export function commentOps(ctx: JCtx, issue: Issue, update: Record<string, unknown>): void {
  const ops = update.comment;
  if (!Array.isArray(ops)) return;
  for (const op of ops as Array<{ add?: { body?: unknown } }>) {
    const body = op?.add?.body;
    if (adfProblem(body)) throw fieldErrors({ comment: ADF_REQUIRED });
    ctx.state.addComment(issue, ctx.user!.accountId, body as Adf, true);
  }
}

function fieldsAndUpdate(body: Record<string, unknown>) {
  const fields = body.fields ?? {};
  const update = body.update ?? {};
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw badRequest("'fields' must be an object.");
  if (typeof update !== 'object' || update === null || Array.isArray(update)) throw badRequest("'update' must be an object.");
  return { fields: fields as Record<string, unknown>, update: update as Record<string, unknown> };
}

export const issueRoutes: JRoute[] = [
  { method: 'GET', path: `${A3}/search`, auth: 'anonymous', handler: () => gone() },
  { method: 'POST', path: `${A3}/search`, auth: 'anonymous', handler: () => gone() },
  { method: 'GET', path: '/rest/api/2/search', auth: 'anonymous', handler: () => gone() },
  { method: 'POST', path: '/rest/api/2/search', auth: 'anonymous', handler: () => gone() },
  {
    method: 'GET',
    path: `${A3}/issue/createmeta/:project/issuetypes`,
    handler: (ctx) => {
      const p = createProject(ctx);
      const types = p.issueTypes.map((t) => ({
        self: `${ctx.view.base}${A3}/issuetype/${t.id}`,
        id: t.id,
        name: t.name,
        description: t.description,
        subtask: false,
      }));
      return ok({ issueTypes: types, maxResults: 50, startAt: 0, total: types.length });
    },
  },
  {
    method: 'GET',
    path: `${A3}/issue/createmeta/:project/issuetypes/:type`,
    handler: (ctx) => {
      const p = createProject(ctx);
      if (!p.issueTypes.some((t) => t.id === ctx.params.type)) throw notFound(`Issue type with id '${ctx.params.type}' does not exist in project '${p.key}'.`);
      const max = Number(ctx.query.maxResults ?? 50);
      if (max > 200) throw badRequest("Parameter 'maxResults' must not exceed the limit '200'");
      const fields = fieldCatalogue(ctx.state)
        .filter((f) => f.onCreate || f.id === 'project' || f.id === 'issuetype')
        .map((f) => fieldMeta(ctx, p, f, f.requiredOnCreate));
      return ok({ fields, maxResults: max, startAt: 0, total: fields.length });
    },
  },
  {
    method: 'GET',
    path: `${A3}/issue/:issue/editmeta`,
    auth: 'issue',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const p = ctx.state.projectOf(issue);
      const fields = ctx.user!.canWrite ? fieldCatalogue(ctx.state).filter((f) => f.onEdit) : [];
      return ok({ fields: Object.fromEntries(fields.map((f) => [f.id, fieldMeta(ctx, p, f, f.id === 'summary')])) });
    },
  },
  {
    method: 'POST',
    path: `${A3}/issue`,
    body: 'json',
    handler: (ctx) => {
      const user = writer(ctx, 'create issues in this project');
      const { fields, update } = fieldsAndUpdate(objectBody(ctx));
      const pref = fields.project as { id?: string; key?: string } | undefined;
      const p = pref ? ctx.state.project(String(pref.id ?? pref.key ?? '')) : undefined;
      if (!p) throw fieldErrors({ project: 'Specify a valid project ID or key' });
      const tref = fields.issuetype as { id?: string; name?: string } | undefined;
      const type = p.issueTypes.find((t) => t.id === tref?.id || t.name === tref?.name);
      if (!type) throw fieldErrors({ issuetype: 'Specify a valid issue type' });
      const draft: Issue = {
        id: '',
        key: '',
        projectId: p.id,
        issueTypeId: type.id,
        summary: '',
        description: null,
        statusId: p.initialStatus,
        priorityId: '3',
        assigneeId: null,
        reporterId: user.accountId,
        creatorId: user.accountId,
        labels: [],
        resolutionId: null,
        resolutionMs: null,
        created: 0,
        updated: 0,
        statusChangedMs: 0,
        custom: {},
        properties: {},
        requestTypeId: p.requestTypes.find((r) => r.issueTypeId === type.id)?.id ?? null,
        participants: [],
      };
      applyFields(ctx.state, p, draft, fields, update, 'create');
      const props = objectBody(ctx).properties;
      if (Array.isArray(props))
        for (const pr of props as Array<{ key?: unknown; value?: unknown }>) if (typeof pr?.key === 'string') draft.properties[pr.key] = pr.value;
      const { id: _i, key: _k, created: _c, updated: _u, statusChangedMs: _s, ...rest } = draft;
      const issue = ctx.state.createIssue(rest, user.accountId);
      commentOps(ctx, issue, update);
      return ok({ id: issue.id, key: issue.key, self: `${ctx.view.base}${A3}/issue/${issue.id}` }, 201);
    },
  },
  {
    method: 'GET',
    path: `${A3}/issue/:issue`,
    auth: 'issue',
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const props = (ctx.query.properties ?? '').split(',').filter(Boolean);
      return ok(issueJson(ctx.view, issue, fieldSelection(ctx.search.getAll('fields'), '*all'), props));
    },
  },
  {
    method: 'PUT',
    path: `${A3}/issue/:issue`,
    auth: 'issue',
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const user = writer(ctx);
      const { fields, update } = fieldsAndUpdate(objectBody(ctx));
      const p = ctx.state.projectOf(issue);
      // Validate on a copy first: a refused edit changes nothing.
      const copy = structuredClone(issue);
      const items = applyFields(ctx.state, p, copy, fields, update, 'edit');
      const hasComment = Array.isArray(update.comment) && update.comment.length > 0;
      if (items.length) ctx.state.updateIssue(issue, user.accountId, (i) => (Object.assign(i, { ...copy, updated: i.updated }), items));
      if (hasComment) commentOps(ctx, issue, update);
      if (ctx.query.returnIssue === 'true') return ok(issueJson(ctx.view, issue, null));
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: `${A3}/issue/:issue`,
    auth: 'issue',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const user = writer(ctx, 'delete this issue');
      if (!user.admin) throw badRequest('You do not have permission to delete issues in this project.');
      ctx.state.deleteIssue(issue, user.accountId);
      return noContent();
    },
  },
  {
    method: 'PUT',
    path: `${A3}/issue/:issue/assignee`,
    auth: 'issue',
    body: 'json',
    issueWrite: true,
    handler: (ctx) => {
      const issue = visibleIssue(ctx);
      const user = writer(ctx, 'assign this issue');
      const accountId = (objectBody(ctx) as { accountId?: unknown }).accountId ?? null;
      const copy = structuredClone(issue);
      const items = applyFields(ctx.state, ctx.state.projectOf(issue), copy, { assignee: accountId === null ? null : { accountId } }, {}, 'edit');
      if (items.length) ctx.state.updateIssue(issue, user.accountId, (i) => ((i.assigneeId = copy.assigneeId), items));
      return noContent();
    },
  },
];

function gone() {
  return {
    status: 410,
    body: {
      errorMessages: [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
      ],
      errors: {},
    },
  };
}
