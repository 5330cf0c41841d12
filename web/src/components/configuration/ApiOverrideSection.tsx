import type { ErrorAt } from '../../field-errors.ts';
import { Field } from '../Field.tsx';
import { Toggle } from '../Toggle.tsx';

export interface OverrideDraft {
  enabled: boolean;
  apiUrl: string;
  /** Typed key; empty keeps the saved one. */
  apiKey: string;
  /** Hint of the saved key, e.g. "••••a1b2". */
  apiKeyHint: string | null;
}

function masked(hint: string) {
  return /^[•*]/.test(hint) ? hint : `••••${hint}`;
}

/** A connection may use credentials other than the organisation's (Settings). */
export function ApiOverrideSection({ value, onChange, errorAt }: { value: OverrideDraft; onChange: (v: OverrideDraft) => void; errorAt: ErrorAt }) {
  const set = (patch: Partial<OverrideDraft>) => onChange({ ...value, ...patch });
  return (
    <section className="card" aria-labelledby="override-title">
      <div className="card__header">
        <h2 id="override-title">API override</h2>
        <p className="muted">By default this connection uses the platform account from Settings.</p>
      </div>
      <Toggle
        label="Use a different API account for this connection"
        checked={value.enabled}
        onChange={(enabled) => set({ enabled })}
        error={errorAt('apiOverride') && !errorAt('apiOverride.apiUrl') && !errorAt('apiOverride.apiKey') ? errorAt('apiOverride') : undefined}
      />
      {value.enabled ? (
        <div className="stack">
          <Field
            label="Override API URL"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            value={value.apiUrl}
            placeholder="https://yourcompany.freshservice.com"
            onChange={(e) => set({ apiUrl: e.target.value })}
            help="Your complete Freshservice URL. Do not add /api."
            error={errorAt('apiOverride.apiUrl')}
          />
          <Field
            label="Override API Key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value.apiKey}
            placeholder={value.apiKeyHint ? 'Leave blank to keep the saved key' : 'Paste the agent’s API key'}
            onChange={(e) => set({ apiKey: e.target.value })}
            error={errorAt('apiOverride.apiKey')}
            help={value.apiKeyHint ? `Saved key ${masked(value.apiKeyHint)}. Leave blank to keep it.` : 'The key is stored encrypted and never shown again.'}
          />
        </div>
      ) : null}
    </section>
  );
}
