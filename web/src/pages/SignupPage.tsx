import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api, ApiError } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { apiKey } from '../query-client.ts';

type Fields = 'organisation' | 'email' | 'password';
const MIN_PASSWORD = 10;
type Mode = 'open' | 'invite' | 'closed';

/** The token of a sign-up link (/signup#link=…): in the fragment, so it never reaches a server log. */
function linkToken(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('link');
}

/** How this installation lets organisations sign up (SF_SIGNUP); null while asking. */
export function useSignupMode(): Mode | null {
  const query = useQuery({ queryKey: apiKey('/signup'), queryFn: () => api.get<{ mode: Mode }>('/signup') });
  // If the question fails, show the form: the sign-up itself then says what is wrong.
  return query.data?.mode ?? (query.isError ? 'open' : null);
}

const signupSchema = z.object({
  organisation: z.string().trim().min(1, 'Enter the name of your organisation.'),
  // The first failing rule is shown: empty, then the shape.
  email: z
    .string()
    .trim()
    .min(1, 'Enter your e-mail address.')
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter a valid e-mail address, like name@company.com.'),
  name: z.string(),
  password: z.string().min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters.`),
});
type SignupForm = z.infer<typeof signupSchema>;
const FIELDS: readonly string[] = ['organisation', 'email', 'password'] satisfies Fields[];
const fieldOf = (err: unknown): Fields | null =>
  err instanceof ApiError ? (err.code === 'email_taken' ? 'email' : err.field && FIELDS.includes(err.field) ? (err.field as Fields) : null) : null;

export function SignupPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { register, handleSubmit, setError, formState } = useForm<SignupForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { organisation: '', email: '', name: '', password: '' },
    resolver: zodResolver(signupSchema),
  });
  const errors = formState.errors;
  const mode = useSignupMode();
  const [token] = useState(linkToken);
  // Plain useMutation: there is no session yet to end on a 401.
  const signup = useMutation({
    mutationFn: async ({ organisation, email, name, password }: SignupForm) => {
      await api.post('/signup', {
        organisation: organisation.trim(),
        email: email.trim(),
        password,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(mode === 'invite' && token ? { signupToken: token } : {}),
      });
      await api.post('/session', { email: email.trim(), password });
      await onSignedIn();
    },
    onError: (err) => {
      const at = fieldOf(err);
      if (at) setError(at, { type: 'server', message: (err as ApiError).message });
    },
  });
  const formError =
    signup.error && !fieldOf(signup.error) ? (signup.error instanceof Error ? signup.error.message : 'Sign up failed. Please try again.') : null;

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
      <form
        onSubmit={(ev) => {
          signup.reset();
          void handleSubmit((values) => signup.mutate(values))(ev);
        }}
        noValidate
        className="stack"
      >
        <Field label="Organisation name" autoComplete="organization" {...register('organisation')} error={errors.organisation?.message} />
        <Field label="E-mail" type="email" autoComplete="email" {...register('email')} error={errors.email?.message} />
        <Field
          label="Your name (optional)"
          type="text"
          autoComplete="name"
          maxLength={100}
          {...register('name')}
          help="Colleagues see it on Members and in the Audit log."
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          {...register('password')}
          error={errors.password?.message}
          help={`Minimum ${MIN_PASSWORD} characters.`}
        />
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={signup.isPending}>
          {signup.isPending ? 'Signing up…' : 'Sign up'}
        </button>
      </form>
      <p className="auth__switch">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
