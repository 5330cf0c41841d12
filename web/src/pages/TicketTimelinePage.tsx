import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api.ts';
import type { Connection, SyncRun } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { EditableBy } from '../components/EditableBy.tsx';
import { Link } from '../components/Link.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { useResource } from '../hooks/use-api.ts';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { apiKey } from '../query-client.ts';
import { useOnUnauthorized } from '../session.ts';
import { OUTCOME, ROLE_LABEL } from '../labels.ts';
import type { Tone } from '../labels.ts';
import { connectionPath, syncRunPath, ticketPath } from '../routes.ts';
import type { TicketSide } from '../routes.ts';

/** GET /connections/:id/tickets/:side/:ticketId/timeline (README, HTTP API). */
interface RequestSummary {
  side: TicketSide;
  call: string;
  ref: string | null;
  ok: boolean;
  result: string;
  ms: number;
}
interface TicketEvent {
  id: string;
  at: string;
  runId: string | null;
  side: TicketSide;
  ticketId: string;
  kind: string;
  summary: string;
  requests: RequestSummary[];
  outcome: string | null;
  /** The worked ticket's subject when the step was recorded (older steps: none). */
  subject?: string | null;
}
interface Timeline {
  ticket: {
    side: TicketSide;
    id: string;
    /** Opens the ticket in its platform: your own side's tickets, the partner's while it shares ticket links. */
    url?: string | null;
    linked: { side: TicketSide; id: string; url?: string | null } | null;
    lastOutcome: string | null;
    retry: { side: TicketSide; ticketId: string; attempts: number; lastError: string | null } | null;
  };
  events: TicketEvent[];
}

const KIND: Record<string, { label: string; tone: Tone }> = {
  read: { label: 'Read', tone: 'neutral' },
  mapped: { label: 'Mapped', tone: 'info' },
  written: { label: 'Written', tone: 'ok' },
  comment_copied: { label: 'Comment copied', tone: 'ok' },
  attachment_copied: { label: 'Files copied', tone: 'ok' },
  retried: { label: 'Retried', tone: 'warn' },
  failed: { label: 'Failed', tone: 'err' },
  skipped_unchanged: { label: 'Skipped: unchanged', tone: 'neutral' },
  skipped_echo: { label: 'Skipped: nothing new', tone: 'neutral' },
  skipped_filtered: { label: 'Skipped: filter', tone: 'neutral' },
  skipped_missing: { label: 'Skipped: not found', tone: 'warn' },
  requested: { label: 'Requested', tone: 'info' },
};

const LAST: Record<string, { label: string; tone: Tone }> = { ...OUTCOME, unchanged: { label: 'Unchanged', tone: 'neutral' } };

/** Date and time to the second, in the browser's time zone (which is named once on the page). */
const formatMoment = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function Request({ r }: { r: RequestSummary }) {
  return (
    <li className={r.ok ? undefined : 'timeline__request--failed'}>
      <span className="muted">{ROLE_LABEL[r.side]}</span> <code>{r.call}</code>
      {r.ref ? ` ${r.ref}` : ''} → {r.ok ? r.result : <strong>{r.result}</strong>} <span className="muted">({r.ms} ms)</span>
    </li>
  );
}

