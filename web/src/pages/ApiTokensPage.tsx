import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import type { ApiToken, CreatedApiToken, MemberRole } from '../api.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { Field } from '../components/Field.tsx';
import { LoadState } from '../components/LoadState.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { ShownOncePanel } from '../components/ShownOncePanel.tsx';
import { formatDateTime } from '../format.ts';
import { useApiCall, useResource } from '../hooks/use-api.ts';
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
      <CreateTokenCard
        onCreated={(t) => {
          setCreated(t);
          void tokens.reload({ quiet: true });
        }}
      />
      {created ? <SecretPanel key={created.id} created={created} onDone={() => setCreated(null)} /> : null}
      <section className="card" aria-labelledby="tokens-title">
        <div className="card__header">
          <h2 id="tokens-title">{isAdmin ? 'Tokens of your organisation' : 'Your tokens'}</h2>
          <p className="muted">Revoke a token as soon as it is no longer needed or may have leaked: it stops working at once.</p>
        </div>
        {tokens.data ? (
          <TokensTable items={tokens.data.tokens} showOwner={isAdmin} onRevoked={() => void tokens.reload({ quiet: true })} />
        ) : (
          <LoadState loading={tokens.loading} error={tokens.error} what="API tokens" onRetry={() => void tokens.reload()} />
        )}
      </section>
    </div>
  );
}

function CreateTokenCard({ onCreated }: { onCreated: (t: CreatedApiToken) => void }) {
  const myRole = useRole();
  // A token's role is yours or lower (the API refuses more).
  const roles = ROLES.slice(0, ROLES.indexOf(myRole) + 1);
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('viewer');
  const [expiry, setExpiry] = useState('90');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const call = useApiCall();

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    if (!name.trim()) {
      setError({ field: 'name', message: 'Give the token a name that says where it is used, e.g. "nightly export".' });
      return;
    }
    setBusy(true);
    const expiresAt = expiry === 'never' ? null : new Date(Date.now() + Number(expiry) * DAY_MS).toISOString();
    const r = await call(() => api.post<CreatedApiToken>('/api-tokens', { name: name.trim(), role, expiresAt }));
    setBusy(false);
    if (r.ok) {
      setName('');
      onCreated(r.data);
    } else if (r.error) setError({ ...(r.error.field ? { field: r.error.field } : {}), message: r.error.message });
  }

  return (
    <section className="card" aria-labelledby="create-token-title">
      <div className="card__header">
        <h2 id="create-token-title">Create a token</h2>
      </div>
      <form onSubmit={submit} noValidate className="stack">
        <div className="form-grid">
          <Field
            label="Name"
            name="tokenName"
            autoComplete="off"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            help="Where the token is used, so you know which one to revoke."
            error={error?.field === 'name' ? error.message : undefined}
          />
          <SelectField
            label="Role"
            value={role}
            options={roles.map((r) => ({ value: r, label: ROLE_NAMES[r] }))}
            onChange={(v) => setRole(v as MemberRole)}
            help={ROLE_HELP[role]}
            error={error?.field === 'role' ? error.message : undefined}
          />
          <SelectField
            label="Expires after"
            value={expiry}
            options={EXPIRY_OPTIONS}
            onChange={setExpiry}
            help="A token that expires limits the damage if it leaks."
            error={error?.field === 'expiresAt' ? error.message : undefined}
          />
        </div>
        {error && !['name', 'role', 'expiresAt'].includes(error.field ?? '') ? (
          <p className="notice notice--error" role="alert">
            {error.message}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
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

function TokensTable({ items, showOwner, onRevoked }: { items: ApiToken[]; showOwner: boolean; onRevoked: () => void }) {
  const call = useApiCall();
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
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
                    setError(null);
                    setStatus(null);
                    const r = await call(() => api.del(`/api-tokens/${encodeURIComponent(t.id)}`));
                    if (r.ok) setStatus(`The token “${t.name}” was revoked.`);
                    else if (r.error && r.error.status !== 404) setError(r.error.message);
                    onRevoked();
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
