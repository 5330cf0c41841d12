import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';

type Fields = 'organisation' | 'email' | 'password';
const MIN_PASSWORD = 10;
type Mode = 'open' | 'invite' | 'closed';

/** The token of a sign-up link (/signup#link=…): in the fragment, so it never reaches a server log. */
function linkToken(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('link');
}

/** How this installation lets organisations sign up (SF_SIGNUP); null while asking. */
export function useSignupMode(): Mode | null {
  const [mode, setMode] = useState<Mode | null>(null);
  useEffect(() => {
    let live = true;
    // If the question fails, show the form: the sign-up itself then says what is wrong.
    api.get<{ mode: Mode }>('/signup').then(
      (r) => live && setMode(r.mode),
      () => live && setMode('open'),
    );
    return () => {
      live = false;
    };
  }, []);
  return mode;
}

export function SignupPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [organisation, setOrganisation] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Fields, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mode = useSignupMode();
  const [token] = useState(linkToken);

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
      await api.post('/signup', {
        organisation: organisation.trim(),
        email: email.trim(),
        password,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(mode === 'invite' && token ? { signupToken: token } : {}),
      });
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

  if (mode === null)
    return (
      <AuthLayout title="Create your organisation">
        <p className="loading" role="status">
          Loading…
        </p>
      </AuthLayout>
    );
  if (mode === 'closed' || (mode === 'invite' && !token)) {
    return (
      <AuthLayout title="Create your organisation">
        <p className="notice" role="status">
          {mode === 'closed'
            ? 'Sign-up is closed on this installation. Ask its operator for an account.'
            : 'Sign-up on this installation needs a sign-up link. Ask an administrator of the organisation you will work with to create one for you (on their Members page), then open it.'}
        </p>
        <p className="auth__switch">
          Already have an account? <Link href="/login">Log in</Link>
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Create your organisation"
      subtitle={
        mode === 'invite'
          ? 'You were sent a sign-up link: create your organisation, then connect with your partner.'
          : 'Connect your helpdesk and start syncing tickets with your partners.'
      }
    >
      <form onSubmit={submit} noValidate className="stack">
        <Field
          label="Organisation name"
          name="organisation"
          autoComplete="organization"
          value={organisation}
          onChange={(e) => setOrganisation(e.target.value)}
          error={errors.organisation}
        />
        <Field label="E-mail" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <Field
          label="Your name (optional)"
          name="name"
          type="text"
          autoComplete="name"
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          help="Colleagues see it on Members and in the Audit log."
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          help={`Minimum ${MIN_PASSWORD} characters.`}
        />
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
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
