import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api.ts';
import type { Connection, RunStatus, SyncRunPage } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { PERIODS, RunFilters } from '../components/sync/RunFilters.tsx';
import type { Period, RunFilterValue } from '../components/sync/RunFilters.tsx';
import { RunsTable } from '../components/sync/RunsTable.tsx';
import { asApiError, useInterval, useResource } from '../hooks/use-api.ts';
import { useOnUnauthorized } from '../session.ts';
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

/** Runs per page of the history: the API pages by cursor, so there is no cap on how far back one can go. */
const HISTORY_PAGE = 100;

/**
 * The pages after the first, loaded on request with the first page's filters; reset when the filters change.
 * They start at the cursor the first page had when "Load more" was first pressed, and are not refreshed:
 * polling refreshes only the first page.
 */
function useOlderPages(query: string, first: SyncRunPage | undefined) {
  const onUnauthorized = useOnUnauthorized();
  const [start, setStart] = useState<{ query: string; cursor: string } | null>(null);
  const current = start && start.query === query ? start : null;
  const pages = useInfiniteQuery({
    queryKey: ['api', `${query}#older`, current?.cursor ?? ''],
    queryFn: ({ pageParam }) => api.get<SyncRunPage>(`${query}&cursor=${encodeURIComponent(pageParam)}`),
    initialPageParam: current?.cursor ?? '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: current !== null,
    staleTime: Infinity,
    gcTime: 0,
  });
  const error = pages.error ? asApiError(pages.error) : null;
  const unauthorized = error?.status === 401;
  useEffect(() => {
    if (unauthorized) onUnauthorized();
  }, [unauthorized, onUnauthorized]);
  const loaded = current ? pages.data?.pages : undefined;
  const cursor = loaded ? (loaded[loaded.length - 1]!.nextCursor ?? null) : (current?.cursor ?? first?.nextCursor ?? null);
  async function loadMore() {
    if (!cursor) return;
    if (!current) setStart({ query, cursor });
    else if (!loaded) await pages.refetch();
    else await pages.fetchNextPage();
  }
  return {
    runs: loaded?.flatMap((p) => p.runs) ?? [],
    cursor,
    loading: current !== null && pages.isFetching,
    error: pages.isFetching || unauthorized ? null : error,
    loadMore,
  };
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
    q.set('limit', String(HISTORY_PAGE));
    return `/sync-runs?${q.toString()}`;
  }, [filters, from]);
  const runs = useResource<SyncRunPage>(query);
  const running = runs.data?.runs.some((r) => r.status === 'running') ?? false;
  useInterval(() => void runs.reload({ quiet: true }), 2000, running);
  const older = useOlderPages(query, runs.data);
  // Polling refreshes the first page; a run that moved onto it from an older page is shown once.
  const shown = useMemo(() => {
    const first = runs.data?.runs ?? [];
    const ids = new Set(first.map((r) => r.id));
    return [...first, ...older.runs.filter((r) => !ids.has(r.id))];
  }, [runs.data, older.runs]);

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
          {running ? (
            <span className="muted live" role="status">
              Refreshing while a sync runs…
            </span>
          ) : null}
        </div>
        <RunFilters value={filters} onChange={change} connections={(connections.data?.connections ?? []).filter((c) => c.status === 'active')} />
        {runs.data ? (
          shown.length ? (
            <>
              <RunsTable runs={shown} connectionNames={names} />
              <div className="load-more">
                <p className="muted" role="status">
                  {older.cursor ? `Showing the newest ${shown.length} runs` : `All ${shown.length} ${shown.length === 1 ? 'run' : 'runs'} shown`}
                </p>
                {older.cursor ? (
                  <button type="button" className="btn btn--small" disabled={older.loading} onClick={() => void older.loadMore()}>
                    {older.loading ? 'Loading…' : 'Load more runs'}
                  </button>
                ) : null}
                {older.error ? (
                  <p className="notice notice--error" role="alert">
                    {older.error.message}
                  </p>
                ) : null}
              </div>
            </>
          ) : (
            <div className="empty">
              {connections.data && connections.data.connections.filter((c) => c.status === 'active').length === 0 ? (
                <p>
                  No sync runs yet: <Link href="/connections">create a connection</Link> with your partner, then press Sync now in its Sync tab.
                </p>
              ) : filters.connection || filters.status || filters.period !== '30d' ? (
                <>
                  <p>
                    No sync runs match these filters{' '}
                    {filters.period === 'all' ? 'among the runs kept' : `in the ${PERIODS[filters.period].label.toLowerCase()}`}.
                  </p>
                  <button type="button" className="btn btn--small" onClick={() => change({ connection: '', status: '', period: '30d' })}>
                    Show all runs of the last 30 days
                  </button>
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
