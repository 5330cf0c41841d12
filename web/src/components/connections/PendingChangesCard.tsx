import { api } from '../../api.ts';
import type { ChangeProposal, Connection, Role } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';

const KIND_LABEL: Record<ChangeProposal['kind'], string> = { mappings: 'Field mappings', reverse_sync: 'Reverse sync' };
const STATUS_LABEL: Record<ChangeProposal['status'], string> = {
  pending: 'Pending',
  approved: 'Approved and applied',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  superseded: 'Replaced by a later change',
};

/**
 * Changes to the shared mappings or to reverse sync that would write into one organisation's platform
 * and wait for that organisation's admin (issue 11 item 3). Both sides see them; the affected side's
 * admin approves or rejects, the proposer withdraws.
 */
export function PendingChangesCard({ connection, proposals, onChanged }: { connection: Connection; proposals: ChangeProposal[]; onChanged: () => void }) {
  const pending = proposals.filter((p) => p.status === 'pending');
  const decided = proposals.filter((p) => p.status !== 'pending').slice(0, 3);
  if (pending.length === 0 && decided.length === 0) return null;
  return (
    <section className="card" aria-labelledby="pending-changes-title">
      <div className="card__header">
        <h2 id="pending-changes-title">Pending changes</h2>
        <p className="muted">
          A change that lets the sync write something new into an organisation’s platform takes effect only when an admin of that organisation approves it. A
          newer proposal replaces an older pending one.
        </p>
      </div>
      {pending.length === 0 ? (
        <p className="empty">No changes are waiting for approval.</p>
      ) : (
        <ul className="proposals" aria-label="Changes waiting for approval">
          {pending.map((p) => (
            <ProposalItem key={p.id} p={p} connection={connection} onChanged={onChanged} />
          ))}
        </ul>
      )}
      {decided.length > 0 ? (
        <details className="subsection">
          <summary>Recently decided</summary>
          <ul className="proposals" aria-label="Recently decided changes">
            {decided.map((p) => (
              <li key={p.id} className="proposal">
                <strong>{KIND_LABEL[p.kind]}</strong> proposed by {p.proposedBy.email} ({p.proposedBy.organisation.name}): {STATUS_LABEL[p.status]}
                {p.decidedBy ? ` by ${p.decidedBy.email}` : ''}, {formatDateTime(p.decidedAt)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function sideName(connection: Connection, side: Role): string {
  if (side === connection.role) return 'your platform';
  return `${connection.partner?.name ?? 'your partner'}’s platform`;
}

function ProposalItem({ p, connection, onChanged }: { p: ChangeProposal; connection: Connection; onChanged: () => void }) {
  const mine = p.proposedBy.side === connection.role;
  const label = `${KIND_LABEL[p.kind]} change proposed by ${p.proposedBy.email}`;
  const proposals = `/connections/${encodeURIComponent(connection.id)}/change-proposals`;
  const decide = useApiMutation({
    mutationFn: (action: 'approve' | 'reject' | 'withdraw') => api.post<ChangeProposal>(`${proposals}/${encodeURIComponent(p.id)}/${action}`),
    onSuccess: () => onChanged(),
    invalidates: [proposals],
  });
  const busy = decide.isPending;
  const error = decide.error;
  const act = (action: 'approve' | 'reject' | 'withdraw') => decide.mutate(action);

  return (
    <li className="proposal" aria-label={label}>
      <p>
        <strong>{KIND_LABEL[p.kind]}</strong> · proposed by {p.proposedBy.email} ({mine ? 'your organisation' : p.proposedBy.organisation.name}) on{' '}
        <time dateTime={p.proposedAt}>{formatDateTime(p.proposedAt)}</time>
      </p>
      <p className="muted">Waiting for an admin of {p.awaiting.side === connection.role ? 'your organisation' : p.awaiting.organisation.name}.</p>
      {(['source', 'target'] as const)
        .filter((s) => p.writes[s].length > 0)
        .map((s) => (
          <div key={s}>
            <p>Would newly write into {sideName(connection, s)}:</p>
            <ul className="hints" aria-label={`New writes into ${sideName(connection, s)}`}>
              {p.writes[s].map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        ))}
      <div className="actions">
        {p.canApprove ? (
          <>
            <button type="button" className="btn btn--primary btn--small" disabled={busy} onClick={() => act('approve')}>
              Approve
            </button>
            <button type="button" className="btn btn--small" disabled={busy} onClick={() => act('reject')}>
              Reject
            </button>
          </>
        ) : null}
        {p.canWithdraw ? (
          <button type="button" className="btn btn--small" disabled={busy} onClick={() => act('withdraw')}>
            Withdraw
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error.message}
        </p>
      ) : null}
    </li>
  );
}
