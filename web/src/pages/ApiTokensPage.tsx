import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Controller, useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api } from '../api.ts';
import type { ApiToken, CreatedApiToken, MemberRole } from '../api.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { Field } from '../components/Field.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { ShownOncePanel } from '../components/ShownOncePanel.tsx';
import { formatDateTime } from '../format.ts';
import { useResource } from '../hooks/use-api.ts';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { apiKey } from '../query-client.ts';
import { ROLE_HELP, ROLE_NAMES, useCan, useRole } from '../permissions.ts';

const ROLES: MemberRole[] = ['viewer', 'member', 'admin'];
const DAY_MS = 86_400_000;
const EXPIRY_OPTIONS = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: '7', label: '7 days' },
  { value: 'never', label: 'Never' },
];

/** API tokens for scripts and automation: the caller's own (every token of the organisation for an admin). */
export function ApiTokensPage() {
  const isAdmin = useCan('admin');
  const tokens = useResource<{ tokens: ApiToken[] }>('/api-tokens');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  return (
    <div className="page">
      <header className="page__header">
        <h1>API tokens</h1>
        <p className="muted">
          Tokens let scripts use the Support Fusion API as you: send one as <code>Authorization: Bearer sfp_…</code>. A token does at most what its role allows,
          and never more than you may do now. The API is described at <a href="/api/docs">/api/docs</a>.
        </p>
      </header>
      <CreateTokenCard onCreated={setCreated} />
      {created ? <SecretPanel key={created.id} created={created} onDone={() => setCreated(null)} /> : null}
      <section className="card" aria-labelledby="tokens-title">
        <div className="card__header">
          <h2 id="tokens-title">{isAdmin ? 'Tokens of your organisation' : 'Your tokens'}</h2>
          <p className="muted">Revoke a token as soon as it is no longer needed or may have leaked: it stops working at once.</p>
        </div>
        {tokens.data ? (
          <TokensTable items={tokens.data.tokens} showOwner={isAdmin} />
        ) : (
          <LoadState loading={tokens.loading} error={tokens.error} what="API tokens" onRetry={() => void tokens.reload()} />
        )}
      </section>
    </div>
  );
}

const tokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name that says where it is used, e.g. "nightly export".'),
  role: z.enum(['viewer', 'member', 'admin']),
  expiry: z.string(),
});
type TokenForm = z.infer<typeof tokenSchema>;
/** The API's field names of a refused create, as the form's. */
const FORM_FIELD = { name: 'name', role: 'role', expiresAt: 'expiry' } as const;
const formFieldOf = (field: string | undefined) => (field && field in FORM_FIELD ? FORM_FIELD[field as keyof typeof FORM_FIELD] : null);

