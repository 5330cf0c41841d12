import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { api } from '../../api.ts';
import type { FoundTicket } from '../../api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { FORM_BEHAVIOUR } from '../../hooks/form-options.ts';
import { navigate } from '../../use-route.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';

const findSchema = z.object({ number: z.string().trim().min(1, 'Type a ticket number, e.g. 123, #123 or INC-123') });
type FindForm = z.infer<typeof findSchema>;

/**
 * "Find ticket #N": a number (123, #123, INC-123) looked up in the sync records of your connections, your
 * tickets and your partners' copies; one match opens its timeline, several are listed.
 */
export function FindTicketCard() {
  const { register, handleSubmit, formState } = useForm<FindForm>({ ...FORM_BEHAVIOUR, defaultValues: { number: '' }, resolver: zodResolver(findSchema) });
  // A look-up on demand (the answer is not kept as server state): one match opens its timeline.
  const lookup = useApiMutation({
    mutationFn: ({ number }: FindForm) => api.get<{ number: string; matches: FoundTicket[] }>(`/tickets/find?number=${encodeURIComponent(number.trim())}`),
    onSuccess: (r) => {
      if (r.matches.length === 1) navigate(r.matches[0]!.timelinePath);
    },
  });
  const busy = lookup.isPending;
  const error = formState.errors.number?.message ?? lookup.error?.message ?? null;
  const found = lookup.data && lookup.data.matches.length !== 1 ? lookup.data : null;

  const whose = (m: FoundTicket) => (m.side === m.yourSide ? 'your ticket' : `${m.partnerName ?? 'the partner'}'s ticket`);
  return (
    <section className="card" aria-labelledby="find-ticket-title">
      <h2 id="find-ticket-title">Find a ticket</h2>
      <form
        className="stack"
        onSubmit={(ev) => {
          lookup.reset();
          void handleSubmit((values) => lookup.mutate(values))(ev);
        }}
        role="search"
        aria-label="Find a ticket by its number"
      >
        <Field
          label="Ticket number"
          maxLength={64}
          {...register('number')}
          placeholder="#123 or INC-123"
          help="Yours or your partner's: opens its timeline in the connection it was synced in."
          error={error ?? undefined}
        />
        <button type="submit" className="btn" disabled={busy}>
          {busy ? 'Finding…' : 'Find'}
        </button>
      </form>
      {found ? (
        found.matches.length === 0 ? (
          <p className="empty" role="status">
            No ticket #{found.number} in the sync records of your connections.
          </p>
        ) : (
          <ul className="stack" aria-label={`Tickets numbered ${found.number}`}>
            {found.matches.map((m) => (
              <li key={`${m.connectionId}:${m.side}`}>
                <Link href={m.timelinePath}>
                  #{m.ticketId}, {whose(m)}
                </Link>{' '}
                <span className="muted">
                  in {m.contractName}
                  {m.linked ? ` (copy: #${m.side === 'source' ? m.targetTicketId : m.sourceTicketId})` : ' (not copied)'}
                </span>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
