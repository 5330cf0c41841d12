import type { Connection, SyncRun } from '../../api.ts';
import { useInterval, useResource } from '../../hooks/use-api.ts';
import { Link } from '../Link.tsx';
import { LoadState } from '../LoadState.tsx';
import { RunsTable } from './RunsTable.tsx';
import { SyncNowCard } from './SyncNowCard.tsx';

/** Sync now, and this connection's recent runs. */
export function SyncTab({ connection, onSyncStarted }: { connection: Connection; onSyncStarted: () => void }) {
  const runs = useResource<{ runs: SyncRun[] }>(`/sync-runs?connection=${encodeURIComponent(connection.id)}`);
  const running = runs.data?.runs.some((r) => r.status === 'running') ?? false;
  useInterval(() => {
    void runs.reload({ quiet: true });
    onSyncStarted(); // the connection's state changes when the first run ends
  }, 2000, running);
  return (
    <>
      <SyncNowCard connection={connection} onStarted={() => { onSyncStarted(); void runs.reload({ quiet: true }); }} />
      <section className="card" aria-labelledby="recent-title">
        <div className="card__header card__header--row">
          <h2 id="recent-title">Recent syncs</h2>
          <Link href={`/sync?connection=${encodeURIComponent(connection.id)}`}>Sync history</Link>
        </div>
        {runs.data ? (
          runs.data.runs.length ? <RunsTable runs={runs.data.runs.slice(0, 10)} /> : <p className="empty">No syncs in the last 7 days.</p>
        ) : (
          <LoadState loading={runs.loading} error={runs.error} what="sync runs" onRetry={() => void runs.reload()} />
        )}
      </section>
    </>
  );
}
