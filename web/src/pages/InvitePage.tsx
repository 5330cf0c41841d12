import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api, ApiError } from '../api.ts';
import type { InvitationPreview } from '../api.ts';
import { AuthLayout } from '../components/AuthLayout.tsx';
import { Field } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { formatDateTime } from '../format.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { apiKey } from '../query-client.ts';
import { ROLE_HELP, ROLE_NAMES } from '../permissions.ts';

const joinSchema = z.object({
  email: z.string().trim().min(1, 'Enter your e-mail address.'),
  name: z.string(),
  password: z.string().min(10, 'Choose a password of at least 10 characters.'),
});
type JoinForm = z.infer<typeof joinSchema>;

/** /invite/:token — join an organisation with a one-time link (no session needed). */
export function InvitePage({ token, onSignedIn }: { token: string; onSignedIn: () => Promise<void> }) {
  const queryClient = useQueryClient();
  const key = apiKey(`/invitations/${encodeURIComponent(token)}/preview`);
  // Plain TanStack Query: there is no session here, so a 401 means nothing to end.
  const query = useQuery({ queryKey: key, queryFn: () => api.get<InvitationPreview | null>(`/invitations/${encodeURIComponent(token)}/preview`) });
  const gone = query.error instanceof ApiError && query.error.status === 404;
  // Null: used, revoked or expired (also when joining finds it so).
  const preview = gone ? null : query.data;
  const loadError = query.error && !gone ? (query.error instanceof Error ? query.error.message : 'Could not load the invitation.') : null;

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
  return <JoinForm token={token} preview={preview} onSignedIn={onSignedIn} onGone={() => queryClient.setQueryData(key, null)} />;
}

function JoinForm({ token, preview, onSignedIn, onGone }: { token: string; preview: InvitationPreview; onSignedIn: () => Promise<void>; onGone: () => void }) {
  const { register, handleSubmit, setError, formState } = useForm<JoinForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { email: preview.email ?? '', name: '', password: '' },
    resolver: zodResolver(joinSchema),
  });
  const errors = formState.errors;
  const join = useMutation({
    mutationFn: async ({ email, name, password }: JoinForm) => {
      await api.post(`/invitations/${encodeURIComponent(token)}/accept`, { email: email.trim(), password, ...(name.trim() ? { name: name.trim() } : {}) });
      await onSignedIn();
    },
    onError: (err) => {
      if (err instanceof ApiError && (err.field === 'email' || err.field === 'password')) setError(err.field, { type: 'server', message: err.message });
      else if (err instanceof ApiError && err.status === 404) onGone();
    },
  });
  const e = join.error;
  const formError =
    e && !(e instanceof ApiError && (e.field === 'email' || e.field === 'password' || e.status === 404))
      ? e instanceof Error
        ? e.message
        : 'Joining failed. Please try again.'
      : null;
  return (
    <AuthLayout
      title={`Join ${preview.organisation.name}`}
      subtitle={`You are invited as ${ROLE_NAMES[preview.role].toLowerCase()}: ${ROLE_HELP[preview.role]}`}
    >
      <form
        onSubmit={(ev) => {
          join.reset();
          void handleSubmit((values) => join.mutate(values))(ev);
        }}
        noValidate
        className="stack"
      >
        <Field
          label="E-mail"
          type="email"
          autoComplete="email"
          readOnly={preview.email !== null}
          {...register('email')}
          error={errors.email?.message}
          help={preview.email ? 'This invitation is for this address.' : undefined}
        />
        <Field label="Your name (optional)" type="text" autoComplete="name" {...register('name')} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          {...register('password')}
          error={errors.password?.message}
          help="At least 10 characters."
        />
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--block" disabled={join.isPending}>
          {join.isPending ? 'Joining…' : `Join ${preview.organisation.name}`}
        </button>
        <p className="muted">The link expires on {formatDateTime(preview.expiresAt)} and works once.</p>
      </form>
      <p className="auth__switch">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </AuthLayout>
  );
}
