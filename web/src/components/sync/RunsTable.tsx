import type { SyncRun } from '../../api.ts';
import { formatDateTime, formatDuration } from '../../format.ts';
import { triggerLabel } from '../../labels.ts';
import { syncRunPath } from '../../routes.ts';
import { navigate } from '../../use-route.ts';
import { Link } from '../Link.tsx';
import { RunCounts } from './RunCounts.tsx';
import { RunStatusBadge } from './RunStatusBadge.tsx';

interface Props {
  runs: SyncRun[];
  /** Contract names by connection id; the column is left out when absent. */
  connectionNames?: Record<string, string>;
}

/** Sync runs, newest first as the API sends them; a row opens the run's details. */
export function RunsTable({ runs, connectionNames }: Props) {
  return (
    <table className="table table--stack table--clickable">
      <thead>
        <tr>
          <th scope="col">Started</th>
          {connectionNames ? <th scope="col">Connection</th> : null}
          <th scope="col">Trigger</th>
          <th scope="col">Status</th>
          <th scope="col">Duration</th>
          <th scope="col">Tickets</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr
            key={r.id}
            onClick={(e) => {
              if ((e.target as HTMLElement).closest('a')) return; // the link navigates itself
              navigate(syncRunPath(r.id));
            }}
          >
            <th scope="row" data-label="Started" className="nowrap">
              <Link href={syncRunPath(r.id)} aria-label={`Sync run started ${formatDateTime(r.startedAt)}`}>
                {formatDateTime(r.startedAt)}
              </Link>
            </th>
            {connectionNames ? <td data-label="Connection">{connectionNames[r.connectionId] ?? 'Revoked connection'}</td> : null}
            <td data-label="Trigger">{triggerLabel(r.trigger)}</td>
            <td data-label="Status">
              <RunStatusBadge status={r.status} waitingUntil={r.waitingUntil} />
            </td>
            <td data-label="Duration">{formatDuration(r.startedAt, r.finishedAt)}</td>
            <td data-label="Tickets">
              <RunCounts counts={r.counts} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
