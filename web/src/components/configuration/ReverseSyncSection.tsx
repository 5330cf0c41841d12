import type { FieldDefinition, SideConfiguration } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { Toggle } from '../Toggle.tsx';
import { FilterEditor } from './FilterEditor.tsx';

type Reverse = SideConfiguration['reverseSync'];

/** Target side only: tickets created on the target flow back to the source. */
export function ReverseSyncSection({ value, onChange, fields, errorAt }: {
  value: Reverse; onChange: (v: Reverse) => void; fields: FieldDefinition[] | undefined; errorAt: ErrorAt;
}) {
  return (
    <section className="card" aria-labelledby="reverse-title">
      <div className="card__header">
        <h2 id="reverse-title">Reverse sync</h2>
        <p className="muted">Send tickets created on your platform back to the source organisation.</p>
      </div>
      <Toggle label="Send tickets created here to the source" checked={value.enabled}
        onChange={(enabled) => onChange({ ...value, enabled })} error={errorAt('configuration.reverseSync.enabled')} />
      {value.enabled ? (
        <div className="subsection">
          <h3>Reverse sync filter</h3>
          <FilterEditor value={value.filters} onChange={(filters) => onChange({ ...value, filters })} fields={fields}
            path="configuration.reverseSync.filters" errorAt={errorAt} />
        </div>
      ) : null}
    </section>
  );
}
