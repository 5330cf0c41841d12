import { z } from 'zod';
import { hasRole, requireRole } from '../auth.ts';
import { accessDenied, fieldError, notFound } from '../errors.ts';
import { PAGING } from '../query-params.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { departmentJson, groupJson, roleJson, workspaceJson } from '../serialize.ts';
import { PRIMARY_WORKSPACE_ID } from '../state.ts';
import { ticketFormFields } from '../ticket-fields.ts';
import { paginate, parseBody, positiveIntParam } from '../validate.ts';

const isAdmin = (ctx: Ctx) => requireRole(ctx.state, ctx.agent, 'Account Admin');
const missing = (ctx: Ctx) => notFound(ctx.state.options.notFoundBody === 'json');

function workspaceParam(ctx: Ctx): number {
  const ws = positiveIntParam(ctx.query, 'workspace_id') ?? PRIMARY_WORKSPACE_ID;
  if (!ctx.state.workspaces.has(ws)) throw fieldError('workspace_id', 'invalid_value', 'There is no workspace matching the given workspace_id');
  return ws;
}

/** An account from before workspaces has no such endpoint. */
function noWorkspaces(ctx: Ctx): void {
  if (!ctx.state.options.workspacesEndpoint) throw missing(ctx);
}

// Listing groups is open to ticket-working roles and to admins [brief; Docs say "view" permission].
function canReadGroups(ctx: Ctx): void {
  if (!hasRole(ctx.state, ctx.agent, 'IT Agent', 'IT Supervisor', 'Account Admin')) throw accessDenied();
}

function findGroup(ctx: Ctx) {
  const g = ctx.state.groups.get(Number(ctx.params.id));
  if (!g) throw missing(ctx);
  return g;
}

const GroupWrite = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  escalate_to: z.number().int().nullable().optional(),
  unassigned_for: z.enum(['30m', '1h', '2h', '4h', '8h', '12h', '1d', '2d', '3d']).nullable().optional(),
  business_hours_id: z.number().int().nullable().optional(),
  members: z.array(z.number().int()).optional(),
  observers: z.array(z.number().int()).optional(),
  leaders: z.array(z.number().int()).optional(),
  restricted: z.boolean().optional(),
  approval_required: z.boolean().optional(),
  auto_ticket_assign: z.boolean().optional(),
  workspace_id: z.number().int().optional(),
});

/** Keeps agents' member_of in step with a group's members list. */
function syncMembership(ctx: Ctx, groupId: number, members: number[]): void {
  for (const a of ctx.state.agents()) {
    const has = a.agent!.member_of.includes(groupId);
    const should = members.includes(a.id);
    if (has && !should) a.agent!.member_of = a.agent!.member_of.filter((g) => g !== groupId);
    if (!has && should) a.agent!.member_of.push(groupId);
  }
}

function checkMembers(ctx: Ctx, ids: number[] | undefined, field: string): void {
  for (const id of ids ?? []) if (!ctx.state.users.get(id)?.agent) throw fieldError(field, 'invalid_value', `There is no agent matching the given ${field}`);
}

function createGroup(ctx: Ctx): ApiResult {
  isAdmin(ctx);
  const input = parseBody(GroupWrite.extend({ name: z.string().min(1) }), ctx.body);
  checkMembers(ctx, input.members, 'members');
  const ws = input.workspace_id ?? PRIMARY_WORKSPACE_ID;
  if (!ctx.state.workspaces.has(ws)) throw fieldError('workspace_id', 'invalid_value', 'There is no workspace matching the given workspace_id');
  if ([...ctx.state.groups.values()].some((g) => g.name.toLowerCase() === input.name.toLowerCase() && g.workspace_id === ws))
    throw fieldError('name', 'duplicate_value', 'It should be a unique value');
  const now = ctx.state.nowMs();
  const id = ctx.state.nextId('group');
  const group = {
    id,
    description: null,
    escalate_to: null,
    unassigned_for: null,
    business_hours_id: null,
    members: [],
    observers: [],
    leaders: [],
    restricted: false,
    approval_required: false,
    auto_ticket_assign: false,
    ...input,
    workspace_id: ws,
    created_at: now,
    updated_at: now,
  };
  ctx.state.groups.set(id, group);
  syncMembership(ctx, id, group.members);
  return { status: 201, headers: { location: `${ctx.baseUrl}/api/v2/groups/${id}` }, body: { group: groupJson(group) } };
}

