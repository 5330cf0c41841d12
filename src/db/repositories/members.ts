import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';
import type { UserWithOrganisation } from './accounts.ts';

export const MEMBER_ROLES = ['admin', 'member', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface MemberRecord {
  id: string;
  email: string;
  name: string | null;
  role: MemberRole;
  createdAt: Date;
}

export interface InvitationRecord {
  id: string;
  organisationId: string;
  role: MemberRole;
  email: string | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export async function listMembers(db: Db, organisationId: string): Promise<MemberRecord[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role as MemberRole, createdAt: r.created_at }));
}

export async function findMember(db: Db, organisationId: string, userId: string): Promise<MemberRecord | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return r && { id: r.id, email: r.email, name: r.name, role: r.role as MemberRole, createdAt: r.created_at };
}

export type MemberChange<T> = { outcome: 'done'; before: MemberRecord; after: T } | { outcome: 'not_found' } | { outcome: 'last_admin' };

/**
 * Changes a member's role; refuses to leave the organisation without an administrator. The admins' rows
 * are locked first, so two admins demoting each other at the same moment cannot both succeed.
 */
export async function changeMemberRole(db: Db, organisationId: string, userId: string, role: MemberRole): Promise<MemberChange<MemberRecord>> {
  return db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx, organisationId);
    const before = await findMember(trx, organisationId, userId);
    if (!before) return { outcome: 'not_found' };
    if (before.role === 'admin' && role !== 'admin' && admins.length <= 1) return { outcome: 'last_admin' };
    await trx.updateTable('users').set({ role }).where('id', '=', userId).where('organisation_id', '=', organisationId).execute();
    return { outcome: 'done', before, after: { ...before, role } };
  });
}

/** Removes a member (their sessions end with them); the last administrator cannot be removed. */
export async function removeMember(db: Db, organisationId: string, userId: string): Promise<MemberChange<null>> {
  return db.transaction().execute(async (trx) => {
    const admins = await lockAdmins(trx, organisationId);
    const before = await findMember(trx, organisationId, userId);
    if (!before) return { outcome: 'not_found' };
    if (before.role === 'admin' && admins.length <= 1) return { outcome: 'last_admin' };
    await trx.deleteFrom('users').where('id', '=', userId).where('organisation_id', '=', organisationId).execute();
    return { outcome: 'done', before, after: null };
  });
}

async function lockAdmins(trx: Db, organisationId: string): Promise<string[]> {
  const rows = await trx.selectFrom('users').select('id').where('organisation_id', '=', organisationId).where('role', '=', 'admin').forUpdate().execute();
  return rows.map((r) => r.id);
}

export async function createInvitation(
  db: Db,
  input: { organisationId: string; role: MemberRole; email: string | null; tokenHash: string; createdBy: string; expiresAt: Date },
): Promise<InvitationRecord> {
  const r = await db
    .insertInto('invitations')
    .values({
      organisation_id: input.organisationId,
      role: input.role,
      email: input.email,
      token_hash: input.tokenHash,
      created_by: input.createdBy,
      expires_at: input.expiresAt,
    })
    .returning(['id', 'organisation_id', 'role', 'email', 'created_by', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  return invitation(r);
}

/** Invitations not yet accepted, revoked or expired, newest first. */
export async function listPendingInvitations(db: Db, organisationId: string, now: Date): Promise<InvitationRecord[]> {
  const rows = await pending(db, now)
    .where('organisation_id', '=', organisationId)
    .select(['id', 'organisation_id', 'role', 'email', 'created_by', 'created_at', 'expires_at'])
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(invitation);
}

/** Revokes a pending invitation of the organisation; undefined when there is none with that id. */
export async function revokeInvitation(db: Db, organisationId: string, id: string, now: Date): Promise<InvitationRecord | undefined> {
  const r = await db
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'organisation_id', 'role', 'email', 'created_by', 'created_at', 'expires_at'])
    .executeTakeFirst();
  return r && invitation(r);
}

/**
 * An unexpired, unused invitation by its token's hash, with the organisation's name (for the public
 * preview) and whether its creator is still an admin there (if not, it no longer works).
 */
