import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../../api.ts';
import type { AcceptedConnection } from '../../api.ts';
import { useApiCall } from '../../hooks/use-api.ts';
import { ROLE_LABEL } from '../../labels.ts';
import { connectionPath } from '../../routes.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';

export function AcceptConnectionCard({ onAccepted }: { onAccepted: () => void }) {
  const call = useApiCall();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState<AcceptedConnection | null>(null);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    setFormError(null);
    setAccepted(null);
    if (!code.trim()) return setError('Enter the verification code your partner gave you.');
    setBusy(true);
    const r = await call(() => api.post<AcceptedConnection>('/connections/accept', { verificationCode: code.trim() }));
    setBusy(false);
    if (r.ok) {
      setAccepted(r.data);
      setCode('');
      onAccepted();
    } else if (r.error) {
      // invalid / expired / own code come with field "verificationCode"; too_many_attempts without one.
      if (r.error.field === 'verificationCode') setError(r.error.message);
      else setFormError(r.error.message);
    }
  }

  return (
    <section className="card" aria-labelledby="accept-title">
      <div className="card__header">
        <h2 id="accept-title">Accept a connection</h2>
        <p className="muted">Your partner created a connection and gave you a verification code.</p>
      </div>
      <form onSubmit={submit} noValidate className="stack">
        <Field
          label="Verification code"
          name="verificationCode"
          autoComplete="off"
          spellCheck={false}
          value={code}
          className="input--code"
          onChange={(e) => setCode(e.target.value)}
          error={error ?? undefined}
        />
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Accepting…' : 'Accept'}
          </button>
        </div>
      </form>
      {accepted ? (
        <p className="notice notice--ok" role="status">
          Connected with <strong>{accepted.partner.name}</strong> on “{accepted.contractName}”. Your organisation is the {ROLE_LABEL[accepted.role]}.{' '}
          <Link href={connectionPath(accepted.id)}>Open the connection</Link>
        </p>
      ) : null}
    </section>
  );
}
