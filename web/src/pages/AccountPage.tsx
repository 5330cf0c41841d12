import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { useApiCall } from '../hooks/use-api.ts';
import { NameCard } from '../components/NameCard.tsx';

type Fields = 'currentPassword' | 'newPassword' | 'confirm';
const MIN_PASSWORD = 10;

/** The signed-in user's own account: changing their password (the current one is asked for). */
export function AccountPage({ email }: { email: string }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Fields, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const call = useApiCall();

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setFormError(null);
    setDone(null);
    const local: Partial<Record<Fields, string>> = {};
    if (!currentPassword) local.currentPassword = 'Enter your current password.';
    if (newPassword.length < MIN_PASSWORD) local.newPassword = `Use at least ${MIN_PASSWORD} characters.`;
    else if (confirm !== newPassword) local.confirm = 'The two new passwords differ; type the same one twice.';
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    const r = await call(() => api.put<{ changed: boolean; otherSessionsEnded: number }>('/me/password', { currentPassword, newPassword }));
    setBusy(false);
    if (r.ok) {
      setCurrent('');
      setNew('');
      setConfirm('');
      const n = r.data.otherSessionsEnded;
      setDone(`Your password was changed.${n > 0 ? ` ${n === 1 ? 'One other session was' : `${n} other sessions were`} logged out.` : ''}`);
    } else if (r.error?.field === 'currentPassword' || r.error?.field === 'newPassword') setErrors({ [r.error.field]: r.error.message });
    else if (r.error) setFormError(r.error.message);
  }

  return (
    <div className="page">
      <header className="page__header">
        <h1>Account</h1>
        <p className="muted">
          You are logged in as <strong>{email}</strong>.
        </p>
      </header>
      <NameCard />
      <section className="card" aria-labelledby="password-title">
        <div className="card__header">
          <h2 id="password-title">Change password</h2>
          <p className="muted">Your other sessions (other browsers and devices) are logged out; this one stays.</p>
        </div>
        <form onSubmit={submit} noValidate className="stack">
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.currentPassword}
          />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
            error={errors.newPassword}
            help={`Minimum ${MIN_PASSWORD} characters.`}
          />
          <Field
            label="New password again"
            name="confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            error={errors.confirm}
          />
          {formError ? (
            <p className="notice notice--error" role="alert">
              {formError}
            </p>
          ) : null}
          <p role="status" className="actions__status">
            {done ? <span className="saved">✓ {done}</span> : null}
          </p>
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={busy}>
              {busy ? 'Changing…' : 'Change password'}
            </button>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="tokens-title">
        <div className="card__header">
          <h2 id="tokens-title">API tokens</h2>
          <p className="muted">Scripts and automation use the API with a token of their own, which you can revoke at any time.</p>
        </div>
        <p>
          <Link href="/api-tokens">Manage your API tokens</Link>
        </p>
      </section>
    </div>
  );
}
