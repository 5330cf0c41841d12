import type { ChangeProposal, FieldDefinition, SideConfiguration } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { Toggle } from '../Toggle.tsx';
import { FilterEditor } from './FilterEditor.tsx';

type Reverse = SideConfiguration['reverseSync'];

/** Target side only: tickets created on the target flow back to the source. */
export function ReverseSyncSection({
  value,
  onChange,
  fields,
  errorAt,
  applied,
  pending = null,
}: {
  value: Reverse;
  onChange: (v: Reverse) => void;
  fields: FieldDefinition[] | undefined;
  errorAt: ErrorAt;
  /** Whether reverse sync is on now (the form may show a proposed setting). */
  applied?: boolean;
  pending?: ChangeProposal | null;
}) {
  return (
    <section className="card" aria-labelledby="reverse-title">
      <div className="card__header">
        <h2 id="reverse-title">Reverse sync</h2>
        <p className="muted">
          Send tickets created on your platform back to the source organisation. It writes into their platform, so switching it on or widening its filter takes
          effect only once their admin approves it.
        </p>
      </div>
      {applied !== undefined ? (
        <p className="muted">
          Now: reverse sync is <strong className="text">{applied ? 'on' : 'off'}</strong>.
        </p>
      ) : null}
      {pending ? (
        <p className="notice notice--info">
          A change proposed by {pending.proposedBy.email} on {formatDateTime(pending.proposedAt)} is waiting for an admin of{' '}
          {pending.awaiting.organisation.name} (see Pending changes).
        </p>
      ) : null}
      <Toggle
        label="Send tickets created here to the source"
        checked={value.enabled}
        onChange={(enabled) => onChange({ ...value, enabled })}
        error={errorAt('configuration.reverseSync.enabled')}
      />
      {value.enabled ? (
        <div className="subsection">
          <h3>Reverse sync filter</h3>
          <FilterEditor
            value={value.filters}
            onChange={(filters) => onChange({ ...value, filters })}
            fields={fields}
            path="configuration.reverseSync.filters"
            errorAt={errorAt}
          />
        </div>
      ) : null}
    </section>
  );
}
