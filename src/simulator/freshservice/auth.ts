import { accessDenied, ApiError, invalidCredentials, unsupportedAuth } from './errors.ts';
import type { AgentExtra, RoleName, Ticket, User } from './model.ts';
import type { SimulatorState } from './state.ts';

export type Agent = User & { agent: AgentExtra };

/**
 * Basic auth with the API key as user name and any password [Docs]. A user name containing "@" is the
 * removed user/password style, answered with unsupported_authentication_type [Docs].
 */
export function authenticate(state: SimulatorState, header: string | undefined): Agent {
  if (!header) throw invalidCredentials();
  const m = /^Basic\s+(\S+)$/i.exec(header.trim());
  if (!m?.[1] || !/^[A-Za-z0-9+/]+={0,2}$/.test(m[1])) throw invalidCredentials();
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  if (user.includes('@')) throw unsupportedAuth();
  const agent = state.agentByKey(user);
  if (!agent) throw invalidCredentials();
  // How a disabled or deactivated agent's key is answered is Unknown; 401 is the default (switchable).
  if (!agent.active || !agent.agent.api_key_enabled) {
    if (state.options.disabledKeyStatus === 403) throw accessDenied();
    throw invalidCredentials();
  }
  return agent;
}

/** The built-in roles whose privileges the agent has, through whatever its roles are called. */
export function roleNamesOf(state: SimulatorState, agent: Agent): Set<RoleName> {
  const names = new Set<RoleName>();
  for (const r of agent.agent.roles) {
    for (const n of state.roles.get(r.role_id)?.acts_as ?? []) names.add(n);
  }
  return names;
}

/** Privileges, not names: an SD Supervisor or a custom role acting as IT Supervisor passes `'IT Supervisor'`. */
export function hasRole(state: SimulatorState, agent: Agent, ...anyOf: RoleName[]): boolean {
  const held = roleNamesOf(state, agent);
  return anyOf.some((r) => held.has(r));
}

export function requireRole(state: SimulatorState, agent: Agent, ...anyOf: RoleName[]): void {
  if (!hasRole(state, agent, ...anyOf)) throw accessDenied();
}

/** Tickets, conversations, attachments and time entries need an agent role that works tickets. */
export function requireTicketRole(state: SimulatorState, agent: Agent): void {
  requireRole(state, agent, 'IT Agent', 'IT Supervisor');
}

/**
 * Group scope: union over the agent's agent roles of what each role's assignment scope grants. Admin
 * roles (Account Admin is only ever assigned globally) do not widen which tickets an agent sees.
 */
export function ticketScope(state: SimulatorState, agent: Agent): { all: true } | { all: false; groups: Set<number> } {
  const groups = new Set<number>();
  for (const r of agent.agent.roles) {
    if (state.roles.get(r.role_id)?.role_type === 1) continue;
    if (r.assignment_scope === 'entire_helpdesk') return { all: true };
    if (r.assignment_scope === 'specified_groups') for (const g of r.groups) groups.add(g);
    if (r.assignment_scope === 'member_groups') for (const g of agent.agent.member_of) groups.add(g);
  }
  return { all: false, groups };
}

export function canSeeTicket(state: SimulatorState, agent: Agent, ticket: Ticket): boolean {
  const scope = ticketScope(state, agent);
  if (scope.all) return true;
  if (ticket.responder_id === agent.id) return true;
  return ticket.group_id !== null && scope.groups.has(ticket.group_id);
}

export function canUseGroup(state: SimulatorState, agent: Agent, groupId: number | null): boolean {
  const scope = ticketScope(state, agent);
  if (scope.all || groupId === null) return true;
  return scope.groups.has(groupId);
}

export function assertCanSee(state: SimulatorState, agent: Agent, ticket: Ticket): void {
  if (!canSeeTicket(state, agent, ticket)) throw accessDenied();
}

export { ApiError };
