import { Fragment, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { api } from '../../api.ts';
import type { Connection, FieldDefinition, FieldsResponse, Role } from '../../api.ts';
import { formatDate, localDateDaysAgo, plural, todayLocalDate } from '../../format.ts';
import { useResource } from '../../hooks/use-api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../../hooks/form-options.ts';
import type { Tone } from '../../labels.ts';
import { Badge } from '../Badge.tsx';
import { Field } from '../Field.tsx';
import { EditableBy } from '../EditableBy.tsx';
import { localMidnight, startDateSchema } from './start-date.ts';
import type { StartDateForm } from './start-date.ts';

// ---- Contract of POST /connections/:id/dry-runs ---------------------------------------------------

type FieldValue = string | number | boolean | null;
type Action = 'create' | 'update' | 'skip' | 'fail';

interface PlannedFile {
  name: string;
  size: number;
}

interface PlannedTicket {
  side: Role;
  ticketId: string;
  displayId: string | null;
  originSubject: string | null;
  action: Action;
  target: { side: Role; ticketId: string | null };
  type?: string;
  fields: Record<string, FieldValue>;
  subject?: string;
  description?: string;
  comments: Array<{ private: boolean; bodyPreview: string; attachments: PlannedFile[] }>;
  attachments: PlannedFile[];
  requester?: { email: string | null; action: 'match' | 'create' | 'default' };
  error?: string;
}

interface DryRunResult {
  since: string;
  tickets: PlannedTicket[];
  counts: { create: number; update: number; fail: number; skip: number };
  truncated: boolean;
  /** Where and why it stopped (older servers: absent). */
  stopped?: { reason: 'budget' | 'tickets' | 'time'; message: string } | null;
  budgetShare?: number | null;
  ticketsInScope?: number;
  ticketsPreviewed?: number;
}

// ---- Card ------------------------------------------------------------------------------------------

const ACTION: Record<Exclude<Action, 'skip'>, { label: string; tone: Tone }> = {
  create: { label: 'Create', tone: 'ok' },
  update: { label: 'Update', tone: 'info' },
  fail: { label: 'Would fail', tone: 'err' },
};

const REQUESTER: Record<NonNullable<PlannedTicket['requester']>['action'], string> = {
  match: 'matched by e-mail',
  create: 'would be created',
  default: 'the default requester',
};

const dryRunSchema = startDateSchema('Choose the date from which tickets would be synced.');

const column = (gap: number) => ({ display: 'flex', flexDirection: 'column', gap }) as const;

/**
 * Preview (dry run): what a sync from a start date would create and update — the exact values,
 * the composed description and the comments — with nothing written to either helpdesk.
 */
export function DryRunCard({ connection }: { connection: Connection }) {
  const { register, handleSubmit, setError, formState } = useForm<StartDateForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { since: localDateDaysAgo(7) },
    resolver: zodResolver(dryRunSchema),
  });
  const active = connection.status === 'active';
  const preview = useApiMutation({
    mutationFn: (values: StartDateForm) =>
      api.post<DryRunResult>(`/connections/${encodeURIComponent(connection.id)}/dry-runs`, { since: localMidnight(values.since) }),
    onError: (e) => {
      if (e.field === 'since') setError('since', { type: 'server', message: e.message });
    },
  });
  const result = preview.data ?? null;
  const busy = preview.isPending;
  const formError = preview.error && preview.error.field !== 'since' ? preview.error.message : null;

  // Picklist labels ("High" for priority 3), loaded once there is something to show them on.
  const needFields = !!result && result.tickets.some((t) => t.action !== 'skip');
  const fields = useResource<FieldsResponse>(needFields ? `/connections/${encodeURIComponent(connection.id)}/fields` : null);

  return (
    <section className="card" aria-labelledby="dry-run-title">
      <div className="card__header">
        <h2 id="dry-run-title">Preview (dry run)</h2>
        <p className="muted">
          See what a sync from a start date would do — which tickets would be created or updated, with the exact values and description — without writing
          anything to either helpdesk.
        </p>
      </div>
      <EditableBy least="member">
        <form
          // A refused date takes back the previous error, not the previous preview.
          onSubmit={handleSubmit(
            (values) => preview.mutate(values),
            () => {
              if (preview.isError) preview.reset();
            },
          )}
          noValidate
          className="sync-now"
        >
          <Field
            label="Start date"
            type="date"
            max={todayLocalDate()}
            {...register('since')}
            error={formState.errors.since?.message}
            help="Tickets created or changed on or after this date."
          />
          <button type="submit" className="btn" disabled={busy || !active} title={active ? undefined : 'The connection is not active yet'}>
            {busy ? 'Previewing…' : 'Preview'}
          </button>
        </form>
      </EditableBy>
      {busy ? (
        <p className="muted" role="status">
          Reading both helpdesks; nothing is written. This can take up to a minute.
        </p>
      ) : null}
      {formError ? (
        <p className="notice notice--error" role="alert">
          {formError}
        </p>
      ) : null}
      {result ? <DryRunResultView result={result} connection={connection} fields={fields.data ?? null} /> : null}
    </section>
  );
}

