import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { api } from '../api.ts';
import type { Me } from '../api.ts';
import { useResource } from '../hooks/use-api.ts';
import { useApiMutation } from '../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../hooks/form-options.ts';
import { Field } from './Field.tsx';
import { LoadState } from './LoadState.tsx';

/** The signed-in person's display name, as colleagues see it on Members and in the Audit log. */
export function NameCard() {
  const me = useResource<Me>('/me');
  const saved = me.data?.user.name ?? '';
  // The server checks the name (its length); the form only sends it.
  const { register, handleSubmit, reset, watch } = useForm<{ displayName: string }>({ ...FORM_BEHAVIOUR, defaultValues: { displayName: saved } });
  useEffect(() => reset({ displayName: saved }), [saved, reset]);
  const name = watch('displayName');
  const [done, setDone] = useState(false);
  const save = useApiMutation({
    mutationFn: (values: { displayName: string }) => api.put<{ name: string | null }>('/me/name', { name: values.displayName.trim() }),
    onMutate: () => setDone(false),
    onSuccess: (r) => {
      reset({ displayName: r.name ?? '' });
      setDone(true);
    },
    invalidates: ['/me'],
  });

  return (
    <section className="card" aria-labelledby="name-title">
      <div className="card__header">
        <h2 id="name-title">Your name</h2>
        <p className="muted">Colleagues see it on Members and in the Audit log; without one they see your e-mail.</p>
      </div>
      {me.data ? (
        <form onSubmit={handleSubmit((values) => save.mutate(values))} noValidate className="stack">
          <Field
            label="Name"
            type="text"
            autoComplete="name"
            maxLength={100}
            {...register('displayName', { onChange: () => setDone(false) })}
            error={save.error?.message}
          />
          <p role="status" className="actions__status">
            {done ? <span className="saved">✓ {name.trim() ? 'Your name was saved.' : 'Your name was removed.'}</span> : null}
          </p>
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={save.isPending || name.trim() === saved}>
              {save.isPending ? 'Saving…' : 'Save name'}
            </button>
          </div>
        </form>
      ) : (
        <LoadState loading={me.loading} error={me.error} what="your account" onRetry={() => void me.reload()} />
      )}
    </section>
  );
}
