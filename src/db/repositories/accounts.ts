import { sql } from 'kysely';
import type { Db } from '../database.ts';

export interface UserWithOrganisation {
  userId: string;
  email: string;
  role: string;
  organisationId: string;
  organisationName: string;
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
  return row !== undefined;
}

/** Organisation and its first (admin) user in one transaction; the unique index settles sign-up races. */
export async function createOrganisationWithAdmin(
  db: Db,
  input: { organisation: string; email: string; passwordHash: string },
): Promise<UserWithOrganisation> {
  return db.transaction().execute(async (trx) => {
    const org = await trx.insertInto('organisations').values({ name: input.organisation }).returning(['id', 'name']).executeTakeFirstOrThrow();
    const user = await trx
      .insertInto('users')
      .values({ organisation_id: org.id, email: input.email, password_hash: input.passwordHash, role: 'admin' })
      .returning(['id', 'email', 'role'])
      .executeTakeFirstOrThrow();
    return { userId: user.id, email: user.email, role: user.role, organisationId: org.id, organisationName: org.name };
  });
}

export async function findUserForLogin(db: Db, email: string): Promise<(UserWithOrganisation & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id as userId', 'users.email', 'users.role', 'users.password_hash as passwordHash', 'organisations.id as organisationId', 'organisations.name as organisationName'])
    .where(sql`lower(users.email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row;
}

export async function createSession(db: Db, userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await db.insertInto('sessions').values({ user_id: userId, token_hash: tokenHash, expires_at: expiresAt }).execute();
}

export async function findSession(db: Db, tokenHash: string): Promise<UserWithOrganisation | undefined> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id as userId', 'users.email', 'users.role', 'organisations.id as organisationId', 'organisations.name as organisationName'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}
