import type { SyncRunDetail } from '../../api.ts';
import { OutcomeBadge } from './RunStatusBadge.tsx';

/** One row per ticket the run touched. */
export function RunDetailsTable({ details }: { details: SyncRunDetail[] }) {
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
            <th scope="row" data-label="Source ticket">{d.sourceTicketId ? `#${d.sourceTicketId}` : '—'}</th>
            <td data-label="Target ticket">{d.targetTicketId ? `#${d.targetTicketId}` : '—'}</td>
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
