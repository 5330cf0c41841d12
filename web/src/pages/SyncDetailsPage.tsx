import type { Connection, SyncRunWithDetails } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { RunCounts } from '../components/sync/RunCounts.tsx';
import { RunDetailsTable } from '../components/sync/RunDetailsTable.tsx';
import { RunHint } from '../components/sync/RunHint.tsx';
import { RunStatusBadge } from '../components/sync/RunStatusBadge.tsx';
import { formatDateTime, formatDuration } from '../format.ts';
import { useInterval, useResource } from '../hooks/use-api.ts';
import { triggerLabel } from '../labels.ts';
import { connectionPath } from '../routes.ts';

export function SyncDetailsPage({ runId }: { runId: string }) {
  const res = useResource<SyncRunWithDetails>(`/sync-runs/${encodeURIComponent(runId)}`);
  const run = res.data;
  const conn = useResource<Connection>(run ? `/connections/${encodeURIComponent(run.connectionId)}` : null);
  useInterval(() => void res.reload({ quiet: true }), 2000, run?.status === 'running');
  return (
    <div className="page">
      <p className="breadcrumb"><Link href="/sync">← Sync history</Link></p>
      {!run ? (
        <section className="card">
          <LoadState loading={res.loading} error={res.error} what="sync run" onRetry={() => void res.reload()} />
        </section>
      ) : (
        <>
          <header className="page__header page__header--row">
            <div className="page__title">
              <h1>Sync details</h1>
              <p className="muted">
                {conn.data ? <Link href={connectionPath(conn.data.id, 'sync')}>{conn.data.contractName}</Link> : 'Connection'} ·{' '}
                {triggerLabel(run.trigger)} sync started {formatDateTime(run.startedAt)}
              </p>
            </div>
            <RunStatusBadge status={run.status} waitingUntil={run.waitingUntil} />
          </header>
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title" className="visually-hidden">Summary</h2>
            <dl className="summary">
              <div><dt>Started</dt><dd>{formatDateTime(run.startedAt)}</dd></div>
              <div><dt>Finished</dt><dd>{run.finishedAt ? formatDateTime(run.finishedAt) : 'Still running'}</dd></div>
              <div><dt>Duration</dt><dd>{formatDuration(run.startedAt, run.finishedAt)}</dd></div>
              <div><dt>Tickets</dt><dd><RunCounts counts={run.counts} /></dd></div>
            </dl>
            <RunHint run={run} />
          </section>
          <section className="card" aria-labelledby="tickets-title">
            <div className="card__header">
              <h2 id="tickets-title">Tickets</h2>
            </div>
            {run.details.length ? <RunDetailsTable details={run.details} /> : <p className="empty">{run.status === 'running' ? 'No tickets handled yet.' : 'This run touched no tickets.'}</p>}
          </section>
        </>
      )}
    </div>
  );
}
