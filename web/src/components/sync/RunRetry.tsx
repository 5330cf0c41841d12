import { useState } from 'react';
import { api } from '../../api.ts';
import type { SyncRunDetail } from '../../api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { syncRunPath } from '../../routes.ts';
import { EditableBy } from '../EditableBy.tsx';
import { Link } from '../Link.tsx';

interface Started {
  runId: string;
  tickets: number;
}

/**
 * Retry from a run's page: one failed row, or every failed row the reader sees (their own tickets, and the
 * partner's whose write into the reader's platform failed). Either starts one run for them.
 */
export function useRunRetry(runId: string) {
  // What came of the last retry stays shown while another starts (and if that one is refused).
  const [started, setStarted] = useState<Started | null>(null);
  const retry = useApiMutation({
    mutationFn: ({ path }: { key: string; path: string }) => api.post<{ id: string; status: string; tickets: number }>(path),
    onSuccess: (r) => setStarted({ runId: r.id, tickets: r.tickets }),
  });
  const busy = retry.isPending ? retry.variables.key : null;
  const start = (key: string, path: string) =>
    retry.mutateAsync({ key, path }).then(
      () => undefined,
      () => undefined,
    );
  const base = `/sync-runs/${encodeURIComponent(runId)}`;
  return {
    busy,
    error: retry.error,
    started,
    retryAll: () => start('all', `${base}/retry-failed`),
    retryRow: (d: SyncRunDetail) => (d.id ? start(d.id, `${base}/details/${encodeURIComponent(d.id)}/retry`) : Promise.resolve()),
  };
}

type RunRetry = ReturnType<typeof useRunRetry>;

/** Failed rows the reader may retry (the server says which; older servers: every failed row). */
export const failedRows = (details: SyncRunDetail[]) =>
  details.filter((d) => d.retryable ?? (d.outcome === 'failed' || d.failedComments + d.failedAttachments > 0)).length;

/** Above a run's tickets: CSV download, Retry all failed, and what came of a retry. */
export function RunTicketActions({ runId, details, retry }: { runId: string; details: SyncRunDetail[]; retry: RunRetry }) {
  const failed = failedRows(details);
  return (
    <>
      <div className="actions">
        <a className="btn btn--small" href={`/api/v1/sync-runs/${encodeURIComponent(runId)}/details.csv`} download>
          Download CSV
        </a>
        {failed > 0 ? (
          <EditableBy least="member" quiet>
            <button type="button" className="btn btn--small btn--primary" disabled={retry.busy !== null} onClick={() => void retry.retryAll()}>
              {retry.busy === 'all' ? 'Starting…' : `Retry all failed (${failed})`}
            </button>
          </EditableBy>
        ) : null}
      </div>
      {retry.error ? (
        <div className="notice notice--error" role="alert">
          <p>{retry.error.message}</p>
        </div>
      ) : null}
      {retry.started ? (
        <div className="notice notice--info" role="status">
          <p>
            Retry started for {retry.started.tickets} {retry.started.tickets === 1 ? 'ticket' : 'tickets'}:{' '}
            <Link href={syncRunPath(retry.started.runId)}>follow the run</Link>.
          </p>
        </div>
      ) : null}
    </>
  );
}
