import { z } from 'zod';

// Raw Freshservice payloads, parsed rather than cast: a body of another shape means "not the API".
// Only the fields the connector reads are declared; zod keeps unknown keys out of the result.

export const FreshserviceAgentRole = z.object({
  role_id: z.number(),
  assignment_scope: z.string().nullable().optional(),
  groups: z.array(z.number()).nullable().optional(),
});

export const FreshserviceAgent = z.object({
  id: z.number(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable().optional(),
  email: z.string().nullable(),
  active: z.boolean().optional(),
  api_key_enabled: z.boolean().optional(),
  member_of: z.array(z.number()).nullable().optional(),
  roles: z.array(FreshserviceAgentRole).nullable().optional(),
});
export type FreshserviceAgent = z.infer<typeof FreshserviceAgent>;

// role_type: 1 admin role, 2 agent role; `scopes` (older payloads): module → "Global Access" | "Group Access" | "Restricted Access".
// Read loosely: an odd value in either must not make the role list look like "not the API".
export const FreshserviceRole = z.object({
  id: z.number(),
  name: z.string(),
  role_type: z.number().nullable().optional().catch(undefined),
  scopes: z.record(z.string(), z.unknown()).nullable().optional().catch(undefined),
});
export type FreshserviceRole = z.infer<typeof FreshserviceRole>;

export const FreshserviceGroup = z.object({ id: z.number(), name: z.string() });
export type FreshserviceGroup = z.infer<typeof FreshserviceGroup>;

export const AgentEnvelope = z.object({ agent: FreshserviceAgent });
export const RolesEnvelope = z.object({ roles: z.array(FreshserviceRole) });
export const GroupsEnvelope = z.object({ groups: z.array(FreshserviceGroup) });
export const TicketsEnvelope = z.object({ tickets: z.array(z.object({ id: z.number() }).passthrough()) });
export const RequestersEnvelope = z.object({ requesters: z.array(z.object({ id: z.number() }).passthrough()) });
