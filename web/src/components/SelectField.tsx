import { useId } from 'react';
import type { ReactNode, SelectHTMLAttributes } from 'react';

export interface Option {
  value: string;
  label: string;
}

interface Props extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'onChange' | 'value'> {
  label: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  /** Adds a first option with this text and the value "". */
  emptyLabel?: string;
  help?: ReactNode;
  error?: string | undefined;
}

/** Labelled select with optional help text and an error message under it (same look as Field). */
export function SelectField({ label, value, options, onChange, emptyLabel, help, error, ...select }: Props) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  // A saved value the platform no longer offers stays visible instead of silently changing.
  const known = value === '' || options.some((o) => o.value === value);
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...select}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {!known ? <option value={value}>{value} (not offered by the platform)</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {help ? (
        <p className="field__help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
