import { useState } from 'react';
import { BudgetGauge } from '../components/dashboard/BudgetGauge.tsx';
import { ConnectionSummary, type Period } from '../components/dashboard/ConnectionSummary.tsx';
import type { Dashboard } from '../components/dashboard/types.ts';
import '../components/dashboard/dashboard.css';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { useInterval, useResource } from '../hooks/use-api.ts';

/** The browser's time zone: the server buckets days in it, and every time on the page is shown in it. */
const TIME_ZONE = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
})();

const PERIODS: Array<{ value: Period; label: string }> = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

/** The organisation's sync at a glance: each connection's state and figures, and each platform account's API budget. */
export function DashboardPage() {
  const res = useResource<Dashboard>(`/dashboard?tz=${encodeURIComponent(TIME_ZONE)}`);
  const [period, setPeriod] = useState<Period>('7d');
  // Lag grows and runs finish on their own: keep the figures fresh while the page is open.
  useInterval(() => void res.reload({ quiet: true }), 30_000, res.data !== undefined);
  const d = res.data;
  return (
    <div className="page">
      <header className="page__header page__header--row">
        <div className="page__title">
          <h1>Dashboard</h1>
          <p className="muted">How your connections keep up. Days and times are in your time zone ({TIME_ZONE}).</p>
        </div>
        {d && d.connections.length > 0 ? (
          <fieldset className="period-switch">
            <legend className="visually-hidden">Period of the charts</legend>
            {PERIODS.map((p) => (
              <label key={p.value} className={`period-switch__item${period === p.value ? ' period-switch__item--on' : ''}`}>
                <input type="radio" name="dashboard-period" value={p.value} checked={period === p.value} onChange={() => setPeriod(p.value)} />
                {p.label}
              </label>
            ))}
          </fieldset>
        ) : null}
      </header>
      {!d ? (
        <section className="card">
          <LoadState loading={res.loading} error={res.error} what="dashboard" onRetry={() => void res.reload()} />
        </section>
      ) : (
        <>
          {d.connections.length === 0 ? (
            <section className="card dash-empty" aria-labelledby="dash-empty-title">
              <h2 id="dash-empty-title">No active connections yet</h2>
              <p>
                {d.pendingConnections > 0
                  ? `${d.pendingConnections === 1 ? 'One connection is' : `${d.pendingConnections} connections are`} waiting for your partner to enter the verification code. Once they have, its sync figures appear here.`
                  : 'Pair with a partner organisation so tickets flow between your helpdesks; each connection’s sync figures then appear here.'}
              </p>
              <p>
                <Link href="/connections" className="btn btn--primary">
                  Create a connection…
                </Link>
              </p>
            </section>
          ) : (
            <>
              {d.pendingConnections > 0 ? (
                <p className="notice notice--info">
                  {d.pendingConnections === 1 ? 'One more connection is' : `${d.pendingConnections} more connections are`} waiting for your partner: see{' '}
                  <Link href="/connections">Connections</Link>.
                </p>
              ) : null}
              {d.connections.map((c) => (
                <ConnectionSummary key={c.id} c={c} period={period} />
              ))}
            </>
          )}
          <section className="card" aria-labelledby="budget-title">
            <div className="card__header">
              <h2 id="budget-title">API budget</h2>
              <p className="muted">
                Each helpdesk account allows so many API calls a minute. All sync workers share it and leave part of it for your own agents and apps.
              </p>
            </div>
            {d.rateBudgets.length ? (
              <div className="gauges">
                {d.rateBudgets.map((b) => (
                  <BudgetGauge key={b.account} budget={b} />
                ))}
              </div>
            ) : (
              <p className="empty">
                No platform account yet: save your helpdesk's API URL and credentials in <Link href="/settings">Settings</Link>, and its budget shows here.
              </p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
