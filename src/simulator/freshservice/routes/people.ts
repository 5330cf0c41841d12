import { z } from 'zod';
import { requireRole } from '../auth.ts';
import { fieldError, notFound, validationFailed } from '../errors.ts';
import type { User } from '../model.ts';
import { checkQuery, evaluate, parseQueryParam, type FieldAccess } from '../query-language.ts';
import { PAGING } from '../query-params.ts';
import type { ApiResult, Ctx, RouteDef } from '../router.ts';
import { agentJson, requesterJson } from '../serialize.ts';
import { paginate, parseBody } from '../validate.ts';

const isAdmin = (ctx: Ctx) => requireRole(ctx.state, ctx.agent, 'Account Admin');

/** Agents and requesters lists are "always sorted by first name" [Docs]. */
const byFirstName = (a: User, b: User) => a.first_name.localeCompare(b.first_name) || a.id - b.id;

function findUser(ctx: Ctx, agent: boolean): User {
  const u = ctx.state.users.get(Number(ctx.params.id));
  if (!u || (agent && !u.agent)) throw notFound(ctx.state.options.notFoundBody === 'json');
  return u;
}

const userQueryFields: Record<string, FieldAccess<User>> = {
  first_name: { kind: 'string', get: (u) => u.first_name },
  last_name: { kind: 'string', get: (u) => u.last_name },
  name: { kind: 'string', get: (u) => [u.first_name, u.last_name].filter(Boolean).join(' ') },
  job_title: { kind: 'string', get: (u) => u.job_title },
  primary_email: { kind: 'string', get: (u) => u.email },
  email: { kind: 'string', get: (u) => u.email },
  work_phone_number: { kind: 'string', get: (u) => u.work_phone_number },
  mobile_phone_number: { kind: 'string', get: (u) => u.mobile_phone_number },
  department_id: { kind: 'tags', get: (u) => u.department_ids.map(String) },
  reporting_manager_id: { kind: 'number', get: (u) => u.reporting_manager_id },
  location_id: { kind: 'number', get: (u) => u.location_id },
  time_zone: { kind: 'string', get: (u) => u.time_zone },
  language: { kind: 'string', get: (u) => u.language },
  created_at: { kind: 'date', get: (u) => u.created_at },
  updated_at: { kind: 'date', get: (u) => u.updated_at },
};

/** Shared filters of /agents and /requesters: email, phones, active, and the query language. */
function filterUsers(ctx: Ctx, users: User[]): User[] {
  const q = ctx.query;
  let out = users;
  if (q.email !== undefined)
    out = out.filter((u) => u.email?.toLowerCase() === q.email!.toLowerCase() || u.secondary_emails.some((s) => s.toLowerCase() === q.email!.toLowerCase()));
  if (q.mobile_phone_number !== undefined) out = out.filter((u) => u.mobile_phone_number === q.mobile_phone_number);
  if (q.work_phone_number !== undefined) out = out.filter((u) => u.work_phone_number === q.work_phone_number);
  if (q.active !== undefined) {
    if (q.active !== 'true' && q.active !== 'false') throw fieldError('active', 'invalid_value', "It should be one of these values: 'true,false'");
    out = out.filter((u) => u.active === (q.active === 'true'));
  }
  if (q.query !== undefined) {
    const node = parseQueryParam(q.query);
    checkQuery(node, userQueryFields);
    // Filtered results come back newest first and cannot be re-sorted [Docs].
    return out.filter((u) => evaluate(node, u, userQueryFields)).sort((a, b) => b.created_at - a.created_at || b.id - a.id);
  }
  return out.sort(byFirstName);
}

// https://api.freshservice.com/#list_all_agents
function listAgents(ctx: Ctx): ApiResult {
  isAdmin(ctx);
  let agents = ctx.state.agents();
  const st = ctx.query.state;
  if (st !== undefined) {
    if (st !== 'fulltime' && st !== 'occasional') throw fieldError('state', 'invalid_value', "It should be one of these values: 'fulltime,occasional'");
    agents = agents.filter((a) => a.agent?.occasional === (st === 'occasional'));
  }
  const page = paginate(filterUsers(ctx, agents), ctx.query, ctx.baseUrl, '/api/v2/agents');
  return { status: 200, headers: page.headers, body: { agents: page.items.map((a) => agentJson(a, ctx.state)) } };
}

