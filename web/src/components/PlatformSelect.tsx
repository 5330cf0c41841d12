import { useId } from 'react';

const COMING_SOON = ['ServiceNow', 'Jira Service Management', 'Zendesk', 'HaloPSA', 'Autotask', 'ConnectWise', 'ServiceDesk Plus', 'Freshdesk'];

interface Props {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}

export function PlatformSelect({ value, onChange, error }: Props) {
  const id = useId();
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>Platform</label>
      <select
        id={id}
        name="platform"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <option value="freshservice">Freshservice</option>
        {COMING_SOON.map((name) => (
          <option key={name} value={name.toLowerCase().replace(/\s+/g, '_')} disabled>
            {name} (coming soon)
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
