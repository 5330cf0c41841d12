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
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/** Organisation and its first (admin) user in one transaction; the unique index settles sign-up races. */
export async function createOrganisationWithAdmin(
  db: Db,
  input: { organisation: string; email: string; passwordHash: string; name?: string | null },
): Promise<UserWithOrganisation> {
  return db.transaction().execute((trx) => insertOrganisationWithAdmin(trx, input));
}

async function insertOrganisationWithAdmin(
  trx: Db,
  input: { organisation: string; email: string; passwordHash: string; name?: string | null },
): Promise<UserWithOrganisation> {
  const org = await trx.insertInto('organisations').values({ name: input.organisation }).returning(['id', 'name']).executeTakeFirstOrThrow();
  const user = await trx
    .insertInto('users')
    .values({ organisation_id: org.id, email: input.email, password_hash: input.passwordHash, role: 'admin', name: input.name ?? null })
    .returning(['id', 'email', 'role'])
    .executeTakeFirstOrThrow();
  return { userId: user.id, email: user.email, role: user.role, organisationId: org.id, organisationName: org.name };
}

export async function findUserForLogin(db: Db, email: string): Promise<(UserWithOrganisation & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.id as userId',
      'users.email',
      'users.role',
      'users.password_hash as passwordHash',
      'organisations.id as organisationId',
      'organisations.name as organisationName',
    ])
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

/** The one user with this e-mail (any case), with the organisation's name; for the command line. */
export async function findUserByEmail(db: Db, email: string): Promise<(UserWithOrganisation & { name: string | null }) | undefined> {
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id as userId', 'users.email', 'users.name', 'users.role', 'organisations.id as organisationId', 'organisations.name as organisationName'])
    .where(sql`lower(users.email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function passwordHashOf(db: Db, userId: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst())?.password_hash;
}

/**
 * Sets a user's password and ends their sessions in one transaction, except the session `keep` (the
 * user changing their own password stays logged in where they did it). Returns how many sessions ended.
 */
export async function setPassword(db: Db, userId: string, passwordHash: string, keep?: { sessionTokenHash: string }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    let q = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep) q = q.where('token_hash', '<>', keep.sessionTokenHash);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}

export interface SignupLinkRecord {
  id: string;
  organisationId: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function createSignupLink(
  db: Db,
  input: { organisationId: string; tokenHash: string; createdBy: string; expiresAt: Date },
): Promise<SignupLinkRecord> {
  const r = await db
    .insertInto('signup_links')
    .values({ organisation_id: input.organisationId, token_hash: input.tokenHash, created_by: input.createdBy, expires_at: input.expiresAt })
    .returning(['id', 'organisation_id', 'created_by', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  return signupLink(r);
}

export type SignupWithLinkOutcome =
  | { outcome: 'created'; user: UserWithOrganisation; link: SignupLinkRecord }
  /** Unknown, used or expired. */
  | { outcome: 'unusable' }
  /** Its issuer is no longer an administrator of the issuing organisation. */
  | { outcome: 'withdrawn' }
  | { outcome: 'email_taken' };

/**
 * Spends a sign-up link and creates the new organisation with its admin in one transaction: the link is
 * claimed with a conditional update (two sign-ups with one link cannot both succeed), only while its
 * issuer is still an admin of the issuing organisation; a refused sign-up leaves the link unspent.
 */
export async function signUpWithLink(
  db: Db,
  input: { tokenHash: string; organisation: string; email: string; passwordHash: string; name?: string | null; now: Date },
): Promise<SignupWithLinkOutcome> {
  try {
    return await db.transaction().execute(async (trx): Promise<SignupWithLinkOutcome> => {
      const link = await trx
        .updateTable('signup_links')
        .set({ used_at: input.now })
        .where('token_hash', '=', input.tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', input.now)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('users')
              .select('users.id')
              .whereRef('users.id', '=', 'signup_links.created_by')
              .whereRef('users.organisation_id', '=', 'signup_links.organisation_id')
              .where('users.role', '=', 'admin'),
          ),
        )
        .returning(['id', 'organisation_id', 'created_by', 'created_at', 'expires_at'])
        .executeTakeFirst();
      if (!link) {
        const pending = await trx
          .selectFrom('signup_links')
          .select('id')
          .where('token_hash', '=', input.tokenHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', input.now)
          .executeTakeFirst();
        return { outcome: pending ? 'withdrawn' : 'unusable' };
      }
      const user = await insertOrganisationWithAdmin(trx, input);
      await trx.updateTable('signup_links').set({ used_organisation_id: user.organisationId }).where('id', '=', link.id).execute();
      return { outcome: 'created', user, link: signupLink(link) };
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return { outcome: 'email_taken' };
    throw err;
  }
}

function signupLink(r: { id: string; organisation_id: string; created_by: string; created_at: Date; expires_at: Date }): SignupLinkRecord {
  return { id: r.id, organisationId: r.organisation_id, createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at };
}

/** A member's display name (optional; null shows the e-mail instead). */
export async function userName(db: Db, userId: string): Promise<string | null> {
  const r = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return r?.name ?? null;
}

export async function setUserName(db: Db, userId: string, name: string | null): Promise<void> {
  await db.updateTable('users').set({ name }).where('id', '=', userId).execute();
}
