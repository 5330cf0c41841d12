import type { FastifyRequest } from 'fastify';
import { recordAuditEvent, type AuditAction } from '../db/repositories/audit-log.ts';
import type { Db } from '../db/database.ts';

/** What the audit log shows in place of a secret: never the secret, nor a part of it. */
export const SECRET_CHANGED = '•••• (changed)';
export const SECRET_UNCHANGED = '•••• (unchanged)';
export const SECRET_SET = '•••• (set)';

/**
 * Records an audit event for the request's user, in the user's own organisation (for a connection shared
 * by two organisations, the acting one). Called by route handlers after the change succeeded; `before`
 * and `after` must already be masked.
 */
export async function audit(
  db: Db,
  req: FastifyRequest,
  e: { action: AuditAction; target: { type: string; id?: string | null; label?: string | null }; before?: unknown; after?: unknown },
): Promise<void> {
  const a = req.auth!;
  await recordAuditEvent(db, { organisationId: a.organisationId, actor: { userId: a.userId, email: a.email }, ...e });
}

/**
 * Records the event in the acting organisation and in the partner organisation of the shared connection
 * `c`: a change to what is written into one organisation's platform must show in that organisation's log,
 * whoever made it (issue 11 item 3). The partner's copy names the acting user, as the proposal does.
 */
export async function auditBothSides(
  db: Db,
  req: FastifyRequest,
  c: { source: { id: string } | null; target: { id: string } | null },
  e: { action: AuditAction; target: { type: string; id?: string | null; label?: string | null }; before?: unknown; after?: unknown },
): Promise<void> {
  const a = req.auth!;
  for (const org of new Set([a.organisationId, c.source?.id, c.target?.id].filter((x): x is string => !!x))) {
    await recordAuditEvent(db, { organisationId: org, actor: { userId: a.userId, email: a.email }, ...e });
  }
}

/** An API override as the audit log shows it: the URL, and whether the key changed. */
export function maskedOverride(
  o: { apiUrl: string; apiKeyCiphertext: string } | null,
  previous?: { apiKeyCiphertext: string } | null,
): { apiUrl: string; apiKey: string } | null {
  if (!o) return null;
  if (previous === undefined) return { apiUrl: o.apiUrl, apiKey: SECRET_SET };
  return { apiUrl: o.apiUrl, apiKey: previous && previous.apiKeyCiphertext === o.apiKeyCiphertext ? SECRET_UNCHANGED : SECRET_CHANGED };
}
