import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { EditableBy } from '../components/EditableBy.tsx';
import { Field } from '../components/Field.tsx';
import { ListField } from '../components/ListField.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { ShownOncePanel } from '../components/ShownOncePanel.tsx';
import { Toggle } from '../components/Toggle.tsx';
import { formatDateTime } from '../format.ts';
import { useApiCall, useResource } from '../hooks/use-api.ts';
import { useCan } from '../permissions.ts';

/** GET /notifications/channels (src/server/routes/notifications.schemas.ts). */
type Kind = 'email' | 'slack' | 'teams' | 'webhook';
interface Channel {
  id: string;
  kind: Kind;
  name: string;
  enabled: boolean;
  settings: { host?: string; port?: number; security?: 'tls' | 'starttls' | 'none'; username?: string | null; from?: string; to?: string[] };
  secretHint: string;
  lastDelivery: { at: string; ok: boolean; error: string | null } | null;
}
interface Channels {
  channels: Channel[];
  publicUrl: string | null;
}

const KINDS: Array<{ value: Kind; label: string }> = [
  { value: 'email', label: 'E-mail (SMTP)' },
  { value: 'slack', label: 'Slack' },
  { value: 'teams', label: 'Microsoft Teams' },
  { value: 'webhook', label: 'Webhook (signed)' },
];
const kindLabel = (k: Kind) => KINDS.find((x) => x.value === k)!.label;
const URL_HELP: Record<Exclude<Kind, 'email'>, string> = {
  slack: 'The incoming webhook URL Slack gives you (Slack app → Incoming Webhooks), https://hooks.slack.com/services/…',
  teams: 'The URL of a Teams workflow "Post to a channel when a webhook request is received" (or an incoming webhook).',
  webhook: 'Your HTTPS endpoint. Each call is signed: X-Support-Fusion-Signature: t=…,v1=… (HMAC-SHA256 of "t.body").',
};

