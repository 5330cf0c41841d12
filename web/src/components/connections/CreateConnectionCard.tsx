import { Controller, useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api } from '../../api.ts';
import type { CreatedConnection, PlatformConfig, Role } from '../../api.ts';
import { useResource } from '../../hooks/use-api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../../hooks/form-options.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';
import { RoleChoice } from './RoleChoice.tsx';

const createSchema = z.object({
  role: z.enum(['source', 'target']),
  contractName: z.string().trim().min(1, 'Give the connection a contract name, for example “Acme IT support 2026”.'),
});
type CreateForm = z.infer<typeof createSchema>;

/** The code of a new connection is shown by the page, full width (see VerificationCodePanel). */
export function CreateConnectionCard({ onCreated }: { onCreated: (created: CreatedConnection) => void }) {
  const { register, control, handleSubmit, setError, setValue, formState } = useForm<CreateForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { role: 'source' as Role, contractName: '' },
    resolver: zodResolver(createSchema),
  });
  // The server refuses a connection before the platform is saved (409 platform_not_configured): say so first.
  const platform = useResource<PlatformConfig>('/platform');
  const unsaved = platform.data?.platform === null;

  const create = useApiMutation({
    mutationFn: (values: CreateForm) => api.post<CreatedConnection>('/connections', { role: values.role, contractName: values.contractName.trim() }),
    onSuccess: (created) => {
      setValue('contractName', '');
      onCreated(created);
    },
    onError: (e) => {
      if (e.field === 'contractName') setError('contractName', { type: 'server', message: e.message });
    },
    invalidates: ['/connections'],
  });
  const formError = create.error && create.error.field !== 'contractName' ? create.error.message : null;

  return (
    <section className="card" aria-labelledby="create-title">
      <div className="card__header">
        <h2 id="create-title">Create a connection</h2>
        <p className="muted">Pair with a partner organisation. You get a verification code to hand to them.</p>
      </div>
      {unsaved ? (
        <p className="notice notice--info" data-testid="platform-first">
          Save your platform settings first: a connection syncs through your own helpdesk. <Link href="/settings">Go to Settings</Link> to enter the API URL and
          API key and click Save Configuration.
        </p>
      ) : (
        <form
          onSubmit={(ev) => {
            create.reset();
            void handleSubmit((values) => create.mutate(values))(ev);
          }}
          noValidate
          className="stack"
        >
          <Controller control={control} name="role" render={({ field }) => <RoleChoice value={field.value} onChange={field.onChange} />} />
          <Field
            label="Contract name"
            autoComplete="off"
            maxLength={200}
            {...register('contractName')}
            error={formState.errors.contractName?.message}
            help="Both organisations see this name, e.g. the support contract it belongs to."
          />
          {formError ? (
            <p className="notice notice--error" role="alert">
              {formError}
            </p>
          ) : null}
          <div className="actions">
            <button type="submit" className="btn btn--primary" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create connection'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
