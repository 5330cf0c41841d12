import { useMemo, useState } from 'react';
import type { Connection, RunStatus, SyncRun } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { PERIODS, RunFilters } from '../components/sync/RunFilters.tsx';
import type { Period, RunFilterValue } from '../components/sync/RunFilters.tsx';
import { RunsTable } from '../components/sync/RunsTable.tsx';
import { useInterval, useResource } from '../hooks/use-api.ts';
import { RUN_STATUS } from '../labels.ts';

function filtersFromUrl(): RunFilterValue {
  const q = new URLSearchParams(window.location.search);
  const status = q.get('status') ?? '';
  const period = q.get('period') ?? '7d';
  return {
    connection: q.get('connection') ?? '',
    status: status in RUN_STATUS ? (status as RunStatus) : '',
    period: period in PERIODS ? (period as Period) : '7d',
  };
}

/** Keeps the filters in the address so a reload or a shared link shows the same list. */
function filtersToUrl(f: RunFilterValue) {
  const q = new URLSearchParams();
  if (f.connection) q.set('connection', f.connection);
  if (f.status) q.set('status', f.status);
  if (f.period !== '7d') q.set('period', f.period);
  const qs = q.toString();
  window.history.replaceState(null, '', `/sync${qs ? `?${qs}` : ''}`);
}

export function SyncHistoryPage() {
  const [filters, setFilters] = useState<RunFilterValue>(filtersFromUrl);
  // "from" is fixed when the filters change, not on every render, so polling asks the same question.
  const [from, setFrom] = useState(() => new Date(Date.now() - PERIODS[filters.period].ms).toISOString());
  const connections = useResource<{ connections: Connection[] }>('/connections');
  const query = useMemo(() => {
    const q = new URLSearchParams({ from });
    if (filters.connection) q.set('connection', filters.connection);
    if (filters.status) q.set('status', filters.status);
    return `/sync-runs?${q.toString()}`;
  }, [filters, from]);
  const runs = useResource<{ runs: SyncRun[] }>(query);
  const running = runs.data?.runs.some((r) => r.status === 'running') ?? false;
  useInterval(() => void runs.reload({ quiet: true }), 2000, running);

  const names = Object.fromEntries((connections.data?.connections ?? []).map((c) => [c.id, c.contractName]));
  const change = (f: RunFilterValue) => {
    setFilters(f);
    setFrom(new Date(Date.now() - PERIODS[f.period].ms).toISOString());
    filtersToUrl(f);
  };

  return (
    <div className="page">
      <header className="page__header">
        <h1>Sync history</h1>
        <p className="muted">Every sync run, newest first. Open a run to see each ticket it touched.</p>
      </header>
      <section className="card" aria-labelledby="history-title">
        <div className="card__header card__header--row">
          <h2 id="history-title">Sync runs</h2>
          {running ? <span className="muted live" role="status">Refreshing while a sync runs…</span> : null}
        </div>
        <RunFilters value={filters} onChange={change} connections={(connections.data?.connections ?? []).filter((c) => c.status === 'active')} />
        {runs.data ? (
          runs.data.runs.length ? (
            <RunsTable runs={runs.data.runs} connectionNames={names} />
          ) : (
            <div className="empty">
              {connections.data && connections.data.connections.filter((c) => c.status === 'active').length === 0 ? (
                <p>No sync runs yet: <Link href="/connections">create a connection</Link> with your partner, then press Sync now in its Sync tab.</p>
              ) : filters.connection || filters.status || filters.period !== '30d' ? (
                <>
                  <p>No sync runs match these filters in the {PERIODS[filters.period].label.toLowerCase()}.</p>
                  <button type="button" className="btn btn--small" onClick={() => change({ connection: '', status: '', period: '30d' })}>Show all runs of the last 30 days</button>
                </>
              ) : (
                <p>No sync runs in the last 30 days. Start one with Sync now in a connection’s Sync tab, or switch on automatic sync.</p>
              )}
            </div>
          )
        ) : (
          <LoadState loading={runs.loading} error={runs.error} what="sync runs" onRetry={() => void runs.reload()} />
        )}
      </section>
    </div>
  );
}
