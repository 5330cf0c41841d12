import type { Connection, SyncRun } from '../../api.ts';
import { useInterval, useResource } from '../../hooks/use-api.ts';
import { useCan } from '../../permissions.ts';
import { Link } from '../Link.tsx';
import { LoadState } from '../LoadState.tsx';
import { AutomaticSyncCard } from './AutomaticSyncCard.tsx';
import { DryRunCard } from './DryRunCard.tsx';
import { LiveRunCard } from './LiveRunCard.tsx';
import { RunsTable } from './RunsTable.tsx';
import { SyncNowCard } from './SyncNowCard.tsx';
import { WebhookCard } from './WebhookCard.tsx';

/** Sync now, automatic sync, the webhook for real-time updates, and this connection's recent runs. */
export function SyncTab({ connection, onSyncStarted }: { connection: Connection; onSyncStarted: () => void }) {
  const isAdmin = useCan('admin');
  const runs = useResource<{ runs: SyncRun[] }>(`/sync-runs?connection=${encodeURIComponent(connection.id)}`);
  const running = runs.data?.runs.some((r) => r.status === 'running') ?? false;
  const runningRun = runs.data?.runs.find((r) => r.status === 'running');
  useInterval(
    () => {
      void runs.reload({ quiet: true });
      onSyncStarted(); // the connection's state changes when the first run ends
    },
    2000,
    running,
  );
  // Runs also start on their own (schedule, webhooks): keep the list and the next-run time fresh.
  useInterval(
    () => {
      void runs.reload({ quiet: true });
      onSyncStarted();
    },
    15_000,
    connection.automaticSync && !running,
  );
  return (
    <>
      <SyncNowCard connection={connection} />
      <DryRunCard connection={connection} />
      <AutomaticSyncCard connection={connection} />
      {runningRun ? (
        <LiveRunCard
          key={runningRun.id}
          run={runningRun}
          onDone={() => {
            void runs.reload({ quiet: true });
            onSyncStarted();
          }}
        />
      ) : null}
      <section className="card" aria-labelledby="recent-title">
        <div className="card__header card__header--row">
          <h2 id="recent-title">Recent syncs</h2>
          <Link href={`/sync?connection=${encodeURIComponent(connection.id)}`}>Sync history</Link>
        </div>
        {runs.data ? (
          runs.data.runs.length ? (
            <RunsTable runs={runs.data.runs.slice(0, 10)} />
          ) : (
            <p className="empty">No syncs in the last 7 days.</p>
          )
        ) : (
          <LoadState loading={runs.loading} error={runs.error} what="sync runs" onRetry={() => void runs.reload()} />
        )}
      </section>
      {isAdmin ? <WebhookCard connection={connection} /> : null}
    </>
  );
}
