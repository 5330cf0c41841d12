import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../../api.ts';
import type { FoundTicket } from '../../api.ts';
import { useApiCall } from '../../hooks/use-api.ts';
import { navigate } from '../../use-route.ts';
import { Field } from '../Field.tsx';
import { Link } from '../Link.tsx';

/**
 * "Find ticket #N": a number (123, #123, INC-123) looked up in the sync records of your connections, your
 * tickets and your partners' copies; one match opens its timeline, several are listed.
 */
export function FindTicketCard() {
  const call = useApiCall();
  const [number, setNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<{ number: string; matches: FoundTicket[] } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setFound(null);
    if (!number.trim()) {
      setError('Type a ticket number, e.g. 123, #123 or INC-123');
      return;
    }
    setBusy(true);
    const r = await call(() => api.get<{ number: string; matches: FoundTicket[] }>(`/tickets/find?number=${encodeURIComponent(number.trim())}`));
    setBusy(false);
    if (!r.ok) {
      if (r.error) setError(r.error.message);
      return;
    }
    if (r.data.matches.length === 1) navigate(r.data.matches[0]!.timelinePath);
    else setFound(r.data);
  }

  const whose = (m: FoundTicket) => (m.side === m.yourSide ? 'your ticket' : `${m.partnerName ?? 'the partner'}'s ticket`);
  return (
    <section className="card" aria-labelledby="find-ticket-title">
      <h2 id="find-ticket-title">Find a ticket</h2>
      <form className="stack" onSubmit={(e) => void submit(e)} role="search" aria-label="Find a ticket by its number">
        <Field
          label="Ticket number"
          value={number}
          maxLength={64}
          onChange={(e) => setNumber(e.target.value)}
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