function updateGroup(ctx: Ctx): ApiResult {
  isAdmin(ctx);
  const g = findGroup(ctx);
  const input = parseBody(GroupWrite.omit({ workspace_id: true }), ctx.body);
  checkMembers(ctx, input.members, 'members');
  Object.assign(g, input, { updated_at: ctx.state.nowMs() });
  if (input.members) syncMembership(ctx, g.id, input.members);
  return { status: 200, body: { group: groupJson(g) } };
}

function deleteGroup(ctx: Ctx): ApiResult {
  isAdmin(ctx);
  const g = findGroup(ctx);
  ctx.state.groups.delete(g.id);
  syncMembership(ctx, g.id, []);
  return { status: 204 };
}

export const orgRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/roles',
    query: PAGING,
    handler: (ctx) => (isAdmin(ctx), listOf(ctx, '/api/v2/roles', 'roles', [...ctx.state.roles.values()].map(roleJson))),
  },
  { method: 'GET', path: '/roles/:id', handler: (ctx) => (isAdmin(ctx), one(ctx, 'role', ctx.state.roles.get(Number(ctx.params.id)), roleJson)) },
  {
    method: 'GET',
    path: '/groups',
    query: ['workspace_id', ...PAGING],
    handler: (ctx) => {
      canReadGroups(ctx);
      const ws = workspaceParam(ctx);
      return listOf(ctx, '/api/v2/groups', 'groups', [...ctx.state.groups.values()].filter((g) => g.workspace_id === ws).map(groupJson));
    },
  },
  { method: 'POST', path: '/groups', body: 'json', handler: createGroup },
  { method: 'GET', path: '/groups/:id', handler: (ctx) => (canReadGroups(ctx), { status: 200, body: { group: groupJson(findGroup(ctx)) } }) },
  { method: 'PUT', path: '/groups/:id', body: 'json', handler: updateGroup },
  { method: 'DELETE', path: '/groups/:id', handler: deleteGroup },
  {
    method: 'GET',
    path: '/departments',
    query: PAGING,
    handler: (ctx) => (isAdmin(ctx), listOf(ctx, '/api/v2/departments', 'departments', [...ctx.state.departments.values()].map(departmentJson))),
  },
  {
    method: 'GET',
    path: '/departments/:id',
    handler: (ctx) => (isAdmin(ctx), one(ctx, 'department', ctx.state.departments.get(Number(ctx.params.id)), departmentJson)),
  },
  {
    method: 'GET',
    path: '/workspaces',
    query: PAGING,
    handler: (ctx) => (isAdmin(ctx), noWorkspaces(ctx), listOf(ctx, '/api/v2/workspaces', 'workspaces', [...ctx.state.workspaces.values()].map(workspaceJson))),
  },
  {
    method: 'GET',
    path: '/workspaces/:id',
    handler: (ctx) => (isAdmin(ctx), noWorkspaces(ctx), one(ctx, 'workspace', ctx.state.workspaces.get(Number(ctx.params.id)), workspaceJson)),
  },
  {
    method: 'GET',
    path: '/ticket_form_fields',
    query: ['workspace_id'],
    handler: (ctx) => (isAdmin(ctx), { status: 200, body: { ticket_fields: ticketFormFields(ctx.state, workspaceParam(ctx)) } }),
  },
];

function listOf(ctx: Ctx, path: string, key: string, items: unknown[]): ApiResult {
  const page = paginate(items, ctx.query, ctx.baseUrl, path);
  return { status: 200, headers: page.headers, body: { [key]: page.items } };
}

function one<T>(ctx: Ctx, key: string, item: T | undefined, json: (x: T) => unknown): ApiResult {
  if (item === undefined) throw missing(ctx);
  return { status: 200, body: { [key]: json(item) } };
}
