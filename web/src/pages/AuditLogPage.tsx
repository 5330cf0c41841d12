import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Controller, useForm } from 'react-hook-form';
import { api } from '../api.ts';
import type { AuditEvent, AuditPage, Member } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { formatDateTime } from '../format.ts';
import { asApiError, useResource } from '../hooks/use-api.ts';
import { useOnUnauthorized } from '../session.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { sameValue } from '../unsaved-changes.ts';
import { readOnlyMessage, useCan } from '../permissions.ts';
import { auditSentence } from '../audit-words.ts';

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'platform.saved': 'Platform credentials saved',
  'platform.tested': 'Connection tested',
  'connection.sync_started': 'Sync started (Sync now)',
  'connection.dry_run': 'Dry run made',
  'connection.created': 'Connection created',
  'connection.accepted': 'Connection accepted',
  'connection.revoked': 'Connection revoked',
  'connection.configuration_saved': 'Configuration saved',
  'connection.mappings_saved': 'Field mappings saved',
  'connection.change_proposed': 'Change proposed (needs approval)',
  'connection.change_approved': 'Proposed change approved',
  'connection.change_rejected': 'Proposed change rejected',
  'connection.change_withdrawn': 'Proposed change withdrawn',
  'connection.change_superseded': 'Proposed change replaced',
  'connection.change_applied': 'Proposed change applied',
  'connection.automatic_sync_changed': 'Automatic sync switched',
  'connection.webhook_rotated': 'Webhook URL replaced',
  'member.role_changed': 'Member role changed',
  'member.removed': 'Member removed',
  'invitation.created': 'Invitation created',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'signup_link.created': 'Sign-up link created',
  'signup_link.used': 'Organisation signed up with a link',
  'user.created': 'User created (command line)',
  'user.password_changed': 'Own password changed',
  'user.password_reset': 'Password reset',
  'ticket.retry_requested': 'Ticket retry requested',
  'ticket.resync_requested': 'Ticket resync requested',
  'api_token.created': 'API token created',
  'api_token.revoked': 'API token revoked',
  'member.name_changed': 'Own name changed',
  'notification_channel.created': 'Notification channel added',
  'notification_channel.updated': 'Notification channel changed',
  'notification_channel.removed': 'Notification channel removed',
};

interface Filters {
  action: string;
  actor: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { action: '', actor: '', from: '', to: '' };

/** The filters as the API's query; dates are whole days in the user's own time zone. */
function queryOf(f: Filters, before?: string): string {
  const q = new URLSearchParams({ limit: '50' });
  if (f.action) q.set('action', f.action);
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) q.set('to', new Date(`${f.to}T23:59:59.999`).toISOString());
  if (before) q.set('before', before);
  return `/audit-log?${q.toString()}`;
}

export function AuditLogPage() {
  const isAdmin = useCan('admin');
  // The filters as typed; they apply on submit (Apply filters), not while typing.
  const { register, control, handleSubmit, reset, watch } = useForm<Filters>({ ...FORM_BEHAVIOUR, defaultValues: EMPTY });
  const draft = watch();
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const query = useMemo(() => queryOf(applied), [applied]);
  const first = useResource<AuditPage>(isAdmin ? query : null);
  const members = useResource<{ members: Member[] }>(isAdmin ? '/members' : null);
  // Older pages start where the first page ended when "Load older changes" was first pressed; applying the
  // filters starts again from the first page.
  const [older, setOlder] = useState<{ query: string; before: string } | null>(null);
  const olderFrom = older && older.query === query ? older : null;
  const olderPages = useInfiniteQuery({
    queryKey: ['api', `${query}#older`, olderFrom?.before ?? ''],
    queryFn: ({ pageParam }) => api.get<AuditPage>(queryOf(applied, pageParam)),
    initialPageParam: olderFrom?.before ?? '',
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    enabled: olderFrom !== null,
    staleTime: Infinity,
    gcTime: 0,
  });
  const olderFailure = olderPages.error ? asApiError(olderPages.error) : null;
  const onUnauthorized = useOnUnauthorized();
  const unauthorized = olderFailure?.status === 401;
  useEffect(() => {
    if (unauthorized) onUnauthorized();
  }, [unauthorized, onUnauthorized]);
  const loadingOlder = olderFrom !== null && olderPages.isFetching;
  const olderError = loadingOlder || unauthorized ? null : (olderFailure?.message ?? null);

  if (!isAdmin) {
    return (
      <div className="page">
        <header className="page__header">
          <h1>Audit log</h1>
        </header>
        <p className="notice notice--info">{readOnlyMessage('admin').replace('change this', 'read the audit log')}</p>
      </div>
    );
  }

  const loaded = olderFrom ? olderPages.data?.pages : undefined;
  const events = [...(first.data?.events ?? []), ...(loaded?.flatMap((p) => p.events) ?? [])];
  const nextBefore = loaded ? (loaded[loaded.length - 1]!.nextBefore ?? null) : (olderFrom?.before ?? first.data?.nextBefore ?? null);
  const filtered = !sameValue(applied, EMPTY);

  const apply = handleSubmit((values) => {
    setOlder(null);
    setApplied(values);
  });

  async function loadOlder() {
    if (!nextBefore) return;
    if (!olderFrom) setOlder({ query, before: nextBefore });
    else if (!loaded) await olderPages.refetch();
    else await olderPages.fetchNextPage();
  }

  return (
    <div className="page">
      <header className="page__header">
        <h1>Audit log</h1>
        <p className="muted">
          Who changed credentials, connections, configuration, mappings, automatic sync and members, and when. Secrets are never shown. Nobody can edit or
          delete these entries.
        </p>
      </header>
      <section className="card" aria-labelledby="audit-title">
        <div className="card__header">
          <h2 id="audit-title">Changes</h2>
        </div>
        <form onSubmit={(ev) => void apply(ev)} noValidate className="stack" role="search" aria-label="Filter the audit log">
          <div className="filters">
            <Controller
              control={control}
              name="action"
              render={({ field }) => (
                <SelectField
                  label="Action"
                  value={field.value}
                  emptyLabel="All actions"
                  options={Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }))}
                  onChange={field.onChange}
                />
              )}
            />
            <Field label="Who (e-mail)" type="search" list="audit-actors" autoComplete="off" placeholder="Any member" {...register('actor')} />
            <Field label="From" type="date" max={draft.to || undefined} {...register('from')} />
            <Field label="To" type="date" min={draft.from || undefined} {...register('to')} />
          </div>
          <datalist id="audit-actors">
            {(members.data?.members ?? []).map((m) => (
              <option key={m.id} value={m.email} />
            ))}
          </datalist>
          <div className="actions">
            <button type="submit" className="btn btn--primary">
              Apply filters
            </button>
            {filtered || !sameValue(draft, EMPTY) ? (
              <button
                type="button"
                className="btn btn--ghost"
                onClick={() => {
                  reset(EMPTY);
                  setOlder(null);
                  setApplied(EMPTY);
                }}
              >
                Clear filters
              </button>
            ) : null}
            <span className="muted actions__status">Times are in your time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}).</span>
          </div>
        </form>
        {first.data ? (
          events.length ? (
            <>
              <AuditTable events={events} names={new Map((members.data?.members ?? []).filter((m) => m.name).map((m) => [m.id, m.name!]))} />
              {olderError ? (
                <p className="notice notice--error" role="alert">
                  {olderError}
                </p>
              ) : null}
              {nextBefore ? (
                <div className="actions">
                  <button type="button" className="btn" onClick={() => void loadOlder()} disabled={loadingOlder}>
                    {loadingOlder ? 'Loading…' : 'Load older changes'}
                  </button>
                </div>
              ) : null}
            </>
          ) : filtered ? (
            <p className="empty">
              No changes match these filters. Widen the dates or choose <strong>All actions</strong>, then apply again.
            </p>
          ) : (
            <p className="empty">
              No changes recorded yet. Changes to Settings, connections, configuration, mappings, automatic sync and members appear here as they happen.
            </p>
          )
        ) : (
          <LoadState loading={first.loading} error={first.error} what="audit log" onRetry={() => void first.reload()} />
        )}
      </section>
    </div>
  );
}

