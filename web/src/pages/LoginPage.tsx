import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { useSignupMode } from './SignupPage.tsx';

const MISSING = 'Enter your e-mail and password.';
const loginSchema = z.object({ email: z.string().trim().min(1, MISSING), password: z.string().min(1, MISSING) });
type LoginForm = z.infer<typeof loginSchema>;

export function LoginPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { register, handleSubmit, formState } = useForm<LoginForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { email: '', password: '' },
    resolver: zodResolver(loginSchema),
  });
  const signupMode = useSignupMode();
  // Plain useMutation: a 401 here is a wrong password, not a session that ended.
  const login = useMutation({
    mutationFn: async ({ email, password }: LoginForm) => {
      await api.post('/session', { email: email.trim(), password });
      await onSignedIn();
    },
  });
  const loginError = login.error ? (login.error instanceof Error ? login.error.message : 'Log in failed. Please try again.') : null;
  // Both fields say the same: one notice.
  const error = formState.errors.email?.message ?? formState.errors.password?.message ?? loginError;

  return (
    <AuthLayout title="Log in" subtitle="Welcome back to Support Fusion.">
      <form
        onSubmit={(ev) => {
          login.reset();
          void handleSubmit((values) => login.mutate(values))(ev);
        }}
        noValidate
        className="stack"
      >
        <Field label="E-mail" type="email" autoComplete="email" {...register('email')} />
        <Field label="Password" type="password" autoComplete="current-password" {...register('password')} />
        {error ? (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={login.isPending}>
          {login.isPending ? 'Logging in…' : 'Log in'}
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
