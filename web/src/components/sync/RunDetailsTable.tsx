import type { SyncRunDetail } from '../../api.ts';
import { useCan } from '../../permissions.ts';
import { ticketPath } from '../../routes.ts';
import type { TicketSide } from '../../routes.ts';
import { Link } from '../Link.tsx';
import { OutcomeBadge } from './RunStatusBadge.tsx';

/**
 * A ticket number linking to its timeline (when the run's connection is known), and, when the server gives
 * one (your own tickets; the partner's while it shares ticket links), a second link opening the ticket in its
 * platform (a new tab). The cell's text is the number alone (other views and tests read it).
 */
function TicketCell({ connectionId, side, id, url }: { connectionId?: string; side: TicketSide; id: string | null; url?: string | null }) {
  if (!id) return <>—</>;
  return (
    <>
      {connectionId ? (
        // The cell's text starts with the number (other views and tests read it); the name says where it leads.
        <Link href={ticketPath(connectionId, side, id)} aria-label={`Timeline of ${side} ticket #${id}`}>
          #{id}
        </Link>
      ) : (
        <>#{id}</>
      )}
      {url ? (
        // The arrow is drawn by CSS, so the cell's text stays the number; the name says what the link does.
        <a href={url} target="_blank" rel="noopener noreferrer" className="ticket-open" aria-label={`Open ${side} ticket #${id} in its helpdesk (new tab)`} />
      ) : null}
    </>
  );
}

const retryable = (d: SyncRunDetail) => !!d.id && (d.retryable ?? (d.outcome === 'failed' || d.failedComments + d.failedAttachments > 0));

interface Props {
  details: SyncRunDetail[];
  connectionId?: string;
  /** Retry of one failed row (members and admins); the column is left out without it. */
  onRetry?: (d: SyncRunDetail) => void;
  /** The row whose retry is being started. */
  retrying?: string | null;
}

/** One row per ticket the run touched: numbers open the timeline (and your own tickets your helpdesk), subjects beside them. */
export function RunDetailsTable({ details, connectionId, onRetry, retrying }: Props) {
  const canRetry = useCan('member') && !!onRetry && details.some(retryable);
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Source ticket</th>
          <th scope="col">Target ticket</th>
          <th scope="col">Subject</th>
          <th scope="col">Outcome</th>
          <th scope="col">Error</th>
          <th scope="col" className="num">
            Failed comments
          </th>
          <th scope="col" className="num">
            Failed attachments
          </th>
          {canRetry ? (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {details.map((d, i) => (
          <tr key={d.id ?? `${d.sourceTicketId ?? ''}-${d.targetTicketId ?? ''}-${i}`} className={d.outcome === 'failed' ? 'row--failed' : undefined}>
            <th scope="row" data-label="Source ticket">
              <TicketCell connectionId={connectionId} side="source" id={d.sourceTicketId} url={d.sourceTicketUrl} />
            </th>
            <td data-label="Target ticket">
              <TicketCell connectionId={connectionId} side="target" id={d.targetTicketId} url={d.targetTicketUrl} />
            </td>
            <td data-label="Subject" className="cell--subject">
              {d.subject ?? <span className="muted">—</span>}
            </td>
            <td data-label="Outcome">
              <OutcomeBadge outcome={d.outcome} />
            </td>
            <td data-label="Error" className="cell--error">
              {d.error ?? <span className="muted">—</span>}
            </td>
            <td data-label="Failed comments" className={d.failedComments ? 'cell--bad num' : 'num muted'}>
              {d.failedComments}
            </td>
            <td data-label="Failed attachments" className={d.failedAttachments ? 'cell--bad num' : 'num muted'}>
              {d.failedAttachments}
            </td>
            {canRetry ? (
              <td data-label="Actions">
                {retryable(d) ? (
                  <button
                    type="button"
                    className="btn btn--small"
                    disabled={!!retrying}
                    onClick={() => onRetry!(d)}
                    aria-label={`Retry ${d.sourceTicketId ? `source ticket #${d.sourceTicketId}` : `target ticket #${d.targetTicketId}`}`}
                  >
                    {retrying === d.id ? 'Starting…' : 'Retry'}
                  </button>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
