import { sql, type Selectable } from 'kysely';
import type { Side } from '../../core/write-consent.ts';
import { Mappings, SideConfiguration } from '../../core/sync-config.ts';
import type { Db } from '../database.ts';
import type { Database } from '../schema.ts';

/**
 * Proposed changes to a connection's shared mappings or to the target's reverse sync that need the
 * other side's admin (src/core/write-consent.ts decides which). The engine never reads this table: it
 * reads only the applied documents, which change here only when a proposal is approved.
 *
 * Every function that reads the applied document and then writes takes the connection's row lock
 * first, so an approval, a direct save and a new proposal of one connection take turns.
 */
export type ProposalKind = 'mappings' | 'reverse_sync';
export type ProposalStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'superseded';

export interface ChangeProposal {
  id: string;
  connectionId: string;
  kind: ProposalKind;
  proposer: { side: Side; organisationId: string; userId: string | null; email: string };
  approverSide: Side;
  /** The applied document when this was proposed (mappings, or the target's reverseSync). */
  base: unknown;
  proposed: unknown;
  /** Readable new writes per side (write-consent summarise()). */
  writes: Record<Side, string[]>;
  status: ProposalStatus;
  replaces: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: { userId: string | null; email: string } | null;
}

/** Locks the connection row until the transaction ends. */
export async function lockConnection(db: Db, connectionId: string): Promise<void> {
  await sql`SELECT id FROM connections WHERE id = ${connectionId} FOR UPDATE`.execute(db);
}

/** The applied document a proposal of `kind` changes. */
export async function appliedDocument(db: Db, connectionId: string, kind: ProposalKind): Promise<unknown> {
  if (kind === 'mappings') {
    const row = await db.selectFrom('connections').select('mappings').where('id', '=', connectionId).executeTakeFirstOrThrow();
    return Mappings.parse(row.mappings);
  }
  const row = await db
    .selectFrom('connection_sides')
    .select('configuration')
    .where('connection_id', '=', connectionId)
    .where('side', '=', 'target')
    .executeTakeFirstOrThrow();
  return SideConfiguration.parse(row.configuration).reverseSync;
}

/** Key-order independent JSON, to tell whether two documents are the same. */
export function sameDocument(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, canon(x)]),
          )
        : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/**
 * Records a proposal; a pending one of the same connection and kind is superseded by it (one pending
 * per kind: the newer replaces the older). Proposing the same document again returns the pending one.
 * Call inside a transaction holding lockConnection.
 */
