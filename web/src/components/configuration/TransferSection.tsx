import type { SideConfiguration } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { Toggle } from '../Toggle.tsx';

type Props = {
  attachments: boolean;
  closures: boolean;
  onChange: (patch: Partial<Pick<SideConfiguration, 'attachments' | 'closures'>>) => void;
  errorAt: ErrorAt;
};

export function TransferSection({ attachments, closures, onChange, errorAt }: Props) {
  return (
    <section className="card" aria-labelledby="transfer-title">
      <div className="card__header">
        <h2 id="transfer-title">Attachments and closures</h2>
      </div>
      <div className="stack">
        <Toggle label="Sync attachments" checked={attachments} onChange={(enabled) => onChange({ attachments: { enabled } })}
          help="Files on tickets and comments are copied across." error={errorAt('configuration.attachments')} />
        <Toggle label="Sync closures" checked={closures} onChange={(enabled) => onChange({ closures: { enabled } })}
          help="Closing a ticket closes the linked ticket on the other side." error={errorAt('configuration.closures')} />
      </div>
    </section>
  );
}