/** Failure notifications: who hears when a connection starts failing or recovers. Admins change; everyone sees. */
export function NotificationsPage() {
  const channels = useResource<Channels>('/notifications/channels');
  const isAdmin = useCan('admin');
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const reload = () => void channels.reload({ quiet: true });

  return (
    <div className="page">
      <header className="page__header">
        <h1>Notifications</h1>
        <p className="muted">
          Be told when one of your connections starts <strong>Failing</strong> (its last sync run failed) and when it recovers — once each, not at every failed
          run. You hear only about your own connections; partial runs (some tickets failed and are retried) are not notified.
        </p>
        {channels.data && !channels.data.publicUrl ? (
          <p className="muted">Messages name the run; links to it need the instance’s public address (SF_PUBLIC_URL) set by whoever runs Support Fusion.</p>
        ) : null}
      </header>
      {secret ? (
        <ShownOncePanel
          titleId="signing-secret-title"
          title={<>Signing secret of “{secret.name}”</>}
          label="Signing secret"
          value={secret.value}
          hideLabel="Hide secret"
          onDone={() => setSecret(null)}
          facts={['This is the only time the secret is shown: store it where your receiver checks signatures. Lost? Make a new one with “New signing secret”.']}
        />
      ) : null}
      <section className="card" aria-labelledby="channels-title">
        <div className="card__header">
          <h2 id="channels-title">Channels</h2>
          {isAdmin && editing === null ? (
            <button type="button" className="btn btn--primary btn--small" onClick={() => setEditing('new')}>
              Add a channel
            </button>
          ) : null}
        </div>
        {channels.data ? (
          <ChannelsTable items={channels.data.channels} isAdmin={isAdmin} onEdit={setEditing} onChanged={reload} onSecret={setSecret} />
        ) : (
          <LoadState loading={channels.loading} error={channels.error} what="notification channels" onRetry={() => void channels.reload()} />
        )}
      </section>
      {editing !== null ? (
        <EditableBy least="admin">
          <ChannelForm
            key={editing === 'new' ? 'new' : editing.id}
            channel={editing === 'new' ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={(name, signingSecret) => {
              setEditing(null);
              if (signingSecret) setSecret({ name, value: signingSecret });
              reload();
            }}
          />
        </EditableBy>
      ) : null}
    </div>
  );
}

function ChannelsTable({
  items,
  isAdmin,
  onEdit,
  onChanged,
  onSecret,
}: {
  items: Channel[];
  isAdmin: boolean;
  onEdit: (c: Channel) => void;
  onChanged: () => void;
  onSecret: (s: { name: string; value: string }) => void;
}) {
  const call = useApiCall();
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  if (items.length === 0)
    return (
      <p className="empty">
        No channels yet.{isAdmin ? ' Use Add a channel to send failures to e-mail, Slack, Teams or a webhook.' : ' An admin of your organisation can add one.'}
      </p>
    );

  async function test(c: Channel) {
    setTesting(c.id);
    setStatus(null);
    const r = await call(() => api.post<{ ok: boolean; message: string; error?: string }>(`/notifications/channels/${encodeURIComponent(c.id)}/test`));
    setTesting(null);
    if (r.ok) setStatus({ ok: r.data.ok, text: r.data.ok ? `“${c.name}”: ${r.data.message}` : `“${c.name}”: ${r.data.message} ${r.data.error ?? ''}` });
    else if (r.error) setStatus({ ok: false, text: r.error.message });
    onChanged();
  }

  return (
    <>
      <p role="status" className="actions__status">
        {status ? status.ok ? <span className="saved">✓ {status.text}</span> : <span className="notice notice--error">{status.text}</span> : null}
      </p>
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Sends to</th>
            <th scope="col">Last delivery</th>
            {isAdmin ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <th scope="row" data-label="Name">
                {c.name} {c.enabled ? null : <Badge tone="neutral">Off</Badge>}
              </th>
              <td data-label="Kind">{kindLabel(c.kind)}</td>
              <td data-label="Sends to">{c.kind === 'email' ? (c.settings.to ?? []).join(', ') : <span className="input--mono">{c.secretHint}</span>}</td>
              <td data-label="Last delivery">
                {c.lastDelivery ? (
                  c.lastDelivery.ok ? (
                    <>✓ {formatDateTime(c.lastDelivery.at)}</>
                  ) : (
                    <>
                      <Badge tone="err">Failed</Badge> {formatDateTime(c.lastDelivery.at)}: {c.lastDelivery.error}
                    </>
                  )
                ) : (
                  'Never'
                )}
              </td>
              {isAdmin ? (
                <td className="table__actions">
                  <button type="button" className="btn btn--small" disabled={testing !== null} onClick={() => void test(c)}>
                    {testing === c.id ? 'Sending…' : 'Test'}
                  </button>
                  <button type="button" className="btn btn--small btn--ghost" onClick={() => onEdit(c)}>
                    Edit
                  </button>
                  {c.kind === 'webhook' ? (
                    <ConfirmButton
                      label="New signing secret"
                      question={`Replace the signing secret of “${c.name}”? Your receiver must use the new one.`}
                      confirmLabel="Yes, replace"
                      onConfirm={async () => {
                        const r = await call(() => api.post<{ signingSecret: string }>(`/notifications/channels/${encodeURIComponent(c.id)}/signing-secret`));
                        if (r.ok) onSecret({ name: c.name, value: r.data.signingSecret });
                      }}
                    />
                  ) : null}
                  <ConfirmButton
                    label="Remove"
                    question={`Remove “${c.name}”? It gets no more notifications.`}
                    confirmLabel="Yes, remove"
                    busyLabel="Removing…"
                    onConfirm={async () => {
                      await call(() => api.del(`/notifications/channels/${encodeURIComponent(c.id)}`));
                      onChanged();
                    }}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

type Errors = Partial<Record<string, string>>;

function ChannelForm({
  channel,
  onCancel,
  onSaved,
}: {
  channel: Channel | null;
  onCancel: () => void;
  onSaved: (name: string, signingSecret?: string) => void;
}) {
  const s = channel?.settings ?? {};
  const [kind, setKind] = useState<Kind>(channel?.kind ?? 'email');
  const [name, setName] = useState(channel?.name ?? '');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [url, setUrl] = useState('');
  const [host, setHost] = useState(s.host ?? '');
  const [port, setPort] = useState(String(s.port ?? 587));
  const [security, setSecurity] = useState<string>(s.security ?? 'starttls');
  const [username, setUsername] = useState(s.username ?? '');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState(s.from ?? '');
  const [to, setTo] = useState<string[]>(s.to ?? []);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const call = useApiCall();
  const keep = channel !== null;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setErrors({});
    const settings: Record<string, unknown> =
      kind === 'email'
        ? { host: host.trim(), port: Number(port), security, username: username.trim() || null, from: from.trim(), to, ...(password ? { password } : {}) }
        : url.trim()
          ? { url: url.trim() }
          : {};
    if (kind === 'email' && !Number.isInteger(Number(port))) return setErrors({ 'settings.port': 'Enter the port as a number, e.g. 587.' });
    setBusy(true);
    const body = { name: name.trim(), enabled, settings };
    const r = await call(() =>
      channel
        ? api.put<Channel>(`/notifications/channels/${encodeURIComponent(channel.id)}`, body)
        : api.post<Channel & { signingSecret?: string }>('/notifications/channels', { kind, ...body }),
    );
    setBusy(false);
    if (r.ok) onSaved(body.name, (r.data as { signingSecret?: string }).signingSecret);
    else if (r.error) setErrors({ [r.error.field ?? 'form']: r.error.message });
  }

  const fieldError = (f: string) => errors[f];
  const known = [
    'name',
    'kind',
    'settings.url',
    'settings.host',
    'settings.port',
    'settings.security',
    'settings.username',
    'settings.password',
    'settings.from',
    'settings.to',
  ];
  const other = Object.entries(errors).find(([f]) => !known.some((k) => f === k || f.startsWith(`${k}.`)));
  const toError = Object.entries(errors).find(([f]) => f === 'settings.to' || f.startsWith('settings.to.'))?.[1];

  return (
    <section className="card" aria-labelledby="channel-form-title">
      <div className="card__header">
        <h2 id="channel-form-title">{channel ? `Edit “${channel.name}”` : 'Add a channel'}</h2>
      </div>
      <form onSubmit={submit} noValidate className="stack">
        <div className="form-grid">
          {channel ? null : <SelectField label="Kind" value={kind} options={KINDS} onChange={(v) => setKind(v as Kind)} error={fieldError('kind')} />}
          <Field
            label="Name"
            name="channelName"
            autoComplete="off"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            help="Who it reaches, e.g. “Support team e-mail”."
            error={fieldError('name')}
          />
        </div>
        <Toggle label="Send notifications to this channel" checked={enabled} onChange={setEnabled} />
        {kind === 'email' ? (
          <>
            <div className="form-grid">
              <Field
                label="SMTP server"
                name="smtpHost"
                autoComplete="off"
                spellCheck={false}
                value={host}
                onChange={(e) => setHost(e.target.value)}
                help="Host name only, e.g. smtp.example.com."
                error={fieldError('settings.host')}
              />
              <Field
                label="Port"
                name="smtpPort"
                inputMode="numeric"
                value={port}
                onChange={(e) => setPort(e.target.value)}
                error={fieldError('settings.port')}
              />
              <SelectField
                label="Security"
                value={security}
                onChange={setSecurity}
                error={fieldError('settings.security')}
                options={[
                  { value: 'starttls', label: 'STARTTLS (port 587)' },
                  { value: 'tls', label: 'TLS (port 465)' },
                  { value: 'none', label: 'None (trusted network only)' },
                ]}
              />
              <Field
                label="SMTP user name"
                name="smtpUser"
                autoComplete="off"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                help="Empty for a server without log-in."
                error={fieldError('settings.username')}
              />
              <Field
                label="SMTP password"
                name="smtpPassword"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                placeholder={keep && channel?.secretHint === 'password set' ? 'Leave blank to keep the saved password' : ''}
                error={fieldError('settings.password')}
              />
              <Field
                label="From"
                name="smtpFrom"
                type="email"
                autoComplete="off"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                help="The sender address your server accepts."
                error={fieldError('settings.from')}
              />
            </div>
            <ListField
              label="To"
              value={to}
              onChange={setTo}
              placeholder="ops@example.com, lead@example.com"
              help="One or more addresses, separated by commas (at most 20)."
              error={toError}
            />
          </>
        ) : (
          <Field
            label={`${kindLabel(kind)} URL`}
            name="channelUrl"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder={keep ? `Leave blank to keep ${channel?.secretHint}` : 'https://…'}
            help={URL_HELP[kind]}
            error={fieldError('settings.url')}
          />
        )}
        {other ? (
          <p className="notice notice--error" role="alert">
            {other[1]}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Saving…' : channel ? 'Save channel' : 'Add channel'}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
