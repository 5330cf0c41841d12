import { kindOf, ticketScopeOf } from './role-rights.ts';
import type { FreshserviceAgent, FreshserviceGroup, FreshserviceRole } from './schemas.ts';

export interface GroupAccess {
  scope: 'all' | 'selected';
  groupIds: number[];
  /** Some agent role's scope is "Assigned tickets": it reaches the tickets assigned to the agent. */
  assignedTickets: boolean;
}

type Scope = 'entire_helpdesk' | 'member_groups' | 'specified_groups' | 'assigned_items' | null;

/** Older payloads carry no assignment_scope; the role's `scopes.ticket` says the same thing in words. */
function scopeFromRole(role: FreshserviceRole | undefined): Scope {
  switch (role && ticketScopeOf(role)?.toLowerCase()) {
    case 'global access':
      return 'entire_helpdesk';
    case 'group access':
      return 'member_groups';
    case 'restricted access':
      return 'assigned_items';
    default:
      return null;
  }
}

/**
 * Which tickets the agent reaches, from its agent roles' ticket scope: "All Groups" when one of them is
 * assigned for the entire helpdesk, else the groups of the specified-groups roles plus, for member-groups
 * roles, the groups it is a member of. Admin roles do not count: Account Admin is always assigned
 * globally, and says nothing about the tickets an agent in selected groups can see.
 */
export function groupAccessOf(agent: FreshserviceAgent, roles: FreshserviceRole[] = []): GroupAccess {
  const byId = new Map(roles.map((r) => [r.id, r]));
  const ids = new Set<number>();
  let assignedTickets = false;
  for (const r of agent.roles ?? []) {
    const role = byId.get(r.role_id);
    if (role && kindOf(role) === 'admin') continue;
    const scope = (r.assignment_scope as Scope | undefined) ?? scopeFromRole(role);
    if (scope === 'entire_helpdesk') return { scope: 'all', groupIds: [], assignedTickets: false };
    if (scope === 'specified_groups') for (const g of r.groups ?? []) ids.add(g);
    if (scope === 'member_groups') for (const g of agent.member_of ?? []) ids.add(g);
    if (scope === 'assigned_items') assignedTickets = true;
  }
  return { scope: 'selected', groupIds: [...ids], assignedTickets };
}

export function namedGroups(ids: number[], groups: FreshserviceGroup[]): Array<{ id: number; name: string }> {
  const byId = new Map(groups.map((g) => [g.id, g.name]));
  return ids.map((id) => ({ id, name: byId.get(id) ?? `Group ${id}` }));
}
