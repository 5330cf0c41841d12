import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import type { InvitationPreview } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { formatDateTime } from '../format.ts';
import { ROLE_HELP, ROLE_NAMES } from '../permissions.ts';

/** /invite/:token — join an organisation with a one-time link (no session needed). */
export function InvitePage({ token, onSignedIn }: { token: string; onSignedIn: () => Promise<void> }) {
  const [preview, setPreview] = useState<InvitationPreview | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.get<InvitationPreview>(`/invitations/${encodeURIComponent(token)}/preview`).then(
      (p) => {
        if (!live) return;
        setPreview(p);
        if (p.email) setEmail(p.email);
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 404) setPreview(null);
        else setLoadError(err instanceof Error ? err.message : 'Could not load the invitation.');
      },
    );
    return () => {
      live = false;
    };
  }, [token]);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const problems: typeof errors = {};
    if (!email.trim()) problems.email = 'Enter your e-mail address.';
    if (password.length < 10) problems.password = 'Choose a password of at least 10 characters.';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await api.post(`/invitations/${encodeURIComponent(token)}/accept`, { email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) });
      await onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && (err.field === 'email' || err.field === 'password')) setErrors({ [err.field]: err.message });
      else if (err instanceof ApiError && err.status === 404) setPreview(null);
      else setErrors({ form: err instanceof Error ? err.message : 'Joining failed. Please try again.' });
    } finally {
      setBusy(false);
    }
  }

  if (loadError) {
    return (
      <AuthLayout title="Join your team">
        <p className="notice notice--error" role="alert">
          {loadError}
        </p>
      </AuthLayout>
    );
  }
  if (preview === undefined) {
    return (
      <AuthLayout title="Join your team">
        <p className="muted" role="status">
          Loading the invitation…
        </p>
      </AuthLayout>
    );
  }
  if (preview === null) {
    return (
      <AuthLayout title="This invitation link does not work">
        <p className="notice notice--warn">
          It was already used, revoked, or has expired (links work once, for 7 days). Ask the administrator who sent it for a new link.
        </p>
        <p className="auth__switch">
          Already have an account? <Link href="/login">Log in</Link>
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title={`Join ${preview.organisation.name}`}
      subtitle={`You are invited as ${ROLE_NAMES[preview.role].toLowerCase()}: ${ROLE_HELP[preview.role]}`}
    >
      <form onSubmit={submit} noValidate className="stack">
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          readOnly={preview.email !== null}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          help={preview.email ? 'This invitation is for this address.' : undefined}
        />
        <Field label="Your name (optional)" name="name" type="text" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          help="At least 10 characters."
        />
        {errors.form ? (
          <p className="notice notice--error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Joining…' : `Join ${preview.organisation.name}`}
        </button>
        <p className="muted">The link expires on {formatDateTime(preview.expiresAt)} and works once.</p>
      </form>
      <p className="auth__switch">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
