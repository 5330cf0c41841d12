import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import type { Connection } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { triggerLabel } from '../../labels.ts';
import { useApiCall } from '../../hooks/use-api.ts';
import { syncRunPath } from '../../routes.ts';
import { Link } from '../Link.tsx';
import { Toggle } from '../Toggle.tsx';
import { EditableBy } from '../EditableBy.tsx';
import { RunStatusBadge } from './RunStatusBadge.tsx';

type Problem = { kind: 'initial' } | { kind: 'error'; message: string } | null;

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
export function AutomaticSyncCard({ connection, onChanged }: { connection: Connection; onChanged: (c?: Connection) => void }) {
  const call = useApiCall();
  const [pending, setPending] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<Problem>(null);
  const [saved, setSaved] = useState<null | boolean>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(t);
  }, []);

  const busy = pending !== null;
  const checked = pending ?? connection.automaticSync;
  const active = connection.status === 'active';
  const needsBaseline = connection.syncState === 'initial_sync_required';
  const minutes = connection.intervalMinutes;
  const label = minutes ? `Sync automatically every ${minutes} minute${minutes === 1 ? '' : 's'}` : 'Sync automatically every few minutes';

  async function change(enabled: boolean) {
    setProblem(null);
    setSaved(null);
    setPending(enabled); // the switch moves at once; it goes back if the change is refused
    const r = await call(() => api.put<Connection>(`/connections/${encodeURIComponent(connection.id)}/automatic-sync`, { enabled }));
    if (r.ok) {
      onChanged(r.data);
      setSaved(r.data.automaticSync);
    } else if (r.error?.status === 409 && r.error.code === 'initial_sync_required') {
      setProblem({ kind: 'initial' });
      onChanged(); // our view of the connection was out of date
    } else if (r.error) {
      setProblem({ kind: 'error', message: r.error.message });
    }
    setPending(null);
  }

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
        <Toggle label={label} checked={checked} disabled={busy || !active || needsBaseline} onChange={(v) => void change(v)} help={help} />
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