/** `names`: members' display names by user id (people who left show their e-mail). */
function AuditTable({ events, names }: { events: AuditEvent[]; names: Map<string, string> }) {
  return (
    <table className="table table--stack audit">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          <th scope="col">Changes</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td data-label="When">
              <time dateTime={e.at}>{formatDateTime(e.at)}</time>
            </td>
            <td data-label="Who">
              <span className="member-cell">
                {e.actor.id && names.get(e.actor.id) ? (
                  <>
                    {names.get(e.actor.id)}
                    <br />
                    <span className="muted">{e.actor.email}</span>
                  </>
                ) : (
                  e.actor.email
                )}
              </span>
            </td>
            <th scope="row" data-label="What">
              <span className="member-cell">
                {auditSentence(e.action, {
                  who: (e.actor.id && names.get(e.actor.id)) || e.actor.email,
                  target: e.target.label,
                  before: e.before,
                  after: e.after,
                })}
                {/* The kind of change in the Action filter's words, to find its like. */}
                {AUDIT_ACTION_LABELS[e.action] ? (
                  <>
                    <br />
                    <span className="muted">{AUDIT_ACTION_LABELS[e.action]}</span>
                  </>
                ) : null}
              </span>
            </th>
            <td data-label="Changes">
              <Changes before={e.before} after={e.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every leaf value by its dotted path ("configuration.attachments.enabled"). */
function flatten(value: unknown, at = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && at) out.set(at, Array.isArray(value) ? '[]' : '{}');
    for (const [k, v] of entries) flatten(v, at ? `${at}.${k}` : k, out);
  } else if (value !== undefined) out.set(at || '(value)', display(value));
  return out;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A value as the table shows it; date-times in the user's time zone. */
function display(value: unknown): string {
  if (value === null) return '—';
  if (typeof value === 'string') return ISO_TIME.test(value) ? formatDateTime(value) : value;
  return JSON.stringify(value);
}

const SHOWN = 12;

/** What changed, path by path; the full before/after on demand. */
function Changes({ before, after }: { before: unknown; after: unknown }) {
  const b = before == null ? new Map<string, string>() : flatten(before);
  const a = after == null ? new Map<string, string>() : flatten(after);
  const rows = [...new Set([...b.keys(), ...a.keys()])]
    .map((k) => ({ path: k, before: b.get(k) ?? '—', after: a.get(k) ?? '—' }))
    .filter((r) => r.before !== r.after);
  if (rows.length === 0) return <span className="muted">No field changed</span>;
  return (
    <div className="audit__changes">
      <ul className="audit__diff">
        {rows.slice(0, SHOWN).map((r) => (
          <li key={r.path}>
            <code>{r.path}</code>: <del>{r.before}</del> <span aria-hidden="true">→</span>
            <span className="visually-hidden"> changed to </span> <ins>{r.after}</ins>
          </li>
        ))}
      </ul>
      {rows.length > SHOWN ? (
        <details>
          <summary>{rows.length - SHOWN} more changes</summary>
          <ul className="audit__diff">
            {rows.slice(SHOWN).map((r) => (
              <li key={r.path}>
                <code>{r.path}</code>: <del>{r.before}</del> <span aria-hidden="true">→</span>
                <span className="visually-hidden"> changed to </span> <ins>{r.after}</ins>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
