import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api } from '../../api.ts';
import type { AcceptedConnection } from '../../api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../../hooks/form-options.ts';
import { ROLE_LABEL } from '../../labels.ts';
import { connectionPath } from '../../routes.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';

const acceptSchema = z.object({ verificationCode: z.string().trim().min(1, 'Enter the verification code your partner gave you.') });
type AcceptForm = z.infer<typeof acceptSchema>;

export function AcceptConnectionCard() {
  const { register, handleSubmit, setError, setValue, formState } = useForm<AcceptForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { verificationCode: '' },
    resolver: zodResolver(acceptSchema),
  });
  const accept = useApiMutation({
    mutationFn: (values: AcceptForm) => api.post<AcceptedConnection>('/connections/accept', { verificationCode: values.verificationCode.trim() }),
    onSuccess: () => setValue('verificationCode', ''),
    // invalid / expired / own code come with field "verificationCode"; too_many_attempts without one.
    onError: (e) => {
      if (e.field === 'verificationCode') setError('verificationCode', { type: 'server', message: e.message });
    },
    invalidates: ['/connections'],
  });
  const formError = accept.error && accept.error.field !== 'verificationCode' ? accept.error.message : null;
  const accepted = accept.data;

  return (
    <section className="card" aria-labelledby="accept-title">
      <div className="card__header">
        <h2 id="accept-title">Accept a connection</h2>
        <p className="muted">Your partner created a connection and gave you a verification code.</p>
      </div>
      <form
        onSubmit={(ev) => {
          accept.reset();
          void handleSubmit((values) => accept.mutate(values))(ev);
        }}
        noValidate
        className="stack"
      >
        <Field
          label="Verification code"
          autoComplete="off"
          spellCheck={false}
          className="input--code"
          {...register('verificationCode')}
          error={formState.errors.verificationCode?.message}
        />
        {formError ? (
          <p className="notice notice--error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={accept.isPending}>
            {accept.isPending ? 'Accepting…' : 'Accept'}
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
