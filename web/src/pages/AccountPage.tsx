import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { NameCard } from '../components/NameCard.tsx';

const MIN_PASSWORD = 10;

// One refinement for all three, so every problem is shown at once (zod skips object refinements after a field's issue).
const passwordSchema = z.object({ currentPassword: z.string(), newPassword: z.string(), confirm: z.string() }).superRefine((v, ctx) => {
  if (!v.currentPassword) ctx.addIssue({ code: 'custom', path: ['currentPassword'], message: 'Enter your current password.' });
  if (v.newPassword.length < MIN_PASSWORD) ctx.addIssue({ code: 'custom', path: ['newPassword'], message: `Use at least ${MIN_PASSWORD} characters.` });
  else if (v.confirm !== v.newPassword) ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'The two new passwords differ; type the same one twice.' });
});
type PasswordForm = z.infer<typeof passwordSchema>;

/** The signed-in user's own account: changing their password (the current one is asked for). */
export function AccountPage({ email }: { email: string }) {
  const { register, handleSubmit, setError, reset, formState } = useForm<PasswordForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { currentPassword: '', newPassword: '', confirm: '' },
    resolver: zodResolver(passwordSchema),
  });
  const errors = formState.errors;
  const change = useApiMutation({
    mutationFn: ({ currentPassword, newPassword }: PasswordForm) =>
      api.put<{ changed: boolean; otherSessionsEnded: number }>('/me/password', { currentPassword, newPassword }),
    onSuccess: () => reset(),
    onError: (e) => {
      if (e.field === 'currentPassword' || e.field === 'newPassword') setError(e.field, { type: 'server', message: e.message });
    },
  });
  const formError = change.error && change.error.field !== 'currentPassword' && change.error.field !== 'newPassword' ? change.error.message : null;
  const n = change.data?.otherSessionsEnded ?? 0;
  const done = change.data
    ? `Your password was changed.${n > 0 ? ` ${n === 1 ? 'One other session was' : `${n} other sessions were`} logged out.` : ''}`
    : null;

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
        <form
          onSubmit={(ev) => {
            change.reset();
            void handleSubmit((values) => change.mutate(values))(ev);
          }}
          noValidate
          className="stack"
        >
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            {...register('currentPassword')}
            error={errors.currentPassword?.message}
          />
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            {...register('newPassword')}
            error={errors.newPassword?.message}
            help={`Minimum ${MIN_PASSWORD} characters.`}
          />
          <Field label="New password again" type="password" autoComplete="new-password" {...register('confirm')} error={errors.confirm?.message} />
          {formError ? (
            <p className="notice notice--error" role="alert">
              {formError}
            </p>
          ) : null}
          <p role="status" className="actions__status">
            {done ? <span className="saved">✓ {done}</span> : null}
          </p>
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={change.isPending}>
              {change.isPending ? 'Changing…' : 'Change password'}
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