// https://api.freshservice.com/#list_all_requesters — requesters only unless include_agents=true.
function listRequesters(ctx: Ctx): ApiResult {
  isAdmin(ctx);
  const withAgents = ctx.query.include_agents === 'true';
  const users = [...ctx.state.users.values()].filter((u) => withAgents || u.agent === null);
  const page = paginate(filterUsers(ctx, users), ctx.query, ctx.baseUrl, '/api/v2/requesters');
  return { status: 200, headers: page.headers, body: { requesters: page.items.map(requesterJson) } };
}

const RequesterCreate = z.strictObject({
  first_name: z.string().min(1),
  last_name: z.string().optional(),
  job_title: z.string().optional(),
  primary_email: z.string().optional(),
  secondary_emails: z.array(z.string()).optional(),
  work_phone_number: z.string().optional(),
  mobile_phone_number: z.string().optional(),
  department_ids: z.array(z.number().int()).optional(),
  reporting_manager_id: z.number().int().optional(),
  address: z.string().optional(),
  time_zone: z.string().optional(),
  time_format: z.enum(['12h', '24h']).optional(),
  language: z.string().optional(),
  location_id: z.number().int().optional(),
  background_information: z.string().optional(),
  custom_fields: z.record(z.string(), z.unknown()).optional(),
  external_id: z.string().optional(),
});

// https://api.freshservice.com/#create_requester
function createRequester(ctx: Ctx): ApiResult {
  isAdmin(ctx);
  const input = parseBody(RequesterCreate, ctx.body);
  if (!input.primary_email && !input.work_phone_number && !input.mobile_phone_number) {
    throw validationFailed([
      { field: 'primary_email', message: 'Please fill at least 1 of primary_email, work_phone_number, mobile_phone_number fields', code: 'missing_field' },
    ]);
  }
  if (input.primary_email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.primary_email))
    throw fieldError('primary_email', 'invalid_value', 'It is not a valid email');
  // The docs' table marks last_name mandatory; blank counts as missing.
  if (ctx.state.options.requesterLastNameRequired && !input.last_name?.trim()) throw fieldError('last_name', 'missing_field', 'It should be a/an String');
  // Duplicate e-mail: 409 with the validation body, as Freshdesk does [Inferred].
  if (input.primary_email && ctx.state.userByEmail(input.primary_email))
    throw validationFailed([{ field: 'primary_email', message: `It should be a unique value (${input.primary_email})`, code: 'duplicate_value' }], 409);
  for (const d of input.department_ids ?? [])
    if (!ctx.state.departments.has(d)) throw fieldError('department_ids', 'invalid_value', 'There is no department matching the given department_ids');
  const { primary_email, ...rest } = input;
  const user = ctx.state.createUser({ ...rest, email: primary_email?.toLowerCase() ?? null });
  return { status: 201, headers: { location: `${ctx.baseUrl}/api/v2/requesters/${user.id}` }, body: { requester: requesterJson(user) } };
}

export const peopleRoutes: RouteDef[] = [
  // /agents/me needs no agent-management permission [Seen, community thread].
  { method: 'GET', path: '/agents/me', handler: (ctx) => ({ status: 200, body: { agent: agentJson(ctx.agent, ctx.state) } }) },
  {
    method: 'GET',
    path: '/agents',
    op: 'list_agents',
    query: ['email', 'mobile_phone_number', 'work_phone_number', 'active', 'state', 'query', ...PAGING],
    handler: listAgents,
  },
  { method: 'GET', path: '/agents/:id', handler: (ctx) => (isAdmin(ctx), { status: 200, body: { agent: agentJson(findUser(ctx, true), ctx.state) } }) },
  {
    method: 'GET',
    path: '/requesters',
    op: 'list_requesters',
    query: ['email', 'mobile_phone_number', 'work_phone_number', 'active', 'query', 'include_agents', ...PAGING],
    handler: listRequesters,
  },
  { method: 'POST', path: '/requesters', body: 'json', handler: createRequester },
  { method: 'GET', path: '/requesters/:id', handler: (ctx) => (isAdmin(ctx), { status: 200, body: { requester: requesterJson(findUser(ctx, false)) } }) },
];
