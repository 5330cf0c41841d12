import type { SideConfiguration } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { Toggle } from '../Toggle.tsx';

type Props = {
  attachments: boolean;
  closures: boolean;
  /** Copies at the partner carry a link to your ticket (absent in older documents = on). */
  shareLinks?: boolean;
  onChange: (patch: Partial<Pick<SideConfiguration, 'attachments' | 'closures' | 'ticketLinks'>>) => void;
  errorAt: ErrorAt;
};

export function TransferSection({ attachments, closures, shareLinks = true, onChange, errorAt }: Props) {
  return (
    <section className="card" aria-labelledby="transfer-title">
      <div className="card__header">
        <h2 id="transfer-title">Attachments and closures</h2>
      </div>
      <div className="stack">
        <Toggle
          label="Sync attachments"
          checked={attachments}
          onChange={(enabled) => onChange({ attachments: { enabled } })}
          help="Files on tickets and comments are copied across."
          error={errorAt('configuration.attachments')}
        />
        <Toggle
          label="Sync closures"
          checked={closures}
          onChange={(enabled) => onChange({ closures: { enabled } })}
          help="Closing a ticket closes the linked ticket on the other side."
          error={errorAt('configuration.closures')}
        />
        <Toggle
          label="Share links to my tickets"
          checked={shareLinks}
          onChange={(share) => onChange({ ticketLinks: { share } })}
          help="Copies at your partner name your ticket's number and, with this on, link to it. The link contains your helpdesk's address (your platform's domain); switch it off to send the number only."
          error={errorAt('configuration.ticketLinks')}
        />
      </div>
    </section>
  );
}
