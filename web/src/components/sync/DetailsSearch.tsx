import type { Outcome, SyncRunDetail } from '../../api.ts';
import { OUTCOME } from '../../labels.ts';
import { SelectField } from '../SelectField.tsx';
import '../dashboard/dashboard.css';

export interface DetailsQuery {
  text: string;
  outcome: Outcome | '';
}

/** Rows matching every word: a ticket number (either side, with or without #, exactly), or text of the subject, outcome or error; and the outcome. */
export function filterDetails(details: SyncRunDetail[], q: DetailsQuery): SyncRunDetail[] {
  const words = q.text.trim().toLowerCase().replace(/#/g, '').split(/\s+/).filter(Boolean);
  return details.filter((d) => {
    if (q.outcome && d.outcome !== q.outcome) return false;
    if (words.length === 0) return true;
    const text = [d.subject ?? '', OUTCOME[d.outcome]?.label ?? d.outcome, d.error ?? ''].join(' ').toLowerCase();
    // A number is a ticket: #12 finds ticket 12 on either side, not 112 or 120 (or the number as a word of the error).
    return words.every((w) => (/^\d+$/.test(w) ? d.sourceTicketId === w || d.targetTicketId === w || new RegExp(`\\b${w}\\b`).test(text) : text.includes(w)));
  });
}

/** Search box and outcome filter above a run's ticket rows. */
export function DetailsSearch({ value, onChange, total, shown }: { value: DetailsQuery; onChange: (q: DetailsQuery) => void; total: number; shown: number }) {
  return (
    <div className="filters" role="search" aria-label="Search the tickets of this run">
      <div className="field">
        <label htmlFor="details-search">Search tickets</label>
        <input
          id="details-search"
          type="search"
          value={value.text}
          placeholder="Ticket number, subject or error text"
          aria-describedby="details-search-count"
          onChange={(e) => onChange({ ...value, text: e.target.value })}
        />
      </div>
      <SelectField
        label="Outcome"
        value={value.outcome}
        emptyLabel="Any outcome"
        options={(Object.keys(OUTCOME) as Outcome[]).map((o) => ({ value: o, label: OUTCOME[o].label }))}
        onChange={(outcome) => onChange({ ...value, outcome: outcome as Outcome | '' })}
      />
      <p id="details-search-count" className="muted details-search__count" role="status">
        {shown === total ? `${total} ${total === 1 ? 'ticket' : 'tickets'}` : `Showing ${shown} of ${total} tickets`}
      </p>
    </div>
  );
}
