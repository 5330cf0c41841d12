import type { FieldDefinition } from '../../api.ts';
import { fromOption, optionsOf, toOption } from '../../picklists.ts';

interface Props {
  label: string;
  field: FieldDefinition | undefined;
  value: string | number;
  onChange: (v: string | number) => void;
  invalid?: boolean;
  /** The element that says more about the value (its status category). */
  describedBy?: string | undefined;
}

/** One picklist value: the field's live choices, or a text input when it has none. */
export function ValueSelect({ label, field, value, onChange, invalid, describedBy }: Props) {
  const options = optionsOf(field, 'value');
  if (!options)
    return (
      <input
        aria-label={label}
        value={toOption(value)}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        onChange={(e) => onChange(/^-?\d+$/.test(e.target.value.trim()) ? Number(e.target.value.trim()) : e.target.value)}
      />
    );
  const current = toOption(value);
  const known = current === '' || options.some((o) => o.value === current);
  return (
    <select
      aria-label={label}
      value={current}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onChange={(e) => onChange(fromOption(field, 'value', e.target.value) ?? '')}
    >
      {current === '' ? <option value="">Choose…</option> : null}
      {!known ? <option value={current}>{current} (not on the platform)</option> : null}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
