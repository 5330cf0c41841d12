import { badRequest, notFound } from '../errors.ts';
import { CATEGORIES, PRIORITIES, RESOLUTIONS } from '../model.ts';
import { ok, type JCtx, type JRoute } from '../route.ts';
import { issueTypeJson, projectJson, statusJson, userJson } from '../serialize.ts';
import { jiraTime } from '../time.ts';
import { fieldCatalogue } from '../fields.ts';
import { offsetPage } from './common.ts';

const A3 = '/rest/api/3';

function visibleProjects(ctx: JCtx) {
  return ctx.user && ctx.user.accountType === 'atlassian' ? [...ctx.state.projects.values()] : [];
}

function projectParam(ctx: JCtx, name = 'project') {
  const p = ctx.user ? ctx.state.project(ctx.params[name] ?? '') : undefined;
  if (!p) throw notFound(`No project could be found with key '${ctx.params[name] ?? ''}'.`);
  return p;
}

const PERMISSIONS = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'ADD_COMMENTS',
  'CREATE_ATTACHMENTS',
  'TRANSITION_ISSUES',
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'ADMINISTER',
  'ADMINISTER_PROJECTS',
  'SERVICEDESK_AGENT',
  'VIEW_CUSTOMERS',
];

export const metaRoutes: JRoute[] = [
  {
    method: 'GET',
    path: `${A3}/myself`,
    handler: (ctx) =>
      ok({
        ...userJson(ctx.view, ctx.user),
        locale: ctx.state.options.locale === 'fr' ? 'fr_FR' : 'en_US',
        groups: { size: 1, items: [] },
        applicationRoles: { size: 1, items: [] },
        expand: 'groups,applicationRoles',
      }),
  },
  {
    method: 'GET',
    path: `${A3}/serverInfo`,
    auth: 'anonymous',
    handler: (ctx) =>
      ok({
        baseUrl: ctx.view.base,
        displayUrl: ctx.view.site,
        version: '1001.0.0-SNAPSHOT',
        versionNumbers: [1001, 0, 0],
        deploymentType: 'Cloud',
        buildNumber: 100300,
        buildDate: '2026-11-30T00:00:00.000+0000',
        serverTime: jiraTime(ctx.state.now(), ctx.view.tz),
        scmInfo: '57a0ca5b4a0bb0ac5f3fee4764acb1c14e4d7e71',
        serverTitle: 'Jira',
        defaultLocale: { locale: 'en_US' },
        serverTimeZone: 'Etc/UTC',
      }),
  },
  {
    method: 'GET',
    path: `${A3}/mypermissions`,
    handler: (ctx) => {
      const wanted = (ctx.query.permissions ?? '').split(',').filter(Boolean);
      if (!wanted.length) throw badRequest('The permissions query parameter is required.');
      const u = ctx.user!;
      const have = (k: string) =>
        k === 'BROWSE_PROJECTS' || k === 'ASSIGNABLE_USER' || k === 'SERVICEDESK_AGENT' || k === 'VIEW_CUSTOMERS'
          ? true
          : k.startsWith('ADMINISTER')
            ? u.admin
            : u.canWrite;
      return ok({
        permissions: Object.fromEntries(
          wanted.map((k) => [k, { id: String(PERMISSIONS.indexOf(k) + 1), key: k, name: k, type: 'PROJECT', description: '', havePermission: have(k) }]),
        ),
      });
    },
  },
  {
    method: 'GET',
    path: `${A3}/user`,
    handler: (ctx) => {
      const u = ctx.state.users.get(ctx.query.accountId ?? '');
      if (!u) throw notFound(`Specified user does not exist or you do not have required permissions`);
      return ok(userJson(ctx.view, u));
    },
  },
  {
    method: 'GET',
    path: `${A3}/user/search`,
    handler: (ctx) => {
      const q = (ctx.query.query ?? ctx.query.accountId ?? '').toLowerCase();
      const users = [...ctx.state.users.values()].filter(
        (u) => u.active && (u.email.toLowerCase().startsWith(q) || u.displayName.toLowerCase().includes(q) || u.accountId === q),
      );
      return ok(users.slice(0, 50).map((u) => userJson(ctx.view, u)));
    },
  },
  {
    method: 'GET',
    path: `${A3}/user/assignable/search`,
    handler: (ctx) => {
      const q = (ctx.query.query ?? '').toLowerCase();
      const users = [...ctx.state.users.values()].filter(
        (u) =>
          u.active && u.accountType === 'atlassian' && u.canWrite && (!q || u.email.toLowerCase().startsWith(q) || u.displayName.toLowerCase().includes(q)),
      );
      return ok(users.map((u) => userJson(ctx.view, u)));
    },
  },
  { method: 'GET', path: `${A3}/project`, auth: 'anonymous', handler: (ctx) => ok(visibleProjects(ctx).map((p) => projectJson(ctx.view, p))) },
  {
    method: 'GET',
    path: `${A3}/project/search`,
    auth: 'anonymous',
    handler: (ctx) =>
      ok(
        offsetPage(
          ctx,
          visibleProjects(ctx).map((p) => projectJson(ctx.view, p)),
        ),
      ),
  },
  {
    method: 'GET',
    path: `${A3}/project/:project`,
    handler: (ctx) => {
      const p = projectParam(ctx);
      return ok({
        ...projectJson(ctx.view, p),
        issueTypes: p.issueTypes.map((t) => issueTypeJson(ctx.view, p, t.id)),
        description: '',
        style: p.projectTypeKey === 'software' ? 'next-gen' : 'classic',
      });
    },
  },
  {
    method: 'GET',
    path: `${A3}/project/:project/statuses`,
    handler: (ctx) => {
      const p = projectParam(ctx);
      return ok(
        p.issueTypes.map((t) => ({
          self: `${ctx.view.base}${A3}/issuetype/${t.id}`,
          id: t.id,
          name: t.name,
          subtask: false,
          statuses: p.statuses.map((s) => statusJson(ctx.view, s)),
        })),
      );
    },
  },
  {
    method: 'GET',
    path: `${A3}/issuetype`,
    handler: (ctx) =>
      ok(
        visibleProjects(ctx).flatMap((p) =>
          p.issueTypes.map((t) => ({ ...issueTypeJson(ctx.view, p, t.id), scope: { type: 'PROJECT', project: { id: p.id } } })),
        ),
      ),
  },
  {
    method: 'GET',
    path: `${A3}/issuetype/project`,
    handler: (ctx) => {
      const p = ctx.state.project(ctx.query.projectId ?? '');
      if (!p) throw notFound('No project could be found.');
      return ok(p.issueTypes.map((t) => issueTypeJson(ctx.view, p, t.id)));
    },
  },
  {
    method: 'GET',
    path: `${A3}/field`,
    handler: (ctx) =>
      ok(
        fieldCatalogue(ctx.state).map((f) => ({
          id: f.id,
          key: f.id,
          name: f.name,
          custom: f.custom,
          orderable: f.onEdit,
          navigable: true,
          searchable: true,
          clauseNames: f.custom ? [`cf[${f.id.replace('customfield_', '')}]`, f.name] : [f.id],
          schema: f.schema,
          ...(f.custom ? { untranslatedName: f.name } : {}),
        })),
      ),
  },
  { method: 'GET', path: `${A3}/priority`, handler: (ctx) => ok(PRIORITIES.map((p) => priorityFull(ctx, p))) },
  {
    method: 'GET',
    path: `${A3}/priority/search`,
    handler: (ctx) =>
      ok(
        offsetPage(
          ctx,
          PRIORITIES.map((p) => priorityFull(ctx, p)),
        ),
      ),
  },
  { method: 'GET', path: `${A3}/resolution`, handler: (ctx) => ok(RESOLUTIONS.map((r) => ({ self: `${ctx.view.base}${A3}/resolution/${r.id}`, ...r }))) },
  {
    method: 'GET',
    path: `${A3}/resolution/search`,
    handler: (ctx) =>
      ok(
        offsetPage(
          ctx,
          RESOLUTIONS.map((r) => ({ ...r, isDefault: r.id === '10000' })),
        ),
      ),
  },
  { method: 'GET', path: `${A3}/status`, handler: (ctx) => ok(visibleProjects(ctx).flatMap((p) => p.statuses.map((s) => statusJson(ctx.view, s)))) },
  {
    method: 'GET',
    path: `${A3}/statuses/search`,
    handler: (ctx) => {
      const project = ctx.query.projectId ? ctx.state.project(ctx.query.projectId) : undefined;
      const projects = project ? [project] : visibleProjects(ctx);
      const values = projects.flatMap((p) =>
        p.statuses.map((s) => ({
          id: s.id,
          name: s.name,
          statusCategory: ({ new: 'TODO', indeterminate: 'IN_PROGRESS', done: 'DONE' } as const)[s.category],
          scope: { type: 'PROJECT', project: { id: p.id } },
          description: '',
          usages: [],
        })),
      );
      return ok(offsetPage(ctx, values, 200));
    },
  },
  {
    method: 'GET',
    path: `${A3}/statuscategory`,
    handler: (ctx) =>
      ok(
        Object.entries(CATEGORIES).map(([key, c]) => ({
          self: `${ctx.view.base}${A3}/statuscategory/${c.id}`,
          id: c.id,
          key,
          colorName: c.colorName,
          name: c.name,
        })),
      ),
  },
  { method: 'GET', path: `${A3}/attachment/meta`, handler: () => ok({ enabled: true, uploadLimit: 100 * 1024 * 1024 }) },
];

function priorityFull(ctx: JCtx, p: (typeof PRIORITIES)[number]) {
  return {
    self: `${ctx.view.base}${A3}/priority/${p.id}`,
    statusColor: '#ffab00',
    description: p.name,
    iconUrl: `${ctx.view.site}/images/icons/priorities/${p.name.toLowerCase()}.svg`,
    name: p.name,
    id: p.id,
    isDefault: p.id === '3',
  };
}
