import type { ErrorAt } from '../../field-errors.ts';
import type { PlatformInfo } from '../../platforms.ts';
import { Field } from '../Field.tsx';

/**
 * The platform's per-side settings (its manifest's sideSettings: a project, a board...). Left blank, a
 * setting the account offers exactly one value for is used without asking; otherwise the first sync says
 * which one to fill in. Platforms without such settings show nothing.
 */
export function SideSettingsSection({
  platform,
  value,
  onChange,
  errorAt,
}: {
  platform: PlatformInfo | undefined;
  value: Record<string, string> | undefined;
  onChange: (v: Record<string, string> | undefined) => void;
  errorAt: ErrorAt;
}) {
  const settings = platform?.sideSettings ?? [];
  if (!settings.length) return null;
  const set = (name: string, v: string) => {
    const next = { ...value };
    if (v === '') delete next[name];
    else next[name] = v;
    onChange(Object.keys(next).length ? next : undefined);
  };
  return (
    <section className="card" aria-labelledby="side-settings-title">
      <div className="card__header">
        <h2 id="side-settings-title">{platform?.name} settings</h2>
        <p className="muted">Where this connection&apos;s tickets live in your account. Leave a setting blank when your account has only one choice.</p>
      </div>
      <div className="stack">
        {settings.map((s, i) => (
          <Field
            key={s.name ?? i}
            label={s.label ?? s.name ?? ''}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={(s.name && value?.[s.name]) || ''}
            onChange={(e) => s.name && set(s.name, e.target.value)}
            help={s.help || undefined}
            error={s.name ? errorAt(`configuration.sideSettings.${s.name}`) : undefined}
          />
        ))}
      </div>
    </section>
  );
}
