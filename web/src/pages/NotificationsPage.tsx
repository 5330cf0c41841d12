import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Controller, useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
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
import { useResource } from '../hooks/use-api.ts';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { apiKey } from '../query-client.ts';
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

const CHANNELS = '/notifications/channels';

/** Failure notifications: who hears when a connection starts failing or recovers. Admins change; everyone sees. */
export function NotificationsPage() {
  const channels = useResource<Channels>(CHANNELS);
  const isAdmin = useCan('admin');
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);

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
          <ChannelsTable items={channels.data.channels} isAdmin={isAdmin} onEdit={setEditing} onSecret={setSecret} />
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
  onSecret,
}: {
  items: Channel[];
  isAdmin: boolean;
  onEdit: (c: Channel) => void;
  onSecret: (s: { name: string; value: string }) => void;
}) {
  const queryClient = useQueryClient();
  const reload = () => void queryClient.invalidateQueries({ queryKey: apiKey(CHANNELS) });
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  // A test records its delivery, failed or not: the list shows it.
  const test = useApiMutation({
    mutationFn: (c: Channel) => api.post<{ ok: boolean; message: string; error?: string }>(`${CHANNELS}/${encodeURIComponent(c.id)}/test`),
    onMutate: () => setStatus(null),
    onSuccess: (r, c) => setStatus({ ok: r.ok, text: r.ok ? `“${c.name}”: ${r.message}` : `“${c.name}”: ${r.message} ${r.error ?? ''}` }),
    onError: (e) => setStatus({ ok: false, text: e.message }),
    onSettled: reload,
  });
  const testing = test.isPending ? test.variables.id : null;
  const newSecret = useApiMutation({
    mutationFn: (c: Channel) => api.post<{ signingSecret: string }>(`${CHANNELS}/${encodeURIComponent(c.id)}/signing-secret`),
    onSuccess: (r, c) => onSecret({ name: c.name, value: r.signingSecret }),
  });
  const removal = useApiMutation({ mutationFn: (c: Channel) => api.del(`${CHANNELS}/${encodeURIComponent(c.id)}`), onSettled: reload });
  const settle = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      () => undefined,
    );
  if (items.length === 0)
    return (
      <p className="empty">
        No channels yet.{isAdmin ? ' Use Add a channel to send failures to e-mail, Slack, Teams or a webhook.' : ' An admin of your organisation can add one.'}
      </p>
    );

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
                  <button type="button" className="btn btn--small" disabled={testing !== null} onClick={() => test.mutate(c)}>
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
                      onConfirm={() => settle(newSecret.mutateAsync(c))}
                    />
                  ) : null}
                  <ConfirmButton
                    label="Remove"
                    question={`Remove “${c.name}”? It gets no more notifications.`}
                    confirmLabel="Yes, remove"
                    busyLabel="Removing…"
                    onConfirm={() => settle(removal.mutateAsync(c))}
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

const channelSchema = z
  .object({
    kind: z.enum(['email', 'slack', 'teams', 'webhook']),
    name: z.string(),
    enabled: z.boolean(),
    url: z.string(),
    host: z.string(),
    port: z.string(),
    security: z.string(),
    username: z.string(),
    password: z.string(),
    from: z.string(),
    to: z.array(z.string()),
  })
  // The server checks the rest (src/notifications/channel-settings.ts); a port that is no number never reaches it.
  .superRefine((v, ctx) => {
    if (v.kind === 'email' && !Number.isInteger(Number(v.port)))
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'Enter the port as a number, e.g. 587.' });
  });
