import { useId } from 'react';
import type { ReactNode } from 'react';

interface Props {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
}

/** An on/off switch: a real checkbox (role switch) with its label beside it. */
export function Toggle({ label, checked, onChange, help, error, disabled }: Props) {
  const id = useId();
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`toggle${error ? ' field--invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="toggle__input"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
      <div className="toggle__text">
        <label htmlFor={id}>{label}</label>
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
    </div>
  );
}
