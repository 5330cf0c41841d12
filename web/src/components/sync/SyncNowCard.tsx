import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../../api.ts';
import type { Connection } from '../../api.ts';
import { localDateDaysAgo, todayLocalDate } from '../../format.ts';
import { useApiCall } from '../../hooks/use-api.ts';
import { syncRunPath } from '../../routes.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';
import { EditableBy } from '../EditableBy.tsx';

type Outcome = { kind: 'started'; runId: string } | { kind: 'busy' } | { kind: 'error'; message: string; field: boolean } | null;

/** Manual sync: once, now, from a chosen start date (product.md §6). */
export function SyncNowCard({ connection, onStarted }: { connection: Connection; onStarted: () => void }) {
  const call = useApiCall();
  const [since, setSince] = useState(() => localDateDaysAgo(7));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const active = connection.status === 'active';

  async function start(ev: FormEvent) {
    ev.preventDefault();
    setOutcome(null);
    if (!since) return setOutcome({ kind: 'error', message: 'Choose the date from which tickets are synced.', field: true });
    if (since > todayLocalDate()) return setOutcome({ kind: 'error', message: 'The start date cannot be in the future.', field: true });
    setBusy(true);
    // The date is the user's calendar day: send its local midnight, not midnight UTC.
    const [y, m, d] = since.split('-').map(Number);
    const sinceAt = new Date(y!, m! - 1, d!).toISOString();
    const r = await call(() => api.post<{ id: string; status: string }>(`/connections/${encodeURIComponent(connection.id)}/sync-runs`, { since: sinceAt }));
    setBusy(false);
    if (r.ok) {
      setOutcome({ kind: 'started', runId: r.data.id });
      onStarted();
    } else if (r.error) {
      if (r.error.status === 409 && r.error.code === 'sync_in_progress') setOutcome({ kind: 'busy' });
      else setOutcome({ kind: 'error', message: r.error.message, field: r.error.field === 'since' });
    }
  }

  return (
    <section className="card" aria-labelledby="sync-now-title">
      <div className="card__header">
        <h2 id="sync-now-title">Sync now</h2>
        <p className="muted">
          {connection.syncState === 'initial_sync_required'
            ? 'Run the first manual sync: it is the baseline, after which the connection is ready for automatic sync.'
            : 'Runs once, now, for tickets created or changed since the start date. Linked tickets are updated, never copied twice.'}
        </p>
      </div>
      <EditableBy least="member">
        <form onSubmit={start} noValidate className="sync-now">
          <Field
            label="Start date"
            type="date"
            value={since}
            max={todayLocalDate()}
            onChange={(e) => setSince(e.target.value)}
            error={outcome?.kind === 'error' && outcome.field ? outcome.message : undefined}
            help="Tickets created or changed on or after this date."
          />
          <button type="submit" className="btn btn--primary" disabled={busy || !active} title={active ? undefined : 'The connection is not active yet'}>
            {busy ? 'Starting…' : 'Sync now'}
          </button>
        </form>
      </EditableBy>
      {outcome?.kind === 'started' ? (
        <p className="notice notice--ok" role="status">
          Sync started. <Link href={syncRunPath(outcome.runId)}>Follow it in Sync history</Link>
        </p>
      ) : null}
      {outcome?.kind === 'busy' ? (
        <p className="notice notice--warn" role="alert">
          A sync of this connection is already running. Wait for it to finish, then start another.{' '}
          <Link href={`/sync?connection=${encodeURIComponent(connection.id)}`}>See the running sync</Link>
        </p>
      ) : null}
      {outcome?.kind === 'error' && !outcome.field ? (
        <p className="notice notice--error" role="alert">
          {outcome.message}
        </p>
      ) : null}
    </section>
  );
}
