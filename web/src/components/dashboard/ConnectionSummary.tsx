import { formatDateTime } from '../../format.ts';
import { triggerLabel } from '../../labels.ts';
import { connectionPath, syncRunPath } from '../../routes.ts';
import { SyncStateBadge } from '../connections/SyncStateBadge.tsx';
import { Link } from '../Link.tsx';
import { RunStatusBadge } from '../sync/RunStatusBadge.tsx';
import { DailyChart } from './DailyChart.tsx';
import { STATE, type ConnectionFigures, type LagSource } from './types.ts';

export type Period = '7d' | '30d';

/** "42 s", "5 min", "3 h 10 min", "2 days 4 h". */
export function formatLag(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} days${h % 24 ? ` ${h % 24} h` : ''}`;
}

const LAG_SOURCE: Record<LagSource, string> = {
  last_run: 'changes made since the last completed sync started',
  retry: 'a failed ticket waiting to be retried',
  hint: 'a webhook notification not yet processed',
  create: 'an interrupted ticket creation',
};

const RUN_SERIES = [
  { key: 'success', label: 'Success' },
  { key: 'partial', label: 'Partial' },
  { key: 'failed', label: 'Failed' },
  { key: 'no_tickets', label: 'No tickets' },
] as const;

const TICKET_SERIES = [
  { key: 'created', label: 'Created' },
  { key: 'updated', label: 'Updated' },
  { key: 'closed', label: 'Closed' },
  { key: 'failed', label: 'Failed' },
] as const;

/** One connection on the dashboard: its state, the facts that say whether it keeps up, and its daily charts. */
export function ConnectionSummary({ c, period }: { c: ConnectionFigures; period: Period }) {
  const s = STATE[c.state];
  const days = period === '7d' ? c.daily.slice(-7) : c.daily;
  const t = c.totals[period];
  const lastAt = c.lastRun?.finishedAt ?? c.lastRun?.startedAt ?? null;
  const titleId = `conn-${c.id}`;
  const periodWords = period === '7d' ? 'last 7 days' : 'last 30 days';
  return (
    <section className="card dash-conn" aria-labelledby={titleId}>
      <div className="card__header card__header--row">
        <div>
          <h2 id={titleId}>
            <Link href={connectionPath(c.id, 'sync')}>{c.name}</Link>
          </h2>
          <p className="muted">
            {c.partner ? `With ${c.partner.name}` : 'Waiting for your partner'} · you are the {c.role === 'source' ? 'Source' : 'Target'}
          </p>
        </div>
        <SyncStateBadge state={c.state} />
      </div>
      <p className="muted dash-conn__help">{s.help}</p>
      <dl className="summary dash-facts">
        <div>
          <dt>Last run</dt>
          <dd>
            {c.lastRun ? (
              <span className="dash-facts__run">
                <RunStatusBadge status={c.lastRun.status} />
                {c.lastRun.id ? <Link href={syncRunPath(c.lastRun.id)}>{formatDateTime(lastAt)}</Link> : formatDateTime(lastAt)}
                {c.lastRun.trigger ? <span className="muted">{triggerLabel(c.lastRun.trigger)}</span> : null}
              </span>
            ) : (
              <span className="muted">
                Never — run Sync now in the <Link href={connectionPath(c.id, 'sync')}>Sync tab</Link>
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>
            {c.nextRunAt ? (
              formatDateTime(c.nextRunAt)
            ) : (
              <span className="muted">{c.state === 'automatic' ? 'Due now' : 'Not scheduled (automatic sync is off)'}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Sync lag</dt>
          <dd>
            {c.lagSeconds === null ? (
              <span className="muted">Not known until a sync has completed</span>
            ) : (
              <>
                <strong>{formatLag(c.lagSeconds)}</strong>
                {c.lagSource ? (
                  <span className="muted dash-facts__note">
                    Oldest unsynced: {LAG_SOURCE[c.lagSource]}
                    {c.lagSince ? ` (${formatDateTime(c.lagSince)})` : ''}
                  </span>
                ) : null}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Success rate (7 days)</dt>
          <dd>
            {c.successRate === null ? (
              <span className="muted">No finished runs this week</span>
            ) : (
              <>
                <strong>{Math.round(c.successRate * 100)}%</strong>
                <span className="muted dash-facts__note">
                  of {c.finishedRuns7d} finished {c.finishedRuns7d === 1 ? 'run' : 'runs'}
                </span>
              </>
            )}
          </dd>
        </div>
      </dl>
      <p className="dash-totals">
        <span className="visually-hidden">Tickets in the {periodWords}: </span>
        <span>
          <strong>{t.tickets.created}</strong> created
        </span>
        <span>
          <strong>{t.tickets.updated}</strong> updated
        </span>
        <span>
          <strong>{t.tickets.closed}</strong> closed
        </span>
        <span className={t.tickets.failed ? 'dash-totals__bad' : undefined}>
          <strong>{t.tickets.failed}</strong> failed
        </span>
        <span className="muted">in the {periodWords}</span>
      </p>
      <div className="dash-charts">
        <DailyChart
          title={`Runs by status, ${periodWords}`}
          days={days}
          series={[...RUN_SERIES]}
          pick={(d) => ({ ...d.runs })}
          empty={`No sync runs in the ${periodWords}.`}
        />
        <DailyChart
          title={`Tickets per day, ${periodWords}`}
          days={days}
          series={[...TICKET_SERIES]}
          pick={(d) => ({ ...d.tickets })}
          empty={`No tickets created, updated, closed or failed in the ${periodWords}.`}
        />
      </div>
    </section>
  );
}
