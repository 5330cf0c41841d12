import type { FreshserviceAgent, FreshserviceGroup } from './schemas.ts';

export const REQUIRED_ROLES = ['IT Agent', 'IT Supervisor', 'Account Admin'] as const;

export interface GroupAccess {
  scope: 'all' | 'selected';
  groupIds: number[];
}

/**
 * "Member of All Groups" is a role assigned with the entire-helpdesk scope; otherwise the agent sees the
 * groups of its roles' specified scope plus the groups it is a member of (member_groups scope).
 */
export function groupAccessOf(agent: FreshserviceAgent): GroupAccess {
  const roles = agent.roles ?? [];
  if (roles.some((r) => r.assignment_scope === 'entire_helpdesk')) return { scope: 'all', groupIds: [] };
  const ids = new Set<number>();
  for (const r of roles) {
    if (r.assignment_scope === 'specified_groups') for (const g of r.groups ?? []) ids.add(g);
    if (r.assignment_scope === 'member_groups') for (const g of agent.member_of ?? []) ids.add(g);
  }
  return { scope: 'selected', groupIds: [...ids] };
}

export function namedGroups(ids: number[], groups: FreshserviceGroup[]): Array<{ id: number; name: string }> {
  const byId = new Map(groups.map((g) => [g.id, g.name]));
  return ids.map((id) => ({ id, name: byId.get(id) ?? `Group ${id}` }));
}

/** Role names compared without case: admins type custom roles with varying capitals. */
export function missingRoles(heldNames: string[]): string[] {
  const held = new Set(heldNames.map((n) => n.trim().toLowerCase()));
  return REQUIRED_ROLES.filter((r) => !held.has(r.toLowerCase()));
}
