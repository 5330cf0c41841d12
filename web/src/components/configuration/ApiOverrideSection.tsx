import { Controller, useFormContext } from 'react-hook-form';
import type { ErrorAt } from '../../field-errors.ts';
import { apiUrlFieldOf, credentialFieldsOf, platformName, savedSecretHelp, speaksCredentials } from '../../platforms.ts';
import type { PlatformInfo } from '../../platforms.ts';
import { Field } from '../Field.tsx';
import { Toggle } from '../Toggle.tsx';

export interface OverrideDraft {
  enabled: boolean;
  apiUrl: string;
  /** Typed values by credential field; an empty secret keeps the saved one. */
  credentials: Record<string, string>;
  /** Hints of the saved secrets by field, e.g. { apiKey: "••••a1b2" }. */
  hints: Record<string, string>;
}

type SavedOverride = { apiUrl: string; apiKeyHint?: string | null; credentials?: Record<string, string | null> | null } | null;

/** The draft of a saved override: v2 `credentials` (values and `<secret>Hint`), or v1 `apiKeyHint`. */
export function overrideDraft(o: SavedOverride): OverrideDraft {
  const hints: Record<string, string> = {};
  const credentials: Record<string, string> = {};
  if (o?.apiKeyHint) hints.apiKey = o.apiKeyHint;
  for (const [k, v] of Object.entries(o?.credentials ?? {})) {
    if (typeof v !== 'string') continue;
    if (k.endsWith('Hint')) hints[k.slice(0, -'Hint'.length)] = v;
    else credentials[k] = v;
  }
  return { enabled: o !== null, apiUrl: o?.apiUrl ?? '', credentials, hints };
}

/**
 * The draft as it is saved: a credential typed and erased again is no change (an empty input registers as '',
 * a field never shown has no value at all).
 */
export function overrideAsSaved(value: OverrideDraft): OverrideDraft {
  return { ...value, credentials: Object.fromEntries(Object.entries(value.credentials).filter(([, v]) => v !== '')) };
}

/** PUT .../configuration's `apiOverride`: null when off; typed values only (blank secrets keep the saved ones). */
export function overrideBody(value: OverrideDraft, platform: PlatformInfo | undefined) {
  if (!value.enabled) return null;
  const typed = Object.fromEntries(
    credentialFieldsOf(platform)
      .map((f) => [f.name, (value.credentials[f.name] ?? '').trim()] as const)
      .filter(([, v]) => v !== ''),
  );
  if (speaksCredentials(platform)) return { apiUrl: value.apiUrl.trim(), credentials: typed };
  return { apiUrl: value.apiUrl.trim(), ...(typed.apiKey ? { apiKey: typed.apiKey } : {}) };
}

/** The part of a form this section edits (the configuration form holds it beside the configuration). */
export interface WithOverride {
  apiOverride: OverrideDraft;
}

/**
 * A connection may use another account of the organisation's platform (Settings); its fields are the platform's.
 * Edits the `apiOverride` values of the surrounding react-hook-form (FormProvider).
 */
export function ApiOverrideSection({ errorAt, platform }: { errorAt: ErrorAt; platform: PlatformInfo | undefined }) {
  const { register, control, watch } = useFormContext<WithOverride>();
  const enabled = watch('apiOverride.enabled');
  const hints = watch('apiOverride.hints');
  const url = apiUrlFieldOf(platform);
  const fields = credentialFieldsOf(platform);
  const fieldError = (name: string) => errorAt(`apiOverride.credentials.${name}`) ?? errorAt(`apiOverride.${name}`);
  const anyFieldError = !!errorAt('apiOverride.apiUrl') || fields.some((f) => fieldError(f.name));
  return (
    <section className="card" aria-labelledby="override-title">
      <div className="card__header">
        <h2 id="override-title">API override</h2>
        <p className="muted">By default this connection uses the platform account from Settings.</p>
      </div>
      <Controller
        control={control}
        name="apiOverride.enabled"
        render={({ field }) => (
          <Toggle
            label="Use a different API account for this connection"
            checked={field.value}
            onChange={field.onChange}
            error={errorAt('apiOverride') && !anyFieldError ? errorAt('apiOverride') : undefined}
          />
        )}
      />
      {enabled ? (
        <div className="stack">
          <Field
            label={`Override ${url.label}`}
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder={url.example || undefined}
            {...register('apiOverride.apiUrl')}
            help={url.help || `The ${platformName(platform)} address of the other account.`}
            error={errorAt('apiOverride.apiUrl')}
          />
          {fields.map((f) => {
            const hint = f.secret ? hints[f.name] : undefined;
            return (
              <Field
                key={f.name}
                label={`Override ${f.label}`}
                type={f.secret ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                placeholder={hint ? `Leave blank to keep the saved ${f.label}` : f.example}
                {...register(`apiOverride.credentials.${f.name}`)}
                error={fieldError(f.name)}
                help={hint ? savedSecretHelp(f, hint) : f.secret ? 'Stored encrypted and never shown again.' : f.help || undefined}
              />
            );
          })}
        </div>
      ) : null}
    </section>
  );
}