function DryRunResultView({ result, connection, fields }: { result: DryRunResult; connection: Connection; fields: FieldsResponse | null }) {
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const rows = result.tickets.filter((t) => t.action !== 'skip');
  const { create, update, fail, skip } = result.counts;
  const sideName = (side: Role) => (side === connection.role ? 'your helpdesk' : (connection.partner?.name ?? 'the partner'));
  const toggle = (key: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });

  return (
    <div style={column(12)} aria-live="polite">
      <p role="status">
        <strong>Since {formatDate(result.since)}:</strong>{' '}
        {rows.length > 0 ? [`${create} to create`, `${update} to update`, ...(fail ? [`${fail} would fail`] : [])].join(', ') + '.' : null}
        <span className="muted">
          {rows.length > 0
            ? skip > 0
              ? ` ${plural(skip, 'other ticket')} read: nothing to write.`
              : ''
            : skip > 0
              ? ` ${plural(skip, 'ticket')} read, none with anything to write.`
              : ' no changed tickets found.'}{' '}
          Nothing was written.
        </span>
      </p>
      {result.truncated ? (
        <p className="notice notice--warn">
          {result.stopped?.message ??
            `The preview stopped after ${plural(result.tickets.length, 'ticket')}; a sync from this date would go on with the rest. Choose a later start date to see them.`}
        </p>
      ) : result.ticketsInScope !== undefined && result.ticketsInScope > 0 ? (
        <p className="muted">All {plural(result.ticketsInScope, 'ticket')} in scope previewed.</p>
      ) : null}
      {result.budgetShare ? (
        <p className="muted">
          A dry run uses at most {Math.round(result.budgetShare * 100)}% of each side's API budget, so the helpdesks' own agents and apps are not held up.
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="empty">Nothing would change</p>
      ) : (
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Action</th>
              <th scope="col">Writes to</th>
              <th scope="col">Changes</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => {
              const key = `${t.side}:${t.ticketId}`;
              const detailsId = `dry-run-${t.side}-${t.ticketId}`;
              const isOpen = open.has(key);
              const a = ACTION[t.action as Exclude<Action, 'skip'>];
              const name = t.displayId ?? `#${t.ticketId}`;
              return (
                <Fragment key={key}>
                  <tr className={t.action === 'fail' ? 'row--failed' : undefined}>
                    <th scope="row" data-label="Ticket">
                      <span>
                        {name}
                        {t.originSubject ? <span className="muted"> · {t.originSubject}</span> : null}
                        <br />
                        <span className="muted" style={{ fontWeight: 400, fontSize: '0.85rem' }}>
                          in {sideName(t.side)}
                        </span>
                      </span>
                    </th>
                    <td data-label="Action">
                      <Badge tone={a.tone}>{a.label}</Badge>
                    </td>
                    <td data-label="Writes to">
                      {t.target.ticketId
                        ? `#${t.target.ticketId} in ${sideName(t.target.side)}`
                        : t.action === 'create'
                          ? `New ticket in ${sideName(t.target.side)}`
                          : '—'}
                    </td>
                    <td data-label="Changes" className={t.action === 'fail' ? 'cell--error' : undefined}>
                      {t.action === 'fail' ? t.error : summary(t)}
                    </td>
                    <td style={{ textAlign: 'right', whiteSpace: 'nowrap', justifyContent: 'flex-end' }}>
                      <button type="button" className="btn btn--small btn--ghost" aria-expanded={isOpen} aria-controls={detailsId} onClick={() => toggle(key)}>
                        {isOpen ? 'Hide details' : 'Show details'}
                        <span className="visually-hidden"> of {name}</span>
                      </button>
                    </td>
                  </tr>
                  {isOpen ? (
                    <tr id={detailsId}>
                      <td colSpan={5} style={{ textAlign: 'left', display: 'table-cell', background: 'var(--bg)' }}>
                        <PlannedDetails t={t} defs={fields?.[t.target.side]?.fields} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function summary(t: PlannedTicket): string {
  const parts: string[] = [];
  const n = Object.keys(t.fields).length + (t.subject !== undefined ? 1 : 0);
  if (n) parts.push(plural(n, 'field'));
  if (t.description !== undefined) parts.push('description');
  if (t.comments.length) parts.push(plural(t.comments.length, 'comment'));
  const files = t.attachments.length + t.comments.reduce((s, c) => s + c.attachments.length, 0);
  if (files) parts.push(plural(files, 'attachment'));
  const text = parts.join(', ') || 'no field changes';
  return t.error ? `${text} (${t.error})` : text;
}

const size = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`);

function valueText(v: FieldValue): string {
  if (v === null) return '(empty)';
  return String(v);
}

/** The exact values, the description as the HTML text that would be written (never rendered), the comments. */
function PlannedDetails({ t, defs }: { t: PlannedTicket; defs: FieldDefinition[] | undefined }) {
  const label = (name: string) => defs?.find((f) => f.name === name)?.label ?? name;
  const choice = (name: string, v: FieldValue) => defs?.find((f) => f.name === name)?.choices.find((c) => String(c.value) === String(v))?.label;
  const rows: Array<[string, string, string | undefined]> = [];
  if (t.type !== undefined) rows.push(['Type', t.type, undefined]);
  if (t.subject !== undefined) rows.push(['Subject', t.subject, undefined]);
  for (const [k, v] of Object.entries(t.fields)) {
    const c = choice(k, v);
    rows.push([label(k), c ?? valueText(v), c !== undefined ? `${k} = ${valueText(v)}` : k]);
  }
  return (
    <div style={column(14)}>
      {t.error ? <p className="notice notice--error">{t.error}</p> : null}
      {rows.length ? (
        <div>
          <h4>Values written</h4>
          <dl
            aria-label={`Values written for ${t.displayId ?? t.ticketId}`}
            style={{ display: 'grid', gridTemplateColumns: 'minmax(90px, max-content) minmax(0, 1fr)', gap: '4px 16px', margin: 0, fontSize: '0.9rem' }}
          >
            {rows.map(([name, value, raw]) => (
              <Fragment key={name}>
                <dt style={{ fontWeight: 600 }}>{name}</dt>
                <dd style={{ margin: 0, overflowWrap: 'anywhere' }}>
                  {value}
                  {raw ? (
                    <span className="muted" style={{ fontSize: '0.82rem' }}>
                      {' '}
                      ({raw})
                    </span>
                  ) : null}
                </dd>
              </Fragment>
            ))}
          </dl>
        </div>
      ) : null}
      {t.requester ? (
        <p>
          <strong>Requester:</strong> {t.requester.email ?? 'none'} <span className="muted">— {REQUESTER[t.requester.action]}</span>
        </p>
      ) : null}
      {t.description !== undefined ? (
        <div>
          <h4>Description (HTML as written)</h4>
          <pre
            className="preview__text"
            style={{ minHeight: 0, fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: '0.82rem' }}
            aria-label="Description as written"
          >
            {t.description}
          </pre>
        </div>
      ) : null}
      {t.comments.length ? (
        <div>
          <h4>Comments</h4>
          <ul style={{ ...column(8), listStyle: 'none', padding: 0, margin: 0 }}>
            {t.comments.map((c, i) => (
              <li key={i}>
                <Badge tone={c.private ? 'neutral' : 'info'}>{c.private ? 'Private note' : 'Public note'}</Badge>
                <pre className="preview__text" style={{ minHeight: 0, marginTop: 6 }}>
                  {c.bodyPreview}
                </pre>
                {c.attachments.length ? <p className="muted">Files: {c.attachments.map((f) => `${f.name} (${size(f.size)})`).join(', ')}</p> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {t.attachments.length ? (
        <div>
          <h4>Attachments</h4>
          <p>{t.attachments.map((f) => `${f.name} (${size(f.size)})`).join(', ')}</p>
        </div>
      ) : null}
      {!rows.length && t.description === undefined && !t.comments.length && !t.attachments.length && !t.error ? (
        <p className="muted">Nothing else to write.</p>
      ) : null}
    </div>
  );
}
