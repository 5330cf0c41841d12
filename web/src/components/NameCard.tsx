import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import type { Me } from '../api.ts';
import { useApiCall, useResource } from '../hooks/use-api.ts';
import { Field } from './Field.tsx';
import { LoadState } from './LoadState.tsx';

/** The signed-in person's display name, as colleagues see it on Members and in the Audit log. */
export function NameCard() {
  const me = useResource<Me>('/me');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const call = useApiCall();
  const saved = me.data?.user.name ?? '';
  useEffect(() => setName(saved), [saved]);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    setDone(false);
    setBusy(true);
    const r = await call(() => api.put<{ name: string | null }>('/me/name', { name: name.trim() }));
    setBusy(false);
    if (r.ok) {
      setName(r.data.name ?? '');
      setDone(true);
      void me.reload({ quiet: true });
    } else if (r.error) setError(r.error.message);
  }

  return (
    <section className="card" aria-labelledby="name-title">
      <div className="card__header">
        <h2 id="name-title">Your name</h2>
        <p className="muted">Colleagues see it on Members and in the Audit log; without one they see your e-mail.</p>
      </div>
      {me.data ? (
        <form onSubmit={submit} noValidate className="stack">
          <Field
            label="Name"
            name="displayName"
            type="text"
            autoComplete="name"
            value={name}
            maxLength={100}
            onChange={(e) => {
              setName(e.target.value);
              setDone(false);
            }}
            error={error ?? undefined}
          />
          <p role="status" className="actions__status">
            {done ? <span className="saved">✓ {name.trim() ? 'Your name was saved.' : 'Your name was removed.'}</span> : null}
          </p>
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={busy || name.trim() === saved}>
              {busy ? 'Saving…' : 'Save name'}
            </button>
          </div>
        </form>
      ) : (
        <LoadState loading={me.loading} error={me.error} what="your account" onRetry={() => void me.reload()} />
      )}
    </section>
  );
}