function CreateTokenCard({ onCreated }: { onCreated: (t: CreatedApiToken) => void }) {
  const myRole = useRole();
  // A token's role is yours or lower (the API refuses more).
  const roles = ROLES.slice(0, ROLES.indexOf(myRole) + 1);
  const { register, control, handleSubmit, setError, setValue, watch, formState } = useForm<TokenForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { name: '', role: 'viewer', expiry: '90' },
    resolver: zodResolver(tokenSchema),
  });
  const errors = formState.errors;
  const role = watch('role');
  const create = useApiMutation({
    mutationFn: ({ name, role, expiry }: TokenForm) => {
      const expiresAt = expiry === 'never' ? null : new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
      return api.post<CreatedApiToken>('/api-tokens', { name: name.trim(), role, expiresAt });
    },
    onSuccess: (t) => {
      setValue('name', '');
      onCreated(t);
    },
    onError: (e) => {
      const at = formFieldOf(e.field);
      if (at) setError(at, { type: 'server', message: e.message });
    },
    invalidates: ['/api-tokens'],
  });
  const formError = create.error && !formFieldOf(create.error.field) ? create.error.message : null;

  return (
    <section className="card" aria-labelledby="create-token-title">
      <div className="card__header">
        <h2 id="create-token-title">Create a token</h2>
      </div>
      <form
        onSubmit={(ev) => {
          create.reset();
          void handleSubmit((values) => create.mutate(values))(ev);
        }}
        noValidate
        className="stack"
      >
        <div className="form-grid">
          <Field
            label="Name"
            autoComplete="off"
            maxLength={100}
            {...register('name')}
            help="Where the token is used, so you know which one to revoke."
            error={errors.name?.message}
          />
          <Controller
            control={control}
            name="role"
            render={({ field }) => (
              <SelectField
                label="Role"
                value={field.value}
                options={roles.map((r) => ({ value: r, label: ROLE_NAMES[r] }))}
                onChange={(v) => field.onChange(v as MemberRole)}
                help={ROLE_HELP[role]}
                error={errors.role?.message}
              />
            )}
          />
          <Controller
            control={control}
            name="expiry"
            render={({ field }) => (
              <SelectField
                label="Expires after"
                value={field.value}
                options={EXPIRY_OPTIONS}
                onChange={field.onChange}
                help="A token that expires limits the damage if it leaks."
                error={errors.expiry?.message}
              />
            )}
          />
        </div>
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The secret, shown once (only a hash is kept), with a Copy button. */
function SecretPanel({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  return (
    <ShownOncePanel
      titleId="secret-title"
      title={
        <>
          Token “{created.name}” ({ROLE_NAMES[created.role].toLowerCase()})
        </>
      }
      label="API token"
      value={created.token}
      hideLabel="Hide token"
      onDone={onDone}
      facts={[
        'This is the only time the token is shown: copy it now into your script’s secret store. If it is lost, revoke it and create another.',
        created.expiresAt ? (
          <>
            Expires on <strong>{formatDateTime(created.expiresAt)}</strong>.
          </>
        ) : (
          'It does not expire: revoke it when it is no longer needed.'
        ),
      ]}
    />
  );
}

function TokensTable({ items, showOwner }: { items: ApiToken[]; showOwner: boolean }) {
  const queryClient = useQueryClient();
  const revoke = useApiMutation({ mutationFn: (t: ApiToken) => api.del(`/api-tokens/${encodeURIComponent(t.id)}`) });
  // Already gone (404) is what was asked for.
  const error = revoke.error && revoke.error.status !== 404 ? revoke.error.message : null;
  const status = revoke.isSuccess ? `The token “${revoke.variables.name}” was revoked.` : null;
  if (items.length === 0)
    return (
      <p className="empty">
        No API tokens yet. Use <strong>Create a token</strong> above when a script needs the API.
      </p>
    );
  return (
    <>
      {error ? (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      ) : null}
      <p role="status" className="actions__status">
        {status ? <span className="saved">✓ {status}</span> : null}
      </p>
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showOwner ? <th scope="col">Owner</th> : null}
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id}>
              <th scope="row" data-label="Name">
                {t.name} <span className="muted input--mono">{t.hint}…</span>
              </th>
              {showOwner ? (
                <td data-label="Owner">
                  {t.owner.email}
                  {t.you ? <span className="muted"> (you)</span> : null}
                </td>
              ) : null}
              <td data-label="Role">{ROLE_NAMES[t.role]}</td>
              <td data-label="Created">{formatDateTime(t.createdAt)}</td>
              <td data-label="Expires">{t.expired ? <strong>Expired</strong> : t.expiresAt ? formatDateTime(t.expiresAt) : 'Never'}</td>
              <td data-label="Last used">{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never'}</td>
              <td className="table__actions">
                <ConfirmButton
                  label="Revoke"
                  question={`Revoke the token “${t.name}”${t.you ? '' : ` of ${t.owner.email}`}? Scripts using it stop working.`}
                  confirmLabel="Yes, revoke"
                  busyLabel="Revoking…"
                  onConfirm={async () => {
                    await revoke.mutateAsync(t).catch(() => undefined);
                    // Failed or not, the list is loaded again: the token may be gone already.
                    void queryClient.invalidateQueries({ queryKey: apiKey('/api-tokens') });
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
