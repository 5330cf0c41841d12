import { useRef, useState } from 'react';
import type { Connection, SyncRunWithDetails } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { noTicketsText } from '../components/sync/RunHint.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { DetailsSearch, filterDetails } from '../components/sync/DetailsSearch.tsx';
import type { DetailsQuery } from '../components/sync/DetailsSearch.tsx';
import { RunCounts } from '../components/sync/RunCounts.tsx';
import { RunProgress } from '../components/sync/RunProgress.tsx';
import { RunDetailsTable } from '../components/sync/RunDetailsTable.tsx';
import { RunTicketActions, useRunRetry } from '../components/sync/RunRetry.tsx';
import { RunHint } from '../components/sync/RunHint.tsx';
import { RunStatusBadge } from '../components/sync/RunStatusBadge.tsx';
import { formatDateTime, formatDuration } from '../format.ts';
import { useInterval, useResource } from '../hooks/use-api.ts';
import { useRunEvents } from '../hooks/use-run-events.ts';
import { triggerLabel } from '../labels.ts';
import { connectionPath } from '../routes.ts';

export function SyncDetailsPage({ runId }: { runId: string }) {
  const res = useResource<SyncRunWithDetails>(`/sync-runs/${encodeURIComponent(runId)}`);
  const run = res.data;
  const conn = useResource<Connection>(run ? `/connections/${encodeURIComponent(run.connectionId)}` : null);
  const running = run?.status === 'running';
  // Progress is pushed by the server; the ticket rows are read again when its counts move (at most every 1.5 s) and at the end.
  const lastReload = useRef(0);
  const lastCounts = useRef('');
  const events = useRunEvents(running ? runId : null, {
    onChange: (r) => {
      const counts = JSON.stringify(r.counts);
      if (counts === lastCounts.current || Date.now() - lastReload.current < 1500) return;
      lastCounts.current = counts;
      lastReload.current = Date.now();
      void res.reload({ quiet: true });
    },
    onDone: () => void res.reload({ quiet: true }),
  });
  // Without the event stream (refused, or an old proxy), the page reads the run every 2 seconds instead.
  useInterval(() => void res.reload({ quiet: true }), 2000, running && events.failed);
  const live = events.run && events.run.status === 'running' ? { ...run!, ...events.run, details: run!.details } : run;
  const [query, setQuery] = useState<DetailsQuery>({ text: '', outcome: '' });
  const retry = useRunRetry(runId);
  const shown = run ? filterDetails(run.details, query) : [];
  return (
    <div className="page">
      <p className="breadcrumb">
        <Link href="/sync">← Sync history</Link>
      </p>
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
                {conn.data ? <Link href={connectionPath(conn.data.id, 'sync')}>{conn.data.contractName}</Link> : 'Connection'} · {triggerLabel(run.trigger)}{' '}
                sync started {formatDateTime(run.startedAt)}
              </p>
            </div>
            <RunStatusBadge status={live!.status} waitingUntil={live!.waitingUntil} />
          </header>
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title" className="visually-hidden">
              Summary
            </h2>
            <dl className="summary">
              <div>
                <dt>Started</dt>
                <dd>{formatDateTime(run.startedAt)}</dd>
              </div>
              <div>
                <dt>Finished</dt>
                <dd>{run.finishedAt ? formatDateTime(run.finishedAt) : 'Still running'}</dd>
              </div>
              <div>
                <dt>Duration</dt>
                <dd>{formatDuration(run.startedAt, run.finishedAt)}</dd>
              </div>
              <div>
                <dt>Tickets</dt>
                <dd>
                  <RunCounts counts={live!.counts} />
                </dd>
              </div>
            </dl>
            {running ? <RunProgress run={live!} live={events.live || !events.failed} /> : null}
            <RunHint run={live!} />
          </section>
          <section className="card" aria-labelledby="tickets-title">
            <div className="card__header">
              <h2 id="tickets-title">Tickets</h2>
            </div>
            {run.details.length ? (
              <>
                <RunTicketActions runId={run.id} details={run.details} retry={retry} />
                <DetailsSearch value={query} onChange={setQuery} total={run.details.length} shown={shown.length} />
                {shown.length ? (
                  <RunDetailsTable details={shown} connectionId={run.connectionId} onRetry={(d) => void retry.retryRow(d)} retrying={retry.busy} />
                ) : (
                  <div className="empty">
                    <p>
                      No ticket of this run matches {query.text.trim() ? <>“{query.text.trim()}”</> : 'this outcome'}
                      {query.text.trim() && query.outcome ? ' with this outcome' : ''}.
                    </p>
                    <button type="button" className="btn btn--small" onClick={() => setQuery({ text: '', outcome: '' })}>
                      Show all {run.details.length} tickets
                    </button>
                  </div>
                )}
              </>
            ) : (
              <p className="empty">{noTicketsText(run.status)}</p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
