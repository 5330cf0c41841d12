import type { FreshserviceRole } from './schemas.ts';

/**
 * What the integration agent must be able to do, named after the setup guide's roles (Step 1.2):
 * IT Agent — work tickets; IT Supervisor — elevated ticket management; Account Admin — user and field
 * value lookups.
 */
export const REQUIRED_ROLES = ['IT Agent', 'IT Supervisor', 'Account Admin'] as const;
export type RequiredRole = (typeof REQUIRED_ROLES)[number];

export type RoleKind = 'admin' | 'agent';

/**
 * Built-in roles whose rights are known, lower-cased. Older accounts (before advanced role management)
 * call the agent roles SD Agent and SD Supervisor; the manager roles work other modules, not tickets.
 * Everything else (custom roles, Admin, Workspace Admin, Business …) is judged by what the API shows.
 */
const STANDARD_ROLES: Record<string, { kind: RoleKind; grants: RequiredRole[] }> = {
  'account admin': { kind: 'admin', grants: ['Account Admin'] },
  'it supervisor': { kind: 'agent', grants: ['IT Agent', 'IT Supervisor'] },
  'sd supervisor': { kind: 'agent', grants: ['IT Agent', 'IT Supervisor'] },
  'it agent': { kind: 'agent', grants: ['IT Agent'] },
  'sd agent': { kind: 'agent', grants: ['IT Agent'] },
  'problem manager': { kind: 'agent', grants: [] },
  'change manager': { kind: 'agent', grants: [] },
  'release manager': { kind: 'agent', grants: [] },
  'configuration manager': { kind: 'agent', grants: [] },
};

export interface RoleRights {
  id: number;
  name: string;
  kind: RoleKind;
  grants: RequiredRole[];
  /** false: a role the guide does not name, whose grants were inferred from role_type and scopes. */
  standard: boolean;
}

/** `role_type` 1 is an admin role, 2 an agent role [spec 7.2]; older payloads lack it, so names decide. */
export function kindOf(role: Pick<FreshserviceRole, 'name' | 'role_type'>): RoleKind {
  if (role.role_type === 1) return 'admin';
  if (role.role_type === 2) return 'agent';
  const std = STANDARD_ROLES[role.name.trim().toLowerCase()];
  if (std) return std.kind;
  return /\badmin\b/i.test(role.name) ? 'admin' : 'agent';
}

/** The role's ticket scope as the older `scopes` object states it (`"Global Access"` …), when it does. */
export function ticketScopeOf(role: Pick<FreshserviceRole, 'scopes'>): string | null {
  const s = role.scopes;
  if (!s || typeof s !== 'object') return null;
  const t = (s as Record<string, unknown>).ticket;
  return typeof t === 'string' && t.trim() !== '' ? t.trim() : null;
}

/**
 * What one role lets the agent do. Freshservice's API shows a role's type and (on older accounts) its
 * scopes, not its privileges: a custom agent role that reaches tickets is given the benefit of the doubt
 * for elevated ticket management, and Test Connection says so in a warning naming the role.
 */
export function rightsOf(role: FreshserviceRole): RoleRights {
  const std = STANDARD_ROLES[role.name.trim().toLowerCase()];
  const kind = kindOf(role);
  if (std && std.kind === kind) return { id: role.id, name: role.name, kind, grants: [...std.grants], standard: true };
  if (kind === 'admin') return { id: role.id, name: role.name, kind, grants: ['Account Admin'], standard: false };
  // A `scopes` object without a ticket entry says the role does not reach tickets at all.
  const reachesTickets = role.scopes == null || ticketScopeOf(role) !== null;
  return { id: role.id, name: role.name, kind, grants: reachesTickets ? ['IT Agent', 'IT Supervisor'] : [], standard: false };
}

export interface RoleAssessment {
  /** Names of the roles the agent holds (ids the role list lacks as "Role <id>"). */
  held: string[];
  /** Required roles whose rights no held role gives. */
  missing: RequiredRole[];
  /** One per non-standard role that stands in for a required role, naming it. */
  warnings: string[];
}

/** Judges the agent's roles by the rights they give, so renamed and custom roles pass (with a warning). */
export function assessRoles(agentRoleIds: number[], roles: FreshserviceRole[]): RoleAssessment {
  const byId = new Map(roles.map((r) => [r.id, r]));
  const held: string[] = [];
  const rights: RoleRights[] = [];
  for (const id of agentRoleIds) {
    const role = byId.get(id);
    held.push(role?.name ?? `Role ${id}`);
    if (role) rights.push(rightsOf(role));
  }
  const coveredByStandard = new Set(rights.filter((r) => r.standard).flatMap((r) => r.grants));
  const covered = new Set(rights.flatMap((r) => r.grants));
  const warnings: string[] = [];
  for (const r of rights) {
    if (r.standard) continue;
    const standsIn = r.grants.filter((g) => !coveredByStandard.has(g));
    if (standsIn.length === 0) continue;
    warnings.push(
      `The role "${r.name}" is not one the setup guide names; it is counted in place of ${standsIn.join(' and ')}. ` +
        `Freshservice's API does not show a role's privileges, so make sure "${r.name}" allows what ${standsIn.join(' and ')} ${standsIn.length > 1 ? 'allow' : 'allows'}.`,
    );
  }
  return { held, missing: REQUIRED_ROLES.filter((r) => !covered.has(r)), warnings };
}