export async function findPendingInvitation(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<(InvitationRecord & { organisationName: string; creatorIsAdmin: boolean }) | undefined> {
  const r = await db
    .selectFrom('invitations')
    .innerJoin('organisations', 'organisations.id', 'invitations.organisation_id')
    .select([
      'invitations.id',
      'invitations.organisation_id',
      'invitations.role',
      'invitations.email',
      'invitations.created_by',
      'invitations.created_at',
      'invitations.expires_at',
      'organisations.name as organisation_name',
      (eb) => creatorIsAdmin(eb).as('creator_is_admin'),
    ])
    .where('invitations.token_hash', '=', tokenHash)
    .where('invitations.accepted_at', 'is', null)
    .where('invitations.revoked_at', 'is', null)
    .where('invitations.expires_at', '>', now)
    .executeTakeFirst();
  return r && { ...invitation(r), organisationName: r.organisation_name, creatorIsAdmin: Boolean(r.creator_is_admin) };
}

export type AcceptOutcome =
  | { outcome: 'accepted'; user: UserWithOrganisation; invitation: InvitationRecord }
  | { outcome: 'unusable' }
  /** Its creator is no longer an administrator of the organisation (removed or demoted). */
  | { outcome: 'withdrawn' }
  | { outcome: 'email_mismatch'; invitedEmail: string }
  | { outcome: 'email_taken' };

/**
 * Spends the invitation and creates its user in one transaction: the row is claimed with a conditional
 * update, so two accepts of one token cannot both succeed, and a refused user leaves the token unspent.
 * The claim holds only while the invitation's creator is still an admin of the organisation: an admin
 * who was removed or demoted no longer brings people in.
 */
export async function acceptInvitation(
  db: Db,
  input: { tokenHash: string; email: string; name: string | null; passwordHash: string; now: Date },
): Promise<AcceptOutcome> {
  try {
    return await db.transaction().execute(async (trx): Promise<AcceptOutcome> => {
      const inv = await trx
        .updateTable('invitations')
        .set({ accepted_at: input.now })
        .where('token_hash', '=', input.tokenHash)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', input.now)
        .where((eb) => creatorIsAdmin(eb))
        .returning(['id', 'organisation_id', 'role', 'email', 'created_by', 'created_at', 'expires_at'])
        .executeTakeFirst();
      if (!inv) {
        const pendingOne = await pending(trx, input.now).select('id').where('token_hash', '=', input.tokenHash).executeTakeFirst();
        return { outcome: pendingOne ? 'withdrawn' : 'unusable' };
      }
      if (inv.email && inv.email.toLowerCase() !== input.email.toLowerCase()) throw new Rollback({ outcome: 'email_mismatch', invitedEmail: inv.email });
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where(sql`lower(email)`, '=', input.email.toLowerCase())
        .executeTakeFirst();
      if (taken) throw new Rollback({ outcome: 'email_taken' });
      const user = await trx
        .insertInto('users')
        .values({ organisation_id: inv.organisation_id, email: input.email, name: input.name, password_hash: input.passwordHash, role: inv.role })
        .returning(['id', 'email', 'role'])
        .executeTakeFirstOrThrow();
      await trx.updateTable('invitations').set({ accepted_user_id: user.id }).where('id', '=', inv.id).execute();
      const org = await trx.selectFrom('organisations').select('name').where('id', '=', inv.organisation_id).executeTakeFirstOrThrow();
      return {
        outcome: 'accepted',
        invitation: invitation(inv),
        user: { userId: user.id, email: user.email, role: user.role, organisationId: inv.organisation_id, organisationName: org.name },
      };
    });
  } catch (err) {
    if (err instanceof Rollback) return err.result;
    if ((err as { code?: string }).code === '23505') return { outcome: 'email_taken' }; // a sign-up raced on the unique index
    throw err;
  }
}

/** Leaves a transaction with an answer, undoing what it did so far. */
class Rollback extends Error {
  constructor(readonly result: AcceptOutcome) {
    super('rollback');
  }
}

/** The invitation's creator is (still) an admin of the invitation's organisation. */
function creatorIsAdmin(eb: ExpressionBuilder<Database, 'invitations'>) {
  return eb.exists(
    eb
      .selectFrom('users')
      .select('users.id')
      .whereRef('users.id', '=', 'invitations.created_by')
      .whereRef('users.organisation_id', '=', 'invitations.organisation_id')
      .where('users.role', '=', 'admin'),
  );
}

function pending(db: Db, now: Date) {
  return db.selectFrom('invitations').where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now);
}

function invitation(r: {
  id: string;
  organisation_id: string;
  role: string;
  email: string | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
}): InvitationRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    role: r.role as MemberRole,
    email: r.email,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}