export function TicketTimelinePage({ connectionId, side, ticketId }: { connectionId: string; side: TicketSide; ticketId: string }) {
  const path = `/connections/${encodeURIComponent(connectionId)}/tickets/${side}/${encodeURIComponent(ticketId)}`;
  const res = useResource<Timeline>(`${path}/timeline`);
  const conn = useResource<Connection>(`/connections/${encodeURIComponent(connectionId)}`);
  const queryClient = useQueryClient();
  const onUnauthorized = useOnUnauthorized();
  const [started, setStarted] = useState<{ action: 'retry' | 'resync'; runId: string; status: string } | null>(null);

  // While the run a button started works, the run and the timeline are read again every 2 s.
  const waiting = started !== null && started.status === 'running';
  const runPath = started ? `/sync-runs/${encodeURIComponent(started.runId)}` : '';
  const run = useQuery({
    queryKey: apiKey(runPath),
    queryFn: () => api.get<SyncRun>(runPath),
    enabled: waiting,
    refetchInterval: waiting ? 2000 : false,
    gcTime: 0,
  });
  const runStatus = run.data?.status;
  const runReadAt = run.dataUpdatedAt;
  useEffect(() => {
    if (!runReadAt) return;
    if (runStatus && runStatus !== 'running') setStarted((s) => (s && s.status === 'running' ? { ...s, status: runStatus } : s));
    void queryClient.invalidateQueries({ queryKey: apiKey(`${path}/timeline`) });
  }, [runReadAt, runStatus, path, queryClient]);
  const runUnauthorized = run.error instanceof ApiError && run.error.status === 401;
  useEffect(() => {
    if (runUnauthorized) onUnauthorized();
  }, [runUnauthorized, onUnauthorized]);

  const action = useApiMutation({
    mutationFn: (which: 'retry' | 'resync') => api.post<{ id: string; status: string }>(`${path}/${which}`),
    onSuccess: (r, which) => setStarted({ action: which, runId: r.id, status: r.status }),
    invalidates: [`${path}/timeline`],
  });
  const busy = action.isPending ? action.variables : null;
  const actionError = action.error;

  const t = res.data;
  const failed = !!t && (t.ticket.lastOutcome === 'failed' || t.ticket.retry !== null);
  // The newest subject recorded for this ticket (its own steps first, else its counterpart's).
  const subject = t
    ? (t.events.find((e) => e.side === side && e.ticketId === ticketId && e.subject)?.subject ?? t.events.find((e) => e.subject)?.subject ?? null)
    : null;
  const last = t?.ticket.lastOutcome ? (LAST[t.ticket.lastOutcome] ?? { label: t.ticket.lastOutcome, tone: 'neutral' as Tone }) : null;

  return (
    <div className="page">
      <p className="breadcrumb">
        <Link href={connectionPath(connectionId, 'sync')}>← {conn.data?.contractName ?? 'Connection'}: Sync</Link>
      </p>
      <header className="page__header page__header--row">
        <div className="page__title">
          <h1>Ticket #{ticketId}</h1>
          {subject ? <p className="ticket-subject">{subject}</p> : null}
          <p className="muted">
            {ROLE_LABEL[side]} side
            {t?.ticket.linked ? (
              <>
                {' '}
                · linked to <Link href={ticketPath(connectionId, t.ticket.linked.side, t.ticket.linked.id)}>#{t.ticket.linked.id}</Link> on the{' '}
                {t.ticket.linked.side} side
              </>
            ) : t ? (
              ' · not linked to a copy'
            ) : null}
            {t?.ticket.url ? (
              <>
                {' '}
                ·{' '}
                <a href={t.ticket.url} target="_blank" rel="noopener noreferrer">
                  Open in its helpdesk<span className="visually-hidden"> (new tab)</span>
                </a>
              </>
            ) : null}
            {t?.ticket.linked?.url ? (
              <>
                {' '}
                ·{' '}
                <a href={t.ticket.linked.url} target="_blank" rel="noopener noreferrer">
                  Open #{t.ticket.linked.id} in its helpdesk<span className="visually-hidden"> (new tab)</span>
                </a>
              </>
            ) : null}
          </p>
        </div>
        {last ? <Badge tone={last.tone}>{last.label}</Badge> : null}
      </header>

      {!t ? (
        <section className="card">
          <LoadState loading={res.loading} error={res.error} what="ticket" onRetry={() => void res.reload()} />
          {res.error?.status === 404 ? (
            <p className="muted">
              The sync keeps a ticket's timeline for its retention period (90 days unless your administrator changed it); a ticket that never travelled is shown
              only to its own organisation, unless your platform is the one that refused it.
            </p>
          ) : null}
        </section>
      ) : (
        <>
          <section className="card" aria-labelledby="actions-title">
            <div className="card__header">
              <h2 id="actions-title">Actions</h2>
            </div>
            {t.ticket.retry ? (
              <div className="notice notice--error">
                <p>
                  Waiting to be retried ({t.ticket.retry.attempts} {t.ticket.retry.attempts === 1 ? 'attempt' : 'attempts'}):{' '}
                  {t.ticket.retry.lastError ?? 'failed'}
                </p>
              </div>
            ) : null}
            <EditableBy least="member">
              <div className="actions">
                {failed ? (
                  <button type="button" className="btn btn--primary" disabled={busy !== null || waiting} onClick={() => action.mutate('retry')}>
                    {busy === 'retry' ? 'Starting…' : 'Retry'}
                  </button>
                ) : null}
                {t.ticket.linked ? (
                  <button type="button" className="btn" disabled={busy !== null || waiting} onClick={() => action.mutate('resync')}>
                    {busy === 'resync' ? 'Starting…' : 'Resync'}
                  </button>
                ) : null}
              </div>
              <p className="muted field__hint">
                {failed ? 'Retry works the ticket again now (fix the cause first: the error says what to check). ' : ''}
                {t.ticket.linked
                  ? 'Resync reads the original again and writes all its mapped fields to the copy, also those someone changed by hand on the copy.'
                  : ''}
                {!failed && !t.ticket.linked ? 'Nothing to do: this ticket has no copy and did not fail.' : ''}
              </p>
            </EditableBy>
            {actionError ? (
              <div className="notice notice--error" role="alert">
                <p>{actionError.message}</p>
              </div>
            ) : null}
            {started ? (
              <div
                className={`notice ${started.status === 'running' ? 'notice--info' : started.status === 'success' ? 'notice--ok' : 'notice--warn'}`}
                role="status"
              >
                <p>
                  {started.action === 'retry' ? 'Retry' : 'Resync'}{' '}
                  {started.status === 'running' ? 'started' : `finished (${started.status.replace('_', ' ')})`}:{' '}
                  <Link href={syncRunPath(started.runId)}>see the run</Link>.
                </p>
              </div>
            ) : null}
          </section>

          <section className="card" aria-labelledby="timeline-title">
            <div className="card__header">
              <h2 id="timeline-title">Timeline</h2>
              <span className="muted">Newest first · times in {timeZone()}</span>
            </div>
            {t.events.length === 0 ? (
              <p className="empty">No steps recorded for this ticket in the retention period. Its next change, a Retry or a Resync adds them here.</p>
            ) : (
              <ol className="timeline">
                {t.events.map((e) => {
                  const k = KIND[e.kind] ?? { label: e.kind, tone: 'neutral' as Tone };
                  return (
                    <li key={e.id} className={`timeline__item timeline__item--${k.tone}`}>
                      <div className="timeline__head">
                        <Badge tone={k.tone}>{k.label}</Badge>
                        <time dateTime={e.at}>{formatMoment(e.at)}</time>
                        {e.side !== side || e.ticketId !== ticketId ? (
                          <span className="muted">
                            {ROLE_LABEL[e.side]} #{e.ticketId}
                          </span>
                        ) : null}
                        {e.runId ? (
                          <Link href={syncRunPath(e.runId)} className="timeline__run">
                            Run<span className="visually-hidden"> of the step at {formatMoment(e.at)}</span>
                          </Link>
                        ) : null}
                      </div>
                      <p className="timeline__summary">{e.summary}</p>
                      {e.requests.length ? (
                        <ul className="timeline__requests" aria-label="Requests">
                          {e.requests.map((r, i) => (
                            <Request key={i} r={r} />
                          ))}
                        </ul>
                      ) : null}
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
        </>
      )}
    </div>
  );
}
