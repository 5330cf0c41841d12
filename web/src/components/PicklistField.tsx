import type { ReactNode } from 'react';
import type { FieldDefinition } from '../api.ts';
import { fromOption, optionsOf, toOption } from '../picklists.ts';
import type { ValueMode } from '../picklists.ts';
import { Field } from './Field.tsx';
import { SelectField } from './SelectField.tsx';

interface Props {
  label: string;
  /** The platform's field; without choices the value is typed instead. */
  field: FieldDefinition | undefined;
  mode: ValueMode;
  value: string | number | null;
  onChange: (value: string | number | null) => void;
  emptyLabel?: string;
  help?: ReactNode;
  error?: string | undefined;
  placeholder?: string;
}

/** A select of the platform's live choices, or a text input when the platform offers none. */
export function PicklistField({ label, field, mode, value, onChange, emptyLabel = '— Not set —', help, error, placeholder }: Props) {
  const options = optionsOf(field, mode);
  if (options)
    return (
      <SelectField
        label={label}
        value={toOption(value)}
        options={options}
        emptyLabel={emptyLabel}
        onChange={(v) => onChange(fromOption(field, mode, v))}
        help={help}
        error={error}
      />
    );
  return (
    <Field
      label={label}
      value={toOption(value)}
      placeholder={placeholder ?? 'Not set'}
      help={help}
      error={error}
      autoComplete="off"
      onChange={(e) => {
        const t = e.target.value;
        // Picklist values are usually numeric ids; keep numbers as numbers.
        onChange(t.trim() === '' ? null : mode === 'value' && /^-?\d+$/.test(t.trim()) ? Number(t.trim()) : t);
      }}
    />
  );
}
