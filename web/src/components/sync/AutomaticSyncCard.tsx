import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { Connection } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { triggerLabel } from '../../labels.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { apiKey } from '../../query-client.ts';
import { syncRunPath } from '../../routes.ts';
import { Link } from '../Link.tsx';
import { Toggle } from '../Toggle.tsx';
import { EditableBy } from '../EditableBy.tsx';
import { RunStatusBadge } from './RunStatusBadge.tsx';

/** "in 3 min", "in less than a minute", "overdue": the next scheduled run relative to now. */
function relative(iso: string, now: number): string | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const min = Math.round((at - now) / 60_000);
  if (at - now < 30_000) return 'due now';
  if (min < 1) return 'in less than a minute';
  if (min < 60) return `in ${min} min`;
  return null;
}

/**
 * Automatic sync (product.md §6): the schedule that keeps the connection in step after the first manual
 * sync. Only available once that baseline exists; the API answers 409 initial_sync_required before.
 */
export function AutomaticSyncCard({ connection }: { connection: Connection }) {
  const queryClient = useQueryClient();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(t);
  }, []);

  const path = `/connections/${encodeURIComponent(connection.id)}`;
  const change = useApiMutation({
    mutationFn: (enabled: boolean) => api.put<Connection>(`${path}/automatic-sync`, { enabled }),
    // The page shows the connection as the API answered it.
    onSuccess: (changed) => queryClient.setQueryData(apiKey(path), changed),
    onError: (e) => {
      // Our view of the connection was out of date.
      if (e.status === 409 && e.code === 'initial_sync_required') void queryClient.invalidateQueries({ queryKey: apiKey(path) });
    },
  });
  const busy = change.isPending;
  // The switch moves at once; it goes back if the change is refused.
  const checked = change.isPending ? change.variables : connection.automaticSync;
  const problem = change.error
    ? change.error.status === 409 && change.error.code === 'initial_sync_required'
      ? { kind: 'initial' as const }
      : { kind: 'error' as const, message: change.error.message }
    : null;
  const saved = change.isSuccess ? change.data.automaticSync : null;
  const active = connection.status === 'active';
  const needsBaseline = connection.syncState === 'initial_sync_required';
  const minutes = connection.intervalMinutes;
  const label = minutes ? `Sync automatically every ${minutes} minute${minutes === 1 ? '' : 's'}` : 'Sync automatically every few minutes';

  let help: string;
  if (!active) help = 'Available once your partner has accepted the connection and the first manual sync has run.';
  else if (needsBaseline) help = 'Run a manual sync first (Sync now, above). It is the baseline; after it, tickets can be synced on a schedule.';
  else if (checked) help = 'Tickets created or changed since the previous run are synced in the background, in both directions your configuration allows.';
  else help = 'Off: tickets are synced only when someone clicks Sync now (or a webhook below reports a change).';

  const next = connection.automaticSync && connection.nextRunAt ? connection.nextRunAt : null;
  const last = connection.lastRun ?? null;
  const lastAt = last?.finishedAt ?? last?.startedAt ?? null;

  return (
    <section className="card" aria-labelledby="auto-sync-title">
      <div className="card__header card__header--row">
        <h2 id="auto-sync-title">Automatic sync</h2>
        {active && !needsBaseline ? <span className={`badge ${checked ? 'badge--ok' : 'badge--neutral'}`}>{checked ? 'On' : 'Off'}</span> : null}
      </div>
      <EditableBy least="member">
        <Toggle label={label} checked={checked} disabled={busy || !active || needsBaseline} onChange={(v) => change.mutate(v)} help={help} />
      </EditableBy>
      {problem?.kind === 'initial' ? (
        <p className="notice notice--warn" role="alert">
          Run a manual sync first: automatic sync starts from the baseline the first successful manual sync sets. Use <strong>Sync now</strong> above, then
          switch it on.
        </p>
      ) : null}
      {problem?.kind === 'error' ? (
        <p className="notice notice--error" role="alert">
          Automatic sync was not changed: {problem.message}
        </p>
      ) : null}
      {saved !== null && !problem ? (
        <p className="saved" role="status">
          {saved ? 'Automatic sync is on.' : 'Automatic sync is off.'}
        </p>
      ) : null}
      {next || last ? (
        <dl className="summary auto-sync__facts">
          {next ? (
            <div>
              <dt>Next run</dt>
              <dd>
                {formatDateTime(next)}
                {relative(next, now) ? <span className="muted"> · {relative(next, now)}</span> : null}
              </dd>
            </div>
          ) : null}
          {last ? (
            <div>
              <dt>Last run</dt>
              <dd className="auto-sync__last">
                <RunStatusBadge status={last.status} />
                {lastAt ? <span>{formatDateTime(lastAt)}</span> : null}
              </dd>
              <dd className="auto-sync__meta">
                {last.trigger ? <span className="muted">{triggerLabel(last.trigger)} run</span> : null}
                {last.id ? <Link href={syncRunPath(last.id)}>Details</Link> : null}
              </dd>
              {last.error ? <dd className="auto-sync__error">{last.error}</dd> : null}
            </div>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}
