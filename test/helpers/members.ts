import type { FastifyInstance } from 'fastify';

export type MemberRole = 'admin' | 'member' | 'viewer';

export interface InvitedMember {
  id: string;
  email: string;
  password: string;
  role: MemberRole;
  token: string;
  auth: { authorization: string };
}

/** The token at the end of an invitation URL. */
export const tokenOfUrl = (url: string) => new URL(url).pathname.split('/').pop()!;

/** An admin invites someone with `role` through the API; they accept the link (and are logged in). */
export async function inviteMember(
  app: FastifyInstance,
  adminAuth: Record<string, string>,
  role: MemberRole,
  suffix = Math.random().toString(36).slice(2, 8),
): Promise<InvitedMember> {
  const inv = await app.inject({ method: 'POST', url: '/api/v1/invitations', headers: adminAuth, payload: { role } });
  if (inv.statusCode !== 201) throw new Error(`invitation failed: ${inv.statusCode} ${inv.body}`);
  const email = `${role}-${suffix}@example.com`;
  const password = 'a long member password';
  const accepted = await app.inject({
    method: 'POST',
    url: `/api/v1/invitations/${tokenOfUrl(inv.json().url)}/accept`,
    payload: { email, password, name: `${role} ${suffix}` },
  });
  if (accepted.statusCode !== 201) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  const token = accepted.json().token as string;
  return { id: accepted.json().user.id, email, password, role, token, auth: { authorization: `Bearer ${token}` } };
}
