import type { ReactNode } from 'react';
import type { Option } from './SelectField.tsx';

interface Props {
  legend: string;
  options: Option[];
  /** Selected option values. */
  value: string[];
  onChange: (value: string[]) => void;
  help?: ReactNode;
  error?: string | undefined;
}

/** A fieldset of checkboxes for picking several picklist values. */
export function CheckboxGroup({ legend, options, value, onChange, help, error }: Props) {
  const selected = new Set(value);
  const unknown = value.filter((v) => !options.some((o) => o.value === v));
  const all = [...options, ...unknown.map((v) => ({ value: v, label: `${v} (not offered by the platform)` }))];
  const toggle = (v: string, on: boolean) => onChange(on ? [...value, v] : value.filter((x) => x !== v));
  return (
    <fieldset className={`field checks${error ? ' field--invalid' : ''}`}>
      <legend>{legend}</legend>
      {help ? <p className="field__help">{help}</p> : null}
      <div className="checks__list">
        {all.map((o) => (
          <label key={o.value} className="checks__item">
            <input type="checkbox" checked={selected.has(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
