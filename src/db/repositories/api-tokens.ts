import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { UserWithOrganisation } from './accounts.ts';
import type { MemberRole } from './members.ts';

export interface ApiTokenRecord {
  id: string;
  organisationId: string;
  name: string;
  role: MemberRole;
  hint: string;
  owner: { id: string; email: string };
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/** A token as the bearer check finds it: its own state, and its owner as they are now. */
export interface ApiTokenLookup {
  id: string;
  role: MemberRole;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  owner: UserWithOrganisation;
}

const RECORD_COLUMNS = [
  'api_tokens.id',
  'api_tokens.organisation_id',
  'api_tokens.name',
  'api_tokens.role',
  'api_tokens.hint',
  'api_tokens.created_at',
  'api_tokens.expires_at',
  'api_tokens.last_used_at',
  'users.id as owner_id',
  'users.email as owner_email',
] as const;

type RecordRow = {
  id: string;
  organisation_id: string;
  name: string;
  role: string;
  hint: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  owner_id: string;
  owner_email: string;
};

const record = (r: RecordRow): ApiTokenRecord => ({
  id: r.id,
  organisationId: r.organisation_id,
  name: r.name,
  role: r.role as MemberRole,
  hint: r.hint,
  owner: { id: r.owner_id, email: r.owner_email },
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
});

export async function createApiToken(
  db: Db,
  input: { organisationId: string; userId: string; name: string; role: MemberRole; tokenHash: string; hint: string; expiresAt: Date | null },
): Promise<ApiTokenRecord> {
  const inserted = await db
    .insertInto('api_tokens')
    .values({
      organisation_id: input.organisationId,
      user_id: input.userId,
      name: input.name,
      role: input.role,
      token_hash: input.tokenHash,
      hint: input.hint,
      expires_at: input.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findApiToken(db, input.organisationId, inserted.id))!;
}

/** Tokens not revoked (expired ones included, marked by their date), newest first; one owner's, or the whole organisation's. */
export async function listApiTokens(db: Db, organisationId: string, ownerId?: string): Promise<ApiTokenRecord[]> {
  let q = db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(RECORD_COLUMNS)
    .where('api_tokens.organisation_id', '=', organisationId)
    .where('api_tokens.revoked_at', 'is', null);
  if (ownerId) q = q.where('api_tokens.user_id', '=', ownerId);
  const rows = await q.orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id', 'desc').execute();
  return rows.map(record);
}

export async function findApiToken(db: Db, organisationId: string, id: string): Promise<ApiTokenRecord | undefined> {
  const r = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(RECORD_COLUMNS)
    .where('api_tokens.organisation_id', '=', organisationId)
    .where('api_tokens.id', '=', id)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  return r && record(r);
}

/**
 * Revokes a token of the organisation (of `ownerId` only, when given); undefined when there is no such
 * unrevoked token. The row is kept, so a script still using the token is told it was revoked.
 */
export async function revokeApiToken(db: Db, organisationId: string, id: string, now: Date, ownerId?: string): Promise<ApiTokenRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = await findApiToken(trx, organisationId, id);
    if (!before || (ownerId && before.owner.id !== ownerId)) return undefined;
    const done = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('organisation_id', '=', organisationId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return done ? before : undefined;
  });
}

/** Revokes every unrevoked token a member owns (an admin's password reset); returns how many. */
export async function revokeAllApiTokensOf(db: Db, organisationId: string, ownerId: string, now: Date): Promise<number> {
  const rows = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', ownerId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

/** The token with this hash and its owner's current role and organisation; undefined when unknown (or its owner was removed). */
export async function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenLookup | undefined> {
  const r = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'api_tokens.id',
      'api_tokens.role',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'users.id as userId',
      'users.email',
      'users.role as userRole',
      'organisations.id as organisationId',
      'organisations.name as organisationName',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    role: r.role as MemberRole,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    owner: { userId: r.userId, email: r.email, role: r.userRole, organisationId: r.organisationId, organisationName: r.organisationName },
  };
}

/**
 * Records a use. The condition makes it one write per token per `minIntervalSeconds` however many
 * requests (and processes) use the token at once; callers skip it entirely when the read value is recent.
 */
export async function touchApiToken(db: Db, id: string, minIntervalSeconds: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - make_interval(secs => ${minIntervalSeconds})`)]))
    .execute();
}
