import type { FieldDefinition, Role, SyncFilter } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { FilterEditor } from './FilterEditor.tsx';

interface Props {
  side: Role;
  value: SyncFilter;
  onChange: (value: SyncFilter) => void;
  fields: FieldDefinition[] | undefined;
  errorAt: ErrorAt;
}

export function FiltersSection({ side, value, onChange, fields, errorAt }: Props) {
  return (
    <section className="card" aria-labelledby="filters-title">
      <div className="card__header">
        <h2 id="filters-title">Sync filters</h2>
        <p className="muted">
          {side === 'source'
            ? 'Which of your tickets are sent to your partner. Leave everything empty to send all tickets.'
            : 'Which of your tickets take part in the sync. Leave everything empty to include all tickets.'}
        </p>
      </div>
      <FilterEditor value={value} onChange={onChange} fields={fields} path="configuration.filters" errorAt={errorAt} />
    </section>
  );
}
