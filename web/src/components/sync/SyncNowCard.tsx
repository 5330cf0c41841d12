import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { api } from '../../api.ts';
import type { Connection } from '../../api.ts';
import { localDateDaysAgo, todayLocalDate } from '../../format.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../../hooks/form-options.ts';
import { syncRunPath } from '../../routes.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';
import { EditableBy } from '../EditableBy.tsx';
import { localMidnight, startDateSchema } from './start-date.ts';
import type { StartDateForm } from './start-date.ts';

const syncNowSchema = startDateSchema('Choose the date from which tickets are synced.');

/** Manual sync: once, now, from a chosen start date (product.md §6). */
export function SyncNowCard({ connection }: { connection: Connection }) {
  const { register, handleSubmit, setError, formState } = useForm<StartDateForm>({
    ...FORM_BEHAVIOUR,
    defaultValues: { since: localDateDaysAgo(7) },
    resolver: zodResolver(syncNowSchema),
  });
  const active = connection.status === 'active';
  const start = useApiMutation({
    mutationFn: (values: StartDateForm) =>
      api.post<{ id: string; status: string }>(`/connections/${encodeURIComponent(connection.id)}/sync-runs`, { since: localMidnight(values.since) }),
    onError: (e) => {
      if (e.field === 'since') setError('since', { type: 'server', message: e.message });
    },
    // The connection's state and its runs list change with the new run.
    invalidates: [`/connections/${encodeURIComponent(connection.id)}`, `/sync-runs?connection=${encodeURIComponent(connection.id)}`],
  });
  const busy = start.error?.status === 409 && start.error.code === 'sync_in_progress';
  const formError = start.error && !busy && start.error.field !== 'since' ? start.error.message : null;

  return (
    <section className="card" aria-labelledby="sync-now-title">
      <div className="card__header">
        <h2 id="sync-now-title">Sync now</h2>
        <p className="muted">
          {connection.syncState === 'initial_sync_required'
            ? 'Run the first manual sync: it is the baseline, after which the connection is ready for automatic sync.'
            : 'Runs once, now, for tickets created or changed since the start date. Linked tickets are updated, never copied twice.'}
        </p>
      </div>
      <EditableBy least="member">
        <form
          onSubmit={(ev) => {
            start.reset();
            void handleSubmit((values) => start.mutate(values))(ev);
          }}
          noValidate
          className="sync-now"
        >
          <Field
            label="Start date"
            type="date"
            max={todayLocalDate()}
            {...register('since')}
            error={formState.errors.since?.message}
            help="Tickets created or changed on or after this date."
          />
          <button
            type="submit"
            className="btn btn--primary"
            disabled={start.isPending || !active}
            title={active ? undefined : 'The connection is not active yet'}
          >
            {start.isPending ? 'Starting…' : 'Sync now'}
          </button>
        </form>
      </EditableBy>
      {start.data ? (
        <p className="notice notice--ok" role="status">
          Sync started. <Link href={syncRunPath(start.data.id)}>Follow it in Sync history</Link>
        </p>
      ) : null}
      {busy ? (
        <p className="notice notice--warn" role="alert">
          A sync of this connection is already running. Wait for it to finish, then start another.{' '}
          <Link href={`/sync?connection=${encodeURIComponent(connection.id)}`}>See the running sync</Link>
        </p>
      ) : null}
      {formError ? (
        <p className="notice notice--error" role="alert">
          {formError}
        </p>
      ) : null}
    </section>
  );
}
