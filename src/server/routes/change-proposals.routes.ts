import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decideProposal, getProposal, listProposals, type ChangeProposal, type Decision } from '../../db/repositories/change-proposals.ts';
import { findConnectionForOrganisation, sideOf, type ConnectionRecord } from '../../db/repositories/connections.ts';
import { auditBothSides } from '../audit.ts';
import { requireAdmin, requireMember, requireUser } from '../auth.ts';
import { brief, proposalView } from '../change-proposals.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { changeProposalSchemas as s } from './change-proposals.schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Pending changes of a connection (issue 11 item 3): both organisations see them; the admin of the side a
 * change writes into approves or rejects it; its proposer (or an admin of the proposer's organisation)
 * withdraws it. Every decision is recorded in both organisations' audit logs.
 */
export async function changeProposalRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const notFound = () => new ApiError(404, 'not_found', 'There is no such connection for your organisation; it may have been revoked.');

  async function visible(req: FastifyRequest): Promise<ConnectionRecord> {
    const { id } = req.params as { id: string };
    const found = UUID.test(id) ? await findConnectionForOrganisation(ctx.db, id, req.auth!.organisationId) : undefined;
    if (!found) throw notFound();
    return found;
  }

  async function proposalOf(req: FastifyRequest, c: ConnectionRecord): Promise<ChangeProposal> {
    const { proposalId } = req.params as { proposalId: string };
    const p = UUID.test(proposalId) ? await getProposal(ctx.db, c.id, proposalId) : null;
    if (!p) throw new ApiError(404, 'not_found', 'There is no such proposed change on this connection.');
    return p;
  }

  app.get('/connections/:id/change-proposals', { onRequest: requireUser, schema: s.list }, async (req) => {
    const c = await visible(req);
    return { proposals: (await listProposals(ctx.db, c.id)).map((p) => proposalView(p, c, req.auth!)) };
  });

  async function decide(req: FastifyRequest, decision: Decision) {
    const c = await visible(req);
    const p = await proposalOf(req, c);
    const a = req.auth!;
    const side = sideOf(c, a.organisationId);
    const partnerName = c[p.approverSide]?.name ?? `the ${p.approverSide}`;
    if (decision === 'withdrawn') {
      if (side !== p.proposer.side || (a.userId !== p.proposer.userId && a.role !== 'admin')) {
        throw new ApiError(
          403,
          'not_your_proposal',
          `Only ${p.proposer.email}, who proposed this change, or an admin of their organisation can withdraw it. An admin of ${partnerName} can reject it.`,
        );
      }
    } else if (side !== p.approverSide) {
      throw new ApiError(
        403,
        'not_your_decision',
        `This change writes into ${partnerName}'s platform, so only an admin of ${partnerName} can approve or reject it. You can withdraw it if you proposed it.`,
      );
    }
    const r = await decideProposal(ctx.db, { connectionId: c.id, proposalId: p.id, decision, by: { userId: a.userId, email: a.email } });
    if (r.outcome === 'missing') throw new ApiError(404, 'not_found', 'There is no such proposed change on this connection.');
    if (r.outcome === 'not_pending')
      throw new ApiError(
        409,
        'not_pending',
        `This change is no longer pending: it was ${r.proposal.status}${r.proposal.decidedBy ? ` by ${r.proposal.decidedBy.email}` : ''}. Reload the page to see the current state.`,
      );
    if (r.outcome === 'outdated') {
      throw new ApiError(
        409,
        'proposal_outdated',
        `The ${p.kind === 'mappings' ? 'mappings were' : 'reverse sync setting was'} changed since this was proposed, so approving it would undo that change. Reject it, and ask ${p.proposer.email} to propose it again.`,
      );
    }
    const target = { type: 'connection', id: c.id, label: c.contractName };
    const action =
      decision === 'approved' ? 'connection.change_approved' : decision === 'rejected' ? 'connection.change_rejected' : 'connection.change_withdrawn';
    await auditBothSides(ctx.db, req, c, { action, target, before: { status: 'pending' }, after: { status: decision, ...brief(r.proposal) } });
    if (decision === 'approved') {
      const key = p.kind === 'mappings' ? 'mappings' : 'reverseSync';
      await auditBothSides(ctx.db, req, c, {
        action: 'connection.change_applied',
        target,
        before: { [key]: p.base },
        after: { [key]: p.proposed, proposalId: p.id },
      });
    }
    req.log.info({ connectionId: c.id, proposalId: p.id, decision }, 'proposed change decided');
    return proposalView(r.proposal, c, a);
  }

  app.post('/connections/:id/change-proposals/:proposalId/approve', { onRequest: requireAdmin, schema: s.approve }, (req) => decide(req, 'approved'));
  app.post('/connections/:id/change-proposals/:proposalId/reject', { onRequest: requireAdmin, schema: s.reject }, (req) => decide(req, 'rejected'));
  app.post('/connections/:id/change-proposals/:proposalId/withdraw', { onRequest: requireMember, schema: s.withdraw }, (req) => decide(req, 'withdrawn'));
}
