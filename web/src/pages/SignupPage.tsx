import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';

type Fields = 'organisation' | 'email' | 'password';
const MIN_PASSWORD = 10;

export function SignupPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [organisation, setOrganisation] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Fields, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function validate(): Partial<Record<Fields, string>> {
    const e: Partial<Record<Fields, string>> = {};
    if (!organisation.trim()) e.organisation = 'Enter the name of your organisation.';
    if (!email.trim()) e.email = 'Enter your e-mail address.';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) e.email = 'Enter a valid e-mail address, like name@company.com.';
    if (password.length < MIN_PASSWORD) e.password = `Use at least ${MIN_PASSWORD} characters.`;
    return e;
  }

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setFormError(null);
    const local = validate();
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await api.post('/signup', { organisation: organisation.trim(), email: email.trim(), password });
      await api.post('/session', { email: email.trim(), password });
      await onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'email_taken') setErrors({ email: err.message });
      else if (err instanceof ApiError && err.field && ['organisation', 'email', 'password'].includes(err.field))
        setErrors({ [err.field as Fields]: err.message });
      else setFormError(err instanceof Error ? err.message : 'Sign up failed. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthLayout title="Create your organisation" subtitle="Connect your helpdesk and start syncing tickets with your partners.">
      <form onSubmit={submit} noValidate className="stack">
        <Field label="Organisation name" name="organisation" autoComplete="organization" value={organisation}
          onChange={(e) => setOrganisation(e.target.value)} error={errors.organisation} />
        <Field label="E-mail" name="email" type="email" autoComplete="email" value={email}
          onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" value={password}
          onChange={(e) => setPassword(e.target.value)} error={errors.password}
          help={`Minimum ${MIN_PASSWORD} characters.`} />
        {formError ? <p className="notice notice--error" role="alert">{formError}</p> : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Signing up…' : 'Sign up'}
        </button>
      </form>
      <p className="auth__switch">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
