import type { SyncRunDetail } from '../../api.ts';
import { ticketPath } from '../../routes.ts';
import type { TicketSide } from '../../routes.ts';
import { Link } from '../Link.tsx';
import { OutcomeBadge } from './RunStatusBadge.tsx';

/** A ticket number linking to its timeline (when the run's connection is known). */
function TicketCell({ connectionId, side, id }: { connectionId?: string; side: TicketSide; id: string | null }) {
  if (!id) return <>—</>;
  if (!connectionId) return <>#{id}</>;
  return (
    // The cell's text stays the number (other views and tests read it); the name says where it leads.
    <Link href={ticketPath(connectionId, side, id)} aria-label={`Timeline of ${side} ticket #${id}`}>
      #{id}
    </Link>
  );
}

/** One row per ticket the run touched; each ticket number opens its timeline. */
export function RunDetailsTable({ details, connectionId }: { details: SyncRunDetail[]; connectionId?: string }) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Source ticket</th>
          <th scope="col">Target ticket</th>
          <th scope="col">Outcome</th>
          <th scope="col">Error</th>
          <th scope="col" className="num">Failed comments</th>
          <th scope="col" className="num">Failed attachments</th>
        </tr>
      </thead>
      <tbody>
        {details.map((d, i) => (
          <tr key={`${d.sourceTicketId ?? ''}-${d.targetTicketId ?? ''}-${i}`} className={d.outcome === 'failed' ? 'row--failed' : undefined}>
            <th scope="row" data-label="Source ticket"><TicketCell connectionId={connectionId} side="source" id={d.sourceTicketId} /></th>
            <td data-label="Target ticket"><TicketCell connectionId={connectionId} side="target" id={d.targetTicketId} /></td>
            <td data-label="Outcome"><OutcomeBadge outcome={d.outcome} /></td>
            <td data-label="Error" className="cell--error">{d.error ?? <span className="muted">—</span>}</td>
            <td data-label="Failed comments" className={d.failedComments ? 'cell--bad num' : 'num muted'}>{d.failedComments}</td>
            <td data-label="Failed attachments" className={d.failedAttachments ? 'cell--bad num' : 'num muted'}>{d.failedAttachments}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
