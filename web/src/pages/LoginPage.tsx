import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { useSignupMode } from './SignupPage.tsx';

export function LoginPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signupMode = useSignupMode();

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError('Enter your e-mail and password.');
      return;
    }
    setBusy(true);
    try {
      await api.post('/session', { email: email.trim(), password });
      await onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : 'Log in failed. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Log in" subtitle="Welcome back to Support Fusion.">
      <form onSubmit={submit} noValidate className="stack">
        <Field label="E-mail" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error ? (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      {/* Only where anyone may sign up: with invite, the link a partner's admin sent leads to sign-up. */}
      {signupMode === 'open' ? (
        <p className="auth__switch">
          New to Support Fusion? <Link href="/signup">Create your organisation</Link>
        </p>
      ) : null}
    </AuthLayout>
  );
}