export async function proposeChange(
  db: Db,
  input: {
    connectionId: string;
    kind: ProposalKind;
    proposer: ChangeProposal['proposer'];
    approverSide: Side;
    base: unknown;
    proposed: unknown;
    writes: Record<Side, string[]>;
  },
): Promise<{ proposal: ChangeProposal; replaced: ChangeProposal | null; unchanged: boolean }> {
  const pending = await pendingProposal(db, input.connectionId, input.kind);
  if (
    pending &&
    sameDocument(pending.proposed, input.proposed) &&
    sameDocument(pending.base, input.base) &&
    pending.proposer.organisationId === input.proposer.organisationId
  ) {
    return { proposal: pending, replaced: null, unchanged: true };
  }
  if (pending)
    await db
      .updateTable('change_proposals')
      .set({ status: 'superseded', decided_at: new Date(), decided_by_user_id: input.proposer.userId, decided_by_email: input.proposer.email })
      .where('id', '=', pending.id)
      .execute();
  const row = await db
    .insertInto('change_proposals')
    .values({
      connection_id: input.connectionId,
      kind: input.kind,
      proposer_side: input.proposer.side,
      proposer_organisation_id: input.proposer.organisationId,
      proposer_user_id: input.proposer.userId,
      proposer_email: input.proposer.email,
      approver_side: input.approverSide,
      base: JSON.stringify(input.base),
      proposed: JSON.stringify(input.proposed),
      writes: JSON.stringify(input.writes),
      replaces: pending?.id ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { proposal: toProposal(row), replaced: pending ? { ...pending, status: 'superseded' } : null, unchanged: false };
}

export async function pendingProposal(db: Db, connectionId: string, kind: ProposalKind): Promise<ChangeProposal | null> {
  const row = await db
    .selectFrom('change_proposals')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('kind', '=', kind)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row ? toProposal(row) : null;
}

/**
 * A change of `kind` applied directly (it needed nobody's consent) makes a pending proposal of that kind
 * stale: it was made against the document just replaced. It is superseded; returns it when there was one.
 */
export async function supersedePending(
  db: Db,
  connectionId: string,
  kind: ProposalKind,
  by: { userId: string | null; email: string },
): Promise<ChangeProposal | null> {
  const pending = await pendingProposal(db, connectionId, kind);
  if (!pending) return null;
  await db
    .updateTable('change_proposals')
    .set({ status: 'superseded', decided_at: new Date(), decided_by_user_id: by.userId, decided_by_email: by.email })
    .where('id', '=', pending.id)
    .execute();
  return { ...pending, status: 'superseded' };
}

/** Pending proposals and the `recent` latest decided ones, newest first. */
export async function listProposals(db: Db, connectionId: string, recent = 10): Promise<ChangeProposal[]> {
  const pending = await db
    .selectFrom('change_proposals')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'pending')
    .orderBy('created_at', 'desc')
    .execute();
  const decided = await db
    .selectFrom('change_proposals')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('status', '<>', 'pending')
    .orderBy('decided_at', 'desc')
    .orderBy('id')
    .limit(recent)
    .execute();
  return [...pending, ...decided].map(toProposal);
}

export async function getProposal(db: Db, connectionId: string, proposalId: string): Promise<ChangeProposal | null> {
  const row = await db.selectFrom('change_proposals').selectAll().where('connection_id', '=', connectionId).where('id', '=', proposalId).executeTakeFirst();
  return row ? toProposal(row) : null;
}

export type Decision = 'approved' | 'rejected' | 'withdrawn';
export type DecideResult =
  | { outcome: 'done'; proposal: ChangeProposal }
  | { outcome: 'not_pending'; proposal: ChangeProposal }
  | { outcome: 'outdated'; proposal: ChangeProposal }
  | { outcome: 'missing' };

/**
 * Settles a pending proposal; an approval applies it in the same transaction. An approval of a
 * proposal whose base is no longer the applied document is refused (it would silently undo the change
 * made since); direct saves supersede pending proposals, so this only guards against a lost race.
 */
export async function decideProposal(
  db: Db,
  input: { connectionId: string; proposalId: string; decision: Decision; by: { userId: string | null; email: string } },
): Promise<DecideResult> {
  return db.transaction().execute(async (trx): Promise<DecideResult> => {
    await lockConnection(trx, input.connectionId);
    const p = await getProposal(trx, input.connectionId, input.proposalId);
    if (!p) return { outcome: 'missing' };
    if (p.status !== 'pending') return { outcome: 'not_pending', proposal: p };
    if (input.decision === 'approved') {
      if (!sameDocument(await appliedDocument(trx, input.connectionId, p.kind), p.base)) return { outcome: 'outdated', proposal: p };
      if (p.kind === 'mappings') {
        await trx
          .updateTable('connections')
          .set({ mappings: JSON.stringify(Mappings.parse(p.proposed)) })
          .where('id', '=', input.connectionId)
          .executeTakeFirstOrThrow();
      } else {
        const row = await trx
          .selectFrom('connection_sides')
          .select('configuration')
          .where('connection_id', '=', input.connectionId)
          .where('side', '=', 'target')
          .executeTakeFirstOrThrow();
        const configuration = SideConfiguration.parse({ ...SideConfiguration.parse(row.configuration), reverseSync: p.proposed });
        await trx
          .updateTable('connection_sides')
          .set({ configuration: JSON.stringify(configuration), updated_at: new Date() })
          .where('connection_id', '=', input.connectionId)
          .where('side', '=', 'target')
          .executeTakeFirstOrThrow();
      }
    }
    const decidedAt = new Date();
    await trx
      .updateTable('change_proposals')
      .set({ status: input.decision, decided_at: decidedAt, decided_by_user_id: input.by.userId, decided_by_email: input.by.email })
      .where('id', '=', p.id)
      .execute();
    return { outcome: 'done', proposal: { ...p, status: input.decision, decidedAt, decidedBy: input.by } };
  });
}

type Row = Selectable<Database['change_proposals']>;

function toProposal(r: Row): ChangeProposal {
  return {
    id: r.id,
    connectionId: r.connection_id,
    kind: r.kind as ProposalKind,
    proposer: { side: r.proposer_side as Side, organisationId: r.proposer_organisation_id, userId: r.proposer_user_id, email: r.proposer_email },
    approverSide: r.approver_side as Side,
    base: r.base,
    proposed: r.proposed,
    writes: r.writes as Record<Side, string[]>,
    status: r.status as ProposalStatus,
    replaces: r.replaces,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by_email ? { userId: r.decided_by_user_id, email: r.decided_by_email } : null,
  };
}
