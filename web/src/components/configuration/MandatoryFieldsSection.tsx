import { mandatoryFields, type MandatoryField } from '../../../../src/core/mandatory-fields.ts';
import type { FieldDefinition, MappingsResponse, Role, SideConfiguration } from '../../api.ts';
import type { ErrorAt } from '../../field-errors.ts';
import { useResource } from '../../hooks/use-api.ts';
import { Field } from '../Field.tsx';
import { PicklistField } from '../PicklistField.tsx';
import { SelectField } from '../SelectField.tsx';

type Defaults = SideConfiguration['defaults'];
type Value = string | number | boolean;

interface Props {
  side: Role;
  value: Defaults;
  onChange: (value: Defaults) => void;
  fields: FieldDefinition[] | undefined;
  /** GET path of the connection's mappings: a mapping into this side fills a field too. */
  mappingsPath: string;
  errorAt: ErrorAt;
}

const BOOLEAN_OPTIONS = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/**
 * The fields this side's platform makes mandatory, and what fills each on the tickets Support Fusion
 * creates here: a default (set here, or among the defaults above) or a field mapping. A field with
 * neither makes every copy fail, so it is shown as a warning before the first sync finds out.
 */
export function MandatoryFieldsSection({ side, value, onChange, fields, mappingsPath, errorAt }: Props) {
  const mappings = useResource<MappingsResponse>(mappingsPath);
  if (!fields) return null;
  const rows = mandatoryFields(fields, side, value, mappings.data?.mappings ?? null);
  const unfilled = rows.filter((r) => r.unfilled);
  const setDefault = (name: string, v: Value | null) => {
    const { [name]: _old, ...rest } = value.fields ?? {};
    onChange({ ...value, fields: v === null || v === '' ? rest : { ...rest, [name]: v } });
  };
  return (
    <section className="card" aria-labelledby="mandatory-title">
      <div className="card__header">
        <h2 id="mandatory-title">Mandatory fields on your platform</h2>
        <p className="muted">
          Your platform refuses tickets without these fields. Tickets Support Fusion creates here take their value from a field mapping or, when the mapping
          gives none, from the default you set. A copy with neither fails with “set a default for …” before anything is written.
        </p>
      </div>
      {unfilled.length > 0 ? (
        <p className="notice notice--warn" role="status">
          {unfilled.length === 1 ? '1 mandatory field has' : `${unfilled.length} mandatory fields have`} no default and no mapping:{' '}
          {unfilled.map((r) => r.field.label).join(', ')}. Tickets from your partner cannot be created here until you set a default below (or map a field to{' '}
          {unfilled.length === 1 ? 'it' : 'them'} in Field mappings).
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="empty">Your platform makes no field mandatory beyond those every ticket has (subject, description, requester, status, priority).</p>
      ) : (
        <table className="table table--stack">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Required</th>
              <th scope="col">Filled by</th>
              <th scope="col">Default</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field.name}>
                <th scope="row" data-label="Field">
                  {r.field.label}
                </th>
                <td data-label="Required">{[r.onCreate ? 'On new tickets' : null, r.onClose ? 'Before closing' : null].filter(Boolean).join(', ')}</td>
                <td data-label="Filled by">
                  <FilledBy row={r} />
                </td>
                <td data-label="Default">
                  {r.defaultKey ? (
                    <span className="muted">Set under Defaults for created tickets</span>
                  ) : (
                    <DefaultInput
                      field={r.field}
                      value={value.fields?.[r.field.name] ?? null}
                      onChange={(v) => setDefault(r.field.name, v)}
                      error={errorAt(`configuration.defaults.fields.${r.field.name}`)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FilledBy({ row }: { row: MandatoryField }) {
  const parts = [];
  if (row.defaultValue !== null)
    parts.push(
      <span key="d" className="badge badge--ok">
        Default
      </span>,
    );
  if (row.mappedIn.length > 0)
    parts.push(
      <span key="m" className="badge badge--info">
        Mapping ({row.mappedIn.join(', ')})
      </span>,
    );
  if (row.unfilled)
    parts.push(
      <span key="w" className="badge badge--warn">
        Nothing: copies fail
      </span>,
    );
  else if (parts.length === 0)
    parts.push(
      <span key="c" className="badge badge--neutral">
        Nothing yet: closing a copy fails
      </span>,
    );
  return <>{parts}</>;
}

function DefaultInput({
  field,
  value,
  onChange,
  error,
}: {
  field: FieldDefinition;
  value: Value | null;
  onChange: (v: Value | null) => void;
  error: string | undefined;
}) {
  const label = `Default for ${field.label}`;
  if (field.kind === 'boolean')
    return (
      <SelectField
        label={label}
        value={value === null ? '' : String(value)}
        options={BOOLEAN_OPTIONS}
        emptyLabel="— Not set —"
        onChange={(v) => onChange(v === '' ? null : v === 'true')}
        error={error}
      />
    );
  if (field.choices.length > 0)
    return (
      <PicklistField label={label} field={field} mode="value" value={typeof value === 'boolean' ? String(value) : value} onChange={onChange} error={error} />
    );
  return (
    <Field
      label={label}
      value={value === null ? '' : String(value)}
      autoComplete="off"
      placeholder="Not set"
      error={error}
      type={field.kind === 'date' ? 'date' : 'text'}
      inputMode={field.kind === 'number' ? 'numeric' : undefined}
      onChange={(e) => {
        const t = e.target.value;
        onChange(t.trim() === '' ? null : field.kind === 'number' && /^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t.trim()) : t);
      }}
    />
  );
}
