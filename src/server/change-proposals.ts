import type { FastifyRequest } from 'fastify';
import type { Mappings, SideConfiguration } from '../core/sync-config.ts';
import { consentNeededFrom, newWrites, summarise, type Side } from '../core/write-consent.ts';
import {
  appliedDocument,
  lockConnection,
  proposeChange,
  sameDocument,
  supersedePending,
  type ChangeProposal,
  type ProposalKind,
} from '../db/repositories/change-proposals.ts';
import { sideOf, type ConnectionRecord } from '../db/repositories/connections.ts';
import type { Db } from '../db/database.ts';
import { auditBothSides } from './audit.ts';

/**
 * Consent for writes into a side (issue 11 item 3): a change to the shared mappings or to reverse sync
 * that lets the engine write something new into the partner's platform becomes a proposal for the
 * partner's admin; anything else applies at once, as before. The decision uses the applied documents read
 * under the connection's row lock, so it cannot be raced by an approval or another save.
 */
type ReverseSync = SideConfiguration['reverseSync'];

export type ConsentOutcome<T = unknown> = { base: T } & (
  { applied: true; superseded: ChangeProposal | null } | { applied: false; proposal: ChangeProposal; replaced: ChangeProposal | null; unchanged: boolean }
);

/**
 * Inside a transaction: applies `proposed` with `apply` when it needs nobody else's consent, else records
 * a proposal. `state` turns a document of `kind` into the write state the consent model compares.
 */
export async function applyOrPropose<T>(
  trx: Db,
  req: FastifyRequest,
  c: ConnectionRecord,
  input: {
    kind: ProposalKind;
    proposed: T;
    state: (doc: T) => Promise<{ mappings: Mappings; reverseSync: ReverseSync }>;
    apply: () => Promise<void>;
  },
): Promise<ConsentOutcome<T>> {
  const a = req.auth!;
  await lockConnection(trx, c.id);
  const base = (await appliedDocument(trx, c.id, input.kind)) as T;
  const own = sideOf(c, a.organisationId);
  const writes = newWrites(await input.state(base), await input.state(input.proposed));
  const from = consentNeededFrom(own, writes);
  if (!from) {
    // A change that is really made replaces a proposal made against the document it replaces.
    const superseded = sameDocument(base, input.proposed) ? null : await supersedePending(trx, c.id, input.kind, { userId: a.userId, email: a.email });
    await input.apply();
    return { base, applied: true, superseded };
  }
  const r = await proposeChange(trx, {
    connectionId: c.id,
    kind: input.kind,
    proposer: { side: own, organisationId: a.organisationId, userId: a.userId, email: a.email },
    approverSide: from,
    base,
    proposed: input.proposed,
    writes: summarise(writes),
  });
  return { base, applied: false, ...r };
}

/** Audit entries in both organisations for what applyOrPropose did (the direct save is audited by its route). */
export async function auditConsentOutcome(db: Db, req: FastifyRequest, c: ConnectionRecord, outcome: ConsentOutcome): Promise<void> {
  const target = { type: 'connection', id: c.id, label: c.contractName };
  if (outcome.applied) {
    if (outcome.superseded)
      await auditBothSides(db, req, c, {
        action: 'connection.change_superseded',
        target,
        before: { proposal: brief(outcome.superseded) },
        after: { reason: 'a later change was applied directly' },
      });
    return;
  }
  if (outcome.unchanged) return;
  const p = outcome.proposal;
  await auditBothSides(db, req, c, {
    action: 'connection.change_proposed',
    target,
    before: { [p.kind === 'mappings' ? 'mappings' : 'reverseSync']: p.base },
    after: { ...brief(p), [p.kind === 'mappings' ? 'mappings' : 'reverseSync']: p.proposed, replaces: outcome.replaced?.id ?? null },
  });
}

/** What an audit entry keeps of a proposal: what it is, who made it, and what it writes where. */
export function brief(p: ChangeProposal) {
  return { proposalId: p.id, kind: p.kind, proposedBy: p.proposer.email, proposerSide: p.proposer.side, awaitingSide: p.approverSide, writes: p.writes };
}

/** A proposal as the API shows it to a user of either organisation of the connection. */
export function proposalView(p: ChangeProposal, c: ConnectionRecord, viewer: { userId: string; organisationId: string; role: string }) {
  const side = sideOf(c, viewer.organisationId);
  const pending = p.status === 'pending';
  const org = (s: Side) => c[s] ?? { id: '', name: s };
  return {
    id: p.id,
    kind: p.kind,
    status: p.status,
    proposedBy: { side: p.proposer.side, organisation: org(p.proposer.side), email: p.proposer.email },
    proposedAt: p.createdAt.toISOString(),
    awaiting: { side: p.approverSide, organisation: org(p.approverSide) },
    writes: p.writes,
    proposed: p.proposed,
    replaces: p.replaces,
    decidedAt: p.decidedAt?.toISOString() ?? null,
    decidedBy: p.decidedBy ? { email: p.decidedBy.email } : null,
    canApprove: pending && side === p.approverSide && viewer.role === 'admin',
    canWithdraw: pending && side === p.proposer.side && (viewer.userId === p.proposer.userId || viewer.role === 'admin'),
  };
}

/** The message a caller gets when a save became a proposal. */
export function waitingMessage(c: ConnectionRecord, p: ChangeProposal, replaced: ChangeProposal | null): string {
  const partner = c[p.approverSide]?.name ?? `the ${p.approverSide}`;
  const what = p.kind === 'mappings' ? 'These mappings write' : 'This reverse sync change writes';
  return `${what} into ${partner}'s platform, so it takes effect only when an admin of ${partner} approves it (Pending changes).${replaced ? ' It replaces the change proposed earlier, which is no longer pending.' : ''}`;
}