type ChannelValues = z.infer<typeof channelSchema>;

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
  const keep = channel !== null;
  const { register, control, handleSubmit, watch, formState } = useForm<ChannelValues>({
    ...FORM_BEHAVIOUR,
    defaultValues: {
      kind: channel?.kind ?? 'email',
      name: channel?.name ?? '',
      enabled: channel?.enabled ?? true,
      url: '',
      host: s.host ?? '',
      port: String(s.port ?? 587),
      security: s.security ?? 'starttls',
      username: s.username ?? '',
      password: '',
      from: s.from ?? '',
      to: s.to ?? [],
    },
    resolver: zodResolver(channelSchema),
  });
  const kind = watch('kind');
  const save = useApiMutation({
    mutationFn: (v: ChannelValues) => {
      const settings: Record<string, unknown> =
        v.kind === 'email'
          ? {
              host: v.host.trim(),
              port: Number(v.port),
              security: v.security,
              username: v.username.trim() || null,
              from: v.from.trim(),
              to: v.to,
              ...(v.password ? { password: v.password } : {}),
            }
          : v.url.trim()
            ? { url: v.url.trim() }
            : {};
      const body = { name: v.name.trim(), enabled: v.enabled, settings };
      return channel
        ? api.put<Channel & { signingSecret?: string }>(`${CHANNELS}/${encodeURIComponent(channel.id)}`, body)
        : api.post<Channel & { signingSecret?: string }>(CHANNELS, { kind: v.kind, ...body });
    },
    onSuccess: (r, v) => onSaved(v.name.trim(), r.signingSecret),
    invalidates: [CHANNELS],
  });
  // The server's error names its input with a dotted path (settings.host); the port's number check is the form's own.
  const errors: Partial<Record<string, string>> = save.error ? { [save.error.field ?? 'form']: save.error.message } : {};
  if (formState.errors.port?.message) errors['settings.port'] = formState.errors.port.message;

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
      <form
        onSubmit={(ev) => {
          save.reset();
          void handleSubmit((values) => save.mutate(values))(ev);
        }}
        noValidate
        className="stack"
      >
        <div className="form-grid">
          {channel ? null : (
            <Controller
              control={control}
              name="kind"
              render={({ field }) => (
                <SelectField label="Kind" value={field.value} options={KINDS} onChange={(v) => field.onChange(v as Kind)} error={fieldError('kind')} />
              )}
            />
          )}
          <Field
            label="Name"
            autoComplete="off"
            maxLength={100}
            {...register('name')}
            help="Who it reaches, e.g. “Support team e-mail”."
            error={fieldError('name')}
          />
        </div>
        <Controller
          control={control}
          name="enabled"
          render={({ field }) => <Toggle label="Send notifications to this channel" checked={field.value} onChange={field.onChange} />}
        />
        {kind === 'email' ? (
          <>
            <div className="form-grid">
              <Field
                label="SMTP server"
                autoComplete="off"
                spellCheck={false}
                {...register('host')}
                help="Host name only, e.g. smtp.example.com."
                error={fieldError('settings.host')}
              />
              <Field label="Port" inputMode="numeric" {...register('port')} error={fieldError('settings.port')} />
              <Controller
                control={control}
                name="security"
                render={({ field }) => (
                  <SelectField
                    label="Security"
                    value={field.value}
                    onChange={field.onChange}
                    error={fieldError('settings.security')}
                    options={[
                      { value: 'starttls', label: 'STARTTLS (port 587)' },
                      { value: 'tls', label: 'TLS (port 465)' },
                      { value: 'none', label: 'None (trusted network only)' },
                    ]}
                  />
                )}
              />
              <Field
                label="SMTP user name"
                autoComplete="off"
                {...register('username')}
                help="Empty for a server without log-in."
                error={fieldError('settings.username')}
              />
              <Field
                label="SMTP password"
                type="password"
                autoComplete="new-password"
                {...register('password')}
                placeholder={keep && channel?.secretHint === 'password set' ? 'Leave blank to keep the saved password' : ''}
                error={fieldError('settings.password')}
              />
              <Field
                label="From"
                type="email"
                autoComplete="off"
                {...register('from')}
                help="The sender address your server accepts."
                error={fieldError('settings.from')}
              />
            </div>
            <Controller
              control={control}
              name="to"
              render={({ field }) => (
                <ListField
                  label="To"
                  value={field.value}
                  onChange={field.onChange}
                  placeholder="ops@example.com, lead@example.com"
                  help="One or more addresses, separated by commas (at most 20)."
                  error={toError}
                />
              )}
            />
          </>
        ) : (
          <Field
            label={`${kindLabel(kind)} URL`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            {...register('url')}
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
          <button type="submit" className="btn btn--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : channel ? 'Save channel' : 'Add channel'}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
