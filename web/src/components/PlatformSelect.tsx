import { useId } from 'react';
import type { ChangeEventHandler, FocusEventHandler, Ref } from 'react';
import type { PlatformInfo } from '../platforms.ts';

interface Props {
  platforms: PlatformInfo[];
  name: string;
  value?: string;
  onChange: ChangeEventHandler<HTMLSelectElement>;
  onBlur?: FocusEventHandler<HTMLSelectElement>;
  ref?: Ref<HTMLSelectElement>;
  error?: string | undefined;
}

/** The platforms this server lists (GET /platforms): the available ones to choose, the others as coming soon. */
export function PlatformSelect({ platforms, error, ...select }: Props) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>Platform</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...select}>
        {platforms.map((p) => (
          <option key={p.id} value={p.id} disabled={!p.available}>
            {p.available ? p.name : `${p.name} (coming soon)`}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
